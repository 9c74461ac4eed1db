"""Wall time of K particles run one after another against the same K in a process pool.

    python benchmarks/ensemble_speedup.py [--particles 16] [--workers 2] [--repeats 3]
                                          [--maxfev 20000]

Jitted Rastrigin and Rosenbrock (n = 10, domain as bounds, gradients given),
``--maxfev`` evaluations per particle (20,000), seed 0. Each configuration is timed
``--repeats`` times in turn (pool start-up included, kernels compiled before);
the table gives the medians, the speed-up and whether every particle's result
was identical. The last row is the machine's own ceiling: a pure-Python busy
loop in the same number of processes (pool start-up excluded).
"""
import argparse
import os
import statistics
import time

import numpy as np


def _timed(run):
    start = time.perf_counter()
    res = run()
    return time.perf_counter() - start, res


def _busy(_):
    total = 0
    for i in range(3_000_000):
        total += i * i
    return total


def _identical(a, b):
    return all(np.array_equal(p.x, q.x) and p.fun == q.fun and p.nfev == q.nfev
               for p, q in zip(a.particles, b.particles, strict=True))


def particle_runner(name, n, particles, maxfev):
    """``run(workers)``: jitted ``name`` (n variables, domain as bounds, gradient
    given) from 2.0 everywhere, ``particles`` particles of ``maxfev`` evaluations
    each, seed 0; the kernels are compiled before it is returned."""
    import hamopt
    from hamopt import testfunctions
    fn = testfunctions.get(name)
    box = list(zip(*fn.bounds(n)))
    x0 = np.full(n, 2.0)
    hamopt.minimize(fn.fun, x0, jac=fn.grad, bounds=box, maxfev=200, rng=0)  # compile

    def run(workers):
        return hamopt.minimize(fn.fun, x0, jac=fn.grad, bounds=box, maxfev=maxfev * particles,
                               particles=particles, workers=workers, rng=0)
    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--maxfev", type=int, default=20_000, help="per particle")
    args = parser.parse_args()
    k, n = args.particles, 10
    print(f"{k} particles, n = {n}, {args.maxfev:,} evaluations each; {os.cpu_count()} cores; "
          f"medians of {args.repeats} runs.\n")
    print(f"| function | one after another (s) | workers={args.workers} (s) | speed-up | "
          "identical results |")
    print("|---|---|---|---|---|")
    for name in ("rastrigin", "rosenbrock"):
        run = particle_runner(name, n, k, args.maxfev)
        alone, pooled = [], []
        for _ in range(args.repeats):
            seconds, first = _timed(lambda: run(1))
            alone.append(seconds)
            seconds, second = _timed(lambda: run(args.workers))
            pooled.append(seconds)
        a, b = statistics.median(alone), statistics.median(pooled)
        print(f"| {name} | {a:.2f} | {b:.2f} | {a / b:.2f} | {_identical(first, second)} |")
    # The machine's own ceiling: a pure-Python busy loop, 16 tasks, the same pool size.
    import multiprocessing
    alone, pooled = [], []
    for _ in range(args.repeats):
        alone.append(_timed(lambda: [_busy(i) for i in range(k)])[0])
        with multiprocessing.Pool(args.workers) as pool:
            pooled.append(_timed(lambda: pool.map(_busy, range(k), chunksize=1))[0])
    a, b = statistics.median(alone), statistics.median(pooled)
    print(f"| (a busy loop, no hamopt) | {a:.2f} | {b:.2f} | {a / b:.2f} | - |")


if __name__ == "__main__":
    main()
