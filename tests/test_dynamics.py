"""Physics invariants of the leapfrog: reversibility, volume, energy, invariant measure."""
import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from scipy import integrate as quad_integrate

from hamopt.dynamics.layout import E as E_SLOT, MAX_ENERGY_ERROR, N_RESTORE_FAILED, N_STALL_BOUNCES

from .dynamics import energy, integrate
from .problems import bowl, bowl_grad, smooth, smooth_grad
from .reference import reference_run

coords = st.floats(-2.0, 2.0)


def vectors(n):
    return arrays(np.float64, n, elements=coords)


@given(n=st.integers(1, 4), data=st.data(), k=st.integers(1, 40),
       dt=st.floats(0.01, 0.2), eta=st.floats(0.5, 3.0))
def test_reversible(n, data, k, dt, eta):
    """k steps, flip p, k steps: back at the start (no restore, no noise)."""
    q0, p0 = data.draw(vectors(n)), data.draw(vectors(n))
    forward = integrate(smooth, smooth_grad, q0, p0, k, dt=dt, eta=eta)
    back = integrate(smooth, smooth_grad, forward.q, -forward.p, k, dt=dt, eta=eta)
    assert_allclose(back.q, q0, atol=1e-9)
    assert_allclose(-back.p, p0, atol=1e-8 * max(1.0, np.abs(p0).max()))


@given(n=st.integers(1, 3), data=st.data(), dt=st.floats(0.01, 0.3))
def test_volume_preserving(n, data, dt):
    """The one-step map (q, p) -> (q', p') has Jacobian determinant 1."""
    z0 = np.concatenate([data.draw(vectors(n)), data.draw(vectors(n))])

    def step(z):
        particle = integrate(smooth, smooth_grad, z[:n], z[n:], 1, dt=dt)
        return np.concatenate([particle.q, particle.p])

    h = 1e-6
    jacobian = np.empty((2 * n, 2 * n))
    for j in range(2 * n):
        dz = np.zeros(2 * n)
        dz[j] = h
        jacobian[:, j] = (step(z0 + dz) - step(z0 - dz)) / (2 * h)
    assert np.linalg.det(jacobian) == pytest.approx(1.0, abs=1e-6)


@given(n=st.integers(1, 4), data=st.data(), k=st.integers(1, 30),
       dt=st.floats(0.01, 0.5), eta=st.floats(0.5, 3.0), deltaE=st.floats(0.0, 5.0))
def test_restore_conserves_energy_to_rounding(n, data, k, dt, eta, deltaE):
    """With restore, E_i = E to rounding at every step where the restore was possible."""
    q0 = data.draw(vectors(n))
    particle = integrate(smooth, smooth_grad, q0, None, k, dt=dt, eta=eta,
                         deltaE=deltaE, restore=True)
    if particle.counters[N_RESTORE_FAILED] == 0 and particle.p @ particle.p > 0:
        E = particle.scalars[E_SLOT]
        assert energy(smooth, particle.q, particle.p, eta=eta) == pytest.approx(
            E, abs=1e-12 * max(1.0, abs(E)))


def test_energy_error_is_second_order():
    """Without restore, halving dt divides the largest energy error by about 4."""
    q0, p0 = np.array([1.0, -0.5]), np.array([0.3, 0.8])
    errors = []
    for dt in (0.04, 0.02, 0.01):
        particle = integrate(bowl, bowl_grad, q0, p0, round(2.0 / dt), dt=dt)
        errors.append(particle.scalars[MAX_ENERGY_ERROR])
    ratios = [errors[0] / errors[1], errors[1] / errors[2]]
    assert all(3.5 < r < 4.5 for r in ratios), ratios


@pytest.mark.parametrize("stall_bounce", [0, 4])
def test_matches_literal_transcription_of_the_note(stall_bounce):
    """The fused kernels follow the note's equations step by step (with bounces)."""
    from .problems import rosen_jit, rosen_grad_jit
    F = lambda x: float(rosen_jit(x))  # noqa: E731
    grad = lambda x: rosen_grad_jit(x)  # noqa: E731
    x0 = np.array([-1.2, 1.0, 0.5])
    opts = dict(F0=-1.0, eta=1.5, dt=0.05, deltaE=2.0, nu=0.1, gamma=0.5,
                bounce_every=7, energy_restore=True)
    positions, q_ref, p_ref = reference_run(F, grad, x0, nsteps=60, stall_bounce=stall_bounce,
                                            rng=np.random.default_rng(3), **opts)
    seen = []
    particle = integrate(lambda x: seen.append(x.copy()) or F(x), grad, x0, None, 60,
                         F0=-1.0, eta=1.5, dt=0.05, deltaE=2.0, nu=0.1, gamma=0.5,
                         bounce_every=7, restore=True, rng=3, stall_bounce=stall_bounce)
    if stall_bounce:
        assert particle.counters[N_STALL_BOUNCES] > 0  # the path took stall bounces
    assert_allclose(np.array(seen[1:]), positions, rtol=1e-9, atol=1e-12)
    assert_allclose(particle.q, q_ref, rtol=1e-9)
    assert_allclose(particle.p, p_ref, rtol=1e-8)


# The invariant measure (eq. 5) ------------------------------------------------

def _sampled_positions(n, nsteps, **kwargs):
    """Positions where F was evaluated along one long run of the bowl."""
    samples = []

    def F(x):
        samples.append(x.copy())
        return bowl(x)
    integrate(F, bowl_grad, np.full(n, 0.5), None, nsteps, **kwargs)
    return np.array(samples[1:])


def _ks_distance(samples, cdf):
    samples = np.sort(samples)
    empirical = np.arange(1, samples.size + 1) / samples.size
    return np.max(np.abs(empirical - cdf(samples)))


def test_invariant_measure_1d():
    """In 1-D the time spent near q is proportional to (e^E/V) (e^E/V - 1)^(-1/2)."""
    deltaE = 3.0
    eE = bowl(np.array([0.5])) * (1 + deltaE)       # e^E = V(0) (1 + deltaE)
    edge = math.sqrt(eE - 1.0)                      # turning points: V = e^E

    # With r = e^E/V = e^E/(1 + q^2), r (r - 1)^(-1/2) dq = e^E dq / sqrt((1 + q^2)(edge^2 - q^2));
    # q = edge sin(theta) removes the turning-point singularities.
    def smooth_density(theta):
        return 1.0 / math.sqrt(1.0 + (edge * math.sin(theta)) ** 2)

    total = quad_integrate.quad(smooth_density, -math.pi / 2, math.pi / 2)[0]
    note_cdf = np.vectorize(lambda x: quad_integrate.quad(
        smooth_density, -math.pi / 2, math.asin(min(1.0, max(-1.0, x / edge))))[0] / total)

    q = _sampled_positions(1, 40000, dt=0.01, deltaE=deltaE, restore=True)[:, 0]
    predicted = _ks_distance(q, note_cdf)
    wrong_no_sqrt = _ks_distance(   # e^E / V alone: the 2-D density used in 1-D
        q, lambda x: (np.arctan(x) + math.atan(edge)) / (2 * math.atan(edge)))
    wrong_uniform = _ks_distance(q, lambda x: (x + edge) / (2 * edge))
    assert predicted < 0.01
    assert min(wrong_no_sqrt, wrong_uniform) > 5 * predicted


def test_invariant_measure_2d_with_generalized_bounces():
    """In 2-D, with bounces to mix, the density is e^E/V on V < e^E."""
    deltaE = 3.0
    eE = bowl(np.full(2, 0.5)) * (1 + deltaE)
    R2 = eE - 1.0                                   # V < e^E  <=>  r^2 < R2
    q = _sampled_positions(2, 300000, dt=0.05, deltaE=deltaE, restore=True, nu=0.3)
    r2 = np.sum(q * q, axis=1)
    # density 1/(1 + r^2) in the plane: P(r^2 < s) = log(1 + s) / log(1 + R2)
    predicted = _ks_distance(r2, lambda s: np.log1p(s) / np.log1p(R2))
    wrong_uniform = _ks_distance(r2, lambda s: s / R2)
    wrong_1d_formula = _ks_distance(                 # V^(-1/2): eq. 5 with n = 1
        r2, lambda s: (np.sqrt(1 + s) - 1) / (math.sqrt(1 + R2) - 1))
    assert predicted < 0.02
    assert min(wrong_uniform, wrong_1d_formula) > 0.08


def test_impossible_restores_leave_p_unchanged_and_are_counted():
    """With a coarse dt the particle overshoots V = e^E; those steps keep p as it is."""
    x0 = np.array([0.5])
    opts = dict(F0=0.0, eta=2.0, dt=0.8, deltaE=0.5, nu=0.0, gamma=0.0, bounce_every=0,
                energy_restore=True)
    positions, q_ref, p_ref = reference_run(bowl, bowl_grad, x0, nsteps=40,
                                            rng=np.random.default_rng(0), **opts)
    particle = integrate(bowl, bowl_grad, x0, None, 40, F0=0.0, eta=2.0, dt=0.8,
                         deltaE=0.5, restore=True)
    assert particle.counters[N_RESTORE_FAILED] > 0
    assert_allclose(particle.q, q_ref, rtol=1e-9)
    assert_allclose(particle.p, p_ref, rtol=1e-9)
