"""The analytic suite with finite-difference gradients: do the flights pay when a gradient costs n + 1?

    python benchmarks/finite_differences.py [--starts 3] [--methods hamopt,...] [--seed 0]
                                            [--rotated]

Every benchmark case (15 functions, n = 2, 10, 30), ``--starts`` random starts
(``--seed``, default 0), 10,000 evaluations, each method given F only (forward differences,
every point an evaluation), restarted while budget remains; solved =
F - F* <= 1e-6. Methods: hamopt (defaults), hamopt_no_flights (``hops=0``:
the polish from each random start) and L-BFGS-B with restarts. With
``--rotated`` the functions that can be turned, each turned about its
minimizer by a fixed random rotation (``testfunctions.rotated``), from the
same starts.
"""
import argparse
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import numpy as np

METHODS = ("hamopt", "hamopt_no_flights", "lbfgsb")


def _solved(task):
    from hamopt import testfunctions
    from hamopt.bench.compare import CountedProblem, run_method
    function, n, method, start, seed, rotated = task
    fn = testfunctions.rotated(function, n) if rotated else testfunctions.get(function)
    lower, upper = fn.bounds(n)
    problem = CountedProblem(fn.fun, None, lower, upper, fn.minimum(n), 10_000)
    case = [seed, start, n] + [ord(ch) for ch in function]
    x0 = problem.random_point(np.random.default_rng(case))
    run_method(problem, x0, method, case)
    return method, n, problem.evaluations_to(1e-6) is not None


def main():
    from hamopt import testfunctions
    from hamopt.bench.compare import cases
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--seed", type=int, default=0, help="of the starts and streams")
    parser.add_argument("--rotated", action="store_true",
                        help="the functions turned about their minimizers")
    args = parser.parse_args()
    methods = args.methods.split(",")
    tasks = [(f, n, m, k, args.seed, args.rotated)
             for f, n in cases(list(testfunctions.FUNCTIONS), [2, 10, 30], args.rotated)
             for m in methods for k in range(args.starts)]
    with ProcessPoolExecutor(2) as pool:
        results = list(pool.map(_solved, tasks, chunksize=4))
    solved = Counter((m, n) for m, n, ok in results if ok)
    runs = Counter((m, n) for m, n, _ in results)
    print(f"Finite-difference gradients, 10,000 evaluations, {args.starts} starts per case"
          f"{', functions turned' if args.rotated else ''}; solved runs, F - F* <= 1e-6\n")
    print("| method | n = 2 | n = 10 | n = 30 | total |\n|---|---|---|---|---|")
    for m in methods:
        cells = [f"{solved[(m, n)]}/{runs[(m, n)]}" for n in (2, 10, 30)]
        total = sum(solved[(m, n)] for n in (2, 10, 30))
        print(f"| {m} | " + " | ".join(cells) + f" | {total}/{sum(runs[(m, n)] for n in (2, 10, 30))} |")


if __name__ == "__main__":
    main()
