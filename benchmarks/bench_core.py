"""Speed figures of the core issue, measured in one run; medians of repeats.

    python benchmarks/bench_core.py [--repeats 5] [--quick]

1. Per-step time of the nopython path divided by a bare jitted loop that only
   evaluates the same function and gradient as many times (Rastrigin and
   sphere, n = 10, 1e3, 1e5; nu = 0 and the default nu = 1e-5).
2. Per-step overhead of the Python-callable path beyond the user's own calls (n = 10;
   nu = 0 and the default nu).
3. Wall time of a fresh process that imports hamopt and minimizes a new @njit
   objective, with the numba cache warm and cold; and the first-call latency
   (the first minimize call in a process, warm cache) against the second.
4. Wall time per evaluation against scipy's BFGS loop on the same objective
   (Rosenbrock, the jitted test function; n = 10, 100, 1000).

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
from hamopt.testfunctions import get

# The types hamopt's drivers take the user's functions as (first-class functions); defined
# here so that this script runs against any commit of hamopt.
_vec = numba.types.float64[::1]
fun_type = numba.types.FunctionType(numba.types.float64(_vec))
jac_type = numba.types.FunctionType(_vec(_vec))


@numba.njit(numba.float64(fun_type, jac_type, numba.float64[:, ::1]))
def bare_loop(fun, jac, points):
    """Only the user's work: F and grad F at each row of points.

    fun and jac are passed as hamopt's drivers receive them (first-class
    functions, not inlined, so the compiler cannot drop unused parts of the
    gradient), and the points are those of hamopt's own trajectory: evaluating
    at one fixed x is faster than at new points (libm's sin/cos branch
    predictably), which would flatter the bare loop.
    """
    acc = 0.0
    for k in range(points.shape[0]):
        x = points[k]
        acc += fun(x) + jac(x)[0]
    return acc


def trajectory(fun, jac, x0, **kwargs):
    """The points where hamopt evaluates F (the same trajectory as the nopython path)."""
    points = []

    def recording_fun(x):
        points.append(x)
        return fun(x)
    hamopt.minimize(recording_fun, x0, jac=lambda x: jac(x), **kwargs)
    return np.array(points)


PROBLEMS = {name: (get(name).fun, get(name).grad) for name in ("rastrigin", "sphere")}


def _median_times(funcs, repeats):
    """Median wall time of each function, timed in alternation so that the load of
    a shared machine hits all of them alike."""
    for func in funcs:
        func()  # warm-up: compile and touch memory
    times = [[] for _ in funcs]
    for _ in range(repeats):
        for func, record in zip(funcs, times):
            start = time.perf_counter()
            func()
            record.append(time.perf_counter() - start)
    return [statistics.median(record) for record in times]


def per_step_ratio(name, n, nu, nsteps, repeats):
    fun, jac = PROBLEMS[name]
    x0 = np.random.default_rng(0).uniform(-2.0, 2.0, n)
    kwargs = dict(F0=-1.0, nu=nu, maxiter=nsteps, tol=0.0, rng=0, polish=False)
    points = trajectory(fun, jac, x0, **kwargs)
    assert points.shape == (nsteps + 1, n)

    def hamopt_run():
        res = hamopt.minimize(fun, x0, jac=jac, **kwargs)
        assert res.nfev == nsteps + 1
    # Per evaluation of F and grad F: hamopt makes nsteps + 1 of them, like the bare loop.
    t_hamopt, t_bare = _median_times([hamopt_run, lambda: bare_loop(fun, jac, points)],
                                     repeats)
    return t_hamopt / (nsteps + 1), t_bare / (nsteps + 1)


def python_overhead(n, nsteps, repeats, nu):
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
        hamopt.minimize(fun, x0, jac=jac, F0=-1.0, nu=nu, maxiter=nsteps, tol=0.0, rng=0,
                        polish=False)
    t_total, t_user = _median_times([hamopt_run, user_only], repeats)
    return t_total / nsteps, t_user / nsteps


_FRESH = textwrap.dedent("""
    import numba, numpy as np, hamopt

    @numba.njit
    def objective_{tag}(x):
        return ((x - {shift}) ** 2).sum() + 1.0

    @numba.njit
    def gradient_{tag}(x):
        return 2.0 * (x - {shift})

    import time
    start = time.perf_counter()
    res = hamopt.minimize(objective_{tag}, np.zeros(10), jac=gradient_{tag}, F0=1.0, rng=0)
    first = time.perf_counter() - start
    assert res.fun < 1.0 + 1e-9
    start = time.perf_counter()
    hamopt.minimize(objective_{tag}, np.zeros(10), jac=gradient_{tag}, F0=1.0, rng=0)
    print(first, time.perf_counter() - start)
""")


def fresh_process_seconds(cache_dir, tag):
    """(process wall time, first minimize call, second minimize call) in seconds."""
    script = _FRESH.format(tag=tag, shift=0.1 + 1e-3 * tag)
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True,
                         capture_output=True, text=True).stdout
    first, second = map(float, out.split())
    return time.perf_counter() - start, first, second


def bfgs_comparison_lines(repeats):
    from scipy.optimize import minimize as scipy_minimize
    fn = get("rosenbrock")
    print("\n## 4. Wall time per evaluation: hamopt against scipy's BFGS, Rosenbrock\n")
    print("| n | BFGS us/eval | hamopt nopython us/eval | hamopt Python path us/eval |")
    print("|---|---|---|---|")
    for n in (10, 100, 1000):
        x0 = np.full(n, -1.0)
        counts = {}

        def bfgs():
            res = scipy_minimize(fn.fun, x0, jac=fn.grad, method="BFGS",
                                 options={"maxiter": 200, "gtol": 0.0})
            counts["bfgs"] = res.nfev

        def compiled():
            counts["compiled"] = hamopt.minimize(fn.fun, x0, jac=fn.grad, maxiter=2000,
                                                 F0=0.0, tol=0.0, rng=0, polish=False).nfev

        def python_path():
            counts["python"] = hamopt.minimize(lambda x: fn.fun(x), x0,
                                               jac=lambda x: fn.grad(x), maxiter=2000,
                                               F0=0.0, tol=0.0, rng=0, polish=False).nfev
        times = _median_times([bfgs, compiled, python_path], repeats)
        per_eval = [t / counts[k] for t, k in zip(times, ("bfgs", "compiled", "python"))]
        print(f"| {n} | " + " | ".join(f"{1e6 * t:.2f}" for t in per_eval) + " |",
              flush=True)


def per_step_table(repeats, scale):
    print("## 1. nopython path: time per step / bare loop of F and grad F\n")
    print("| function | n | nu | hamopt us/step | bare us/step | ratio |")
    print("|---|---|---|---|---|---|")
    for name in PROBLEMS:
        for n, nsteps in ((10, 200_000), (1_000, 5_000), (100_000, 100)):
            for nu in (0.0, 1e-5):  # 0 and the default
                t_h, t_b = per_step_ratio(name, n, nu, max(20, int(nsteps * scale)),
                                          repeats)
                print(f"| {name} | {n} | {nu:g} | {1e6 * t_h:.3f} | {1e6 * t_b:.3f} "
                      f"| {t_h / t_b:.2f} |", flush=True)


def python_overhead_line(repeats, scale):
    print("\n## 2. Python-callable path, n = 10: overhead per step beyond the user's calls\n")
    print("| nu | hamopt us/step | user's fun + jac us/step | overhead us/step |")
    print("|---|---|---|---|")
    for nu in (0.0, 1e-5):
        t_total, t_user = python_overhead(10, int(100_000 * scale), repeats, nu)
        print(f"| {nu:g} | {1e6 * t_total:.2f} | {1e6 * t_user:.2f} "
              f"| {1e6 * (t_total - t_user):.2f} |", flush=True)
    print()


def fresh_process_lines(repeats):
    print("## 3. Fresh process: import hamopt + minimize a new @njit objective\n")
    with tempfile.TemporaryDirectory() as cache:
        cold = [fresh_process_seconds(tempfile.mkdtemp(dir=cache), k)[0] for k in range(3)]
        warm_dir = tempfile.mkdtemp(dir=cache)
        fresh_process_seconds(warm_dir, 100)  # fill the cache
        warm = [fresh_process_seconds(warm_dir, 101 + k) for k in range(repeats)]
    walls = [w[0] for w in warm]
    print(f"warm cache: median {statistics.median(walls):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in walls)})")
    print(f"cold cache: median {statistics.median(cold):.2f} s "
          f"(runs: {', '.join(f'{t:.2f}' for t in cold)})")
    print(f"first minimize call in a process (warm cache, the objective's own compilation "
          f"included): median {statistics.median(w[1] for w in warm):.3f} s; "
          f"second call: median {1e3 * statistics.median(w[2] for w in warm):.2f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--quick", action="store_true", help="smaller step counts")
    parser.add_argument("--sections", default="1234",
                        help="which of the four figures to measure, e.g. 13")
    args = parser.parse_args()
    scale = 0.1 if args.quick else 1.0
    if "1" in args.sections:
        per_step_table(args.repeats, scale)
    if "2" in args.sections:
        python_overhead_line(args.repeats, scale)
    if "3" in args.sections:
        fresh_process_lines(args.repeats)
    if "4" in args.sections:
        bfgs_comparison_lines(args.repeats)


if __name__ == "__main__":
    main()
