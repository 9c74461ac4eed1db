"""Evaluations per second of an ensemble on a dask LocalCluster with 1, 2 and 4 workers.

    python benchmarks/dask_throughput.py [--particles 8] [--maxfev 400]

The objective stands for a costly simulation: the sphere in 4 variables that
waits 20 ms per call (``time.sleep``, so it holds no core: on this 2-core
machine, 4 workers can only scale beyond 2 because the cost is waiting, as for
an external program). Gradient given, ``--particles`` particles sharing
``--maxfev`` evaluations, seed 0; one process per worker, one thread each.
The first row runs the particles one after another in this process. Each
cluster first runs a small untimed ensemble, so that its workers have imported
hamopt (about a second each): the table is the steady state.
"""
import argparse
import time

import numpy as np

COST = 0.02


def slow_sphere(x):
    time.sleep(COST)
    return float(np.sum(x * x))


def sphere_grad(x):
    return 2.0 * x


def main():
    import hamopt
    from distributed import Client, LocalCluster
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=8)
    parser.add_argument("--maxfev", type=int, default=400)
    args = parser.parse_args()

    def run(workers, maxfev=args.maxfev):
        start = time.perf_counter()
        res = hamopt.minimize(slow_sphere, np.full(4, 3.0), jac=sphere_grad,
                              bounds=[(-5, 5)] * 4, maxfev=maxfev,
                              particles=args.particles, workers=workers, rng=0)
        return res, time.perf_counter() - start

    print(f"{args.particles} particles, maxfev {args.maxfev}, {COST * 1e3:.0f} ms per call.\n")
    print("| workers | wall (s) | evaluations | evaluations / s | ideal (1 / cost x workers) "
          "| same result as one after another |")
    print("|---|---|---|---|---|---|")
    alone, seconds = run(1)
    print(f"| 1, no dask | {seconds:.2f} | {alone.nfev} | {alone.nfev / seconds:.1f} | "
          f"{1 / COST:.0f} | - |")
    for n_workers in (1, 2, 4):
        with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.wait_for_workers(n_workers)
            run(hamopt.dask_workers(client), maxfev=8 * args.particles)  # imports, warm-up
            res, seconds = run(hamopt.dask_workers(client))
        same = bool(np.array_equal(res.x, alone.x) and res.nfev == alone.nfev)
        print(f"| {n_workers} (dask) | {seconds:.2f} | {res.nfev} | {res.nfev / seconds:.1f} | "
              f"{n_workers / COST:.0f} | {same} |")


if __name__ == "__main__":
    main()
