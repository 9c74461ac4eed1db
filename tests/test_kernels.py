"""Property tests of the kernels' pieces, each against plain numpy vector arithmetic.

The kernels never write p out: they carry p = exp(lam) (a u + b g + cz z) as three
coefficients over the vectors u, g, z and their six dot products (``leapfrog``).
Each test builds the vectors, runs one piece, and checks the vector that the
returned coefficients represent against the equation done on vectors.
"""
import math

import numpy as np
import pytest
from hypothesis import example, given, strategies as st
from numpy.testing import assert_allclose

from hamopt.dynamics import layout
from hamopt.dynamics.bounces import NOISE_EVERY, bounce
from hamopt.dynamics.leapfrog import dot_products, exact_norm2, half_kick
from hamopt.dynamics.walls import reflect

real = st.floats(-3.0, 3.0)


def _vectors(seed, n):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), rng.standard_normal(n), rng.standard_normal(n)


@given(seed=st.integers(0, 2**32 - 1), a=real, b=real, cz=real, lam=st.floats(0.0, 5.0),
       log_gap=st.floats(-8.0, 3.0), log_kick=st.floats(-6.0, 1.0))
@example(seed=0, a=0.5, b=-0.3, cz=1.0, lam=0.0, log_gap=-1.0, log_kick=0.0)  # beta > 1
@example(seed=0, a=0.5, b=-0.3, cz=1.0, lam=2.0, log_gap=0.5, log_kick=-1.0)  # beta < 1
def test_half_kick_subtracts_the_kick_from_the_represented_p(seed, a, b, cz, lam, log_gap,
                                                             log_kick):
    """eq. 6: e^lam' (a', b', cz') = e^lam (a, b, cz) - (0, exp(log_kick - log_gap), 0)."""
    a2, b2, cz2, lam2 = half_kick(a, b, cz, lam, log_gap, log_kick)
    scale, scale2 = math.exp(lam), math.exp(lam2)
    kick = math.exp(log_kick - log_gap)
    assert lam2 >= lam
    assert a2 * scale2 == pytest.approx(a * scale, rel=1e-12, abs=1e-12 * scale)
    assert cz2 * scale2 == pytest.approx(cz * scale, rel=1e-12, abs=1e-12 * scale)
    assert b2 * scale2 == pytest.approx(b * scale - kick, rel=1e-12, abs=1e-12 * (scale + kick))


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), a=real, b=real, cz=real,
       pair=st.sampled_from(["none", "ug", "uz", "gz"]),
       cancel=st.sampled_from([1.0, 1.0 - 1e-6, 1.0 - 1e-10]),
       magnitude=st.sampled_from([1.0, 1e4]), third=st.sampled_from([1e-9, 0.0]))
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="ug", cancel=1.0 - 1e-10, magnitude=1.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="ug", cancel=1.0 - 1e-10, magnitude=1.0, third=0.0)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="ug", cancel=1.0 - 1e-10, magnitude=10000.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="ug", cancel=1.0 - 1e-10, magnitude=10000.0, third=0.0)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="uz", cancel=1.0 - 1e-10, magnitude=1.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="uz", cancel=1.0 - 1e-10, magnitude=1.0, third=0.0)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="uz", cancel=1.0 - 1e-10, magnitude=10000.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="uz", cancel=1.0 - 1e-10, magnitude=10000.0, third=0.0)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="gz", cancel=1.0 - 1e-10, magnitude=1.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="gz", cancel=1.0 - 1e-10, magnitude=1.0, third=0.0)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="gz", cancel=1.0 - 1e-10, magnitude=10000.0, third=1e-09)
@example(seed=3, n=3, a=1.5, b=-0.5, cz=0.7,
         pair="gz", cancel=1.0 - 1e-10, magnitude=10000.0, third=0.0)
def test_exact_norm2_is_the_norm_of_the_combination(seed, n, a, b, cz, pair, cancel, magnitude,
                                                    third):
    """|a u + b g + cz z|^2, to 1e-9 relative even when two terms cancel (``pair``: the
    second vector is almost minus the first, with the same coefficient, and the third
    term is tiny or zero); the returned coefficients and u still represent the same vector."""
    u, g, z = _vectors(seed, n)
    coefficients = {"u": a * magnitude, "g": b * magnitude, "z": cz * magnitude}
    vectors = {"u": u, "g": g, "z": z}
    if pair != "none":
        first, second = pair
        coefficients[first] = coefficients[first] or magnitude
        coefficients[second] = coefficients[first]
        vectors[second] = -cancel * vectors[first]
        coefficients[({'u', 'g', 'z'} - {first, second}).pop()] *= third
    (a, b, cz), (u, g, z) = ([coefficients[k] for k in "ugz"],
                             [np.ascontiguousarray(vectors[k]) for k in "ugz"])
    p = a * u + b * g + cz * z
    u_work = u.copy()
    gram = dot_products(u_work, g, z, True)
    pn2, a2, b2, cz2, gram2 = exact_norm2(u_work, g, z, a, b, cz, gram)
    assert pn2 == pytest.approx(float(p @ p), rel=1e-9, abs=1e-300)
    represented = a2 * u_work + b2 * g + cz2 * z
    size = abs(a) + abs(b) + abs(cz)
    assert_allclose(represented, p, rtol=1e-12, atol=1e-15 * size)
    assert_allclose(gram2, dot_products(u_work, g, z, True), rtol=1e-12,
                    atol=1e-14 * size * size)


def _bounce_state(nu=0.0, gamma=0.0, bounce_every=0, stall_bounce=0, nit=1, stalled=0,
                  deltaE=1.0, energy=2.0, eta=1.0):
    scalars = np.zeros(layout.N_SLOTS)
    counters = np.zeros(layout.N_COUNTERS, dtype=np.int64)
    scalars[[layout.NU, layout.GAMMA, layout.BOUNCE_EVERY, layout.STALL_BOUNCE, layout.DELTA_E,
             layout.E, layout.ETA]] = nu, gamma, bounce_every, stall_bounce, deltaE, energy, eta
    counters[layout.NIT], counters[layout.STALLED] = nit, stalled
    return scalars, counters


@pytest.mark.parametrize("kind", ["full", "stall", "generalized", "damped"])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 6), a=real, b=real, cz=real)
@example(seed=1, n=3, a=0.5, b=-0.7, cz=0.4)
def test_a_bounce_keeps_the_size_of_p(kind, seed, n, a, b, cz):
    """eqs. 10-11 on the coefficients: the new p has the same norm as the old one."""
    u, g, z = _vectors(seed, n)
    p = a * u + b * g + cz * z
    pn2 = float(p @ p)
    if pn2 < 1e-6:
        return
    options = {"full": dict(bounce_every=1), "stall": dict(stall_bounce=3, stalled=3),
               "generalized": dict(nu=0.3, nit=NOISE_EVERY),
               "damped": dict(nu=0.3, gamma=1.5, nit=NOISE_EVERY)}[kind]
    scalars, counters = _bounce_state(**options)
    gram = dot_products(u, g, z, True)
    a2, b2, cz2 = bounce(scalars, counters, a, b, cz, gram, pn2, math.log(0.5))
    turned = a2 * u + b2 * g + cz2 * z
    assert float(turned @ turned) == pytest.approx(pn2, rel=1e-10)
    if kind in ("full", "stall"):
        assert_allclose(turned, math.sqrt(pn2) * z / np.linalg.norm(z), rtol=1e-10, atol=1e-12)
    if kind == "stall":
        assert counters[layout.STALLED] == 0 and counters[layout.N_STALL_BOUNCES] == 1


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_generalized_bounce_is_eq_11_on_vectors(gamma):
    """Every NOISE_EVERY-th step, eq. 11 with sqrt(NOISE_EVERY) nu'; p unchanged between."""
    u, g, z = _vectors(7, 4)
    a, b, cz = 0.8, -0.3, 0.2
    p = a * u + b * g + cz * z
    pn2 = float(p @ p)
    deltaE, energy, eta, log_gap = 1.0, 3.0, 1.5, math.log(0.4)
    gram = dot_products(u, g, z, True)
    for nit in (1, NOISE_EVERY - 1, NOISE_EVERY + 1):
        scalars, counters = _bounce_state(nu=0.2, gamma=gamma, deltaE=deltaE, energy=energy,
                                          eta=eta, nit=nit)
        assert bounce(scalars, counters, a, b, cz, gram, pn2, log_gap) == (a, b, cz)
    scalars, counters = _bounce_state(nu=0.2, gamma=gamma, deltaE=deltaE, energy=energy, eta=eta,
                                      nit=3 * NOISE_EVERY)
    a2, b2, cz2 = bounce(scalars, counters, a, b, cz, gram, pn2, log_gap)
    ratio = math.exp(eta * log_gap) * (1.0 + deltaE) / math.exp(energy)  # V (1 + dE) / e^E
    nu = math.sqrt(NOISE_EVERY) * 0.2 * ratio ** gamma
    direction = p / math.sqrt(pn2) + nu * z
    expected = math.sqrt(pn2) * direction / np.linalg.norm(direction)
    assert_allclose(a2 * u + b2 * g + cz2 * z, expected, rtol=1e-12)


def _mirror_fold(q, lower, upper):
    """Reflect q at the walls one mirror at a time; returns (q, odd number of mirrors)."""
    odd = False
    while q < lower or q > upper:
        q = 2.0 * upper - q if q > upper else 2.0 * lower - q
        odd = not odd
    return q, odd


@given(lower=st.floats(-10.0, 10.0), width=st.floats(0.1, 20.0), q=st.floats(-200.0, 200.0),
       open_side=st.sampled_from(["none", "lower", "upper"]))
@example(lower=0.0, width=1.0, q=3.3, open_side="none")
@example(lower=0.0, width=1.0, q=-2.6, open_side="none")
@example(lower=-1.0, width=1.0, q=-4.0, open_side="upper")
@example(lower=-1.0, width=1.0, q=4.0, open_side="lower")
def test_reflection_is_a_fold_of_mirrors(lower, width, q, open_side):
    """eq. 13: reflect() equals mirroring at the walls until q is inside, and says whether
    the number of mirrors (so the momentum's sign flips) is odd."""
    upper = lower + width
    if open_side == "lower":
        lower = -math.inf
    elif open_side == "upper":
        upper = math.inf
    if lower <= q <= upper:
        return  # reflect() is only called for q outside the box
    got, odd = reflect(q, lower, upper)
    expected, expected_odd = _mirror_fold(q, lower, upper)
    tolerance = 1e-9 * max(1.0, abs(q))
    assert got == pytest.approx(expected, abs=tolerance)
    assert lower <= got <= upper
    if min(got - lower, upper - got) > tolerance:  # on a wall the parity is a tie
        assert odd == expected_odd
