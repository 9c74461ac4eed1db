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


def _policy_state(best, F0, anchor_f, anchor_gap, check_f, since_check):
    from hamopt.dynamics import layout
    scalars = np.zeros(layout.N_SLOTS + 2 * layout.HISTORY_CAPACITY)
    counters = np.zeros(layout.N_COUNTERS, dtype=np.int64)
    scalars[[layout.F_BEST, layout.F0, layout.ANCHOR_F, layout.ANCHOR_GAP, layout.CHECK_F]] = (
        best, F0, anchor_f, anchor_gap, check_f)
    counters[layout.SINCE_CHECK] = since_check
    return scalars, counters


@pytest.mark.parametrize("best, moved", [(4.5, False), (4.0, True), (3.5, True)])
def test_progress_rule_reanchors_once_the_best_is_halfway_down(best, moved):
    """Anchored at F = 6 with gap 4 (F0 = 2): halfway is F_best = 4; F0 then moves to
    F_best - (6 - F_best), the improvement since the anchor."""
    from hamopt.dynamics import layout
    from hamopt.dynamics.adaptive_f0 import update_adaptive_f0
    scalars, counters = _policy_state(best, 2.0, 6.0, 4.0, best, 0)
    assert update_adaptive_f0(scalars, counters) == moved
    if moved:
        assert scalars[layout.F0] == best - (6.0 - best)
        assert counters[layout.N_REANCHORS] == 1 and counters[layout.SINCE_CHECK] == 0


@pytest.mark.parametrize("progress, moved", [(0.05, True), (0.099, True), (0.101, False),
                                             (0.5, False)])
def test_stall_rule_needs_a_tenth_of_the_gap_in_50_steps(progress, moved):
    """At the 50th step since the last check, a best value that fell by less than 0.1 of
    the gap F_best - F0 moves F0 up to F_best - gap / 4."""
    from hamopt.dynamics import layout
    from hamopt.dynamics.adaptive_f0 import update_adaptive_f0
    gap = 2.0
    scalars, counters = _policy_state(5.0, 3.0, 9.0, 1.5, 5.0 + progress * gap, 49)
    assert update_adaptive_f0(scalars, counters) == moved
    assert scalars[layout.F0] == (5.0 - gap / 4.0 if moved else 3.0)
    assert counters[layout.SINCE_CHECK] == 0
    if not moved:
        assert scalars[layout.CHECK_F] == 5.0  # the next check measures from here


def test_the_F0_history_keeps_its_first_512_entries():
    from hamopt.dynamics import layout
    from hamopt.dynamics.adaptive_f0 import record_f0
    scalars, _ = _policy_state(1.0, 0.0, 1.0, 1.0, 1.0, 0)
    for step in range(layout.HISTORY_CAPACITY + 5):
        scalars[layout.F0] = -step
        record_f0.py_func(scalars, step)  # the Python twin: out-of-range writes raise here
    assert scalars[layout.N_HISTORY] == layout.HISTORY_CAPACITY
    assert scalars[-1] == -(layout.HISTORY_CAPACITY - 1)


@pytest.mark.parametrize("best", [0.5, -2e6])
def test_the_adaptive_gap_never_falls_below_1e_12_relative(best):
    """A re-anchor right after the anchor (no improvement) keeps F_best - F0 at
    1e-12 max(1, |F_best|), so that log(F - F0) stays defined."""
    from hamopt.dynamics import layout
    from hamopt.dynamics.adaptive_f0 import update_adaptive_f0
    scalars, counters = _policy_state(best, best - 1.0, best, 4.0, best, 0)
    assert update_adaptive_f0(scalars, counters)
    assert best - scalars[layout.F0] == pytest.approx(1e-12 * max(1.0, abs(best)), rel=1e-3)


@pytest.mark.parametrize("value", [0.5, 3.0])
def test_the_first_adaptive_bound_is_max_1_abs_F_below_the_start(value):
    res = hamopt.minimize(lambda x: value, np.zeros(2), jac=lambda x: np.zeros(2), polish=False,
                          hops=0, maxiter=10, rng=0)
    assert res.F0_history[0].tolist() == [0.0, value - max(1.0, abs(value))]
