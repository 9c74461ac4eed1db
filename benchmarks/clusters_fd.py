"""Morse clusters with finite-difference gradients: a real objective for the funnel's flights.

    python benchmarks/clusters_fd.py [--sizes 5-10] [--starts 4] [--budget 20000]
                                     [--methods hamopt_budget,hamopt_budget_no_funnel]

The Morse clusters of ``hamopt bench``'s cluster table (rho = 6, the same starts)
with the energy alone: gradients by forward differences, each value counted, so
from N = 4 atoms on (12 variables) the default search is the polish and
restarts, with the funnel's flights (``hop_funnel``) once the restarts' minima
form a funnel. ``--budget`` evaluations a run; solved = within 1e-3 of the
putative minimum. Nothing was tuned on this family.
"""
import argparse
from collections import Counter


def _solved(task):
    from hamopt.bench import clusters
    atoms, method, start, budget = task
    run = clusters.run_one(atoms, method, start, budget, differences=True)
    return atoms, method, run.to_target[clusters.SOLVED] is not None


def main():
    from hamopt.bench import clusters
    from hamopt.bench.compare import map_tasks
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5-10")
    parser.add_argument("--starts", type=int, default=4)
    parser.add_argument("--budget", type=int, default=20_000)
    parser.add_argument("--methods", default="hamopt_budget,hamopt_budget_no_funnel")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    sizes, methods = clusters.parse_sizes(args.sizes), args.methods.split(",")
    tasks = [(n, m, k, args.budget) for n in sizes for m in methods for k in range(args.starts)]
    solved = Counter((n, m) for n, m, ok in map_tasks(_solved, tasks, args.workers) if ok)
    print(f"Morse clusters (rho = 6), finite-difference gradients, {args.budget:,} evaluations, "
          f"{args.starts} starts per size; runs within 1e-3 of the putative minimum\n")
    print("| N | 3N | " + " | ".join(methods) + " |\n|---|---|" + "---|" * len(methods))
    for n in sizes:
        print(f"| {n} | {3 * n} | " + " | ".join(f"{solved[(n, m)]}/{args.starts}"
                                               for m in methods) + " |")
    print("| **total** | | " + " | ".join(
        f"**{sum(solved[(n, m)] for n in sizes)}/{args.starts * len(sizes)}**"
        for m in methods) + " |")


if __name__ == "__main__":
    main()
