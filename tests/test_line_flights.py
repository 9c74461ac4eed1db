"""Flights on a line (hop_line, hamopt/search/line.py)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hamopt
from hamopt._objective import Objective
from hamopt.search.line import LineObjective, segment
from hamopt.testfunctions import get


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(1, 6))
def test_the_segment_is_the_line_inside_the_box(seed, n):
    rng = np.random.default_rng(seed)
    lower, upper = -rng.uniform(0.5, 3, n), rng.uniform(0.5, 3, n)
    x = rng.uniform(lower, upper)
    u = rng.standard_normal(n)
    u /= np.linalg.norm(u)
    s_lo, s_hi = segment(x, u, (lower, upper))
    assert s_lo <= 0.0 <= s_hi
    for s in np.linspace(s_lo, s_hi, 11):
        y = x + s * u
        assert np.all(y >= lower - 1e-12) and np.all(y <= upper + 1e-12)
    for end in (s_lo, s_hi):  # each end lies on a wall
        y = x + end * u
        assert np.min(np.minimum(np.abs(y - lower), np.abs(y - upper))) < 1e-12


def test_the_line_objective_gives_f_and_its_slope_for_two_calls():
    calls = []

    def fun(x):
        calls.append(x.copy())
        return float(np.sum(np.sin(x)) + x @ x)

    x, u = np.array([0.3, -0.7, 1.1]), np.array([2.0, 1.0, -2.0]) / 3.0
    line = LineObjective(Objective(fun, None, (), 3), x, u, 0.5, None)
    f, g = line.value_and_grad(np.array([0.4]))
    y = x + 0.4 * u
    assert len(calls) == 2
    assert f == pytest.approx(fun(y) + 0.25 * y @ y, rel=1e-14)
    slope = (np.cos(y) + 2 * y + 0.5 * y) @ u  # d/ds of F + w/2 |x|^2 along u
    assert g.shape == (1,) and g[0] == pytest.approx(slope, rel=1e-6)


@pytest.mark.parametrize("seed", range(8))
def test_line_flights_keep_count_box_and_best_point(seed):
    fn = get("rastrigin")
    lower, upper = fn.bounds(4)
    x0 = np.random.default_rng(seed).uniform(lower, upper)
    seen = []

    def fun(x):
        seen.append(x.copy())
        return fn.fun(x)

    res = hamopt.minimize(fun, x0, bounds=list(zip(lower, upper)), maxfev=4000, rng=seed,
                          restarts=0, hops=10**9, hop_line=True)
    assert res.nfev == len(seen) <= 4000
    points = np.array(seen)
    assert np.all(points >= lower) and np.all(points <= upper)
    assert res.fun == fn.fun(res.x) == min(fn.fun(p) for p in points)
    assert res.nhops > 0


def test_line_flights_find_the_wells_that_the_polish_alone_does_not():
    fn = get("rastrigin")
    lower, upper = fn.bounds(4)
    solved = {True: 0, False: 0}
    for flights in (True, False):
        for seed in range(8):
            x0 = np.random.default_rng(seed).uniform(lower, upper)
            res = hamopt.minimize(fn.fun, x0, bounds=list(zip(lower, upper)), maxfev=4000,
                                  rng=seed, restarts=0, hops=10**9 if flights else 0,
                                  hop_line=True)
            solved[flights] += res.fun < 1e-6
    assert solved[True] >= 5 and solved[False] <= 1


def test_with_an_exact_gradient_the_slope_is_the_gradient_along_the_line_for_one_call():
    calls = []

    def fun(x):
        calls.append(x.copy())
        return float(np.sum(np.sin(x)) + x @ x)

    def jac(x):
        return np.cos(x) + 2 * x

    x, u = np.array([0.3, -0.7, 1.1]), np.array([2.0, 1.0, -2.0]) / 3.0
    line = LineObjective(Objective(fun, jac, (), 3), x, u, 0.0, None)
    f, g = line.value_and_grad(np.array([-0.2]))
    y = x - 0.2 * u
    assert line.fev_per_step == 1 and len(calls) == 1
    assert f == fun(y) and g[0] == pytest.approx(jac(y) @ u, rel=1e-14)


def test_callbacks_see_a_line_flight_in_x():
    fn = get("rastrigin")
    lower, upper = fn.bounds(3)
    x0 = np.random.default_rng(0).uniform(lower, upper)
    points, results = [], []
    hamopt.minimize(fn.fun, x0, bounds=list(zip(lower, upper)), maxfev=1500, rng=0,
                    hop_line=True, callback=lambda xk: points.append(np.array(xk)))
    hamopt.minimize(fn.fun, x0, bounds=list(zip(lower, upper)), maxfev=1500, rng=0,
                    hop_line=True,
                    callback=lambda intermediate_result: results.append(intermediate_result))
    assert points and all(p.shape == (3,) for p in points)
    assert results and all(r.x.shape == r.q.shape == r.p.shape == (3,) for r in results)
    assert all(r.fun == pytest.approx(fn.fun(r.x), abs=1e-12) for r in results)
