"""Where a fresh process's time goes: imports, kernel loading, the user's compile, the run.

    python benchmarks/fresh_breakdown.py [--repeats 5]

Runs a child process that times each stage (the numba cache is warmed by a
first child, then the medians of the repeats are printed).
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

CHILD = textwrap.dedent("""
    import time
    t0 = time.perf_counter()
    import numba, numpy as np
    t1 = time.perf_counter()
    import scipy.optimize
    t2 = time.perf_counter()
    import hamopt
    t3 = time.perf_counter()
    from hamopt.dynamics import driver
    t4 = time.perf_counter()

    @numba.njit
    def objective(x):
        return ((x - 0.3) ** 2).sum() + 1.0

    @numba.njit
    def gradient(x):
        return 2.0 * (x - 0.3)

    objective(np.zeros(10)); gradient(np.zeros(10))
    t5 = time.perf_counter()
    hamopt.minimize(objective, np.zeros(10), jac=gradient, F0=1.0, rng=0)
    t6 = time.perf_counter()
    print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)
""")
STAGES = ("numpy + numba import", "scipy.optimize import", "hamopt import (kernels from cache)",
          "nopython drivers from cache", "the user's two @njit functions", "minimize")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        runs = [list(map(float, subprocess.run([sys.executable, "-c", CHILD], env=env,
                                               check=True, capture_output=True,
                                               text=True).stdout.split()))
                for _ in range(args.repeats + 1)][1:]
    for k, stage in enumerate(STAGES):
        print(f"{stage:38s} median {statistics.median(r[k] for r in runs):.3f} s")


if __name__ == "__main__":
    main()
