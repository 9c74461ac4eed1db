"""Morse clusters (rho = 6): hamopt against basin-hopping and the other peers.

    python benchmarks/morse_clusters.py [--sizes 5-13 | 14-30:2] [--starts 10] [--budget 10000] [--seed 0]
    python benchmarks/morse_clusters.py --potential lj ...   (Lennard-Jones clusters)

Each method from the same random starts (atoms uniform in a cube of the
cluster's size, which is also the box), restarted while budget remains, with
the analytic gradient; solved = within 1e-3 of the putative global minimum
(hamopt.bench.clusters). Results in benchmarks/results/morse_clusters.md.
"""
import argparse
import sys


def main():
    from hamopt.bench import clusters
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5-13")
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--budget", type=int, default=10_000)
    parser.add_argument("--methods", default=",".join(clusters.METHODS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="of the starts (0: the reported ones)")
    parser.add_argument("--potential", choices=sorted(clusters.POTENTIALS), default="morse",
                        help="lj: Lennard-Jones clusters, the family nothing was tuned on")
    args = parser.parse_args()
    sizes = clusters.parse_sizes(args.sizes)
    methods = args.methods.split(",")
    runs = clusters.run_suite(sizes, methods, args.starts, args.budget, workers=args.workers,
                              seed=args.seed, potential=args.potential,
                              progress=lambda done, total: print(f"\r{done}/{total}", end="",
                                                                 file=sys.stderr))
    family = "Morse clusters, rho = 6" if args.potential == "morse" else "Lennard-Jones clusters"
    print(f"{family}, {args.starts} starts per size, {args.budget} "
          "evaluations per run (F and grad F together), solved = within 1e-3 of E*.\n")
    print(clusters.markdown_table(runs, methods, args.potential))


if __name__ == "__main__":
    main()
