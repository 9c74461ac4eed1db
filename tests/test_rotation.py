"""Rotated test functions, and a search that does as well on f(R x) as on f(x)."""
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hamopt
from hamopt import testfunctions
from hamopt.search.directions import curvature_axes

SEEDS = range(6)


@pytest.mark.parametrize("name", testfunctions.ROTATABLE)
def test_rotated_function_keeps_its_minimum_and_its_gradient_is_R_transpose_g(name):
    fn = testfunctions.get(name)
    n = max(3, fn.min_dim) if fn.max_dim is None else fn.min_dim
    turned = testfunctions.rotated(name, n)
    c = turned.minimizers(n)[0]
    assert turned.fun(c) == pytest.approx(fn.minimum(n), abs=1e-12)
    x = np.random.default_rng(0).uniform(*fn.bounds(n))
    h = 1e-6 * max(1.0, np.abs(x).max())
    numeric = [(turned.fun(x + h * e) - turned.fun(x - h * e)) / (2 * h) for e in np.eye(n)]
    assert_allclose(turned.grad(x), numeric, rtol=1e-5, atol=1e-5 * max(1, abs(fn.fun(x))))
    # Every minimizer of f, turned back, is a minimizer of f(c + R (x - c)).
    for m in turned.minimizers(n):
        assert turned.fun(m) == pytest.approx(fn.minimum(n), abs=1e-9)


def test_the_rotation_is_orthogonal_seeded_and_mixes_every_coordinate():
    R = testfunctions.random_rotation(6, 3)
    assert_allclose(R @ R.T, np.eye(6), atol=1e-12)
    assert_array_equal(R, testfunctions.random_rotation(6, 3))
    assert np.abs(R).min() > 0.0
    turned = testfunctions.rotated("rastrigin", 6)
    assert turned.fun(np.eye(6)[0]) != testfunctions.get("rastrigin").fun(np.eye(6)[0])


@pytest.mark.parametrize("name", ["schwefel", "michalewicz"])
def test_functions_with_lower_values_outside_their_domain_are_not_rotated(name):
    with pytest.raises(ValueError, match="not rotated"):
        testfunctions.rotated(name, 4)


def test_curvature_axes_are_the_rotated_axes_of_a_separable_function():
    """At a minimum of Rastrigin every curvature is equal; the second point splits them."""
    n = 8
    turned = testfunctions.rotated("rastrigin", n)
    R = testfunctions.random_rotation(n, [0, n] + [ord(ch) for ch in "rastrigin"])

    def evaluate(y):
        return turned.fun(y), turned.grad(y)

    x = np.zeros(n)  # the global minimum: H(x) is a multiple of the identity
    axes = curvature_axes(evaluate, x, turned.grad(x), 0.2, np.random.default_rng(0))
    overlap = np.abs(R @ axes)  # rows: the function's own axes; a permutation matrix
    assert_allclose(np.sort(overlap.max(axis=0)), np.ones(n), atol=1e-6)


def test_equal_curvatures_give_random_directions_not_the_coordinate_axes():
    """A flat function: every curvature is 0, any basis is a basis of eigenvectors,
    and LAPACK's own choice would be the coordinate axes."""
    n = 6

    def evaluate(y):
        return 1.0, np.zeros(n)

    x = np.linspace(-1.0, 1.0, n)
    axes = curvature_axes(evaluate, x, np.zeros(n), 0.2, np.random.default_rng(0))
    assert_allclose(axes.T @ axes, np.eye(n), atol=1e-12)
    assert np.max(np.abs(axes)) < 0.95  # no column is (close to) a coordinate axis


def _solved(fn, n, directions, seeds=SEEDS):
    lo, hi = testfunctions.get("rastrigin").bounds(n)
    solved = 0
    for seed in seeds:
        x0 = np.random.default_rng(seed).uniform(lo, hi)
        res = hamopt.minimize(fn.fun, x0, jac=fn.grad, bounds=list(zip(lo, hi)), rng=seed,
                              maxfev=6000, hop_directions=directions)
        solved += res.fun - fn.minimum(n) <= 1e-6
    return solved


def test_a_rotated_separable_function_is_solved_as_reliably_as_the_axis_aligned_one():
    """Rastrigin n = 10, 6 random starts each. The coordinate-axis flights solve the
    axis-aligned function but (nearly) never the rotated one: the same tolerance
    fails for them, so the test can tell a coordinate-only search."""
    n = 10
    plain, turned = testfunctions.get("rastrigin"), testfunctions.rotated("rastrigin", n)
    default_plain, default_turned = _solved(plain, n, "curvature"), _solved(turned, n, "curvature")
    assert default_plain >= 5 and default_turned >= default_plain - 1
    axes_plain, axes_turned = _solved(plain, n, "axes"), _solved(turned, n, "axes")
    assert axes_plain >= 5 and axes_turned < axes_plain - 1  # what the test guards against


def test_curvature_flights_on_both_paths_are_bit_identical():
    fn = testfunctions.rotated("styblinski_tang", 4)
    kwargs = dict(bounds=[(-5.0, 5.0)] * 4, rng=7, nu=0.01, hop_directions="curvature",
                  maxfev=3000)
    x0 = np.array([2.5, -3.5, 4.0, 1.0])
    compiled = hamopt.minimize(fn.fun, x0, jac=fn.grad, **kwargs)
    python = hamopt.minimize(lambda x: fn.fun(x), x0, jac=lambda x: fn.grad(x), **kwargs)
    assert compiled.nhops > 3
    assert_array_equal(compiled.x, python.x)
    assert (compiled.nit, compiled.nfev, compiled.njev, compiled.nhops) == (
        python.nit, python.nfev, python.njev, python.nhops)


@pytest.mark.parametrize("jac", ["exact", "finite differences"])
@pytest.mark.parametrize("limit", [{"maxfev": 900}, {"maxfev": 2501}, {"maxiter": 300}])
def test_every_budget_caps_the_whole_run_with_curvature_flights(jac, limit):
    fn = testfunctions.rotated("rastrigin", 5)
    calls = []

    def fun(x):
        calls.append(1)
        return fn.fun(x)

    x0 = np.random.default_rng(4).uniform(-5.12, 5.12, 5)
    res = hamopt.minimize(fun, x0, jac=fn.grad if jac == "exact" else None, rng=4,
                          bounds=[(-5.12, 5.12)] * 5, hop_directions="curvature", **limit)
    assert res.nfev == len(calls)
    assert res.nfev <= limit.get("maxfev", np.inf) and res.nit <= limit.get("maxiter", np.inf)
    assert res.nhops > 0 and np.isfinite(res.fun)
    assert res.fun == fn.fun(res.x)
