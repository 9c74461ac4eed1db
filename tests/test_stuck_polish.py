"""The polish's step down the gradient where L-BFGS-B's first step gets nowhere."""
import numpy as np
import pytest
from scipy.optimize import minimize

import hamopt
from hamopt._objective import Objective
from hamopt.bench import clusters
from hamopt.search import polish


def _crowded_start():
    """A random 10-atom Lennard-Jones cluster from the benchmark (two atoms nearly on
    top of each other: F ~ 200, |grad F| ~ 4e3) and its box."""
    lj = clusters.POTENTIALS["lj"]
    a = clusters.half_width(10, lj.pair_distance)
    lower, upper = np.full(30, -a), np.full(30, a)
    x0 = np.random.default_rng([0, 6, 10, lj.tag]).uniform(lower, upper)
    return lj, x0, (lower, upper)


def _value_and_grad(x):
    lj = clusters.POTENTIALS["lj"]
    return lj.energy(x), lj.gradient(x)


def test_scipy_l_bfgs_b_alone_does_not_move_from_the_crowded_start():
    # The premise of the step: without it the polish stayed here.
    lj, x0, (lower, upper) = _crowded_start()
    res = minimize(_value_and_grad, x0, jac=True, method="L-BFGS-B",
                   bounds=list(zip(lower, upper)))
    assert res.fun == lj.energy(x0) > 100


@pytest.mark.parametrize("rough", [False, True])
def test_the_polish_goes_down_from_the_crowded_start(rough):
    lj, x0, box = _crowded_start()
    objective = Objective(_value_and_grad, True, (), x0.size, box)
    found = polish.LocalSearch(x=x0.copy(), fun=lj.energy(x0), jac=lj.gradient(x0))
    polish.polish(objective, found, 0.0, box, 5000, np.random.default_rng(0), rough)
    assert found.improved and found.nfev <= 5000
    if rough:  # one run and one step: down, not yet bound
        assert found.fun < lj.energy(x0)
    else:  # the rounds go on from the step: bound (10 atoms: -28.4 at best)
        assert found.fun < -20


def test_no_step_at_a_minimum():
    # At a minimum (projected gradient below gtol) L-BFGS-B does not move and the
    # polish must not spend evaluations on halvings.
    objective = Objective(lambda x: (float(x @ x), 2 * x), True, (), 3)
    found = polish.LocalSearch(x=np.zeros(3), fun=0.0, jac=np.zeros(3))
    polish.polish(objective, found, 0.0, None, 1000, np.random.default_rng(0), rough=True)
    assert not found.improved and found.nfev <= 3


def test_minimize_from_the_crowded_start_reaches_a_bound_cluster():
    lj, x0, box = _crowded_start()
    res = hamopt.minimize(_value_and_grad, x0, jac=True, bounds=list(zip(*box)), maxfev=3000,
                          rng=0)
    assert res.fun < -20
