"""The measurement behind hamopt's defaults (eta, dt, deltaE, nu), with F0 exact.

    python benchmarks/bench_defaults.py [--starts 10]

For each setting and problem: how many of the random starts reach
``F - F* <= 1e-8`` within 20,000 steps, and the median number of steps of
those that do. Problems: sphere (n = 10), Rosenbrock (n = 2 and 10),
ellipsoid (n = 10, condition 1e6), Styblinski-Tang (n = 5, multimodal).
Starts are uniform in [-3, 3]^n. dt is given as a multiple of
``max(1, max|x0|)`` (the default is 1 times that).
"""
import argparse
import itertools
import statistics

import numba
import numpy as np

import hamopt


@numba.njit
def sphere(x):
    return (x * x).sum()


@numba.njit
def sphere_grad(x):
    return 2.0 * x


@numba.njit
def rosen(x):
    total = 0.0
    for i in range(x.size - 1):
        total += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


@numba.njit
def rosen_grad(x):
    g = np.zeros_like(x)
    for i in range(x.size - 1):
        t = x[i + 1] - x[i] ** 2
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * t
    return g


@numba.njit
def ellipsoid(x):
    total = 0.0
    for i in range(x.size):
        total += 10.0 ** (6.0 * i / (x.size - 1)) * x[i] ** 2
    return total


@numba.njit
def ellipsoid_grad(x):
    g = np.empty_like(x)
    for i in range(x.size):
        g[i] = 2.0 * 10.0 ** (6.0 * i / (x.size - 1)) * x[i]
    return g


@numba.njit
def styblinski_tang(x):
    return 0.5 * (x ** 4 - 16.0 * x ** 2 + 5.0 * x).sum()


@numba.njit
def styblinski_tang_grad(x):
    return 0.5 * (4.0 * x ** 3 - 32.0 * x + 5.0)


_ST_MIN = -39.16616570377142  # per dimension, at x_i = -2.903534...

PROBLEMS = {
    "sphere-10": (sphere, sphere_grad, 10, 0.0),
    "rosen-2": (rosen, rosen_grad, 2, 0.0),
    "rosen-10": (rosen, rosen_grad, 10, 0.0),
    "ellipsoid-10": (ellipsoid, ellipsoid_grad, 10, 0.0),
    "styblinski-5": (styblinski_tang, styblinski_tang_grad, 5, 5 * _ST_MIN),
}


def measure(setting, starts):
    row = []
    for fun, jac, n, fmin in PROBLEMS.values():
        steps = []
        for seed in range(starts):
            x0 = np.random.default_rng(seed).uniform(-3.0, 3.0, n)
            dt = setting["dt_factor"] * max(1.0, np.abs(x0).max())
            res = hamopt.minimize(fun, x0, jac=jac, F0=fmin, eta=setting["eta"], dt=dt,
                                  deltaE=setting["deltaE"], nu=setting["nu"], tol=1e-8,
                                  maxiter=20_000, rng=seed)
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
