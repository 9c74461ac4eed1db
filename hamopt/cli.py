"""The ``hamopt`` command: run hamopt on a test function, or benchmark it against its peers.

    hamopt run rastrigin --dim 10 --eta 1 --dt 0.5 --seed 0
    hamopt bench --quick --out bench-out
    hamopt list
"""
import argparse
import os
import sys
import time

import numpy as np

from . import testfunctions

QUICK = dict(functions=["sphere", "rosenbrock", "rastrigin", "ackley", "styblinski_tang",
                        "himmelblau"],
             dims=[2], starts=10, budget=2000)
FULL = dict(functions=sorted(testfunctions.FUNCTIONS), dims=[2, 10, 30], starts=20,
            budget=10_000)


def _comma_list(choices, what):
    def parse(text):
        items = [item.strip() for item in text.split(",") if item.strip()]
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {what} {', '.join(unknown)}; choose from {', '.join(choices)}")
        return items
    return parse


def _dims(text):
    try:
        dims = [int(item) for item in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"dimensions must be integers, got {text!r}") from None
    if any(d < 1 for d in dims):
        raise argparse.ArgumentTypeError(f"dimensions must be >= 1, got {text!r}")
    return dims


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _parser():
    from .bench.compare import method_names
    parser = argparse.ArgumentParser(prog="hamopt", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="minimize a built-in test function and print the result")
    run.add_argument("function", choices=sorted(testfunctions.FUNCTIONS), metavar="FUNCTION",
                     help="one of: " + ", ".join(sorted(testfunctions.FUNCTIONS)))
    run.add_argument("--dim", type=_positive_int, default=None,
                     help="dimension (default: 2, or the function's own)")
    run.add_argument("--seed", type=int, default=0, help="seed of the start point and the run")
    run.add_argument("--F0", type=float, default=None,
                     help="lower bound of F (default: the function's known minimum)")
    for name, kind, text in (("eta", float, "exponent of V = (F - F0)**eta"),
                             ("dt", float, "time step, the largest move per step"),
                             ("deltaE", float, "initial kinetic energy"),
                             ("nu", float, "size of the generalized bounces"),
                             ("gamma", float, "damping of the generalized bounces"),
                             ("tol", float, "stop once F - F0 <= tol"),
                             ("maxiter", int, "maximum number of steps"),
                             ("hops", int, "most flights of the hop search (0: none)")):
        run.add_argument(f"--{name}", type=kind, default=None, help=text)

    bench = sub.add_parser("bench", help="compare hamopt with scipy's optimizers and CMA-ES")
    bench.add_argument("--quick", action="store_true",
                       help="a small comparison that takes about a minute on 2 cores")
    bench.add_argument("--functions", type=_comma_list(sorted(testfunctions.FUNCTIONS),
                                                       "function"))
    bench.add_argument("--methods", type=_comma_list(method_names(everything=True), "method"),
                       help="default: " + ",".join(method_names()))
    bench.add_argument("--rotated", action="store_true",
                       help="every function turned by a random rotation about its minimizer")
    bench.add_argument("--dims", type=_dims, help="comma-separated dimensions, e.g. 2,10,30")
    bench.add_argument("--starts", type=_positive_int, help="random starts per case")
    bench.add_argument("--budget", type=_positive_int, help="evaluations per run")
    bench.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1)
    bench.add_argument("--seed", type=int, default=0)
    bench.add_argument("--out", default="hamopt-bench", help="folder for the table and plots")
    bench.add_argument("--reuse", metavar="RUNS_JSON",
                       help="take the runs of the methods not run now from this runs.json of "
                            "an earlier bench with the same cases, starts, budget and seed")

    bbob = sub.add_parser("bbob", help="COCO's bbob suite (needs: pip install coco-experiment)")
    bbob.add_argument("--functions", type=_ranges, default=list(range(1, 25)),
                      help="function numbers, e.g. 1-24 or 1,7,21 (default 1-24)")
    bbob.add_argument("--dims", type=_dims, default=[2, 5, 10, 20])
    bbob.add_argument("--instances", type=_ranges, default=list(range(4, 9)),
                      help="default 4-8 (instances 1-3 are kept out of all tuning)")
    bbob.add_argument("--methods", type=_comma_list(method_names(everything=True), "method"),
                      default=["hamopt", "cma_es", "lbfgsb", "bfgs", "basinhopping",
                               "dual_annealing"])
    bbob.add_argument("--budget-per-dim", type=_positive_int, default=1000)
    bbob.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1)
    bbob.add_argument("--seed", type=int, default=0)
    bbob.add_argument("--out", default="hamopt-bbob", help="folder for the table and plots")
    bbob.add_argument("--reuse", metavar="RUNS_JSON",
                      help="take the runs of the methods not run now from this runs.json")

    sub.add_parser("list", help="list the built-in test functions")
    return parser


def _ranges(text):
    """'1-5,7' -> [1, 2, 3, 4, 5, 7]."""
    out = []
    try:
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            out.extend(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers and ranges like 1-5,7, got {text!r}")
    return out


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "list":
        return _list()
    if args.command == "run":
        return _run(parser, args)
    if args.command == "bbob":
        return _bbob(args)
    return _bench(args)


def _list():
    for name in sorted(testfunctions.FUNCTIONS):
        fn = testfunctions.FUNCTIONS[name]
        dims = f"n = {fn.min_dim}" if fn.max_dim == fn.min_dim else f"n >= {fn.min_dim}"
        print(f"{name:16s} {dims:8s} {fn.reference}")
    return 0


def _run(parser, args):
    from . import minimize
    fn = testfunctions.get(args.function)
    n = args.dim if args.dim is not None else max(2, fn.min_dim)
    try:
        fn.check_dim(n)
    except ValueError as exc:
        parser.error(str(exc))
    lo, hi = fn.bounds(n)
    x0 = np.random.default_rng(args.seed).uniform(lo, hi)
    fmin = fn.minimum(n)
    F0 = fmin - 1e-300 if args.F0 is None else args.F0
    options = {k: v for k, v in vars(args).items()
               if k in ("eta", "dt", "deltaE", "nu", "gamma", "tol", "maxiter", "hops")
               and v is not None}
    started = time.perf_counter()

    def progress(particle):
        print(f"\r  step {particle.nit:>10d}   best F - F* = {particle.f_best - fmin:.3e}",
              end="", file=sys.stderr, flush=True)

    try:
        res = minimize(fn.fun, x0, jac=fn.grad, F0=F0, rng=args.seed, _progress=progress,
                       **options)
    except ValueError as exc:
        parser.error(str(exc))
    print("", file=sys.stderr)
    print(f"{fn.name}, n = {n}, start uniform in the domain (seed {args.seed})")
    print(f"  {res.message}")
    print(f"  F - F*     {res.fun - fmin:.6e}   (F = {res.fun:.12g}, F* = {fmin:.12g})")
    print(f"  steps      {res.nit}   evaluations {res.nfev}   hop flights {res.nhops}   "
          f"landings polished {res.nlandings}")
    print(f"  energy     E = {res.E:.6g}, largest |E_i - E| = {res.max_energy_error:.2e}, "
          f"restores impossible: {res.n_restore_failed}")
    print(f"  time       {time.perf_counter() - started:.2f} s")
    with np.printoptions(precision=6, threshold=12):
        print(f"  x          {res.x}")
    return 0


def _bench(args):
    from .bench import report
    from .bench.compare import method_names, run_suite
    preset = QUICK if args.quick else FULL
    functions = args.functions or preset["functions"]
    dims = args.dims or preset["dims"]
    methods = args.methods or method_names()
    starts = args.starts or preset["starts"]
    budget = args.budget or preset["budget"]
    os.makedirs(args.out, exist_ok=True)
    runs = run_suite(functions, dims, methods, starts, budget, workers=args.workers,
                     seed=args.seed, progress=_progress_printer(), rotated=args.rotated)
    print("", file=sys.stderr)
    runs, methods = _with_earlier_runs(
        runs, methods, args.reuse, lambda r: r.budget == budget and r.rotated == args.rotated)
    _write_results(args.out, report.markdown_tables(runs, methods), runs)
    if report.matplotlib_available():
        report.plot_data_profile(runs, methods, os.path.join(args.out, "data_profile.png"))
        for name in functions:
            fn = testfunctions.get(name)
            if fn.min_dim <= 2 and (fn.max_dim is None or fn.max_dim >= 2):
                report.plot_trajectory(fn, os.path.join(args.out, f"trajectory_{name}.png"))
        print(f"Table, runs and plots written to {args.out}/")
    else:
        print(f"Table and runs written to {args.out}/ ({report._PLOT_HINT})")
    return 0


def _bbob(args):
    from .bench import bbob, report
    os.makedirs(args.out, exist_ok=True)
    runs = bbob.run_suite(args.functions, args.dims, args.instances, args.methods,
                          args.budget_per_dim, workers=args.workers, seed=args.seed,
                          progress=_progress_printer())
    print("", file=sys.stderr)
    runs, methods = _with_earlier_runs(runs, list(args.methods), args.reuse,
                                       lambda r: r.budget == args.budget_per_dim * r.dim)
    budgets = [b for b in sorted({100, args.budget_per_dim}) if b <= args.budget_per_dim]
    _write_results(args.out, bbob.markdown_tables(runs, methods, budgets), runs)
    if report.matplotlib_available():
        bbob.plot_ecdf(runs, methods, os.path.join(args.out, "ecdf.png"))
    return 0


def _progress_printer():
    started = time.perf_counter()

    def progress(done, total):
        print(f"\r  {done}/{total} runs, {time.perf_counter() - started:.0f} s", end="",
              file=sys.stderr, flush=True)
    return progress


def _with_earlier_runs(runs, methods, path, comparable):
    """(runs, methods) joined with the runs saved in ``path`` of the methods not run now,
    on the same cases and starts, that are ``comparable(run)`` (same budget, ...)."""
    from .bench import report
    if not path:
        return runs, methods
    wanted = {(r.function, r.dim, r.start) for r in runs}
    earlier = [r for r in report.load_json(path) if r.method not in methods
               and (r.function, r.dim, r.start) in wanted and comparable(r)]
    return runs + earlier, methods + sorted({r.method for r in earlier}, key=str)


def _write_results(out, text, runs):
    from .bench import report
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    report.save_json(runs, os.path.join(out, "runs.json"))
    print(text)
