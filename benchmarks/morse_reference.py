"""Reference energies for the larger Morse clusters (rho = 6): long runs, lowest found.

    python benchmarks/morse_reference.py [--sizes 14-30:2] [--budget 100000] [--starts 2]

The putative global minima of Doye's thesis (hamopt.bench.clusters.MINIMA) stop
at N = 13 in the sources this project could read. For larger N this script
runs hamopt and basinhopping, each from ``--starts`` random starts of their own
(seed 99: none of them is a start of the benchmark) with a long budget, and
prints every run's lowest energy and the lowest of all. The benchmark uses
that lowest value as E* where the runs agree on it; where they do not, it says
so. Results in benchmarks/results/morse_reference.md.
"""
import argparse
import math
import sys


def main():
    from hamopt.bench import clusters
    from hamopt.bench.compare import map_tasks
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="14-30:2")
    parser.add_argument("--budget", type=int, default=100_000)
    parser.add_argument("--starts", type=int, default=2)
    parser.add_argument("--methods", default="hamopt,basinhopping")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sizes, methods = clusters.parse_sizes(args.sizes), args.methods.split(",")
    tasks = [(n, m, k, args.budget, 99, -math.inf)
             for n in sizes for m in methods for k in range(args.starts)]
    runs = map_tasks(clusters._run_task, tasks, args.workers,
                     progress=lambda done, total: print(f"\r{done}/{total}", end="",
                                                        file=sys.stderr))
    print(f"Morse clusters, rho = 6: lowest energy of each run ({args.budget} evaluations, "
          f"F and grad F together; starts of seed 99), and the lowest of all.\n")
    columns = [f"{m} {k}" for m in methods for k in range(args.starts)]
    print("| N | " + " | ".join(columns) + " | lowest | runs within 1e-6 of it |")
    print("|---" * (len(columns) + 3) + "|")
    for n in sizes:
        energies = [r.best for m in methods for r in runs
                    if r.function == f"morse{n}" and r.method == m]
        lowest = min(energies)
        agree = sum(e - lowest <= 1e-6 for e in energies)
        print(f"| {n} | " + " | ".join(f"{e:.6f}" for e in energies)
              + f" | {lowest:.6f} | {agree}/{len(energies)} |")


if __name__ == "__main__":
    main()
