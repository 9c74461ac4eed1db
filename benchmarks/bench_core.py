"""Speed figures of the core issue, measured in one run; medians of repeats.

    python benchmarks/bench_core.py [--repeats 5] [--quick]

1. Per-step time of the nopython path divided by a bare jitted loop that only
   evaluates the same function and gradient as many times (Rastrigin and
   sphere, n = 10, 1e3, 1e5; nu = 0 and nu > 0).
2. Per-step overhead of the Python-callable path beyond the user's own calls (n = 10).
3. Wall time of a fresh process that imports hamopt and minimizes a new @njit
   objective, with the numba cache warm and cold.

Everything is warmed up (compiled) before it is timed. Not part of the tests.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

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
def rastrigin(x):
    total = 10.0 * x.size
    for xi in x:
        total += xi * xi - 10.0 * np.cos(2.0 * np.pi * xi)
    return total


@numba.njit
def rastrigin_grad(x):
    g = np.empty_like(x)
    for i in range(x.size):
        g[i] = 2.0 * x[i] + 20.0 * np.pi * np.sin(2.0 * np.pi * x[i])
    return g


@numba.njit
def bare_loop(fun, jac, x, nsteps):
    """Only the user's work: nsteps evaluations of F and grad F."""
    acc = 0.0
    for _ in range(nsteps):
        acc += fun(x) + jac(x)[0]
    return acc


PROBLEMS = {"rastrigin": (rastrigin, rastrigin_grad), "sphere": (sphere, sphere_grad)}


def _median_time(func, repeats):
    func()  # warm-up: compile and touch memory
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_step_ratio(name, n, nu, nsteps, repeats):
    fun, jac = PROBLEMS[name]
    x0 = np.random.default_rng(0).uniform(-2.0, 2.0, n)

    def hamopt_run():
        res = hamopt.minimize(fun, x0, jac=jac, F0=-1.0, nu=nu, maxiter=nsteps, tol=0.0,
                              rng=0)
        assert res.nit == nsteps
    t_hamopt = _median_time(hamopt_run, repeats) / nsteps
    t_bare = _median_time(lambda: bare_loop(fun, jac, x0, nsteps), repeats) / nsteps
    return t_hamopt, t_bare


def python_overhead(n, nsteps, repeats):
    def fun(x):
        return x @ x

    def jac(x):
        return 2.0 * x
    x0 = np.linspace(-1.0, 1.0, n)

    def user_only():
        x = x0.copy()
        for _ in range(nsteps):
            fun(x)
            jac(x)

    def hamopt_run():
        hamopt.minimize(fun, x0, jac=jac, F0=-1.0, nu=0.0, maxiter=nsteps, tol=0.0, rng=0)
    t_user = _median_time(user_only, repeats) / nsteps
    t_total = _median_time(hamopt_run, repeats) / nsteps
    return t_total, t_user


_FRESH = textwrap.dedent("""
    import numba, numpy as np, hamopt

    @numba.njit
    def objective_{tag}(x):
        return ((x - {shift}) ** 2).sum() + 1.0

    @numba.njit
    def gradient_{tag}(x):
        return 2.0 * (x - {shift})

    res = hamopt.minimize(objective_{tag}, np.zeros(10), jac=gradient_{tag}, F0=1.0, rng=0)
    assert res.fun < 1.0 + 1e-9
""")


def fresh_process_seconds(cache_dir, tag):
    script = _FRESH.format(tag=tag, shift=0.1 + 1e-3 * tag)
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", script], env=env, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller step counts")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0

    print("## 1. nopython path: time per step / bare loop of F and grad F\n")
    print("| function | n | nu | hamopt us/step | bare us/step | ratio |")
    print("|---|---|---|---|---|---|")
    for name in PROBLEMS:
        for n, nsteps in ((10, 400_000), (1_000, 20_000), (100_000, 300)):
            for nu in (0.0, 1e-2):
                t_h, t_b = per_step_ratio(name, n, nu, max(50, int(nsteps * scale)),
                                          args.repeats)
                print(f"| {name} | {n} | {nu:g} | {1e6 * t_h:.3f} | {1e6 * t_b:.3f} "
                      f"| {t_h / t_b:.2f} |", flush=True)

    print("\n## 2. Python-callable path, n = 10: overhead per step beyond the user's calls\n")
    t_total, t_user = python_overhead(10, int(100_000 * scale), args.repeats)
    print(f"hamopt {1e6 * t_total:.2f} us/step, user's fun+jac {1e6 * t_user:.2f} us/step, "
          f"overhead {1e6 * (t_total - t_user):.2f} us/step\n")

    print("## 3. Fresh process: import hamopt + minimize a new @njit objective\n")
    with tempfile.TemporaryDirectory() as cache:
        cold = [fresh_process_seconds(tempfile.mkdtemp(dir=cache), k) for k in range(3)]
        warm_dir = tempfile.mkdtemp(dir=cache)
        fresh_process_seconds(warm_dir, 100)  # fill the cache
        warm = [fresh_process_seconds(warm_dir, 101 + k) for k in range(args.repeats)]
    print(f"warm cache: median {statistics.median(warm):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in warm)})")
    print(f"cold cache: median {statistics.median(cold):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cold)})")


if __name__ == "__main__":
    main()
