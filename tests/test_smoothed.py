"""A restart's trajectory with the force of F smoothed over a length (``smoothing``,
search/smoothed.py)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hamopt
from hamopt import testfunctions
from hamopt._objective import Objective
from hamopt.search.smoothed import SMOOTHED_DIRECTIONS, SmoothedObjective

from .counted import counted_run

N = 10


def _quadratic(n, seed):
    rng = np.random.default_rng(seed)
    m = rng.standard_normal((n, n))
    a, b = m @ m.T + np.eye(n), rng.standard_normal(n)
    return (lambda x: 0.5 * x @ a @ x + b @ x), (lambda x: a @ x + b)


def _smoothed(f, n, length, seed=0, box=None):
    return SmoothedObjective(Objective(f, None, (), n), length, np.random.default_rng(seed), box)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), length=st.floats(1e-3, 10.0),
       x=st.lists(st.floats(-5, 5), min_size=2, max_size=2))
def test_in_two_variables_the_smoothed_gradient_of_a_quadratic_is_its_gradient(seed, length, x):
    """Two directions span the plane, and a central difference of a quadratic is
    exact at any step: the estimate is the gradient, whatever the length."""
    f, grad = _quadratic(2, seed)
    force = _smoothed(f, 2, length, seed)
    x = np.array(x)
    value, g = force.value_and_grad(x)
    assert value == f(x) and force.pending == 0
    assert force.fev_per_step == 2 * SMOOTHED_DIRECTIONS + 1
    np.testing.assert_allclose(g, grad(x), rtol=1e-6, atol=1e-6 * (1 + length ** 2))


def test_the_smoothed_gradient_is_unbiased_over_the_directions():
    f, grad = _quadratic(6, 1)
    force = _smoothed(f, 6, 0.5, seed=2)
    x = np.linspace(-1.0, 1.0, 6)
    mean = np.mean([force.value_and_grad(x)[1] for _ in range(4000)], axis=0)
    assert np.linalg.norm(mean - grad(x)) < 0.05 * np.linalg.norm(grad(x))


def test_at_the_box_the_points_move_back_along_their_direction_inside_it():
    """Near a corner or an edge (a step of 0.5 in the unit square) the difference points
    are moved back along u onto the box, so the slope of a linear F is still exact, and
    no point leaves the box."""
    c = np.array([3.0, -2.0])
    seen = []

    def f(x):
        seen.append(x.copy())
        return float(c @ x)
    box = (np.array([0.0, 0.0]), np.array([1.0, 1.0]))
    force = _smoothed(f, 2, 0.5, box=box)
    for x in ([0.05, 0.05], [0.95, 0.97], [0.5, 0.01], [0.99, 0.02]):
        np.testing.assert_allclose(force.value_and_grad(np.array(x))[1], c, rtol=1e-9)
    assert all(np.all(y >= 0.0) and np.all(y <= 1.0) for y in seen)


def test_every_step_costs_fev_per_step_calls_even_in_a_corner():
    """In a corner of the box some directions have no room either way; the step still
    makes 2 k + 1 calls, the count the particle adds to nfev."""
    calls = []

    def f(x):
        calls.append(1)
        return float(x @ x)
    box = (np.zeros(3), np.ones(3))
    force = _smoothed(f, 3, 0.5, box=box)
    for _ in range(50):
        before = len(calls)
        force.value_and_grad(np.zeros(3))
        assert len(calls) - before == force.fev_per_step


def test_smoothing_must_be_a_nonnegative_length():
    with pytest.raises(ValueError, match="smoothing"):
        hamopt.minimize(lambda x: float(x @ x), np.ones(2), smoothing=-1.0)
    with pytest.raises(TypeError, match="smoothing"):
        hamopt.minimize(lambda x: float(x @ x), np.ones(2), smoothing="wide")


def test_smoothing_zero_is_the_default_search_bit_for_bit():
    fn = testfunctions.rotated("ackley", N)
    lower, upper = fn.bounds(N)
    x0 = np.random.default_rng(0).uniform(lower, upper)
    runs = [hamopt.minimize(fn.fun, x0, bounds=list(zip(lower, upper)), maxfev=3000, rng=0,
                            **given) for given in ({}, {"smoothing": 0.0})]
    assert runs[0].fun == runs[1].fun and np.array_equal(runs[0].x, runs[1].x)
    assert runs[0].nfev == runs[1].nfev


def test_smoothing_finds_lower_minima_of_ackleys_function_turned():
    """Ackley's function in 10-D, turned about its minimizer, with differences and
    10,000 evaluations: with smoothing over a tenth of the box the restarts go down its
    funnel; without, each ends in one of its many wells (measured on seeds 0-7: median
    F - F* 1.8 against 13)."""
    fn = testfunctions.rotated("ackley", N)
    lower, upper = fn.bounds(N)
    bounds = list(zip(lower, upper))
    starts = [np.random.default_rng(100 + seed).uniform(lower, upper) for seed in range(4)]
    plain, smoothed = ([counted_run(fn.fun, x0, bounds, 10_000, seed, smoothing=length).fun
                        - fn.minimum(N) for seed, x0 in enumerate(starts)]
                       for length in (0.0, 0.1 * float(np.max(upper - lower))))
    assert np.median(smoothed) < 0.5 * np.median(plain)


@pytest.mark.parametrize("call", [2600, 3300])
def test_an_interrupt_during_the_smoothed_trajectories_keeps_the_best_point(call):
    fn = testfunctions.rotated("ackley", N)
    lower, upper = fn.bounds(N)
    calls = []

    def fun(x):
        calls.append(1)
        if len(calls) == call:
            raise KeyboardInterrupt
        return fn.fun(x)
    x0 = np.random.default_rng(100).uniform(lower, upper)
    with pytest.raises(KeyboardInterrupt) as info:
        hamopt.minimize(fun, x0, bounds=list(zip(lower, upper)), maxfev=10_000, rng=0,
                        smoothing=2.0)
    res = info.value.result
    assert res.nfev == len(calls) == call
    assert res.fun == fn.fun(res.x) and res.fun <= fn.fun(x0)
