"""The nopython path: same trajectory as the Python path, compiled once, cached on disk."""
import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hamopt

from .problems import (rosen_grad_jit, rosen_jit, rosen_value_and_grad_jit, sphere_grad_jit,
                       sphere_jit)

X0 = np.array([-1.2, 1.0, 0.3, -0.4])
KWARGS = dict(F0=0.0, nu=0.05, gamma=0.5, bounce_every=9, stall_bounce=6, deltaE=2.0, rng=5,
              maxiter=400, tol=0.0)


def test_compiled_path_is_used():
    from hamopt._objective import Objective
    assert Objective(rosen_jit, rosen_grad_jit, (), 2).compiled
    assert Objective(rosen_value_and_grad_jit, True, (), 2).compiled
    assert not Objective(rosen_jit, rosen_grad_jit, (1,), 2).compiled
    assert not Objective(rosen_jit, None, (), 2).compiled
    assert not Objective(lambda x: rosen_jit(x), rosen_grad_jit, (), 2).compiled


@pytest.mark.parametrize("jac_true", [False, True])
def test_jitted_path_equals_python_path(jac_true):
    if jac_true:
        compiled = hamopt.minimize(rosen_value_and_grad_jit, X0, jac=True, **KWARGS)
        python = hamopt.minimize(lambda x: rosen_value_and_grad_jit(x), X0, jac=True, **KWARGS)
    else:
        compiled = hamopt.minimize(rosen_jit, X0, jac=rosen_grad_jit, **KWARGS)
        python = hamopt.minimize(lambda x: rosen_jit(x), X0, jac=lambda x: rosen_grad_jit(x),
                                 **KWARGS)
    # The same functions called from both loops: the same floating-point trajectory.
    for key in ("x", "q", "p", "jac"):
        assert_array_equal(compiled[key], python[key])
    assert compiled.n_stall_bounces > 0
    for key in ("fun", "nit", "nfev", "njev", "E", "max_energy_error", "n_restore_failed",
                "n_stall_bounces", "polish_nfev"):
        assert compiled[key] == python[key]


@pytest.mark.parametrize("options", [dict(nu=0.0), dict(nu=0.0, bounce_every=5),
                                     dict(nu=0.0, stall_bounce=4)])
def test_paths_draw_the_same_normals_when_bounces_are_rare(options):
    """Without generalized bounces, both loops draw normals only for the steps that bounce
    (bounces.draws_noise and its copy in loop._run_python): the same stream, the same run."""
    kwargs = dict(F0=0.0, deltaE=2.0, rng=5, maxiter=300, polish=False, **options)
    compiled = hamopt.minimize(rosen_jit, X0, jac=rosen_grad_jit, **kwargs)
    python = hamopt.minimize(lambda x: rosen_jit(x), X0, jac=lambda x: rosen_grad_jit(x),
                             **kwargs)
    assert_array_equal(compiled.x, python.x)
    assert_array_equal(compiled.q, python.q)
    assert compiled.nit == python.nit == 300


@numba.njit
def _flat(x):
    return 2.0


@numba.njit
def _flat_grad(x):
    return np.zeros_like(x)


@pytest.mark.parametrize("stall_bounce", [1, 3, 4])
def test_paths_agree_on_stall_bounces(stall_bounce):
    """F never improves on a plateau: a stall bounce is due every stall_bounce steps, and
    both loops must draw its normals on the same steps (bounces.draws_noise)."""
    kwargs = dict(F0=1.0, nu=0.0, stall_bounce=stall_bounce, maxiter=30, polish=False, rng=2)
    compiled = hamopt.minimize(_flat, np.zeros(3), jac=_flat_grad, **kwargs)
    python = hamopt.minimize(lambda x: 2.0, np.zeros(3), jac=lambda x: np.zeros(3), **kwargs)
    assert compiled.n_stall_bounces == python.n_stall_bounces == 29 // stall_bounce
    assert_array_equal(compiled.p, python.p)
    assert_array_equal(compiled.q, python.q)


def test_jitted_path_matches_numpy_objective_to_rounding():
    from scipy.optimize import rosen, rosen_der
    # Different code for F (numba's and numpy's) differs at rounding level; stall bounces
    # would turn that into a different bounce time, so they are off here.
    kwargs = {**KWARGS, "maxiter": 100, "stall_bounce": 0}
    compiled = hamopt.minimize(rosen_jit, X0, jac=rosen_grad_jit, **kwargs)
    python = hamopt.minimize(rosen, X0, jac=rosen_der, **kwargs)
    assert_allclose(compiled.q, python.q, rtol=1e-8)


def test_drivers_compile_once_for_all_objectives():
    from hamopt.dynamics.driver import run_fun_and_grad, run_fun_jac
    hamopt.minimize(rosen_jit, X0, jac=rosen_grad_jit, maxiter=5)
    hamopt.minimize(sphere_jit, X0, jac=sphere_grad_jit, maxiter=5)
    hamopt.minimize(rosen_value_and_grad_jit, X0, jac=True, maxiter=5)

    @numba.njit
    def shifted(x):
        return ((x - 1.0) ** 2).sum()

    @numba.njit
    def shifted_grad(x):
        return 2.0 * (x - 1.0)
    hamopt.minimize(shifted, X0, jac=shifted_grad, maxiter=5)

    @numba.njit
    def shifted_both(x):
        return shifted(x), shifted_grad(x)
    hamopt.minimize(shifted_both, X0, jac=True, maxiter=5)
    assert len(run_fun_jac.signatures) == 1
    assert len(run_fun_and_grad.signatures) == 1


def test_jitted_functions_of_other_types_fall_back_to_python_loop():
    @numba.njit
    def grad32(x):
        return (2.0 * x).astype(np.float32)

    @numba.njit
    def int_valued(x):
        return 3 + int(x[0] > 10.0)
    res = hamopt.minimize(sphere_jit, X0, jac=grad32, F0=-1.0, maxiter=20, rng=0)
    assert res.nit == 20 and res.fun < sphere_jit(X0)
    res = hamopt.minimize(int_valued, X0, jac=sphere_grad_jit, F0=-1.0, maxiter=20, rng=0)
    assert res.nit == 20 and res.fun == 3.0


def test_callback_on_jitted_path_every_iteration():
    seen = []

    def callback(intermediate_result):
        seen.append(intermediate_result.nit)
        if intermediate_result.nit == 25:
            raise StopIteration
    res = hamopt.minimize(rosen_jit, X0, jac=rosen_grad_jit, callback=callback, rng=0)
    assert seen == list(range(1, 26))
    assert res.status == 99 and res.nit == 25


def test_exception_in_jitted_objective_keeps_best_point():
    @numba.njit
    def fragile(x):
        if x[0] > 0.9:
            raise ValueError("left the trust region")
        return (x * x).sum() + 1.0

    # A long first trajectory with much energy leaves the region (in the nopython loop).
    with pytest.raises(ValueError, match="trust region") as info:
        hamopt.minimize(fragile, [0.5, 0.5], jac=sphere_grad_jit, F0=0.0, deltaE=50.0, dt=0.2,
                        rng=0, maxiter=10000, trajectory_steps=200)
    partial = info.value.result
    assert 0 < partial.nit < 200 and partial.x[0] <= 0.9
    assert partial.fun == fragile(partial.x)


def test_nan_in_jitted_objective_gives_status_3():
    @numba.njit
    def cliff(x):
        return np.nan if x[0] < 0.0 else (x[0] - 0.2) ** 2 + 1.0

    @numba.njit
    def cliff_grad(x):
        return 2.0 * (x - 0.2)
    res = hamopt.minimize(cliff, [1.0], jac=cliff_grad, dt=0.3, deltaE=20.0, rng=0, hops=0)
    assert res.status == 3 and np.isfinite(res.fun)
    hopped = hamopt.minimize(cliff, [1.0], jac=cliff_grad, dt=0.3, deltaE=20.0, rng=0)
    # Every flight ends beyond the cliff (issue 11: that is no success), but the best
    # finite point, the minimum, is kept.
    assert hopped.status == 3 and not hopped.success and "every one of" in hopped.message
    assert hopped.n_nonfinite_stops == hopped.nhops > 0
    assert hopped.fun == pytest.approx(1.0) and hopped.x[0] == pytest.approx(0.2)


def test_driver_is_cached_on_disk(tmp_path):
    """A second process loads the kernels from the cache: no compilation."""
    script = textwrap.dedent("""
        import numba, numpy as np, hamopt
        from hamopt.dynamics.driver import run_fun_jac
        from hamopt.dynamics.step import finish_and_advance

        @numba.njit
        def f(x):
            return (x * x).sum() + 1.0

        @numba.njit
        def g(x):
            return 2.0 * x

        hamopt.minimize(f, np.ones(3), jac=g, maxiter=10)
        print(sum(run_fun_jac.stats.cache_hits.values()),
              sum(run_fun_jac.stats.cache_misses.values()),
              sum(finish_and_advance.stats.cache_hits.values()))
    """)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    second = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True).stdout.split()
    assert first[:2] == ["0", "1"]          # compiled, then written to the cache
    assert second == ["1", "0", "1"]        # loaded, not compiled


def test_unwritable_cache_does_not_break_jit(monkeypatch):
    """numba's 'no locator available' RuntimeError falls back to an in-memory kernel,
    with one warning per process (issue 11)."""
    from hamopt.dynamics import jit as _jit

    real_jit = numba.jit

    def jit_without_cache_locator(*args, cache=False, **kwargs):
        if cache:
            raise RuntimeError("cannot cache function 'k': no locator available for file")
        return real_jit(*args, cache=cache, **kwargs)

    monkeypatch.setattr(_jit.numba, "jit", jit_without_cache_locator)
    monkeypatch.setattr(_jit, "_warned", [])

    with pytest.warns(RuntimeWarning, match="compile in memory") as caught:
        @_jit.jit(cache=True)
        def twice(x):
            return 2.0 * x

        @_jit.jit(cache=True)
        def thrice(x):
            return 3.0 * x
    assert twice(1.5) == 3.0 and thrice(1.5) == 4.5
    assert len([w for w in caught if "compile in memory" in str(w.message)]) == 1  # once


def test_cache_follows_edits_of_other_kernel_files(tmp_path):
    """Editing dynamics/layout.py (which the drivers inline) must not leave a stale cached driver."""
    import shutil
    package = tmp_path / "hamopt"
    shutil.copytree(os.path.dirname(hamopt.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    script = textwrap.dedent("""
        import numpy as np, hamopt
        from hamopt.dynamics.driver import run_fun_jac
        from hamopt.testfunctions import sphere, sphere_grad
        hamopt.minimize(sphere, np.ones(3), jac=sphere_grad, maxiter=5)
        print(sum(run_fun_jac.stats.cache_hits.values()))
    """)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(tmp_path))

    def cache_hits():
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                             text=True, check=True, cwd=tmp_path).stdout
        return int(out.split()[-1])
    assert cache_hits() == 0          # compiled
    assert cache_hits() == 1          # loaded
    with open(package / "dynamics" / "layout.py", "a") as f:
        f.write("\n# an edit\n")
    assert cache_hits() == 0          # recompiled, not the stale one


def test_an_edit_of_a_helper_module_reaches_the_cached_entry_points(tmp_path):
    """The kernels' helpers live in several modules; after an edit of one of them, the
    entry points (and the drivers) must run the new code, not link a stale cached helper."""
    import shutil
    package = tmp_path / "hamopt"
    shutil.copytree(os.path.dirname(hamopt.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    script = textwrap.dedent("""
        import numpy as np, hamopt
        from hamopt.testfunctions import sphere, sphere_grad
        jitted = hamopt.minimize(sphere, np.ones(3), jac=sphere_grad, maxiter=5, polish=False,
                                 rng=0)
        python = hamopt.minimize(lambda x: sphere(x), np.ones(3), jac=lambda x: sphere_grad(x),
                                 maxiter=5, polish=False, rng=0)
        print(jitted.q.tolist(), python.q.tolist())
    """)
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "cache"), PYTHONPATH=str(tmp_path))

    def final_positions():
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True, cwd=tmp_path).stdout
    before = final_positions()
    assert final_positions() == before  # from the cache
    # energy.py is called only from step.py's _finish_and_advance, whose file is unchanged
    energy = package / "dynamics" / "energy.py"
    source = energy.read_text()
    restore = "lam = 0.5 * (log_expm1(log_target) - log_pn2)"
    assert restore in source
    energy.write_text(source.replace(restore, restore + " + 0.1"))
    after = final_positions()
    jitted_q, python_q = after.split("] [")
    assert jitted_q + "]" != before.split("] [")[0] + "]"
    assert "[" + python_q != "[" + before.split("] [")[1]
