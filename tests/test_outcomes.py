"""Every way a run can end goes through the one table of outcomes (hamopt._outcomes)."""
import subprocess
import sys

import numba
import numpy as np
import pytest

import hamopt
from hamopt._outcomes import Outcome, _TABLE, error_for, status_and_message

from .problems import sphere, sphere_grad, sphere_jit


def test_every_outcome_but_running_has_a_status_or_an_error():
    for outcome in Outcome:
        if outcome == Outcome.RUNNING:
            continue
        assert (outcome in _TABLE) != (error_for(outcome, 3) is not None), outcome


def test_without_a_target_budgets_and_the_search_end_in_success():
    for outcome in (Outcome.MAXITER_REACHED, Outcome.MAXFEV_REACHED, Outcome.SEARCH_ENDED):
        assert status_and_message(outcome, target_given=True)[0] == 1
        assert status_and_message(outcome, target_given=False)[0] == 0


X0 = np.array([1.0, -2.0, 0.5])


def _bad_length_jac_python(x):
    """Right at x0 (x[0] = 1), one entry too many once the particle has moved down."""
    return 2.0 * x if x[0] >= 0.9 else np.zeros(x.size + 1)


@numba.njit
def _bad_length_jac_jit(x):
    return 2.0 * x if x[0] >= 0.9 else np.zeros(x.size + 1)


@pytest.mark.parametrize("fun, jac", [(sphere, _bad_length_jac_python),
                                      (sphere_jit, _bad_length_jac_jit)],
                         ids=["python", "jitted"])
def test_a_gradient_whose_length_changes_raises_valueerror_on_both_paths(fun, jac):
    """Was KeyError: 5 on the nopython path: the kernels' BAD_GRADIENT_SHAPE has an entry."""
    with pytest.raises(ValueError, match="jac returned an array of another shape") as info:
        hamopt.minimize(fun, X0, jac=jac, F0=-1.0, dt=0.5, maxiter=100, hops=0, rng=0)
    assert info.value.result.status == -1
    assert info.value.result.fun <= sphere(X0)


def _ending(**kwargs):
    options = dict(jac=sphere_grad, F0=0.0, hops=0, polish=False, rng=0)
    options.update(kwargs)
    return hamopt.minimize(sphere, X0, **options)


def _stop_at_once(xk):
    raise StopIteration


def _nan_after_a_while():
    calls = [0]

    def fun(x):
        calls[0] += 1
        return float("nan") if calls[0] > 20 else sphere(x)
    return fun


# (outcome, how to reach it, the status it must give, a word of its message)
ENDINGS = [
    (Outcome.REACHED_TOL, lambda: _ending(tol=1e-6, maxiter=5000), 0, "F - F0 <= tol"),
    (Outcome.FELL_BELOW_F0, lambda: _ending(F0=1e-3, tol=0.0, maxiter=5000), 0, "fell below"),
    (Outcome.POLISHED_TO_TOL, lambda: _ending(maxiter=3, polish=True), 0, "polish"),
    (Outcome.MAXITER_REACHED, lambda: _ending(maxiter=3), 1, "iterations"),
    (Outcome.MAXFEV_REACHED, lambda: _ending(maxfev=5), 1, "function evaluations"),
    (Outcome.NON_FINITE, lambda: hamopt.minimize(_nan_after_a_while(), X0, jac=sphere_grad,
                                                 hops=0, polish=False, rng=0), 3, "NaN"),
    (Outcome.SEARCH_ENDED, lambda: _ending(F0=-1.0, hops=2, polish=True, maxiter=None), 1,
     "hop search ended"),
    (Outcome.CALLBACK_STOPPED, lambda: _ending(callback=_stop_at_once), 99, "callback"),
]


@pytest.mark.parametrize("outcome, run, status, word", ENDINGS, ids=[e[0].name for e in ENDINGS])
def test_each_outcome_is_reached_with_its_status(outcome, run, status, word):
    res = run()
    assert res.status == status and res.success == (status == 0)
    assert word in res.message
    assert res.message == status_and_message(outcome, target_given=True)[1]


def test_the_endings_cover_every_outcome():
    reached = {e[0] for e in ENDINGS} | {Outcome.BAD_GRADIENT_SHAPE, Outcome.INTERRUPTED}
    assert reached == set(Outcome) - {Outcome.RUNNING}


def test_an_exception_is_the_interrupted_outcome():
    def fragile(x):
        if fragile.calls > 10:
            raise RuntimeError("boom")
        fragile.calls += 1
        return sphere(x)
    fragile.calls = 0
    with pytest.raises(RuntimeError) as info:
        hamopt.minimize(fragile, X0, jac=sphere_grad, rng=0)
    assert info.value.result.status == Outcome.INTERRUPTED == -1
    assert info.value.result.fun <= sphere(X0)


def test_import_hamopt_does_not_import_the_benchmark_code():
    code = ("import sys, hamopt; print(sorted(m for m in sys.modules "
            "if m.startswith(('hamopt.bench', 'hamopt.cli', 'matplotlib', 'cma.')) or m == 'cma'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_f_reaching_f0_exactly_is_reaching_tol_zero():
    """gap = F - F0 = 0 with tol = 0 is a success (F - F0 <= tol), not a run that goes on."""
    def step(x):  # 0 = F0 left of 0.5, a slope right of it
        return 1.0 + x[0] if x[0] > 0.5 else 0.0

    res = hamopt.minimize(step, [1.0], jac=lambda x: np.array([float(x[0] > 0.5)]), F0=0.0,
                          tol=0.0, dt=0.1, polish=False, hops=0, maxiter=1000, rng=0)
    assert res.status == 0 and res.fun == 0.0 and res.nit < 100
    assert np.all(np.isfinite(res.p))  # log(F - F0) is never taken at F = F0


@pytest.mark.parametrize("maxfev, jac", [(50, sphere_grad), (53, None)])
def test_the_dynamics_spend_maxfev_exactly_when_steps_fit(maxfev, jac):
    """Each step costs fev_per_step evaluations (n + 1 = 4 with differences); the run
    stops when the next step would pass maxfev, and counts njev as gradients taken."""
    res = hamopt.minimize(sphere, X0, jac=jac, F0=-1.0, polish=False, hops=0, rng=0,
                          maxfev=maxfev)
    per_step = 1 if jac is not None else X0.size + 1
    assert res.nfev == maxfev - maxfev % per_step
    assert res.njev == res.nfev // per_step == res.nit + 1


def test_a_nan_gradient_is_non_finite_too():
    calls = [0]

    def jac(x):
        calls[0] += 1
        return np.full(x.size, np.nan) if calls[0] > 10 else sphere_grad(x)
    res = hamopt.minimize(sphere, X0, jac=jac, hops=0, polish=False, rng=0)
    assert res.status == 3 and res.nit == 10 and np.all(np.isfinite(res.jac))


def test_non_finite_values_ending_every_flight_are_no_success():
    def fun(x):  # finite only within 1e-3 of the origin, minimum outside
        return float(np.sum((x - 1.0) ** 2)) if np.max(np.abs(x)) < 1e-3 else np.nan
    res = hamopt.minimize(fun, np.zeros(2), rng=0)
    assert not res.success and res.status == 3
    assert "every one of the" in res.message and res.n_nonfinite_stops == res.nhops > 0
    assert np.isfinite(res.fun) and res.fun == fun(res.x)


def test_values_falling_without_bound_are_no_success():
    res = hamopt.minimize(lambda x: float(x[0] - 0.5 * x[1] ** 2), np.zeros(2),
                          jac=lambda x: np.array([1.0, -x[1]]), rng=0, maxfev=50_000)
    assert not res.success and res.status == 5 and "without bound" in res.message
    assert res.fun == res.x[0] - 0.5 * res.x[1] ** 2


def test_a_bounded_search_far_from_x0_is_still_a_success():
    """Far in x alone (a wide, shallow bowl) is not 'without bound'."""
    res = hamopt.minimize(lambda x: float(np.sum((x - 1e9) ** 2) * 1e-18), np.zeros(2),
                          jac=lambda x: 2e-18 * (x - 1e9), rng=0, maxfev=20_000)
    assert res.status in (0, 1) and "without bound" not in res.message
