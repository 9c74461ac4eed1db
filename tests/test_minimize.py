"""Behaviour of hamopt.minimize: convergence, counting, reproducibility, stops, faults."""
import numba
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import OptimizeResult, rosen, rosen_der

import hamopt
from hamopt.dynamics.bounces import NOISE_EVERY

from .problems import sphere, sphere_grad


def test_sphere_converges_with_exact_F0():
    x0 = np.linspace(-2.0, 3.0, 10)
    res = hamopt.minimize(sphere, x0, jac=sphere_grad, F0=0.0, tol=1e-12, rng=0)
    assert res.success and res.status == 0
    assert res.fun <= 1e-12


def test_rosenbrock_converges_with_exact_F0():
    res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, F0=0.0, tol=1e-8, rng=0)
    assert res.success
    assert res.fun <= 1e-8
    assert_allclose(res.x, [1.0, 1.0], atol=1e-3)


def test_result_fields_and_fun_at_x():
    res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, F0=0.0, rng=1, maxiter=50, tol=0.0)
    assert isinstance(res, OptimizeResult)
    for key in ("x", "fun", "jac", "nit", "nfev", "njev", "status", "success", "message",
                "E", "energy_error", "max_energy_error", "n_restore_failed", "q", "p"):
        assert key in res
    assert res.fun == rosen(res.x)
    assert_array_equal(res.jac, rosen_der(res.x))
    assert res.status == 1 and not res.success and res.nit == 50
    assert "iterations" in res.message


@pytest.mark.parametrize("jac_mode", ["callable", "true", "none"])
def test_counts_equal_real_calls(jac_mode):
    calls = {"fun": 0, "jac": 0}

    def fun(x):
        calls["fun"] += 1
        return rosen(x) if jac_mode != "true" else (rosen(x), rosen_der(x))

    def jac(x):
        calls["jac"] += 1
        return rosen_der(x)

    jac_arg = {"callable": jac, "true": True, "none": None}[jac_mode]
    res = hamopt.minimize(fun, [-1.2, 1.0], jac=jac_arg, rng=0, maxiter=40, tol=0.0)
    assert res.nfev == calls["fun"]
    # One gradient per step and at x0, plus the polish's and the flights' directions'
    # (each call of fun gives one with jac=True; each forward-difference gradient is one).
    assert res.njev == (calls["jac"] if jac_mode == "callable"
                        else res.nit + 1 + res.polish_njev + res.curvature_njev)
    assert res.nit == 40 and res.polish_njev > 0


def test_maxfev_respected_with_finite_differences():
    res = hamopt.minimize(rosen, [-1.2, 1.0, 0.3], F0=0.0, rng=0, maxfev=101, tol=0.0)
    assert res.nfev <= 101
    assert res.nfev + 4 > 101  # no room left for one more step (4 values per gradient)
    assert res.status == 1 and "function evaluations" in res.message


def test_same_rng_same_result_bit_for_bit():
    kwargs = dict(jac=rosen_der, nu=0.1, bounce_every=5, rng=42, maxiter=300, tol=0.0, hops=0)
    a = hamopt.minimize(rosen, [-1.2, 1.0, 0.7], **kwargs)
    b = hamopt.minimize(rosen, [-1.2, 1.0, 0.7], **kwargs)
    assert_array_equal(a.x, b.x)
    assert_array_equal(a.q, b.q)
    assert_array_equal(a.p, b.p)
    c = hamopt.minimize(rosen, [-1.2, 1.0, 0.7], **{**kwargs, "rng": 43})
    assert not np.array_equal(a.q, c.q)


def test_generator_rng_is_used_and_advanced():
    rng = np.random.default_rng(7)
    steps = 4 * NOISE_EVERY  # 4 generalized bounces, 2 normal draws each
    hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, nu=0.1, rng=rng, maxiter=steps, tol=0.0,
                    hops=0)
    fresh = np.random.default_rng(7)
    fresh.standard_normal(2 * 4)
    assert rng.standard_normal() == fresh.standard_normal()


def test_zero_gradient_start_takes_random_direction():
    res = hamopt.minimize(lambda x: np.cos(x).sum() + 3, np.zeros(3),
                          jac=lambda x: -np.sin(x), deltaE=1.0, rng=0, maxiter=100,
                          tol=0.0)
    assert res.fun < 3 + 3 - 1e-3  # it moved downhill from the maximum at 0


def test_weight_decay_is_an_l2_term():
    wd = 0.5
    res = hamopt.minimize(sphere, [1.0, -2.0], jac=sphere_grad, weight_decay=wd,
                          rng=0, maxiter=30, tol=0.0)
    assert res.fun == pytest.approx(sphere(res.x) + 0.5 * wd * res.x @ res.x, rel=1e-14)
    assert_allclose(res.jac, sphere_grad(res.x) + wd * res.x, rtol=1e-14)


def test_nan_stops_with_status_3_and_keeps_best_point():
    def fun(x):
        return np.nan if x[0] < 0.0 else (x[0] - 0.2) ** 2 + 1.0

    res = hamopt.minimize(fun, [1.0], jac=lambda x: 2 * (x - 0.2), F0=0.0, dt=0.3,
                          deltaE=20.0, rng=0, maxiter=1000, hops=0)  # (hops go on: test_hops)
    assert res.status == 3 and not res.success
    assert np.isfinite(res.fun) and res.fun == fun(res.x)


def test_user_exception_propagates_with_best_point_attached():
    class Boom(Exception):
        pass

    calls = []

    def fun(x):
        calls.append(rosen(x))
        if len(calls) == 30:
            raise Boom("boom")
        return calls[-1]

    with pytest.raises(Boom) as info:
        hamopt.minimize(fun, [-1.2, 1.0], jac=rosen_der, rng=0)
    partial = info.value.result  # (call 30 is in the first polish; its value never returned)
    assert partial.fun == min(calls[:-1])
    assert partial.nfev == len(calls) == 30  # the call that raised is a real call
    assert rosen(partial.x) == partial.fun


def test_stops_when_F_falls_below_F0():
    res = hamopt.minimize(sphere, [1.0, 1.0], jac=sphere_grad, F0=0.5, tol=0.0, rng=0)
    assert res.success and "not a lower bound" in res.message
    assert res.fun <= 0.5


@pytest.mark.parametrize("style", ["xk", "intermediate_result"])
def test_callbacks_and_stop_iteration(style):
    seen = []
    if style == "xk":
        def callback(xk):
            seen.append(xk)
            if len(seen) == 5:
                raise StopIteration
    else:
        def callback(intermediate_result):
            seen.append(intermediate_result)
            if len(seen) == 5:
                raise StopIteration

    res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, rng=0, callback=callback)
    assert res.status == 99 and not res.success
    assert res.message == "`callback` raised `StopIteration`."
    assert res.nit == 5 and len(seen) == 5
    if style == "xk":
        seen[0][0] = 1e9  # a copy: scribbling on it must not change the run
        assert res.x[0] != 1e9
    else:
        assert seen[-1].nit == 5 and seen[-1].fun == pytest.approx(res.fun)


@pytest.mark.parametrize("name, hint", [("banana", None), ("max_iter", "did you mean 'maxiter'"),
                                        ("hop_stepss", "did you mean 'hop_steps'"),
                                        ("seed", "did you mean 'rng'"),
                                        ("options", "method=hamopt.custom, options=")])
def test_a_misspelt_keyword_is_a_type_error(name, hint):
    calls = []

    def fun(x):
        calls.append(1)
        return rosen(x)
    with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'") as error:
        hamopt.minimize(fun, [-1.2, 1.0], jac=rosen_der, maxiter=3, **{name: 1})
    assert not calls  # before any work
    if hint is None:
        assert str(error.value).endswith(f"'{name}'")
    else:
        assert hint in str(error.value)


def test_deep_convergence_does_not_overflow_the_momentum():
    """F - F0 down to ~1e-300: |p|^2 = e^E/V - 1 would overflow; the log scale keeps it."""
    res = hamopt.minimize(sphere, np.linspace(-1.0, 1.0, 4), jac=sphere_grad, F0=0.0, tol=0.0,
                          rng=0, maxiter=6000, polish=False)
    assert res.status == 1  # ran out of steps, never hit a non-finite value
    assert res.fun < 1e-200
    assert np.all(np.isfinite(res.q))


@pytest.mark.parametrize("eta", [0.25, 8.0, 60.0])
def test_large_and_small_eta_stay_finite(eta):
    res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, F0=0.0, eta=eta, rng=0, maxiter=500,
                          tol=0.0)
    assert res.status == 1 and np.isfinite(res.fun) and res.fun < rosen([-1.2, 1.0])
    assert np.isfinite(res.E)


@pytest.mark.parametrize("jitted", [False, True])
def test_args_are_passed(jitted):
    def shifted(x, c):
        return ((x - c) ** 2).sum()

    def shifted_grad(x, c):
        return 2.0 * (x - c)
    if jitted:  # jitted functions with args run on the Python-callable loop
        shifted, shifted_grad = numba.njit(shifted), numba.njit(shifted_grad)
    res = hamopt.minimize(shifted, [0.0, 0.0], jac=shifted_grad, args=(3.0,), tol=1e-12, rng=0)
    assert res.success
    assert_allclose(res.x, [3.0, 3.0], atol=1e-5)


def test_maxiter_zero_returns_the_start():
    res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, F0=0.0, maxiter=0, polish=False)
    assert res.nit == 0 and res.nfev == 1 and res.status == 1
    assert_array_equal(res.x, [-1.2, 1.0])


def test_keyboard_interrupt_keeps_best_point():
    calls = []

    def fun(x):
        calls.append(rosen(x))
        if len(calls) == 20:
            raise KeyboardInterrupt
        return calls[-1]

    with pytest.raises(KeyboardInterrupt) as info:
        hamopt.minimize(fun, [-1.2, 1.0], jac=rosen_der, rng=0)
    assert info.value.result.fun == min(calls[:-1])
    assert "Interrupted by KeyboardInterrupt" in info.value.result.message


@pytest.mark.parametrize("path", ["python", "nopython"])
def test_the_callback_sees_every_step_the_last_one_too(path):
    from hamopt.testfunctions import get
    fn = get("rosenbrock")
    fun, jac = (fn.fun, fn.grad) if path == "nopython" else (lambda x: fn.fun(x),
                                                              lambda x: fn.grad(x))
    seen = []
    res = hamopt.minimize(fun, [-1.2, 1.0, 0.5], jac=jac, hops=0, polish=False, maxiter=37,
                          rng=0, callback=lambda xk: seen.append(xk))
    assert res.nit == 37 and len(seen) == 37


@pytest.mark.parametrize("jac, per_gradient", [("2-point", 1), ("3-point", 2), ("cs", 1)])
def test_scipy_difference_schemes_are_accepted_and_counted(jac, per_gradient):
    calls = []

    def fun(x):
        calls.append(1)
        return (x[0] - 1.0) ** 2 + 10.0 * (x[1] + 0.5) ** 2 + x[0] * x[1]
    res = hamopt.minimize(fun, [2.0, 2.0], jac=jac, maxfev=400, rng=0, hops=0, maxiter=20)
    assert res.nfev == len(calls) <= 400
    assert res.njev * (1 + per_gradient * 2) <= res.nfev
    exact = np.array([2 * (res.x[0] - 1.0) + res.x[1], 20 * (res.x[1] + 0.5) + res.x[0]])
    # central differences and complex steps are exact on a quadratic; forward ones not
    assert np.allclose(res.jac, exact, atol=1e-6 if jac == "2-point" else 1e-9)


def test_forward_differences_by_name_are_the_default():
    a = hamopt.minimize(rosen, [-1.2, 1.0], maxfev=500, rng=0)
    b = hamopt.minimize(rosen, [-1.2, 1.0], jac="2-point", maxfev=500, rng=0)
    assert a.fun == b.fun and a.nfev == b.nfev


def test_complex_step_needs_a_complex_fun():
    with pytest.raises(TypeError, match="complex step"):
        hamopt.minimize(lambda x: float(np.sum(x * x)), [1.0, 2.0], jac="cs", maxfev=50)
    with pytest.raises(TypeError, match="jac must be"):
        hamopt.minimize(rosen, [1.0, 2.0], jac="4-point")


@pytest.mark.parametrize("bad", [None, "one", [1.0, 2.0]])
def test_a_bad_value_mid_run_says_what_fun_returned(bad):
    calls = []

    def fun(x):
        calls.append(1)
        return bad if len(calls) == 30 else float(np.sum(x * x))
    with pytest.raises((TypeError, ValueError), match="fun must return a") as info:
        hamopt.minimize(fun, [1.0, 2.0], jac=lambda x: 2 * x, rng=0)
    partial = info.value.result
    assert partial.nfev == len(calls) == 30 and partial.fun == float(np.sum(partial.x ** 2))


def test_a_bad_pair_mid_run_says_what_fun_returned():
    calls = []

    def fun(x):
        calls.append(1)
        return None if len(calls) == 30 else (float(np.sum(x * x)), 2 * x)
    with pytest.raises(TypeError, match=r"fun must return a tuple \(f, grad\), got None"):
        hamopt.minimize(fun, [1.0, 2.0], jac=True, rng=0)


def test_disp_prints_progress_lines_while_a_run_goes(capsys, monkeypatch):
    """disp=True: a line of time, evaluations and best value every DISP_SECONDS (0 here)."""
    import re
    from hamopt import _progress
    from hamopt.dynamics import loop
    from hamopt.testfunctions import get
    fn = get("rastrigin")
    x0 = np.full(5, 3.3)
    hamopt.minimize(fn.fun, x0, jac=fn.grad, rng=0, maxfev=20_000)
    assert capsys.readouterr().out == ""
    monkeypatch.setattr(_progress, "DISP_SECONDS", 0.0)
    monkeypatch.setattr(loop, "_CHUNK_SECONDS", 0.0)  # report at every chance, on both paths
    res = hamopt.minimize(fn.fun, x0, jac=fn.grad, rng=0, maxfev=20_000, disp=True)
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.startswith("hamopt:")]
    assert len(lines) >= 2
    nfev = [int(re.search(r"nfev (\d+)", line).group(1)) for line in lines]
    best = [float(re.search(r"best (\S+),", line).group(1)) for line in lines]
    assert nfev == sorted(nfev) and nfev[-1] <= res.nfev
    assert best == sorted(best, reverse=True) and best[-1] >= float(f"{res.fun:.6g}")
