"""Issue-4 checks of hamopt's defaults with F0 unknown (figures for the closing note).

    python benchmarks/check_unknown_f0.py

1. Single runs with the defaults from random starts in the domain (n = 10):
   how many reach F - F* <= 1e-10 on sphere, ellipsoid (10 starts) and
   Rosenbrock (20 starts), with and without the domain as bounds.
2. Every case of the comparison suite (39), 5 starts, polish on and off:
   exceptions, points outside the box, non-finite values, status != 0, and
   (without polish) a final F0 that is not below the best value.
"""
import numpy as np

import hamopt
from hamopt.bench.compare import cases
from hamopt.testfunctions import FUNCTIONS, get


def accuracy():
    for name, starts in (("sphere", 10), ("ellipsoid", 10), ("rosenbrock", 20)):
        fn = get(name)
        lo, hi = fn.bounds(10)
        for bounds in (None, list(zip(lo, hi))):
            errors = np.array([
                hamopt.minimize(fn.fun, np.random.default_rng(s).uniform(lo, hi), jac=fn.grad,
                                rng=s, bounds=bounds).fun - fn.minimum(10)
                for s in range(starts)])
            where = "with bounds" if bounds else "no bounds"
            print(f"{name}-10, {where}: {(errors <= 1e-10).sum()}/{starts} reach 1e-10; "
                  f"the others end at {np.round(errors[errors > 1e-10], 3).tolist()}")


def robustness():
    total = bad = 0
    for name, n in cases(sorted(FUNCTIONS), [2, 10, 30]):
        fn = FUNCTIONS[name]
        lo, hi = fn.bounds(n)
        for seed in range(5):
            x0 = np.random.default_rng(seed).uniform(lo, hi)
            for polish in (True, False):
                total += 1
                try:
                    res = hamopt.minimize(fn.fun, x0, jac=fn.grad, bounds=list(zip(lo, hi)),
                                          rng=seed, polish=polish)
                except Exception as exc:  # counted, and shown
                    bad += 1
                    print(name, n, seed, polish, "raised", repr(exc))
                    continue
                inside = np.all((lo <= res.x) & (res.x <= hi)) and np.all(
                    (lo <= res.q) & (res.q <= hi))
                if not (inside and np.isfinite(res.fun) and res.status == 0
                        and (polish or res.F0 < res.fun)):
                    bad += 1
                    print(name, n, seed, polish, res.status, res.fun, res.F0)
    print(f"{total} runs: {bad} with an exception, a point outside the box, a non-finite "
          "value, status != 0, or (without polish) a final F0 not below the best value")


if __name__ == "__main__":
    accuracy()
    robustness()
