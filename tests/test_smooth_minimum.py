"""The polish with finite differences in 10 variables or more leaves the simplex out
where L-BFGS-B ended at a smooth minimum (search/polish.py, _ROUNDING_LEVEL)."""
import numpy as np
import pytest

import hamopt
from hamopt.search import polish
from hamopt.testfunctions import random_rotation

N = 10


def _peak(seed):
    """A turned Gaussian well of unequal widths under a plateau at 150 (bbob's
    Gallagher peaks are of this kind): F* = 10 at c, F ~ 150 at the minimum, so
    that the differences' rounding error is far above sqrt(eps)."""
    rng = np.random.default_rng(seed)
    rotation, centre = random_rotation(N, seed), rng.uniform(-3.0, 3.0, N)
    widths = 10.0 ** np.linspace(0.0, 1.0, N)

    def fun(x):
        z = rotation @ (x - centre)
        return 150.0 - 140.0 * np.exp(-np.sum(widths * z * z) / (2 * N))
    return fun, 10.0


def _different_powers(seed):
    """bbob's f14, turned: sqrt(sum |z_i|^(2 + 4 i / (n - 1))) + 40.52, z = R (x - 1/2);
    L-BFGS-B with differences stalls 1e-3 to 1e-6 above F* here."""
    rotation, powers = random_rotation(N, seed), 2.0 + 4.0 * np.arange(N) / (N - 1)
    return (lambda x: float(np.sqrt(np.sum(np.abs(rotation @ (x - 0.5)) ** powers))) + 40.52,
            40.52)


def _run(problem, seed, monkeypatch):
    """(F - F* at the end, evaluations, simplex rounds) of minimize with jac=None,
    no flights, 1000 n evaluations."""
    fun, f_star = problem(seed)
    rounds = []
    real = polish.simplex_round

    def counted_round(*args, **kwargs):
        rounds.append(1)
        return real(*args, **kwargs)
    monkeypatch.setattr(polish, "simplex_round", counted_round)
    x0 = np.random.default_rng(seed + 1).uniform(-1.0, 1.0, N)
    res = hamopt.minimize(fun, x0, bounds=[(-5.0, 5.0)] * N, hops=0, rng=seed,
                          maxfev=1000 * N)
    return res.fun - f_star, res.nfev, len(rounds)


@pytest.mark.parametrize("seed", range(3))
def test_at_a_smooth_minimum_the_simplex_is_left_out(seed, monkeypatch):
    """The peak is solved without a simplex round; with the simplex (level 0) the
    same run reaches the same point and pays more than 1,000 evaluations more
    (measured: about 1,300)."""
    error, nfev, rounds = _run(_peak, seed, monkeypatch)
    assert error <= 1e-8 and rounds == 0
    monkeypatch.setattr(polish, "_ROUNDING_LEVEL", 0.0)
    error_with, nfev_with, rounds_with = _run(_peak, seed, monkeypatch)
    assert error_with <= 1e-8 and rounds_with >= 1
    assert nfev_with - nfev > 1000


@pytest.mark.parametrize("seed", range(3))
def test_where_l_bfgs_b_stalls_the_simplex_still_finishes(seed, monkeypatch):
    """On the turned different powers L-BFGS-B ends far above the rounding level
    (projected gradient 2e-3 to 0.2): the simplex runs and reaches 1e-8."""
    error, _, rounds = _run(_different_powers, seed, monkeypatch)
    assert rounds >= 1 and error <= 1e-8


def test_the_level_is_of_the_projected_gradient():
    """A gradient pushing out of the box at a bound is no sign of a smooth minimum's
    absence; a zero gradient (a plateau) is no sign of one."""
    lower, upper = np.zeros(3), np.ones(3)
    found = polish.LocalSearch(x=np.array([0.0, 0.5, 1.0]), fun=100.0,
                               jac=np.array([5.0, 1e-7, -5.0]))
    assert polish._at_rounding_level(found, (lower, upper))
    assert not polish._at_rounding_level(found, None)
    found.jac = np.array([0.0, 1e-3, 0.0])
    assert not polish._at_rounding_level(found, (lower, upper))
    found.jac = np.zeros(3)
    assert not polish._at_rounding_level(found, (lower, upper))
    found.jac = None
    assert not polish._at_rounding_level(found, (lower, upper))
