"""The polish's L-BFGS-B in the metric of the Hessian (search/whitened.py)."""
import numpy as np
import pytest

import hamopt
from hamopt.search import polish, whitened
from hamopt.search.whitened import whitened_round
from hamopt.testfunctions import random_rotation

from .problems import ellipsoid

N = 20
F_STAR = 40.52  # not 0: as on bbob, F's rounding then limits the differences


def _evaluations_to_target(rotated, seed):
    """Evaluations of minimize (jac=None, defaults) until F - F* <= 1e-8 on a 20-D
    ellipsoid of condition 1e6, turned or not (inf if never within 20,000)."""
    ill = ellipsoid(N, 1e6, random_rotation(N, seed) if rotated else None)
    values = []

    def fun(x):
        values.append(ill(x))
        return values[-1] + F_STAR
    x0 = np.random.default_rng(seed).uniform(-3.0, 3.0, N)
    hamopt.minimize(fun, x0, bounds=[(-5.0, 5.0)] * N, maxfev=20_000, rng=seed)
    hit = np.nonzero(np.minimum.accumulate(values) <= 1e-8)[0]
    return hit[0] + 1 if hit.size else np.inf


def _turned_over_aligned():
    turned = np.median([_evaluations_to_target(True, seed) for seed in range(4)])
    aligned = np.median([_evaluations_to_target(False, seed) for seed in range(4)])
    return turned / aligned


def test_a_turned_ill_conditioned_function_costs_what_the_aligned_one_does(monkeypatch):
    """Forward differences err by h/2 times the curvature along each coordinate: on
    the aligned ellipsoid that moves L-BFGS-B's end by h/2, on the turned one it
    leaves it 1e-6 above F*, and the simplex needs most of the budget for the rest.
    With the round, the turned function costs at most 1.5 times the aligned one's
    evaluations (measured: 1.3); without it, more than 2.5 times (measured: 3.6)."""
    assert _turned_over_aligned() <= 1.5
    monkeypatch.setattr(polish, "whitened_round", lambda *args: False)
    assert _turned_over_aligned() > 2.5


def _counted(fun):
    calls = []

    def evaluate(z):
        calls.append(np.array(z))
        return fun(z)

    def value_and_grad(z):  # forward differences, as the polish's, counted alike
        f = evaluate(z)
        h = 1.5e-8 * max(1.0, float(np.max(np.abs(z))))
        grad = np.array([(evaluate(z + h * e) - f) / h for e in np.eye(z.size)])
        return f, grad
    return evaluate, value_and_grad, calls


def _different_powers(n, rotation):
    """bbob's f14 without its offsets: sqrt(sum |z_i|^(2 + 4 i / (n - 1))), z = R x; the
    curvature along z_i changes with the scale as |z_i|^(4 i / (n - 1))."""
    powers = 2.0 + 4.0 * np.arange(n) / (n - 1)
    return lambda x: float(np.sqrt(np.sum(np.abs(rotation @ x) ** powers)))


@pytest.mark.parametrize("seed", range(3))
def test_it_runs_where_f_is_quadratic_and_not_on_different_powers(seed):
    """On a turned ellipsoid the round runs and gets within 1e-8 of F*. On the turned
    'different powers' function the metric's curvature is wrong at the step's
    length, and the round stops after the Hessian (n gradients) and the
    2 x _PROBES evaluations of its check."""
    n = 10
    rotation = random_rotation(n, seed)
    ill = ellipsoid(n, 1e4, rotation, centre=0.0)
    powers = _different_powers(n, rotation)
    x = np.random.default_rng(seed).normal(size=n) * 1e-2
    rng = np.random.default_rng(seed)
    for fun, runs in ((lambda z: ill(z) + F_STAR, True),
                      (lambda z: powers(z) + F_STAR, False)):
        evaluate, value_and_grad, calls = _counted(fun)
        f_x, g = value_and_grad(x)
        calls.clear()
        ran = whitened_round(x, f_x, g, value_and_grad, evaluate, None, rng, 20)
        assert ran == runs
        if runs:
            assert min(fun(z) for z in calls) - F_STAR <= 1e-8
        else:
            assert len(calls) == n * (n + 1) + 2 * whitened._PROBES


def test_on_a_plateau_it_takes_no_evaluation():
    evaluate, value_and_grad, calls = _counted(lambda z: 3.0)
    x = np.ones(12)
    ran = whitened_round(x, 3.0, np.zeros(12), value_and_grad, evaluate, None,
                         np.random.default_rng(0), 20)
    assert not ran and not calls


def _counting_ellipsoid(calls, seed=3):
    ill = ellipsoid(N, 1e6, random_rotation(N, seed))

    def fun(x):
        calls.append(np.array(x))
        return ill(x) + F_STAR
    return fun, ill


def _watch_round(monkeypatch, calls):
    """Lists of len(calls) when the polish enters whitened_round and when it leaves."""
    entered, left = [], []
    real = polish.whitened_round

    def whitened_and_count(*args, **kwargs):
        entered.append(len(calls))
        ran = real(*args, **kwargs)
        left.append(len(calls))
        return ran
    monkeypatch.setattr(polish, "whitened_round", whitened_and_count)
    return entered, left


@pytest.mark.parametrize("maxfev", [5_000, 5_500, 6_000])
def test_the_budget_caps_the_round(maxfev, monkeypatch):
    """maxfev ends the run inside the round (from about 4,900 to 6,200 evaluations
    here, with 20,000), with nfev equal to the real calls, in the box."""
    calls = []
    entered, left = _watch_round(monkeypatch, calls)
    fun, _ = _counting_ellipsoid(calls)
    res = hamopt.minimize(fun, np.full(N, 2.0), bounds=[(-2.5, 2.5)] * N, maxfev=maxfev, rng=0)
    assert entered and not left  # the budget ran out inside the round
    assert res.nfev == len(calls) <= maxfev
    assert np.all(np.abs(np.array(calls)) <= 2.5)


def test_an_exception_during_the_round_keeps_the_best_point(monkeypatch):
    calls = []
    entered, _ = _watch_round(monkeypatch, calls)
    fun, ill = _counting_ellipsoid(calls)

    def failing(x):
        if entered and len(calls) >= entered[0] + 700:  # past the Hessian and the check
            raise RuntimeError("the simulation broke")
        return fun(x)
    with pytest.raises(RuntimeError) as info:
        hamopt.minimize(failing, np.full(N, 2.0), bounds=[(-5, 5)] * N, rng=0)
    res = info.value.result
    values = np.array([ill(z) for z in calls]) + F_STAR
    assert len(calls) >= entered[0] + 700  # it failed inside the round
    assert res.nfev == len(calls) + 1  # the call that raised counts too
    assert res.fun == values.min() and np.array_equal(res.x, calls[int(np.argmin(values))])
