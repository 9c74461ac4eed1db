"""The hop search: axis flights from the polished best point."""
import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hamopt
from hamopt.testfunctions import get

from .options import minimize_defaults

RASTRIGIN = get("rastrigin")


def rastrigin_box(n):
    return list(zip(*RASTRIGIN.bounds(n)))


# validated_options' keywords as minimize passes them by default, without the
# rotations of the momentum and with a gradient's flights.
_DEFAULT_OPTIONS = minimize_defaults(nu=0.0, hop_steps=100, hop_patience=3)


def local_minimum_of_rastrigin(n):
    """A polished local minimum near (1, -2, 1, ...), not the global one."""
    x0 = np.resize([1.0, -2.0, 1.0], n)
    res = hamopt.minimize(RASTRIGIN.fun, x0, jac=RASTRIGIN.grad, trajectory_steps=0, hops=0)
    assert res.fun > 5.0
    return res.x


def test_an_axis_flight_stays_on_its_axis_on_a_separable_function():
    x_b = local_minimum_of_rastrigin(4)
    seen = []
    # From x_b + 0.3 the polish returns to x_b, and B = F(x0) - F(x_b) ~ 50 > the barriers.
    res = hamopt.minimize(RASTRIGIN.fun, x_b + 0.3, jac=RASTRIGIN.grad, trajectory_steps=0,
                          hops=1, rng=3, nu=0.0, bounds=rastrigin_box(4),
                          callback=lambda intermediate_result: seen.append(
                              intermediate_result.q))
    assert res.nhops == 1 and len(seen) > 10
    moved = np.abs(np.array(seen) - x_b).max(axis=0)
    axis = int(np.argmax(moved))
    assert moved[axis] > 0.5                       # it crossed at least one barrier
    assert np.delete(moved, axis).max() < 1e-6     # and no other coordinate moved


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.0])
def test_a_flight_climbs_B_above_the_best_value_and_no_higher(eta):
    """From the polished minimum of x^2 (F_b = 0), with B = 9: turns at |x| = 3. (B is given:
    the default would cap the drop F(x0) - F_b = 9 at 64 rises, see
    test_the_first_climb_is_at_most_RISE_FACTOR_rises_of_F_over_a_flight_step.)"""
    values = []

    def square(x):
        values.append(float(x @ x))
        return values[-1], 2.0 * x

    res = hamopt.minimize(square, [3.0], jac=True, trajectory_steps=0, hops=1, rng=0, eta=eta,
                          hop_climb=9.0)
    assert res.nhops == 1 and res.hop_climb == pytest.approx(9.0)
    flight = values[-res.nit:]  # the flight's steps come after the polish's evaluations
    assert 8.5 < max(flight) <= 9.0 * (1 + 1e-9)


def test_hops_find_the_global_minimum_of_rastrigin_where_the_trajectory_does_not():
    n = 10
    x0 = np.random.default_rng(1).uniform(*RASTRIGIN.bounds(n))
    kwargs = dict(jac=RASTRIGIN.grad, bounds=rastrigin_box(n), rng=1)
    single = hamopt.minimize(RASTRIGIN.fun, x0, hops=0, **kwargs)
    hopped = hamopt.minimize(RASTRIGIN.fun, x0, **kwargs)
    assert single.fun > 1.0 and single.nhops == 0
    assert hopped.fun <= 1e-10 and hopped.nhops > 0 and hopped.success
    assert "hop search ended" in hopped.message


def test_hop_search_on_both_paths_is_bit_identical():
    kwargs = dict(bounds=rastrigin_box(3), rng=5, nu=0.01)
    x0 = np.array([2.5, -3.5, 4.0])
    compiled = hamopt.minimize(RASTRIGIN.fun, x0, jac=RASTRIGIN.grad, **kwargs)
    python = hamopt.minimize(lambda x: RASTRIGIN.fun(x), x0,
                             jac=lambda x: RASTRIGIN.grad(x), **kwargs)
    assert compiled.nhops > 3 and compiled.nlandings > 0
    assert_array_equal(compiled.x, python.x)
    assert (compiled.nit, compiled.nfev, compiled.nhops, compiled.nlandings) == (
        python.nit, python.nfev, python.nhops, python.nlandings)


@pytest.mark.parametrize("limit", [{"maxiter": 500}, {"maxfev": 700}, {"hops": 4}])
def test_limits_cap_the_whole_search_and_counts_are_real(limit):
    calls = []

    def fun(x):
        calls.append(1)
        return RASTRIGIN.fun(x)

    x0 = np.random.default_rng(2).uniform(*RASTRIGIN.bounds(10))
    res = hamopt.minimize(fun, x0, jac=RASTRIGIN.grad, bounds=rastrigin_box(10), rng=2,
                          **limit)
    assert res.nfev == len(calls) == res.njev
    assert res.nit <= limit.get("maxiter", np.inf) and res.nfev <= limit.get("maxfev", np.inf)
    assert res.nhops <= limit.get("hops", np.inf)
    key, value = next(iter(limit.items()))
    assert {"maxiter": res.nit, "maxfev": res.nfev, "hops": res.nhops}[key] == value or (
        key == "maxfev" and res.nfev > value - 2)
    assert res.status == 0 and np.isfinite(res.fun)  # F0=None: the budget is the end


def test_an_exception_during_a_flight_keeps_the_best_point():
    values = []

    def fun(x):
        if len(values) == 400:  # after the first trajectory (10 n = 40) and its polish
            raise KeyboardInterrupt
        values.append(float(RASTRIGIN.fun(x)))
        return values[-1]

    x0 = np.random.default_rng(4).uniform(*RASTRIGIN.bounds(4))
    with pytest.raises(KeyboardInterrupt) as info:
        hamopt.minimize(fun, x0, jac=RASTRIGIN.grad, bounds=rastrigin_box(4), rng=4)
    result = info.value.result
    assert result.nhops > 0 and result.status == -1
    assert result.fun == min(values)


def test_callback_stopiteration_during_the_hops_gives_status_99():
    def stop_late(intermediate_result):
        if intermediate_result.nit >= 200:
            raise StopIteration

    x0 = np.random.default_rng(0).uniform(*RASTRIGIN.bounds(4))
    res = hamopt.minimize(RASTRIGIN.fun, x0, jac=RASTRIGIN.grad, bounds=rastrigin_box(4),
                          rng=0, callback=stop_late)
    assert res.status == 99 and res.nit == 200 and res.nhops > 0


def test_a_flight_that_meets_nan_ends_and_the_search_goes_on():
    def fun(x):
        return np.nan if x[0] > 2.0 else RASTRIGIN.fun(x)

    x0 = np.array([1.2, -2.1, 0.9])
    res = hamopt.minimize(fun, x0, jac=RASTRIGIN.grad, bounds=rastrigin_box(3), rng=0)
    assert res.status == 0 and np.isfinite(res.fun) and res.x[0] <= 2.0
    assert res.nhops > 3 and res.fun < 1e-10  # the global minimum is in the finite part
    assert res.n_nonfinite_stops > 0
    single = hamopt.minimize(fun, x0, jac=RASTRIGIN.grad, bounds=rastrigin_box(3), rng=0,
                             hops=0)
    assert single.status == 3 and single.n_nonfinite_stops == 1


def test_without_bounds_flights_take_their_step_from_the_start_scale():
    """No box: flights use 0.04 max(1, max|x0|) (the box [-max|x0|, max|x0|]), not dt / 5."""
    from hamopt._bounds import as_box
    from hamopt._options import validated_options
    x0 = np.random.default_rng(0).uniform(*RASTRIGIN.bounds(10))
    defaults = dict(_DEFAULT_OPTIONS, hop_directions="axes")
    scale = np.abs(x0).max()
    free = validated_options(x0, None, **defaults)
    assert free.dt == scale and free.hop_dt == pytest.approx(0.04 * scale)
    given = validated_options(x0, None, **{**defaults, "dt": 2.0})
    assert given.hop_dt == pytest.approx(0.4)
    boxed = validated_options(x0, as_box([(-5.12, 5.12)] * 10, 10), **defaults)
    assert boxed.dt == pytest.approx(1.024) and boxed.hop_dt == pytest.approx(0.2048)
    res = hamopt.minimize(RASTRIGIN.fun, x0, jac=RASTRIGIN.grad, rng=0)
    assert res.fun <= 1e-10 and res.nhops > 0


def test_hop_climb_sets_the_first_flights_height():
    """From the polished minimum of x^2 (F_b = 0): with hop_climb = 4 the flight turns at |x| = 2."""
    values = []

    def square(x):
        values.append(float(x @ x))
        return values[-1], 2.0 * x

    res = hamopt.minimize(square, [3.0], jac=True, hops=1, rng=0, hop_climb=4.0)
    assert res.nhops == 1 and res.hop_climb == 4.0
    flight = values[-res.nit:]
    assert 3.5 < max(flight) <= 4.0 * (1 + 1e-9)


def test_the_first_climb_is_at_most_RISE_FACTOR_rises_of_F_over_a_flight_step():
    """From x0 = (1000, 1000, 1000) the drop F(x0) - F_b is 3e6; at the polished minimum
    of |x|^2, F rises by hop_dt^2 = 0.01 over one flight step in any direction, so
    B = 64 x 0.01 and the flight turns there."""
    from hamopt.search.flights import RISE_FACTOR
    values = []

    def sphere(x):
        values.append(float(x @ x))
        return values[-1], 2.0 * x

    res = hamopt.minimize(sphere, np.full(3, 1e3), jac=True, hops=1, rng=0, hop_dt=0.1)
    assert res.nhops == 1
    assert res.hop_climb == pytest.approx(RISE_FACTOR * 0.1**2, rel=1e-6)
    flight = values[-res.nit:]  # it turns about B above F_b (to the leapfrog's resolution)
    assert max(flight) == pytest.approx(res.hop_climb, rel=1e-2)


def test_on_a_plateau_the_rise_says_nothing_and_the_drop_stands():
    """F = max(|x|^2 - 100, 0) is flat around its polished minimum: the first climb is
    the drop F(x0) - F_b = 800, not the floor of 1e-3 a zero rise would give."""
    def flat(x):
        s = float(x @ x) - 100.0
        return (s, 2.0 * x) if s > 0 else (0.0, np.zeros_like(x))

    res = hamopt.minimize(flat, [30.0, 0.0], jac=True, hops=1, rng=0, hop_dt=1e-3)
    assert res.fun == 0.0 and res.hop_climb == 800.0


@pytest.mark.parametrize("jac, steps, patience", [(RASTRIGIN.grad, 100, 3), (None, 20, 1)])
def test_flights_are_shorter_with_finite_differences(jac, steps, patience):
    """A flight's step costs n + 1 evaluations with finite differences: 20 steps a flight
    and one empty sweep end the search; with a gradient 100 and 3."""
    from hamopt._options import validated_options
    x0 = np.full(3, 2.5)
    defaults = minimize_defaults(nu=0.0)
    options = validated_options(x0, None, finite_differences=jac is None, **defaults)
    assert (options.hop_steps, options.hop_patience) == (steps, patience)
    given = validated_options(x0, None, finite_differences=jac is None,
                              **{**defaults, "hop_steps": 7, "hop_patience": 2})
    assert (given.hop_steps, given.hop_patience) == (7, 2)
    res = hamopt.minimize(RASTRIGIN.fun, x0, jac=jac, rng=0, bounds=rastrigin_box(3))
    assert res.nhops > 0 and res.nit <= res.nhops * steps  # no trajectory: only flights step


@pytest.mark.parametrize("landing, moves", [((0.1, -0.1), True), ((2.1, 1.9), False)])
def test_a_landing_is_polished_and_the_search_moves_only_to_a_lower_minimum(landing, moves):
    """From a local minimum of Rastrigin (F ~ 1): a landing in the global minimum's well
    moves the search there; one in a higher well (F ~ 8) changes nothing but the counts."""
    from scipy.optimize import minimize_scalar
    from hamopt._objective import Objective
    from hamopt._options import validated_options
    from hamopt.search.polish import polish_stage
    from hamopt.search.state import SearchState

    objective = Objective(RASTRIGIN.fun, RASTRIGIN.grad, (), 2)
    near = minimize_scalar(lambda t: RASTRIGIN.fun(np.array([t, 0.0])), bounds=(0.5, 1.5),
                           method="bounded", options=dict(xatol=1e-12)).x
    x = np.array([near, 0.0])  # the local minimum near (1, 0), F ~ 1
    f, g = objective.value_and_grad(x)
    state = SearchState(x=x, fun=f, jac=g, f_start=f)
    before = (state.x.copy(), state.fun)
    options = validated_options(state.x, None, **_DEFAULT_OPTIONS)
    y = np.array(landing)
    lower = polish_stage(state, objective, options, np.random.default_rng(0),
                         (y, RASTRIGIN.fun(y)))
    assert lower == moves
    assert state.polish_nfev == state.nfev > 0
    if moves:
        assert state.fun < 1e-12 and np.abs(state.x).max() < 1e-6
    else:
        assert_array_equal(state.x, before[0])
        assert state.fun == before[1]


@pytest.mark.parametrize("jac, hop_landings, polished", [
    (RASTRIGIN.grad, None, True), (None, None, False),
    (RASTRIGIN.grad, False, False), (None, True, True)])
def test_landings_are_polished_with_an_exact_gradient_or_when_asked(jac, hop_landings,
                                                                    polished):
    x0 = np.array([2.5, -3.5, 4.0])
    res = hamopt.minimize(RASTRIGIN.fun, x0, jac=jac, bounds=rastrigin_box(3), rng=5,
                          hop_landings=hop_landings, maxfev=3000)
    assert res.nhops > 3
    assert (res.nlandings > 0) == polished


@pytest.mark.parametrize("drop, found, polished", [(1e-15, False, [3.0, 5.0]),
                                                   (1e-3, True, [3.0])])
def test_after_two_empty_flights_the_landings_are_polished_lower_first(monkeypatch, drop,
                                                                      found, polished):
    """Neither flight found a point below F_b = 1; the polish starts at the landing with
    F = 3, and goes on to the one with F = 5 only if that found nothing. The search
    counts a new minimum only if it is clearly lower (not a rounding error below F_b)."""
    from types import SimpleNamespace
    from hamopt._options import validated_options
    from hamopt._outcomes import Outcome
    from hamopt.search import flights
    from hamopt.search.state import SearchState

    landings = iter([(np.array([2.0]), 5.0), (np.array([-2.0]), 3.0)])
    monkeypatch.setattr(flights, "_fly", lambda *args: (Outcome.MAXITER_REACHED, False,
                                                        next(landings)))
    starts = []

    def polish(state, start=None):
        starts.append(start)
        state.fun -= drop
        return True

    state = SearchState(x=np.zeros(1), fun=1.0, jac=np.zeros(1), f_start=10.0)
    options = validated_options(state.x, None, **_DEFAULT_OPTIONS)
    outcome, went = flights._both_ways(state, SimpleNamespace(fev_per_step=1), options,
                                       np.random.default_rng(0), polish, np.ones(1), 1.0,
                                       None, None)
    assert state.nhops == 2 and state.nlandings == len(polished)
    assert [start[1] for start in starts] == polished and starts[0][0][0] == -2.0
    assert (outcome, went) == (None, found)
