"""Where the process pool's time goes: each process's first particle against its later ones.

    python benchmarks/fork_warmup.py [--repeats 5] [--maxfev 20000]

The set-up of ``ensemble_speedup.py`` (16 jitted particles, n = 10, ``workers=2``;
Rastrigin and Rosenbrock), with every particle timed where it runs: this
process ("parent") or the forked worker ("child"). Four ways of starting
the worker:

- ``as is``: the worker claims its first particle at once (hamopt's behaviour);
- ``BLAS limit set again``: the worker first calls
  ``threadpoolctl.threadpool_limits(limits=1, user_api="blas")``, as hamopt's
  forked workers did before they were told not to (the setting is inherited);
- ``gc.collect() first``: the worker first runs a full garbage collection,
  which writes to (and so copies, copy-on-write) every page that holds a
  Python object before the particle starts;
- ``sleep 0.2 s first``: the worker waits while this process runs particles.

A diagnostic, not a feature: it patches hamopt's internals to take the times.
Times are medians over the repeats (and, for "later", over the particles).
"""
import argparse
import gc
import os
import statistics
import tempfile
import time


def main():
    import hamopt._ensemble as ensemble
    from ensemble_speedup import particle_runner
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--maxfev", type=int, default=20_000, help="per particle")
    args = parser.parse_args()
    k, n = 16, 10
    parent = os.getpid()
    folder = tempfile.mkdtemp()
    solve, worker_start = ensemble.solve, ensemble._start_worker
    mode = ["as is"]

    def timed_solve(*a, **kw):  # one line per particle: process, start, seconds
        start = time.perf_counter()
        res = solve(*a, **kw)
        with open(os.path.join(folder, str(os.getpid())), "a") as f:
            f.write(f"{start} {time.perf_counter() - start}\n")
        return res

    def started_worker(forked):
        worker_start(forked)
        if mode[0] == "BLAS limit set again":
            from threadpoolctl import threadpool_limits
            threadpool_limits(limits=1, user_api="blas")
        elif mode[0] == "gc.collect() first":
            gc.collect()
        elif mode[0] == "sleep 0.2 s first":
            time.sleep(0.2)

    ensemble.solve, ensemble._start_worker = timed_solve, started_worker
    print(f"{k} particles, n = {n}, {args.maxfev:,} evaluations each, workers=2; "
          f"{os.cpu_count()} cores; medians of {args.repeats} runs.\n")
    print("| function | worker start | first particle, parent (s) | first particle, child (s) "
          "| later particles (s) | workers=2 (s) | one after another (s) |")
    print("|---|---|---|---|---|---|---|")
    for name in ("rastrigin", "rosenbrock"):
        particles = particle_runner(name, n, k, args.maxfev)

        def run(workers):
            start = time.perf_counter()
            particles(workers)
            return time.perf_counter() - start
        for mode[0] in ("as is", "BLAS limit set again", "gc.collect() first",
                        "sleep 0.2 s first"):
            firsts = {"parent": [], "child": []}
            later, pooled, alone = [], [], []
            for _ in range(args.repeats):
                alone.append(run(1))
                for name_ in os.listdir(folder):
                    os.remove(os.path.join(folder, name_))
                pooled.append(run(2))
                for name_ in os.listdir(folder):
                    rows = sorted(tuple(map(float, line.split()))
                                  for line in open(os.path.join(folder, name_)))
                    who = "parent" if int(name_) == parent else "child"
                    firsts[who].append(rows[0][1])
                    later.extend(seconds for _, seconds in rows[1:])
            print(f"| {name} | {mode[0]} | {statistics.median(firsts['parent']):.3f} "
                  f"| {statistics.median(firsts['child']):.3f} | {statistics.median(later):.3f} "
                  f"| {statistics.median(pooled):.3f} | {statistics.median(alone):.3f} |")


if __name__ == "__main__":
    main()
