"""The polish's evolution strategy (search/evolution.py) on its own."""
import numpy as np
import pytest

from hamopt.search.evolution import base_population, evolve, max_generations
from hamopt.testfunctions import random_rotation

from .problems import ellipsoid


class _Spent(Exception):
    pass


def _recorder(fun, budget=np.inf):
    """evaluate(z) as the polish's: counted, best kept, raises when spent."""
    record = dict(points=[], best=np.inf)

    def evaluate(z):
        if len(record["points"]) >= budget:
            raise _Spent
        record["points"].append(np.array(z))
        f = fun(z)
        record["best"] = min(record["best"], f)
        return f
    return evaluate, record


def _evaluations_to(fun, n, target, seed, budget=40_000):
    evaluate, record = _recorder(fun, budget)
    x0 = np.random.default_rng(seed).uniform(-3.0, 3.0, n)
    try:
        evolve(x0, 2.0, evaluate, None, np.random.default_rng(seed))
    except _Spent:
        pass
    values = np.minimum.accumulate([fun(z) for z in record["points"]])
    hit = np.nonzero(values <= target)[0]
    return hit[0] + 1 if hit.size else np.inf


def test_it_learns_an_ill_conditioned_ellipsoid_in_any_coordinate_system():
    """Condition 1e4 in 6 variables, axis-aligned and turned: the evaluations to reach
    1e-10 are alike (the strategy has no special axes); a search that only moves
    along the coordinates would need far more on the turned one."""
    n = 6
    rotation = random_rotation(n, 4)
    aligned, turned = ([_evaluations_to(ellipsoid(n, 1e4, turn, centre=0.5), n, 1e-10, s)
                        for s in range(6)] for turn in (None, rotation))
    assert np.all(np.isfinite(aligned)) and np.all(np.isfinite(turned))
    assert 0.7 < np.median(turned) / np.median(aligned) < 1.4, (aligned, turned)


def test_it_ends_by_itself_where_f_is_noise():
    """With no budget (the harness's maxfev=inf) a run ends at its generation limit
    at the latest, even on pure noise where no tolerance is ever met."""
    n = 3
    noise = np.random.default_rng(0)
    evaluate, record = _recorder(lambda z: float(noise.random()))
    evolve(np.zeros(n), 1.0, evaluate, None, np.random.default_rng(1))
    lam = base_population(n)
    assert 0 < len(record["points"]) <= lam * max_generations(n, lam)


def test_one_value_for_a_whole_generation_ends_the_run():
    """...after that generation: ``population`` times the default number of points."""
    n = 4
    evaluate, record = _recorder(lambda z: 3.0)
    evolve(np.ones(n), 0.1, evaluate, None, np.random.default_rng(0), population=2)
    assert len(record["points"]) == 2 * base_population(n)


@pytest.mark.parametrize("seed", range(3))
def test_it_keeps_to_the_box(seed):
    lower, upper = np.array([0.0, -1.0, 2.0]), np.array([1.0, 1.0, 2.5])
    evaluate, record = _recorder(lambda z: float(((z - 5.0) ** 2).sum()))  # minimum outside
    evolve(np.array([0.5, 0.0, 2.2]), 3.0, evaluate, (lower, upper),
           np.random.default_rng(seed))
    points = np.array(record["points"])
    assert np.all(points >= lower) and np.all(points <= upper)
    assert record["best"] == pytest.approx(((upper - 5.0) ** 2).sum(), rel=1e-9)


def _rastrigin_2d(calls):
    def fun(x):
        calls.append(np.array(x))
        return float(20 + (x ** 2 - 10 * np.cos(2 * np.pi * x)).sum())
    return fun


@pytest.mark.parametrize("maxfev", [30, 90, 400, 1500])
def test_in_the_polish_it_keeps_to_the_budget_and_the_box(maxfev):
    """In 2-D with finite differences the polish runs an evolution strategy: maxfev
    still caps the run, nfev is the real calls, every point is in the box."""
    import hamopt
    calls = []
    lower, upper = np.array([-1.0, 0.5]), np.array([4.0, 5.0])
    res = hamopt.minimize(_rastrigin_2d(calls), [3.0, 3.0], bounds=list(zip(lower, upper)),
                          maxfev=maxfev, rng=2)
    points = np.array(calls)
    assert res.nfev == len(calls) <= maxfev
    assert np.all(points >= lower) and np.all(points <= upper)


def test_an_exception_during_an_evolution_run_keeps_the_best_point(monkeypatch):
    import hamopt
    from hamopt.search import polish
    calls, seen = [], []
    real_evolve = polish.evolve

    def evolve_and_count(*args, **kwargs):
        seen.append(len(calls))
        return real_evolve(*args, **kwargs)
    monkeypatch.setattr(polish, "evolve", evolve_and_count)
    fun = _rastrigin_2d(calls)

    def failing(x):
        if seen and len(calls) >= seen[0] + 25:  # 25 points into the first evolution run
            raise RuntimeError("the simulation broke")
        return fun(x)
    with pytest.raises(RuntimeError) as info:
        hamopt.minimize(failing, [3.0, 3.0], bounds=[(-5, 5)] * 2, rng=0)
    res = info.value.result
    points = np.array(calls)
    values = 20 + (points ** 2 - 10 * np.cos(2 * np.pi * points)).sum(axis=1)
    assert len(calls) > seen[0]  # it failed inside the evolution run
    assert res.nfev == len(calls) + 1  # the call that raised counts too
    assert res.fun == values.min() and np.array_equal(res.x, points[np.argmin(values)])


@pytest.mark.parametrize("seed", range(3))
def test_with_patience_a_run_that_finds_nothing_lower_ends_after_that_many_values(seed):
    fun = ellipsoid(2, 1e6, centre=0.3)
    x = np.full(2, 0.3)  # the minimum: nothing lower to find
    lam = base_population(2)
    evaluate, record = _recorder(fun)
    assert evolve(x, 3.0, evaluate, None, np.random.default_rng(seed), f_start=0.0,
                  patience=150) is False
    assert 150 <= len(record["points"]) < 150 + lam
    evaluate, record = _recorder(fun)
    evolve(x, 3.0, evaluate, None, np.random.default_rng(seed))
    assert len(record["points"]) > 300  # without it, the run comes back to x the long way


def test_patience_does_not_end_a_run_that_went_lower():
    fun = ellipsoid(2, 10.0, centre=0.0)
    evaluate, record = _recorder(fun)
    x = np.array([2.0, -1.5])
    assert evolve(x, 1.0, evaluate, None, np.random.default_rng(0), f_start=fun(x),
                  patience=12) is True
    assert record["best"] < 1e-10  # it went on to the minimum


@pytest.mark.parametrize("seed", range(4))
def test_hand_over_ends_a_run_at_its_first_generation_with_a_lower_value(seed):
    fun = ellipsoid(2, 10.0, centre=0.0)
    lam = base_population(2)
    x = np.array([2.0, -1.5])
    evaluate, record = _recorder(fun)
    assert evolve(x, 1.0, evaluate, None, np.random.default_rng(seed), f_start=fun(x),
                  patience=150, hand_over=True) is True
    values = [fun(z) for z in record["points"]]
    spent = len(values)
    assert spent % lam == 0
    assert min(values[-lam:]) < fun(x) <= min(values[:-lam], default=np.inf)
