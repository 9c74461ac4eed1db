"""A digest of hamopt's results on a fixed set of runs: equal digests, equal behaviour.

    python benchmarks/fingerprint.py [--verbose]

Runs ``hamopt.minimize`` through the public API only (so any commit can run it)
on a table of problems, options and seeds that reaches every part of a run:
both paths (jitted and Python objectives), finite differences, known and
unknown F0, bounds, bounces, weight decay, the hop search and budgets. For each
run it hashes x, fun, nit, nfev, njev, status and the first trajectory's
diagnostics, and prints one line per run and a digest of all. A refactoring
that keeps the arithmetic should leave every digest bit-identical.
"""
import argparse
import hashlib

import numpy as np

import hamopt
from hamopt import testfunctions

_KEYS = ("x", "fun", "jac", "nit", "nfev", "njev", "status", "nhops", "polish_nfev",
         "E", "max_energy_error", "n_restore_failed", "n_reanchors", "F0_history")

_OPTION_SETS = {
    "defaults": {},
    "known F0": {"F0": "min"},
    "hops=0": {"hops": 0},
    "no polish": {"polish": False, "maxiter": 300},
    "bounces": {"hops": 0, "nu": 0.01, "gamma": 0.5, "bounce_every": 7, "stall_bounce": 20},
    "weight decay": {"weight_decay": 0.01, "hops": 0, "polish": False, "maxiter": 200},
    "no restore": {"energy_restore": False, "hops": 0, "polish": False, "maxiter": 200},
    "budget": {"maxfev": 1500},
    "unbounded": {"bounds": None, "maxfev": 3000},
}


def runs():
    for name in ("sphere", "rosenbrock", "rastrigin", "ackley", "styblinski_tang", "himmelblau"):
        fn = testfunctions.get(name)
        for n in ((2,) if fn.max_dim == 2 else (2, 5)):
            lo, hi = fn.bounds(n)
            for label, options in _OPTION_SETS.items():
                for seed in (0, 1):
                    x0 = np.random.default_rng(100 + seed).uniform(lo, hi)
                    kwargs = dict(bounds=list(zip(lo, hi)), rng=seed, maxfev=20_000)
                    kwargs.update(options)
                    if kwargs.get("F0") == "min":
                        kwargs["F0"] = fn.minimum(n) - 1e-12
                    for path, jac in (("jit", fn.grad), ("py", fn.grad.py_func),
                                      ("fd", None)):
                        if path == "fd" and label not in ("defaults", "hops=0"):
                            continue
                        fun = fn.fun if path == "jit" else fn.fun.py_func
                        yield f"{name}-{n} {label} seed {seed} {path}", fun, x0, jac, kwargs


def digest(res):
    h = hashlib.sha256()
    for key in _KEYS:
        h.update(np.asarray(res[key], dtype=float).tobytes())
    return h.hexdigest()[:16]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    total = hashlib.sha256()
    count = 0
    for label, fun, x0, jac, kwargs in runs():
        res = hamopt.minimize(fun, x0, jac=jac, **kwargs)
        d = digest(res)
        total.update(d.encode())
        count += 1
        if args.verbose:
            print(f"{d}  {label}  fun={res.fun:.6g} nfev={res.nfev} status={res.status}")
    print(f"{count} runs, digest {total.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
