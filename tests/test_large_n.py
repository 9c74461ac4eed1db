"""Large n: step counts stop growing at LARGE_N, and a sweep flies LARGE_SWEEP random
directions (no n x n basis, no curvature) beyond it."""
import numpy as np
import pytest

import hamopt
from hamopt._options import (HOP_PATIENCE, LARGE_N, LARGE_SWEEP, MAXITER_PER_DIM,
                             TRAJECTORY_PER_DIM, validated_options)
from hamopt.search import flights
from hamopt.testfunctions import get

from .options import minimize_defaults

SPHERE = get("sphere")


@pytest.mark.parametrize("n", [LARGE_N, LARGE_N + 1, 100 * LARGE_N])
def test_step_counts_and_sweeps_stop_growing_beyond_large_n(n):
    x0 = np.ones(n)
    given_f0 = validated_options(x0, None, **minimize_defaults(F0=0.0))
    dynamics_only = validated_options(x0, None, **minimize_defaults(hops=0))
    m = min(n, LARGE_N)
    assert given_f0.trajectory_steps == TRAJECTORY_PER_DIM * m
    assert dynamics_only.maxiter == MAXITER_PER_DIM * m
    assert given_f0.hop_sweep == (n if n <= LARGE_N else LARGE_SWEEP)


def _no_basis(*args, **kwargs):
    raise AssertionError("an n x n basis was built beyond LARGE_N")


@pytest.mark.parametrize("directions", ["curvature", "axes"])
def test_beyond_large_n_a_sweep_flies_few_random_directions(monkeypatch, directions):
    monkeypatch.setattr(flights, "random_basis", _no_basis)
    monkeypatch.setattr(flights, "curvature_axes", _no_basis)
    n = LARGE_N + 1
    moves = []  # per step: how many coordinates of q are away from the best point
    x0 = np.random.default_rng(0).uniform(-3.0, 3.0, n)

    def record(intermediate_result):
        moves.append(np.count_nonzero(np.abs(intermediate_result.q - intermediate_result.x)
                                      > 1e-6))

    res = hamopt.minimize(SPHERE.fun, x0, jac=SPHERE.grad, rng=0, hop_directions=directions,
                          nu=0.0, callback=record)  # nu = 0: no turn off the direction
    assert res.fun <= 1e-20 and res.curvature_njev == 1  # the first climb's rise only
    # The polish reaches the minimum, so every flight finds nothing: each of the
    # LARGE_SWEEP directions is flown both ways, in HOP_PATIENCE empty sweeps.
    assert res.nhops == 2 * LARGE_SWEEP * HOP_PATIENCE[0]
    if directions == "axes":  # a flight moves one coordinate; a random direction all
        assert max(moves) == 1
    else:
        assert max(moves) == n


def test_a_hundred_thousand_variables_finish_with_the_defaults():
    """At n = 1e5 an n x n basis would be 80 GB: the defaults must not build one."""
    n = 100_000
    x0 = np.random.default_rng(1).uniform(-3.0, 3.0, n)
    res = hamopt.minimize(SPHERE.fun, x0, jac=SPHERE.grad, rng=0)
    assert res.success and res.fun <= 1e-10 * SPHERE.fun(x0)
    assert res.nhops == 2 * LARGE_SWEEP * HOP_PATIENCE[0]
