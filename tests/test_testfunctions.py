"""hamopt.testfunctions: gradients, minima, dimensions, and use on the nopython path."""
import numpy as np
import pytest
from numpy.testing import assert_allclose

import hamopt
from hamopt.testfunctions import FUNCTIONS, get

NAMES = sorted(FUNCTIONS)


def dims_of(fn):
    return [d for d in (1, 2, 5) if d >= fn.min_dim and (fn.max_dim is None or d <= fn.max_dim)]


CASES = [(name, n) for name in NAMES for n in dims_of(FUNCTIONS[name])]


@pytest.mark.parametrize("name, n", CASES)
def test_gradient_matches_finite_differences(name, n):
    fn = FUNCTIONS[name]
    lo, hi = fn.bounds(n)
    rng = np.random.default_rng(1)
    for _ in range(5):
        x = rng.uniform(lo, hi)
        g = fn.grad(x)
        assert g.shape == (n,)
        fd = np.empty(n)
        for i in range(n):
            h = 1e-6 * max(1.0, abs(x[i]))
            e = np.zeros(n)
            e[i] = h
            fd[i] = (fn.fun(x + e) - fn.fun(x - e)) / (2 * h)
        scale = max(1.0, np.abs(g).max())
        assert_allclose(g, fd, rtol=1e-5, atol=1e-6 * scale)


@pytest.mark.parametrize("name, n", CASES)
def test_value_at_minimizers_is_the_minimum_to_rounding(name, n):
    fn = FUNCTIONS[name]
    fmin = fn.minimum(n)
    for x_star in fn.minimizers(n):
        value = fn.fun(x_star)
        assert abs(value - fmin) <= 4 * n * np.finfo(float).eps * max(1.0, abs(fmin))
        assert value >= fmin - 4 * n * np.finfo(float).eps * max(1.0, abs(fmin))
        g = fn.grad(x_star)
        assert np.abs(g).max() <= 1e-6 * max(1.0, np.abs(x_star).max())


@pytest.mark.parametrize("name, n", CASES)
def test_minimum_is_below_random_points(name, n):
    fn = FUNCTIONS[name]
    lo, hi = fn.bounds(n)
    points = np.random.default_rng(2).uniform(lo, hi, size=(300, n))
    assert min(fn.fun(x) for x in points) >= fn.minimum(n)


def test_exact_values_at_the_minimum():
    assert get("ackley").fun(np.zeros(7)) == 0.0
    assert get("rastrigin").fun(np.zeros(7)) == 0.0
    assert get("griewank").fun(np.zeros(7)) == 0.0
    assert get("schwefel").fun(get("schwefel").minimizers(4)[0]) == 0.0
    # Styblinski-Tang: 0.5 (x^4 - 16 x^2 + 5 x) at the root of 4x^3 - 32x + 5 near -2.9035.
    assert get("styblinski_tang").minimum(1) == -39.16616570377141  # -39.1661657037714155...
    assert get("styblinski_tang").minimum(3) == -117.49849711131425


def test_dimension_checks_and_unknown_names():
    with pytest.raises(ValueError, match="himmelblau is defined for dimension exactly 2"):
        get("himmelblau").minimum(3)
    with pytest.raises(ValueError, match="rosenbrock is defined for dimension >= 2"):
        get("rosenbrock").bounds(1)
    with pytest.raises(ValueError, match="unknown test function 'nope'"):
        get("nope")


def test_bounds_per_coordinate():
    lo, hi = get("six_hump_camel").bounds(2)
    assert_allclose(lo, [-3.0, -2.0])
    assert_allclose(hi, [3.0, 2.0])


@pytest.mark.parametrize("name", NAMES)
def test_usable_on_the_nopython_path(name):
    from hamopt._objective import Objective
    fn = get(name)
    n = 2
    assert Objective(fn.fun, fn.grad, (), n).compiled
    lo, hi = fn.bounds(n)
    x0 = lo + 0.3 * (hi - lo)
    res = hamopt.minimize(fn.fun, x0, jac=fn.grad, F0=fn.minimum(n) - 1e-300, rng=0,
                          dt=0.01 * float(np.max(hi - lo)), maxiter=200)
    assert res.nit > 0 and res.fun < fn.fun(x0)


def test_converges_on_the_nopython_path():
    fn = get("styblinski_tang")
    res = hamopt.minimize(fn.fun, np.array([-3.5, -2.0]), jac=fn.grad, F0=fn.minimum(2),
                          tol=1e-10, rng=0, maxiter=20_000)
    assert res.success and res.fun - fn.minimum(2) <= 1e-10


# Published minima and minimizers (Surjanovic & Bingham, Virtual Library of Simulation
# Experiments; Jamil & Yang 2013), to the digits they are published with: checks that
# fn.minimum(n) is the right number, not just fn(minimizer).
PUBLISHED = [
    # name, n, minimum, its decimals, a published minimizer (or None), its decimals
    ("michalewicz", 2, -1.8013, 4, (2.20, 1.57), 2),
    ("michalewicz", 5, -4.687658, 6, None, 0),
    ("michalewicz", 10, -9.66015, 5, None, 0),
    ("six_hump_camel", 2, -1.0316, 4, (0.0898, -0.7126), 4),
    ("himmelblau", 2, 0.0, 12, (-2.805118, 3.131312), 6),
    ("himmelblau", 2, 0.0, 12, (-3.779310, -3.283186), 6),
    ("himmelblau", 2, 0.0, 12, (3.584428, -1.848126), 6),
    ("beale", 2, 0.0, 12, (3.0, 0.5), 12),
    ("styblinski_tang", 4, -39.16599 * 4, 2, (-2.903534,) * 4, 6),
    ("rosenbrock", 5, 0.0, 12, (1.0,) * 5, 12),
    ("ackley", 5, 0.0, 12, (0.0,) * 5, 12),
    ("rastrigin", 5, 0.0, 12, (0.0,) * 5, 12),
    ("griewank", 5, 0.0, 12, (0.0,) * 5, 12),
    ("levy", 5, 0.0, 12, (1.0,) * 5, 12),
    ("zakharov", 5, 0.0, 12, (0.0,) * 5, 12),
    ("schwefel", 3, 0.0, 3, (420.9687,) * 3, 4),
    ("sphere", 5, 0.0, 12, (0.0,) * 5, 12),
    ("ellipsoid", 5, 0.0, 12, (0.0,) * 5, 12),
]


@pytest.mark.parametrize("name, n, value, decimals, point, point_decimals", PUBLISHED)
def test_minimum_matches_the_published_value(name, n, value, decimals, point, point_decimals):
    fn = get(name)
    assert round(fn.minimum(n), decimals) == pytest.approx(value, abs=10.0 ** -decimals)
    if point is not None:
        assert any(np.allclose(x, point, atol=0.51 * 10.0 ** -point_decimals)
                   for x in fn.minimizers(n))
