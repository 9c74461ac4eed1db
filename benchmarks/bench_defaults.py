"""The measurement behind hamopt's defaults (eta, dt, deltaE, nu), with F0 exact.

    python benchmarks/bench_defaults.py [--starts 10]

For each setting and problem: how many of the random starts reach
``F - F* <= 1e-8`` within 20,000 steps, and the median number of steps of
those that do. Problems: sphere (n = 10), Rosenbrock (n = 2 and 10),
ellipsoid (n = 10, condition 1e6), Styblinski-Tang (n = 5, multimodal).
Starts are uniform in [-3, 3]^n. dt is given as a multiple of
``max(1, max|x0|)`` (the default is 1 times that). The dynamics alone: one
trajectory, no polish and no hop search (as when this was measured).
"""
import argparse
import itertools
import statistics

import numpy as np

import hamopt
from hamopt.testfunctions import get


PROBLEMS = {f"{name}-{n}": (get(name), n)
            for name, n in (("sphere", 10), ("rosenbrock", 2), ("rosenbrock", 10),
                            ("ellipsoid", 10), ("styblinski_tang", 5))}


def measure(setting, starts):
    row = []
    for fn, n in PROBLEMS.values():
        fun, jac, fmin = fn.fun, fn.grad, fn.minimum(n)
        steps = []
        for seed in range(starts):
            x0 = np.random.default_rng(seed).uniform(-3.0, 3.0, n)
            dt = setting["dt_factor"] * max(1.0, np.abs(x0).max())
            res = hamopt.minimize(fun, x0, jac=jac, F0=fmin, eta=setting["eta"], dt=dt,
                                  deltaE=setting["deltaE"], nu=setting["nu"], tol=1e-8,
                                  maxiter=20_000, rng=seed, polish=False, hops=0)
            if res.fun - fmin <= 1e-8:
                steps.append(res.nit)
        median = statistics.median(steps) if steps else float("nan")
        row.append(f"{len(steps)}/{starts} ({median:.0f})")
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=10)
    args = parser.parse_args()
    print("Solved starts (median steps), F - F* <= 1e-8 within 20,000 steps\n")
    print("| eta | dt / max(1, max abs x0) | deltaE | nu | " + " | ".join(PROBLEMS) + " |")
    print("|---" * (4 + len(PROBLEMS)) + "|")
    grid = itertools.chain(
        itertools.product((1.0,), (0.1, 0.3, 1.0, 2.0, 4.0), (0.0, 1.0), (0.0, 1e-5, 1e-2)),
        itertools.product((2.0,), (1.0,), (0.0, 1.0), (0.0, 1e-5)))
    for eta, dt_factor, deltaE, nu in grid:
        setting = dict(eta=eta, dt_factor=dt_factor, deltaE=deltaE, nu=nu)
        cells = measure(setting, args.starts)
        print(f"| {eta:g} | {dt_factor:g} | {deltaE:g} | {nu:g} | " + " | ".join(cells) + " |",
              flush=True)


if __name__ == "__main__":
    main()
