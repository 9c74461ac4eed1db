"""Which local search reaches 1e-8 on ill-conditioned problems with finite differences?

    python benchmarks/polish_accuracy.py [--dims 2,5,10,20,40] [--instances 7-9]

bbob f2 and f10-f14 (the ill-conditioned functions), tuning instances 7-9 by
default, one start per problem uniform in [-4, 4]^d, budget 1000 d evaluations,
every method given F only and started again from its own result while budget
remains. Methods:

- ``lbfgsb_m10``: L-BFGS-B, forward differences, 10 curvature pairs (hamopt's
  polish before this study, and scipy's default);
- ``lbfgsb_m10_central``: the same with central differences (``jac='3-point'``);
- ``lbfgsb_m2n``: forward differences, 2 n pairs;
- ``nelder_mead``: scipy's Nelder-Mead, adaptive parameters;
- ``hamopt_polish``: ``hamopt.minimize(hops=0)``, i.e. hamopt's polish alone as
  it is now (F0 unknown: no first trajectory).

Prints a markdown table: final-target hits (f - f_opt <= 1e-8) and the median
final f - f_opt, per method and dimension.
"""
import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

METHODS = ("lbfgsb_m10", "lbfgsb_m10_central", "lbfgsb_m2n", "nelder_mead", "hamopt_polish")
FUNCTIONS = (2, 10, 11, 12, 13, 14)


class _Spent(Exception):
    pass


def _final_error(task):
    from scipy.optimize import minimize
    import hamopt
    from hamopt.bench import bbob
    function, dim, instance, method = task
    suite, problem = bbob._problem(function, dim, instance)
    budget, calls, best = 1000 * dim, [0], [np.inf]

    def fun(x):
        if calls[0] >= budget:
            raise _Spent
        calls[0] += 1
        value = float(problem(x))
        best[0] = min(best[0], value)
        return value

    x = np.random.default_rng([function, dim, instance]).uniform(-4.0, 4.0, dim)
    bounds = [(-bbob.DOMAIN, bbob.DOMAIN)] * dim
    tight = dict(ftol=1e-15, gtol=1e-12, maxiter=10**6, maxfun=10**7)
    try:
        if method == "hamopt_polish":
            hamopt.minimize(fun, x, bounds=bounds, hops=0, maxfev=budget, rng=instance)
        while method != "hamopt_polish":
            if method == "nelder_mead":
                x = minimize(fun, x, method="Nelder-Mead", bounds=bounds,
                             options=dict(adaptive=True, xatol=1e-12, fatol=1e-15,
                                          maxfev=10**7)).x
            else:
                memory = 2 * dim if method == "lbfgsb_m2n" else 10
                jac = "3-point" if method.endswith("central") else "2-point"
                x = minimize(fun, x, jac=jac, method="L-BFGS-B", bounds=bounds,
                             options=dict(tight, maxcor=max(memory, 10))).x
    except _Spent:
        pass
    return method, dim, best[0] - bbob.f_opt(function, dim, instance)


def _range(text):
    if "-" in text:
        low, high = text.split("-")
        return list(range(int(low), int(high) + 1))
    return [int(v) for v in text.split(",")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", default="2,5,10,20,40")
    parser.add_argument("--instances", default="7-9")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    dims = [int(d) for d in args.dims.split(",")]
    tasks = [(f, d, i, m) for f in FUNCTIONS for d in dims for i in _range(args.instances)
             for m in METHODS]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(_final_error, tasks, chunksize=4))
    print(f"bbob f{', f'.join(map(str, FUNCTIONS))}; instances {args.instances}; budget "
          "1000 d; F only. Each cell: final-target hits / runs, median final f - f_opt.\n")
    print("| method | " + " | ".join(f"d = {d}" for d in dims) + " | total hits |")
    print("|---" * (len(dims) + 2) + "|")
    for method in METHODS:
        cells, total = [], 0
        for d in dims:
            errors = [e for m, dim, e in results if m == method and dim == d]
            hits = sum(e <= 1e-8 for e in errors)
            total += hits
            cells.append(f"{hits}/{len(errors)}, {np.median(errors):.0e}")
        print(f"| {method} | " + " | ".join(cells) + f" | {total} |")


if __name__ == "__main__":
    main()
