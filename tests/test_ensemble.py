"""Many particles in one call: streams, starts, workers, budgets, failures."""
import multiprocessing
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hamopt
from hamopt import testfunctions
from hamopt._ensemble import particle_starts, particle_streams

RASTRIGIN = testfunctions.get("rastrigin")
BOX = list(zip(*RASTRIGIN.bounds(4)))


def rastrigin(x):  # a plain Python function, picklable by reference
    return float(10 * x.size + np.sum(x * x - 10 * np.cos(2 * np.pi * x)))


def rastrigin_grad(x):
    return 2 * x + 20 * np.pi * np.sin(2 * np.pi * x)


CALLS = []


def failing(x):
    CALLS.append(1)
    if len(CALLS) == 1500:
        raise RuntimeError("simulation crashed")
    return rastrigin(x)


def interrupted(x):
    CALLS.append(1)
    if len(CALLS) == 1500:
        raise KeyboardInterrupt
    return rastrigin(x)


def _run(**kwargs):
    return hamopt.minimize(rastrigin, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                           maxfev=4000, rng=7, particles=4, **kwargs)


def _same(a, b):
    assert_array_equal(a.x, b.x)
    assert a.fun == b.fun and a.nfev == b.nfev
    for p, q in zip(a.particles, b.particles, strict=True):
        assert_array_equal(p.x, q.x)
        assert p.fun == q.fun and p.nfev == q.nfev and p.nit == q.nit


def test_the_result_does_not_depend_on_who_ran_the_particles():
    alone = _run()
    _same(alone, _run(workers=2))
    _same(alone, _run(workers=map))
    with ThreadPoolExecutor(3) as pool:
        _same(alone, _run(workers=pool.map))
    assert not multiprocessing.active_children()  # the pool is gone


def test_each_particle_is_the_single_run_with_its_own_start_and_stream():
    res = _run()
    draw, streams = particle_streams(7, 4)
    starts = particle_starts(np.full(4, 3.0), RASTRIGIN.bounds(4), 4, draw)
    assert_array_equal(starts[0], np.full(4, 3.0))
    assert len({tuple(s) for s in starts}) == 4
    for particle, start, stream in zip(res.particles, starts, streams):
        single = hamopt.minimize(rastrigin, start, jac=rastrigin_grad, bounds=BOX,
                                 maxfev=1000, rng=stream)
        assert_array_equal(particle.x, single.x)
        assert particle.fun == single.fun and particle.nfev == single.nfev


def test_best_particle_and_summed_counts():
    res = _run()
    funs = [p.fun for p in res.particles]
    assert res.fun == min(funs) and res.fun == rastrigin(res.x)
    assert res.nfev == sum(p.nfev for p in res.particles) <= 4000
    assert all(p.nfev <= 1000 for p in res.particles)  # maxfev is shared
    assert res.nit == sum(p.nit for p in res.particles)
    assert "best of 4 particles" in res.message


def test_jitted_objectives_in_a_process_pool():
    fun, grad = RASTRIGIN.fun, RASTRIGIN.grad
    a = hamopt.minimize(fun, np.full(4, 3.0), jac=grad, bounds=BOX, maxfev=2000, rng=1,
                        particles=3)
    b = hamopt.minimize(fun, np.full(4, 3.0), jac=grad, bounds=BOX, maxfev=2000, rng=1,
                        particles=3, workers=2)
    _same(a, b)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(particles=0), ValueError, "particles must be an integer >= 1"),
    (dict(particles=2.5), ValueError, "particles must be an integer >= 1"),
    (dict(particles=2, workers=0), ValueError, "workers must be"),
    (dict(particles=2, workers=2, callback=lambda xk: None), ValueError, "workers=1"),
    (dict(particles=5, maxfev=4), ValueError, "cannot be shared by 5 particles"),
])
def test_bad_ensemble_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        hamopt.minimize(rastrigin, np.full(4, 3.0), jac=rastrigin_grad, **kwargs)


def test_unpicklable_functions_need_workers_1():
    with pytest.raises(TypeError, match="picklable"):
        hamopt.minimize(lambda x: rastrigin(x), np.full(4, 3.0), jac=rastrigin_grad,
                        particles=2, workers=2, maxfev=100)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_particle_keeps_the_best_point_found(workers):
    CALLS.clear()
    with pytest.raises(RuntimeError, match="simulation crashed") as info:
        hamopt.minimize(failing, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                        maxfev=4000, rng=7, particles=4, workers=workers)
    partial = info.value.result
    assert not partial.success and np.isfinite(partial.fun)
    assert partial.fun == rastrigin(partial.x)
    if workers == 1:  # the first particle finished (<= 1000 calls), the second failed
        # every call counts, the one that raised included
        assert len(partial.particles) == 2 and partial.nfev == len(CALLS)
    assert not multiprocessing.active_children()


@pytest.mark.parametrize("workers", [1, 2])
def test_an_interrupt_in_a_particle_ends_the_call_cleanly(workers):
    CALLS.clear()
    with pytest.raises(KeyboardInterrupt) as info:
        hamopt.minimize(interrupted, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                        maxfev=4000, rng=7, particles=4, workers=workers)
    partial = info.value.result
    assert np.isfinite(partial.fun) and partial.fun == rastrigin(partial.x)
    assert not multiprocessing.active_children()


PARENT = os.getpid()


def dies_in_a_worker(x):
    if os.getpid() != PARENT:
        os._exit(3)  # a crash that sends nothing back
    return rastrigin(x)


def test_a_worker_process_that_dies_ends_the_call_with_an_error():
    with pytest.raises(RuntimeError, match="worker process died") as info:
        hamopt.minimize(dies_in_a_worker, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                        maxfev=40_000, rng=7, particles=8, workers=2)
    partial = info.value.result  # the particles this process ran
    assert partial.fun == rastrigin(partial.x)
    assert not multiprocessing.active_children()


def test_particles_on_a_real_dask_cluster():
    distributed = pytest.importorskip("distributed")
    alone = _run()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        _same(alone, _run(workers=hamopt.dask_workers(client)))
        CALLS.clear()
        with pytest.raises(RuntimeError, match="simulation crashed") as info:
            hamopt.minimize(failing, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                            maxfev=4000, rng=7, particles=4,
                            workers=hamopt.dask_workers(client))
        assert np.isfinite(info.value.result.fun)


def test_a_progress_bar_changes_nothing_but_the_screen(capsys):
    pytest.importorskip("tqdm")
    quiet = _run()
    shown = _run(progress=True)
    _same(quiet, shown)
    err = capsys.readouterr().err
    assert "hamopt" in err and "fev" in err and "alive=0" in err
    single = hamopt.minimize(rastrigin, np.full(4, 3.0), jac=rastrigin_grad, bounds=BOX,
                             maxfev=3000, rng=7)
    single_shown = hamopt.minimize(rastrigin, np.full(4, 3.0), jac=rastrigin_grad,
                                   bounds=BOX, maxfev=3000, rng=7, progress=True)
    assert_array_equal(single.x, single_shown.x)
    assert single.nfev == single_shown.nfev
    assert "/3000" in capsys.readouterr().err


def test_progress_without_tqdm_fails_before_any_work(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    CALLS.clear()
    with pytest.raises(ImportError, match="pip install tqdm"):
        hamopt.minimize(failing, np.full(4, 3.0), jac=rastrigin_grad, progress=True)
    assert not CALLS


def test_disp_prints_a_line_per_particle(capsys):
    _run(disp=True)
    out = capsys.readouterr().out
    assert all(f"particle {k}: fun" in out for k in range(4))


def test_a_float_budget_is_refused_with_particles_too():
    with pytest.raises(TypeError, match="maxfev must be an integer"):
        hamopt.minimize(rastrigin, np.full(4, 3.0), jac=rastrigin_grad, particles=4,
                        maxfev=1e4)


def blas_threads_seen(x, folder):
    """Rastrigin, after noting this process's BLAS thread counts in ``folder``."""
    from threadpoolctl import threadpool_info
    counts = sorted({lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"})
    with open(os.path.join(folder, str(os.getpid())), "w") as f:
        f.write(" ".join(map(str, counts)))
    return rastrigin(x)


def rastrigin_grad_with_folder(x, folder):
    return rastrigin_grad(x)


def test_workers_run_blas_on_one_thread(tmp_path):
    hamopt.minimize(blas_threads_seen, np.full(4, 2.0), jac=rastrigin_grad_with_folder,
                    args=(str(tmp_path),),
                    bounds=BOX, maxfev=2000, particles=4, workers=2, rng=0)
    seen = {int(name): (tmp_path / name).read_text() for name in os.listdir(tmp_path)}
    workers = [counts for pid, counts in seen.items() if pid != os.getpid()]
    assert workers and all(counts in ("", "1") for counts in seen.values())


def test_forked_worker_leaves_the_inherited_blas_setting_alone(monkeypatch):
    """Setting the limit again in a forked worker restarts the BLAS thread pool, whose
    spinning threads slowed both processes' first particles about twice."""
    import threadpoolctl
    from hamopt._ensemble import _start_worker

    def refuse(*args, **kwargs):
        raise AssertionError("threadpool_limits called in a forked worker")
    monkeypatch.setattr(threadpoolctl, "threadpool_limits", refuse)
    _start_worker(forked=True)
    with pytest.raises(AssertionError):
        _start_worker(forked=False)
