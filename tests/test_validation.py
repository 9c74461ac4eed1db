"""Every bad input gets a specific error before any evaluation."""
import numpy as np
import pytest
from scipy.optimize import rosen, rosen_der

import hamopt


def counting(fun):
    def wrapped(x, *args):
        wrapped.calls += 1
        return fun(x, *args)
    wrapped.calls = 0
    return wrapped


@pytest.mark.parametrize("x0, error, match", [
    (np.zeros((2, 2)), ValueError, "1-D"),
    ([], ValueError, "empty"),
    ([1.0, np.nan], ValueError, "finite"),
    ([1.0, np.inf], ValueError, "finite"),
    (["a", "b"], TypeError, "real"),
])
def test_bad_x0(x0, error, match):
    fun = counting(rosen)
    with pytest.raises(error, match=match):
        hamopt.minimize(fun, x0, jac=rosen_der)
    assert fun.calls == 0


@pytest.mark.parametrize("kwargs, error, match", [
    ({"dt": 0.0}, ValueError, "dt must be positive"),
    ({"dt": -1.0}, ValueError, "dt must be positive"),
    ({"eta": 0.0}, ValueError, "eta must be positive"),
    ({"eta": -2.0}, ValueError, "eta must be positive"),
    ({"deltaE": -0.1}, ValueError, "deltaE must be non-negative"),
    ({"nu": -1e-3}, ValueError, "nu must be non-negative"),
    ({"gamma": -1.0}, ValueError, "gamma must be non-negative"),
    ({"weight_decay": -1.0}, ValueError, "weight_decay must be non-negative"),
    ({"F0": np.nan}, ValueError, "F0 must be finite"),
    ({"F0": -np.inf}, ValueError, "F0 must be finite"),
    ({"tol": -1.0}, ValueError, "tol must be non-negative"),
    ({"maxiter": -1}, ValueError, "maxiter"),
    ({"maxiter": 2.5}, TypeError, "maxiter must be an integer"),
    ({"maxfev": 0}, ValueError, "maxfev"),
    ({"bounce_every": -3}, ValueError, "bounce_every"),
    ({"hops": -1}, ValueError, "hops must be >= 0"),
    ({"hops": 1.5}, TypeError, "hops must be an integer"),
    ({"hop_steps": 0}, ValueError, "hop_steps must be >= 1"),
    ({"hop_patience": 0}, ValueError, "hop_patience must be >= 1"),
    ({"trajectory_steps": -5}, ValueError, "trajectory_steps must be >= 0"),
    ({"hop_climb": 0.0}, ValueError, "hop_climb must be positive"),
    ({"hop_climb": np.inf}, ValueError, "hop_climb must be finite"),
    ({"hop_directions": "eigen"}, ValueError, "hop_directions must be one of"),
    ({"hop_landings": "yes"}, TypeError, "hop_landings must be True, False or None"),
    ({"hop_landings": 1}, TypeError, "hop_landings must be True, False or None"),
    ({"eta": "1"}, TypeError, "eta must be a real number"),
])
def test_bad_options(kwargs, error, match):
    fun = counting(rosen)
    with pytest.raises(error, match=match):
        hamopt.minimize(fun, [-1.2, 1.0], jac=rosen_der, **kwargs)
    assert fun.calls == 0


def test_F_at_start_not_above_F0():
    with pytest.raises(ValueError, match="F0 must be a lower bound"):
        hamopt.minimize(rosen, [1.0, 1.0], jac=rosen_der, F0=0.0)
    with pytest.raises(ValueError, match="F0 must be a lower bound"):
        hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, F0=100.0)


def test_fun_returning_non_scalar():
    with pytest.raises(ValueError, match="fun must return a scalar"):
        hamopt.minimize(lambda x: x, [1.0, 2.0], jac=lambda x: x)


def test_jac_wrong_shape():
    with pytest.raises(ValueError, match=r"jac must return an array of shape \(2,\)"):
        hamopt.minimize(rosen, [-1.2, 1.0], jac=lambda x: np.ones(3))


def test_jac_true_without_tuple():
    with pytest.raises(TypeError, match="jac=True"):
        hamopt.minimize(rosen, [-1.2, 1.0], jac=True)


def test_non_finite_start():
    with pytest.raises(ValueError, match=r"fun\(x0\) must be finite"):
        hamopt.minimize(lambda x: np.inf, [1.0], jac=lambda x: x)
    with pytest.raises(ValueError, match="gradient at x0 must be finite"):
        hamopt.minimize(lambda x: 1.0, [1.0], jac=lambda x: np.array([np.nan]))


def test_bad_fun_jac_callback():
    with pytest.raises(TypeError, match="fun must be callable"):
        hamopt.minimize(3.0, [1.0])
    with pytest.raises(TypeError, match="jac must be a callable"):
        hamopt.minimize(rosen, [1.0, 2.0], jac="4-point")
    with pytest.raises(TypeError, match="callback must be callable"):
        hamopt.minimize(rosen, [1.0, 2.0], jac=rosen_der, callback=1)


@pytest.mark.parametrize("jac, maxfev", [(None, 10), ("3-point", 20), (True, 0)])
def test_maxfev_below_one_gradient_is_refused_before_any_work(jac, maxfev):
    calls = []

    def fun(x):
        calls.append(1)
        return (float(np.sum(x * x)), 2 * x) if jac is True else float(np.sum(x * x))
    with pytest.raises(ValueError, match="maxfev"):
        hamopt.minimize(fun, np.ones(10), jac=jac, maxfev=maxfev)
    assert not calls


def test_maxfev_of_exactly_one_gradient_is_one_evaluation():
    calls = []

    def fun(x):
        calls.append(1)
        return float(np.sum(x * x))
    res = hamopt.minimize(fun, np.ones(10), maxfev=11, rng=0)
    assert res.nfev == len(calls) == 11
