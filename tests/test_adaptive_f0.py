"""F0=None: hamopt keeps its own lower bound; and what happens when F falls below a given F0."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hamopt
from hamopt.testfunctions import get


@pytest.mark.parametrize("name", ["sphere", "ellipsoid", "rosenbrock"])
def test_unknown_F0_reaches_the_minimum_to_1e_10(name):
    fn = get(name)
    n = 10
    for seed in range(3):
        x0 = np.random.default_rng(seed).uniform(*fn.bounds(n))
        res = hamopt.minimize(fn.fun, x0, jac=fn.grad, F0=None, rng=seed,
                              bounds=list(zip(*fn.bounds(n))))
        assert res.success and res.status == 0 and "hop search ended" in res.message
        assert res.fun - fn.minimum(n) <= 1e-10
        assert np.all(res.x >= fn.bounds(n)[0]) and np.all(res.x <= fn.bounds(n)[1])


def test_F0_history_records_every_reanchor_below_the_best():
    fn = get("styblinski_tang")
    res = hamopt.minimize(fn.fun, np.full(3, 4.0), jac=fn.grad, F0=None, rng=0, maxiter=2000,
                          polish=False)
    history = res.F0_history
    assert history.shape == (min(res.n_reanchors, 511) + 1, 2)
    assert history[0, 0] == 0 and history[0, 1] == fn.fun(np.full(3, 4.0)) - abs(
        fn.fun(np.full(3, 4.0)))  # F(x0) - max(1, |F(x0)|)
    assert np.all(np.diff(history[:, 0]) > 0)      # steps increase
    assert res.F0 == history[-1, 1] < res.fun      # the bound stays below the best value
    assert res.fun - fn.minimum(3) < 1e-6          # and it found the global minimum


def test_F0_None_on_both_paths_is_bit_identical():
    fn = get("rosenbrock")
    kwargs = dict(F0=None, rng=3, maxiter=3000, nu=0.01, stall_bounce=30, polish=False)
    compiled = hamopt.minimize(fn.fun, np.full(4, -1.0), jac=fn.grad, **kwargs)
    python = hamopt.minimize(lambda x: fn.fun(x), np.full(4, -1.0),
                             jac=lambda x: fn.grad(x), **kwargs)
    assert compiled.n_reanchors > 10
    assert_array_equal(compiled.F0_history, python.F0_history)
    assert_array_equal(compiled.x, python.x)


def test_F0_above_the_minimum_still_ends_at_the_minimum():
    fn = get("rosenbrock")
    res = hamopt.minimize(fn.fun, [-1.2, 1.0], jac=fn.grad, F0=2.0, rng=0)
    assert res.success
    assert res.fun <= 1e-10  # the run stopped below F0 = 2; the polish went on down
    unpolished = hamopt.minimize(fn.fun, [-1.2, 1.0], jac=fn.grad, F0=2.0, rng=0, polish=False)
    assert "not a lower bound" in unpolished.message and unpolished.fun <= 2.0


@pytest.mark.parametrize("polish", [True, False])
def test_defaults_on_every_benchmark_case_stay_sane(polish):
    """No exception, nothing outside the box, finite, status 0, F0 below the dynamics' best."""
    from hamopt.bench.compare import cases
    from hamopt.testfunctions import FUNCTIONS
    for name, n in cases(sorted(FUNCTIONS), [2, 10, 30]):
        fn = FUNCTIONS[name]
        lo, hi = fn.bounds(n)
        res = hamopt.minimize(fn.fun, np.random.default_rng(n).uniform(lo, hi), jac=fn.grad,
                              bounds=list(zip(lo, hi)), rng=0, polish=polish)
        assert res.status == 0 and np.isfinite(res.fun), (name, n)
        assert np.all((lo <= res.x) & (res.x <= hi)) and np.all((lo <= res.q) & (res.q <= hi))
        assert polish or res.F0 < res.fun, (name, n)


def test_without_progress_F0_moves_up_every_50_steps_by_three_quarters_of_the_gap():
    """The stall rule of eq. 14 (docs/algorithm.rst): F never improves, so every 50 steps
    F0 moves to F_best - gap / 4; the first bound is F(x0) - max(1, |F(x0)|)."""
    res = hamopt.minimize(lambda x: 2.0, np.zeros(2), jac=lambda x: np.zeros(2), polish=False,
                          hops=0, maxiter=220, rng=0)
    steps, values = res.F0_history.T
    assert steps.tolist() == [0, 50, 100, 150, 200]
    gaps = 2.0 - values
    np.testing.assert_allclose(gaps, [2.0, 0.5, 0.125, 0.03125, 0.0078125], rtol=1e-12)
