"""Many particles in one call: their starts and random streams, how they are run
(one after another, in a process pool, or through any map-like callable), and the
one result that combines them.

Every particle is a whole run of the solver (trajectory, polish, hop search)
from its own start, with its own stream: child ``k + 1`` of
``np.random.default_rng(rng).spawn(K + 1)`` (child 0 draws the starts), so
the result does not depend on how many workers ran it. The particles are
independent: they share nothing while they run.
"""
import math
import os
import pickle

import numpy as np
from scipy.optimize import OptimizeResult

from ._options import fresh_point
from ._outcomes import attach_result
from ._solver import solve


def particle_streams(rng, particles):
    """(the generator that draws the starts, one generator per particle)."""
    children = np.random.default_rng(rng).spawn(particles + 1)
    return children[0], children[1:]


def particle_starts(x0, box, particles, rng):
    """x0 first, then ``particles - 1`` fresh points (uniform in a finite box, else in
    ``x0 +- max(1, max|x0|)``), as the rows of an array."""
    return np.array([x0] + [fresh_point(x0, box, rng) for _ in range(particles - 1)])


def _run_particle(task):
    objective, x0, options, rng, callback = task
    return solve(objective, x0, options, rng, callback)


def run_particles(objective, starts, options, streams, workers, callback=None, display=None):
    """Each particle's OptimizeResult, in order. ``workers``: 1 (here, one after
    another), an int > 1 or -1 (a process pool of that many, -1 = all cores), or a
    map-like callable ``workers(function, iterable)``.

    If a particle raises (or the run is interrupted), the exception propagates
    with the combined result of the particles that finished, and of the
    interrupted one's best point where known, attached as ``exc.result``.
    """
    tasks = [(objective, x0, options, rng, callback) for x0, rng in zip(starts, streams)]
    done = [None] * len(tasks)

    def finished(k, res):
        done[k] = res
        if display is not None:
            display.finished(k, res)
    try:
        if workers == 1:
            step = None if display is None else display.step
            for k, x0 in enumerate(starts):
                finished(k, solve(objective, x0, options, streams[k], callback, step))
        elif callable(workers):
            for k, res in enumerate(workers(_run_particle, tasks)):
                finished(k, res)
        else:
            _in_processes(tasks, finished, workers)
    except BaseException as exc:
        partial = [res for res in done if res is not None]
        interrupted = getattr(exc, "result", None)
        if interrupted is not None and interrupted.get("particles") is None:
            partial.append(interrupted)
        if partial:
            attach_result(exc, combined(partial))
        raise
    return done


def _in_processes(tasks, finished, workers):
    """Run the tasks in ``workers`` processes, this one and ``workers - 1`` workers,
    and call ``finished(k, result)`` as they end; raise the first exception a task
    raised. Every worker is killed and joined on the way out, whatever ended it.

    Each process takes the next task from a shared counter when it is free, so
    none waits for another to hand it work, and this process runs particles as
    well between collecting the workers' results (it would otherwise sit idle
    on a core). Plain processes and pipes rather than ``multiprocessing.Pool``:
    a Pool's ``terminate()`` hung in our tests (its task-feeding thread blocked
    on the queue's lock after a particle raised). All processes use one BLAS
    thread while the tasks run: with the default (one per core) in every
    process, the idle BLAS threads spin on each other's cores and each particle
    ran three times slower (benchmarks/ensemble_speedup.py).
    """
    import multiprocessing
    from threadpoolctl import threadpool_limits
    processes = min(os.cpu_count() if workers == -1 else workers, len(tasks))
    try:
        pickle.dumps(tasks[0][0])
    except Exception as exc:
        raise TypeError(f"workers={workers} runs the particles in other processes, so fun "
                        "and jac must be picklable (module-level functions, not lambdas or "
                        f"closures): {exc}") from None
    taken = multiprocessing.Value("i", 0)  # the tasks claimed so far, in order
    forked = multiprocessing.get_start_method() == "fork"
    procs, pipes = [], []
    with threadpool_limits(limits=1, user_api="blas"):  # forked workers inherit it
        try:
            for _ in range(processes - 1):
                here, there = multiprocessing.Pipe(duplex=False)
                proc = multiprocessing.Process(target=_worker, args=(tasks, taken, there, forked),
                                               daemon=True)
                proc.start()
                there.close()
                procs.append(proc)
                pipes.append(here)
            left = len(tasks)
            while (k := _claim(taken, len(tasks))) is not None:
                finished(k, _run_particle(tasks[k]))
                left -= 1 + _collect(pipes, finished, timeout=0)
            while left:
                left -= _collect(pipes, finished, timeout=None)
        finally:
            for proc in procs:  # no worker outlives the call
                proc.kill()
            for proc in procs:
                proc.join()
            for conn in pipes:
                conn.close()


def _claim(taken, count):
    """The index of the next task nobody took yet (now taken), or None."""
    with taken.get_lock():
        k = taken.value
        if k >= count:
            return None
        taken.value = k + 1
        return k


def _collect(pipes, finished, timeout):
    """Pass on the workers' results that arrived (waiting up to ``timeout`` s for the
    first; None: until one does); returns how many. A worker's exception is raised;
    a worker that ended leaves ``pipes``."""
    from multiprocessing.connection import wait
    if not pipes:
        raise RuntimeError("a worker process died before its particle finished")
    got = 0
    for conn in wait(pipes, timeout):
        try:
            k, res, exc = conn.recv()
        except EOFError:  # the worker found no task left, or died
            pipes.remove(conn)
            conn.close()
            continue
        if exc is not None:
            raise exc
        finished(k, res)
        got += 1
    return got


def _worker(tasks, taken, conn, forked):
    """A worker process: run the tasks it claims until none is left."""
    _start_worker(forked)
    while (k := _claim(taken, len(tasks))) is not None:
        answer = _indexed((k, tasks[k]))
        try:
            conn.send(answer)
        except Exception as exc:  # an exception or result that does not pickle
            _, _, error = answer
            conn.send((k, None, RuntimeError(f"particle {k} raised {error!r}, or its result "
                                             f"could not be sent back: {exc}")))
    conn.close()


def _start_worker(forked):
    """A worker's BLAS uses one thread (see ``_in_processes``). A spawned worker sets
    it; a forked one inherits it and must not set it again: that starts the BLAS
    library's thread pool anew in the worker, and its threads spin on both cores
    while the first particles run (both processes' first particles took about
    twice as long: benchmarks/fork_warmup.py)."""
    if not forked:
        from threadpoolctl import threadpool_limits
        threadpool_limits(limits=1, user_api="blas")


def _indexed(item):
    """Particle k's (k, result, None), or (k, None, the exception it raised), to be
    raised in the caller (a KeyboardInterrupt too)."""
    k, task = item
    try:
        return k, _run_particle(task), None
    except BaseException as exc:  # handed back to the caller, which raises it
        return k, None, exc


def dask_workers(client):
    """A map-like callable that runs the particles on a dask.distributed cluster:
    ``minimize(..., particles=K, workers=hamopt.dask_workers(client))``.

    Results come back in order as they are needed, so if a particle raises,
    those before it are kept; the cluster's pending work is cancelled.
    """
    def map_like(function, tasks):
        futures = client.map(function, list(tasks), pure=False)
        try:
            for future in futures:
                yield future.result()
        finally:
            client.cancel(futures)
    return map_like


def combined(results):
    """One OptimizeResult for many particles: the best particle's fields (lowest
    finite ``fun``), the counts summed over all, and ``particles``, every one's
    own result in order."""
    finite = [res for res in results if math.isfinite(res.fun)]
    best = min(finite or results, key=lambda res: res.fun)
    out = OptimizeResult(best)
    for count in ("nit", "nfev", "njev", "polish_nfev", "polish_njev", "nhops",
                  "nlandings", "curvature_njev", "nrestarts"):
        if all(count in res for res in results):
            out[count] = sum(res[count] for res in results)
    out.particles = list(results)
    out.message = f"{best.message} (best of {len(results)} particles)"
    return out
