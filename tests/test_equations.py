"""One test per equation of docs/algorithm.rst, on the dynamics alone.

Each test runs a particle (or ``minimize`` with ``polish=False, hops=0``) on
a problem where the equation's effect is visible and exactly predictable, so
that a wrong sign, a missing term or a wrong scale fails here, not only in the
literal transcription test. Constant F (zero force) isolates the drift and the
bounces; a linear-plus-L2 objective isolates weight decay.
"""
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

import hamopt
from hamopt._objective import Objective
from hamopt.dynamics.bounces import NOISE_EVERY
from hamopt.dynamics import Particle, Settings, layout, run
from hamopt.dynamics.layout import (E as E_SLOT, MAX_ENERGY_ERROR, N_REANCHORS, N_RESTORE_FAILED,
                                    N_STALL_BOUNCES)

from .dynamics import integrate
from .problems import bowl, bowl_grad, smooth, smooth_grad


def constant(x):
    return 2.0


def zero_gradient(x):
    return np.zeros_like(x)


def _angle(a, b):
    """The angle between a and b, accurate for tiny angles too (acos is not)."""
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    return 2.0 * math.atan2(np.linalg.norm(a - b), np.linalg.norm(a + b))


def _settings(**kwargs):
    base = dict(F0=0.0, eta=1.0, dt=0.1, deltaE=1.0, nu=0.0, gamma=0.0, weight_decay=0.0,
                tol=0.0, energy_restore=False, maxiter=math.inf, maxfev=math.inf,
                bounce_every=0, stall_bounce=0, box=None)
    base.update(kwargs)
    return Settings(**base)


# eqs. 2, 6, 7: the first half kick and drift ------------------------------------

@pytest.mark.parametrize("eta, dt, F0", [(1.0, 0.1, 0.0), (2.0, 0.05, -1.5), (0.5, 0.3, 0.5)])
def test_first_half_kick_and_drift_from_rest(eta, dt, F0):
    """From p_0 = 0: p_1/2 = -(dt/2) eta g / (F - F0) (eq. 6), q_1 = q_0 + dt 2p/(1 + |p|^2) (eq. 7)."""
    q0 = np.array([0.7, -0.4, 1.1])
    f, g = smooth(q0), smooth_grad(q0)
    particle = Particle(q0.copy(), f, g, _settings(F0=F0, eta=eta, dt=dt, deltaE=0.0), 1,
                        np.random.default_rng(0))
    p_half = -0.5 * dt * eta * g / (f - F0)
    assert_allclose(particle.q, q0 + dt * 2.0 * p_half / (1.0 + p_half @ p_half), rtol=1e-13)
    assert_allclose(particle.p, p_half, rtol=1e-13)


def test_the_force_brings_the_particle_down():
    """Known F0, dynamics only: the sphere's minimum is reached to 1e-8 (a flipped force climbs)."""
    x0 = np.array([1.0, -2.0, 0.5, 1.5, -0.7])
    res = hamopt.minimize(lambda x: x @ x, x0, jac=lambda x: 2.0 * x, F0=0.0, tol=1e-8,
                          polish=False, hops=0, maxiter=2000, rng=0)
    assert res.status == 0 and res.fun <= 1e-8 and res.polish_nfev == 0 and res.nhops == 0


@pytest.mark.parametrize("deltaE", [0.5, 3.0, 99.0])
def test_drift_moves_2_dt_p_over_1_plus_p2_per_step(deltaE):
    """Constant F: no force, so every step moves q by dt 2|p|/(1 + |p|^2) along p (eq. 7)."""
    p0 = math.sqrt(deltaE) * np.array([0.6, 0.8])
    dt, steps = 0.1, 25
    particle = integrate(constant, zero_gradient, [0.0, 0.0], p0, steps, F0=1.0, dt=dt)
    # begin() drifts once and the last step ends at integer time, before its drift.
    expected = steps * dt * 2.0 * p0 / (1.0 + deltaE)
    assert_allclose(particle.q, expected, rtol=1e-12)
    assert_allclose(particle.p, p0, rtol=1e-12)


# eqs. 3, 4, 8, 9: energy ---------------------------------------------------------

@pytest.mark.parametrize("weight_decay", [0.0, 0.7])
def test_initial_energy_is_eq_4_and_p0_points_down(weight_decay):
    """p_0 = -sqrt(deltaE) grad F / |grad F| and e^E = V(x_0) (1 + deltaE), with the L2 term
    of eq. 12 in F and grad F."""
    q0 = np.array([0.3, -1.2])
    f, g = smooth(q0), smooth_grad(q0)
    f_wd, g_wd = f + 0.5 * weight_decay * (q0 @ q0), g + weight_decay * q0
    settings = _settings(F0=-0.5, eta=1.5, deltaE=2.0, dt=1e-300,  # dt ~ 0: p_0 stays
                         weight_decay=weight_decay)
    particle = Particle(q0.copy(), f, g, settings, 1, np.random.default_rng(0))
    assert particle.scalars[E_SLOT] == pytest.approx(1.5 * math.log(f_wd + 0.5) + math.log1p(2.0),
                                                     rel=1e-14)
    assert_allclose(particle.p, -math.sqrt(2.0) * g_wd / np.linalg.norm(g_wd), rtol=1e-12)


def test_restore_puts_the_energy_back():
    """With restore on, E_i = E to rounding at the end (eq. 9), with a coarse dt; without, not."""
    q0 = np.array([1.0, -1.5, 0.5])
    for restore in (True, False):
        particle = integrate(smooth, smooth_grad, q0, None, 60, dt=0.4, deltaE=1.0,
                             restore=restore)
        error = abs(math.log1p(float(particle.p @ particle.p)) + math.log(smooth(particle.q))
                    - particle.scalars[E_SLOT])
        if restore:
            assert error <= 1e-13
        else:
            assert error > 1e-6  # so the restore did something above


@pytest.mark.parametrize("deltaE, nu", [(0.5, 0.0), (0.0, 0.0), (0.5, 0.3), (0.0, 0.3)])
def test_reanchor_resets_the_energy_as_at_a_start(deltaE, nu):
    """Adaptive F0: at every re-anchor, e^E = (F(q_i) - F0_new) (1 + deltaE) and
    |p_i|^2 = deltaE (eqs. 4, 14)."""
    objective = Objective(smooth, smooth_grad, (), 2)
    q0 = np.array([1.5, -1.0])
    f, g = objective.first_evaluation(q0)
    dt, eta = 0.05, 1.3
    particle = Particle(q0, f, g, _settings(F0=None, deltaE=deltaE, eta=eta, dt=dt, nu=nu,
                                            maxiter=1600, energy_restore=True), 1,
                        np.random.default_rng(0))
    seen, sizes = [], []

    def check(particle):
        if particle.counters[N_REANCHORS] > len(seen):
            gap = particle.f - particle.F0
            seen.append((particle.scalars[E_SLOT], math.log1p(deltaE) + eta * math.log(gap),
                         particle.energy_error))
            if particle.f == particle.f_best:  # q_i is the best point: undo the half kick
                p_i = particle.p + 0.5 * dt * eta * particle.jac_best / gap
                sizes.append(float(p_i @ p_i))
        return False
    run(particle, objective, check)
    assert len(seen) >= 3 and len(sizes) >= 3
    for got, expected, error in seen:
        assert got == pytest.approx(expected, rel=1e-13, abs=1e-13)
        assert error == 0.0  # measured against the new E
    assert_allclose(sizes, deltaE, rtol=1e-9, atol=1e-20)


def test_a_particle_at_rest_on_a_stationary_point_stays_and_counts_failed_restores():
    """deltaE = 0 at a minimum: p = 0 and grad F = 0, so nothing moves; every restore is
    impossible (|p| = 0 has no direction, eq. 9), is counted, and leaves p = 0."""
    particle = integrate(bowl, bowl_grad, [0.0, 0.0], None, 12, F0=0.5, restore=True)
    assert_allclose(particle.q, 0.0, atol=0.0)
    assert_allclose(particle.p, 0.0, atol=0.0)
    assert particle.counters[N_RESTORE_FAILED] == 12


def test_restore_is_exact_deep_in_a_minimum():
    """Near a minimum with F0 = F*, e^E / V exceeds e^30 and eq. 9 switches to its
    overflow-free form; |p|^2 must still be e^E / V - 1 (compared in logs: |p| overflows)."""
    sphere = lambda x: float(x @ x)  # noqa: E731
    ratios = []
    for steps in (40, 80, 160):
        particle = integrate(sphere, lambda x: 2.0 * x, [0.3, -0.2], None, steps, F0=0.0,
                             dt=0.5, deltaE=1.0, restore=True)
        log_ratio = particle.scalars[E_SLOT] - math.log(sphere(particle.q))  # log(e^E / V)
        u = particle.vectors[layout.U]
        log_p2 = 2.0 * particle.scalars[layout.LAM] + math.log(float(u @ u))
        assert log_p2 == pytest.approx(log_ratio + math.log1p(-math.exp(-log_ratio)), abs=1e-12)
        ratios.append(log_ratio)
    assert max(ratios) > 30.0


# eqs. 10-11: bounces keep |p| and turn its direction ------------------------------

@pytest.mark.parametrize("kind", ["bounce_every", "stall_bounce", "nu"])
def test_bounces_keep_the_size_of_p_and_turn_it(kind):
    """Constant F, no restore: only the bounces act on p, and |p| must not change."""
    p0 = np.array([3.0, 0.0, 4.0])
    options = {"bounce_every": dict(bounce_every=1), "stall_bounce": dict(stall_bounce=2),
               "nu": dict(nu=0.2)}[kind]
    particle = integrate(constant, zero_gradient, np.zeros(3), p0, 30, F0=1.0, dt=0.1,
                         **options)
    assert np.linalg.norm(particle.p) == pytest.approx(5.0, rel=1e-13)
    assert _angle(particle.p, p0) > 0.1
    if kind == "stall_bounce":
        assert particle.counters[N_STALL_BOUNCES] > 0


@pytest.mark.parametrize("stall_bounce, expected", [(1, 29), (3, 9), (4, 7)])
def test_stall_bounces_come_every_stall_bounce_steps_without_a_new_best(stall_bounce, expected):
    """Constant F never improves: a full bounce every ``stall_bounce`` steps (eq. 10), the
    last step (which stops at integer time) excepted; each one turns p and is counted."""
    p0 = np.array([3.0, 0.0, 4.0])
    directions = [p0]  # then p after step 1, 2, ...
    objective = Objective(constant, zero_gradient, (), 3)
    settings = _settings(F0=1.0, stall_bounce=stall_bounce, maxiter=30)
    particle = Particle(np.zeros(3), 2.0, np.zeros(3), settings, 1, np.random.default_rng(0),
                        p0=p0)
    run(particle, objective, lambda particle: directions.append(particle.p) and False)
    assert particle.counters[N_STALL_BOUNCES] == expected
    turned = [k for k in range(1, len(directions))
              if _angle(directions[k], directions[k - 1]) > 1e-6]
    assert turned == list(range(stall_bounce, 30, stall_bounce))[:expected]


@pytest.mark.parametrize("gamma", [0.5, 1.0, 2.0])
def test_generalized_bounce_is_damped_by_gamma(gamma):
    """eq. 11: the turn has size nu (V (1 + deltaE) / e^E)^gamma; here that ratio is 2/100."""
    p0 = math.sqrt(99.0) * np.array([1.0, 0.0, 0.0, 0.0])  # e^E = V (1 + 99); deltaE = 1
    kwargs = dict(F0=1.0, dt=0.01, nu=1e-4, deltaE=1.0, rng=5)  # small: turn ~ nu'
    turned = {}
    for g in (0.0, gamma):
        # step NOISE_EVERY has the one turn; the next stops at integer time
        particle = integrate(constant, zero_gradient, np.zeros(4), p0, NOISE_EVERY + 1,
                             gamma=g, **kwargs)
        turned[g] = _angle(particle.p, p0)
    assert turned[gamma] / turned[0.0] == pytest.approx(0.02 ** gamma, rel=1e-3)


def _turned_by_model(p0, nu, turns, every, rng):
    """The angle between p0 and p0 after ``turns`` // ``every`` turns of eq. 11 by ``nu``."""
    p = p0 / np.linalg.norm(p0)
    for _ in range(turns // every):
        w = p + nu * rng.standard_normal(p.size)
        p = w / np.linalg.norm(w)
    return _angle(p, p0)


def test_turns_every_noise_every_steps_spread_p_as_a_turn_every_step():
    """eq. 11 applied every NOISE_EVERY-th step by sqrt(NOISE_EVERY) nu: over 400 steps the
    angle p turns has the distribution of 400 turns by nu (two-sample KS test), and not
    that of the same turns without the sqrt(NOISE_EVERY) (which the test must tell apart)."""
    from scipy.stats import ks_2samp
    n, nu, steps, samples = 20, 0.005, 400, 300
    p0 = np.linspace(1.0, 2.0, n)
    kernel = []
    for seed in range(samples):  # steps + 1: the last step stops before its bounce
        particle = integrate(constant, zero_gradient, np.zeros(n), p0, steps + 1, F0=1.0,
                             dt=1e-3, nu=nu, rng=seed)
        kernel.append(_angle(particle.p, p0))
    rng = np.random.default_rng(12345)
    every_step = [_turned_by_model(p0, nu, steps, 1, rng) for _ in range(samples)]
    unscaled = [_turned_by_model(p0, nu, steps, NOISE_EVERY, rng) for _ in range(samples)]
    assert ks_2samp(kernel, every_step).pvalue > 1e-3
    assert ks_2samp(kernel, unscaled).pvalue < 1e-6


# eq. 12: weight decay -----------------------------------------------------------

def test_weight_decay_is_part_of_the_force():
    """F = 3 + x_0 has no minimum; with w_d = 2 the particle must find the one of
    F + |x|^2, at (-1/2, 0) with value 2.75, with the dynamics alone."""
    fun = lambda x: 3.0 + x[0]  # noqa: E731
    jac = lambda x: np.array([1.0, 0.0])  # noqa: E731
    res = hamopt.minimize(fun, [1.0, 2.0], jac=jac, F0=2.75, weight_decay=2.0, tol=1e-9,
                          polish=False, hops=0, maxiter=5000, rng=0)
    assert res.status == 0 and res.fun - 2.75 <= 1e-9
    assert_allclose(res.x, [-0.5, 0.0], atol=1e-4)
    assert_allclose(res.jac, [1.0 + 2.0 * res.x[0], 2.0 * res.x[1]], rtol=1e-12)


def test_weight_decay_conserves_the_energy():
    """The L2 term is part of V: without restore, the energy error stays second order small."""
    fun = lambda x: 3.0 + x[0]  # noqa: E731
    jac = lambda x: np.array([1.0, 0.0])  # noqa: E731
    res = hamopt.minimize(fun, [1.0, 2.0], jac=jac, F0=2.0, weight_decay=1.0, dt=0.02,
                          energy_restore=False, polish=False, hops=0, maxiter=300, rng=0)
    assert res.max_energy_error < 1e-2


# The kernels' exactness guards (hamopt/dynamics/leapfrog.py) ----------------------

def _reversing_start(dt, q0=0.0, offset=10.0):
    """p0 such that on F = offset + q (1-D, F0 = 0) the second half kick almost exactly
    cancels p: p_1 = p_1/2 - (dt/2) / F(q_1) ~ 0 (eq. 6), the worst case for |p|^2 computed
    as a quadratic form."""
    h = 0.5 * dt
    x = h / (q0 + offset)
    for _ in range(60):  # fixed point of x = h / F(q_1(x)), q_1 = q0 + dt 2x / (1 + x^2)
        x = h / (q0 + 2.0 * dt * x / (1.0 + x * x) + offset)
    return np.array([x + h / (q0 + offset)])


def test_restore_is_exact_when_a_kick_reverses_p():
    """|p_1|^2 must be e^E / V - 1 to rounding (eq. 9) even when the kick before the
    restore cancels p to ~1e-17: the kernels then recompute the combination exactly."""
    fun = lambda x: 10.0 + x[0]  # noqa: E731
    jac = lambda x: np.array([1.0])  # noqa: E731
    for dt in (0.5, 1.0, 2.0):
        p0 = _reversing_start(dt)
        particle = integrate(fun, jac, [0.0], p0, 1, F0=0.0, dt=dt, restore=True)
        target = math.exp(particle.scalars[E_SLOT]) / fun(particle.q) - 1.0
        assert particle.counters[N_RESTORE_FAILED] == 0
        assert float(particle.p @ particle.p) == pytest.approx(target, rel=1e-12)


def test_generalized_bounces_keep_the_energy_to_second_order():
    """Bounces keep |p| (eqs. 10-11) and so the energy: without restore, with bounces at
    every step near F0 (where the kicks are large), the energy error is O(dt^2)."""
    errors = []
    for dt in (0.01, 0.005):
        particle = integrate(bowl, bowl_grad, [0.05, -0.03], [0.02, 0.01], round(2.0 / dt),
                             F0=0.999, dt=dt, nu=0.05, rng=1)
        errors.append(particle.scalars[MAX_ENERGY_ERROR])
    assert errors[0] < 0.05
    assert 2.5 < errors[0] / errors[1] < 6.0, errors


def test_a_steady_descent_never_counts_as_stalled():
    """Every step of a fall down a slope is a new best point: the stall count stays 0."""
    particle = integrate(lambda x: 10.0 + x[0], lambda x: np.array([1.0]), [0.0], None, 50,
                         dt=0.01, deltaE=1.0)
    assert particle.counters[layout.STALLED] == 0
    assert particle.f_best == particle.f


def test_a_stop_below_F0_leaves_q_and_p_as_they_were():
    """F = x falls below F0 = 0: the run stops at the step that measured it, without the
    half kick (log(F - F0) is undefined) and without moving q."""
    seen = []
    res = hamopt.minimize(lambda x: float(x[0]), [1.0], jac=lambda x: np.ones(1), F0=0.0,
                          tol=0.0, dt=0.3, polish=False, hops=0, nu=0.3, maxiter=500, rng=0,
                          callback=lambda intermediate_result: seen.append(intermediate_result))
    assert res.status == 0 and "fell below" in res.message
    assert res.fun < 0.0 and res.x[0] == res.q[0] == res.fun
    assert_allclose(res.p, seen[-1].p, rtol=0, atol=0)


@pytest.mark.parametrize("deltaE", [1.0, 2.5])
def test_at_a_stationary_start_p0_has_a_random_direction_and_size_sqrt_deltaE(deltaE):
    """grad F(x0) = 0 gives no descent direction: eq. 4 with a random unit direction."""
    sizes = []
    for seed in (0, 1):
        particle = Particle(np.zeros(3), 2.0, np.zeros(3),
                            _settings(F0=1.0, deltaE=deltaE, dt=1e-300), 1,
                            np.random.default_rng(seed))
        assert float(particle.p @ particle.p) == pytest.approx(deltaE, rel=1e-14)
        sizes.append(particle.p)
    assert _angle(sizes[0], sizes[1]) > 1e-3
