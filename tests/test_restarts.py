"""Restarts from fresh points inside minimize, while a finite maxfev lasts."""
import numpy as np
import pytest

import hamopt
from hamopt.testfunctions import get

RASTRIGIN = get("rastrigin")
BOX = [(-5.12, 5.12)] * 4


def counted(fn):
    calls = []

    def fun(x):
        calls.append(x.copy())
        return fn.fun(x)
    return fun, calls


def test_with_maxfev_the_search_restarts_until_the_budget_is_spent():
    fun, calls = counted(RASTRIGIN)
    res = hamopt.minimize(fun, np.full(4, 3.3), jac=RASTRIGIN.grad, bounds=BOX, rng=1,
                          hop_patience=1, maxfev=6000)
    assert res.nrestarts >= 2
    # The dynamics stop at 80 % of maxfev (the rest is the polish's, which may need less).
    assert res.nfev == len(calls) <= 6000 and res.nfev >= 0.8 * 6000
    assert res.fun == min(RASTRIGIN.fun(x) for x in calls)  # the best of all restarts
    assert res.success


def test_without_maxfev_or_with_restarts_0_there_is_no_restart():
    plain = hamopt.minimize(RASTRIGIN.fun, np.full(4, 3.3), jac=RASTRIGIN.grad, bounds=BOX,
                            rng=1, hop_patience=1)
    none = hamopt.minimize(RASTRIGIN.fun, np.full(4, 3.3), jac=RASTRIGIN.grad, bounds=BOX,
                           rng=1, hop_patience=1, maxfev=6000, restarts=0)
    assert plain.nrestarts == 0 and none.nrestarts == 0
    assert none.nfev == plain.nfev < 6000


def test_restarts_counts_them_and_fresh_points_stay_in_the_box():
    fun, calls = counted(RASTRIGIN)
    res = hamopt.minimize(fun, np.full(4, 3.3), jac=RASTRIGIN.grad, bounds=[(0.0, 5.0)] * 4,
                          rng=2, hop_patience=1, maxfev=20_000, restarts=2)
    assert res.nrestarts == 2
    assert np.all(np.array(calls) >= 0.0) and np.all(np.array(calls) <= 5.0)


def test_an_exception_during_a_restart_keeps_the_best_point_of_the_whole_run():
    seen = []

    def fun(x):
        if len(seen) > 2500:
            raise RuntimeError("simulation crashed")
        seen.append((RASTRIGIN.fun(x), x.copy()))
        return seen[-1][0]

    with pytest.raises(RuntimeError) as info:
        hamopt.minimize(fun, np.full(4, 3.3), jac=RASTRIGIN.grad, bounds=BOX, rng=1,
                        hop_patience=1, maxfev=10_000)
    res = info.value.result
    assert res.nrestarts >= 1 and res.nfev == len(seen) + 1  # + the call that raised
    assert res.fun == min(f for f, _ in seen)


@pytest.mark.parametrize("bad, error", [(-1, ValueError), (1.5, TypeError)])
def test_bad_restarts_are_rejected_before_any_work(bad, error):
    calls = []
    with pytest.raises(error, match="restarts"):
        hamopt.minimize(lambda x: calls.append(1) or float(x @ x), [1.0], restarts=bad)
    assert not calls
