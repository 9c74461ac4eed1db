"""hamopt.custom inside scipy.optimize.minimize and basinhopping."""
import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import OptimizeWarning, basinhopping, minimize, rosen, rosen_der

import hamopt


def rosen_and_der(x):
    return rosen(x), rosen_der(x)


@pytest.mark.parametrize("jac", [rosen_der, True])
def test_custom_method_on_rosenbrock(jac):
    fun = rosen_and_der if jac is True else rosen
    res = minimize(fun, [-1.2, 1.0], method=hamopt.custom, jac=jac, tol=1e-8,
                   options={"rng": 0})
    assert res.success
    assert res.fun <= 1e-8
    assert_allclose(res.x, [1.0, 1.0], atol=1e-3)


def test_custom_method_passes_tol():
    # tol is a target for F - F0, so it needs a given F0.
    loose = minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der, tol=1e-2,
                     options={"rng": 0, "F0": 0.0, "polish": False, "maxiter": 5000})
    tight = minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der, tol=1e-10,
                     options={"rng": 0, "F0": 0.0, "polish": False, "maxiter": 5000})
    assert loose.fun <= 1e-2 and tight.fun <= 1e-10
    assert loose.nit < tight.nit


@pytest.mark.parametrize("style", ["xk", "intermediate_result"])
def test_custom_method_callbacks_and_stop(style):
    seen = []
    if style == "xk":
        def callback(xk):
            seen.append(xk.copy())
            if len(seen) == 3:
                raise StopIteration
    else:
        def callback(intermediate_result):
            seen.append(intermediate_result.x)
            if len(seen) == 3:
                raise StopIteration
    res = minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der,
                   callback=callback, options={"rng": 0})
    assert res.status == 99 and not res.success and len(seen) == 3
    assert res.message == "`callback` raised `StopIteration`."


def test_custom_method_unknown_option_warns():
    with pytest.warns(OptimizeWarning, match="Unknown solver options: frobnicate"):
        minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der,
                 options={"maxiter": 3, "frobnicate": True})


def test_custom_method_ignores_hessians_and_rejects_constraints():
    res = minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der,
                   hess=lambda x: np.eye(2), options={"maxiter": 3})
    assert res.nit == 3
    with pytest.raises(ValueError, match="constraints"):
        minimize(rosen, [-1.2, 1.0], method=hamopt.custom, jac=rosen_der,
                 constraints={"type": "ineq", "fun": lambda x: x[0]})


def test_inside_basinhopping():
    res = basinhopping(rosen, [-1.2, 1.0], niter=3, rng=0,
                       minimizer_kwargs={"method": hamopt.custom, "jac": rosen_der,
                                         "options": {"rng": 0, "maxiter": 3000}})
    assert res.fun <= 1e-8
    assert res.lowest_optimization_result.success


def test_constraint_objects_are_refused_clearly():
    from scipy.optimize import LinearConstraint, NonlinearConstraint
    for constraint in (NonlinearConstraint(lambda x: x[0], 0, 1),
                       LinearConstraint([[1.0, 1.0]], 0, 1),
                       {"type": "ineq", "fun": lambda x: x[0]}):
        with pytest.raises(ValueError, match="does not support constraints"):
            minimize(rosen, [1.0, 2.0], method=hamopt.custom, constraints=constraint)
