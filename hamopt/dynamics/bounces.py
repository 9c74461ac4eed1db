"""Bounces that turn p and keep |p| (docs/algorithm.rst, eqs. 10-11).

A full bounce gives p a new random direction (eq. 10): every ``bounce_every``
steps, or after ``stall_bounce`` steps without a new best point. A
generalized bounce turns p by a small random amount (eq. 11): not every step
but every ``NOISE_EVERY``-th, by ``nu' sqrt(NOISE_EVERY)``. Small turns add up
like a random walk, so the direction of p spreads as fast as with a turn of
``nu'`` every step (the variance of the summed turns is the same), while the
n normal draws, their three dot products and their share of the drift, which
cost a cheap objective's step more than the objective itself, are paid once
per ``NOISE_EVERY`` steps (docs/algorithm.rst, eq. 11; tests/test_equations.py).
"""
import math

from .jit import jit
from .layout import (BOUNCE_EVERY, DELTA_E, E, ETA, GAMMA, N_STALL_BOUNCES, NIT, NU, STALLED,
                     STALL_BOUNCE)


# A generalized bounce every this many steps, by sqrt(NOISE_EVERY) times nu'.
NOISE_EVERY = 8
_NOISE_SCALE = math.sqrt(NOISE_EVERY)


@jit()
def is_bounce_step(scalars, nit):
    every = scalars[BOUNCE_EVERY]
    return every > 0.0 and nit % int(every) == 0


@jit()
def is_noise_step(scalars, nit):
    """Whether step ``nit`` has a generalized bounce (nu > 0, every NOISE_EVERY-th)."""
    return scalars[NU] > 0.0 and nit % NOISE_EVERY == 0


@jit()
def draws_noise(scalars, counters):
    """Whether the next step needs normal draws: generalized bounces, a periodic
    bounce, or a possible stall bounce (if the step brings no new best).

    The Python loop (``loop._run_python``) applies the same rule.
    """
    stall = scalars[STALL_BOUNCE]
    return (is_noise_step(scalars, counters[NIT] + 1)
            or is_bounce_step(scalars, counters[NIT] + 1)
            or (stall > 0.0 and counters[STALLED] + 1 >= stall))


@jit()
def bounce(scalars, counters, a, b, cz, gram, pn2, log_gap):
    """Turn p = exp(lam) (a u + b g + cz z), |.|^2 = pn2, by a bounce; new (a, b, cz).

    ``gram`` holds the dot products of u, g and the draws z; ``log_gap`` is
    log(F - F0). |p| is kept exactly: only the direction changes.
    """
    _, _, _, uz, gz, zz = gram
    stalled = scalars[STALL_BOUNCE] > 0.0 and counters[STALLED] >= scalars[STALL_BOUNCE]
    if stalled:
        counters[STALLED] = 0
        counters[N_STALL_BOUNCES] += 1
    if stalled or is_bounce_step(scalars, counters[NIT]):
        return 0.0, 0.0, math.sqrt(pn2 / zz)  # eq. 10: p = |p| z / |z|
    if not is_noise_step(scalars, counters[NIT]):
        return a, b, cz  # z was drawn for a stall bounce that did not come
    # eq. 11: nu (V (1 + deltaE) / e^E)^gamma, the rotation's size, sqrt(NOISE_EVERY) times
    nu = _NOISE_SCALE * scalars[NU] * math.exp(scalars[GAMMA] * (scalars[ETA] * log_gap
                                                  + math.log1p(scalars[DELTA_E]) - scalars[E]))
    norm = math.sqrt(pn2)
    pz = a * uz + b * gz + cz * zz  # (p / e^lam) . z
    rot = math.sqrt(max(1.0 + 2.0 * nu * pz / norm + nu * nu * zz, 0.0))
    if rot > 0.0:
        return a / rot, b / rot, (cz + nu * norm) / rot
    return a, b, cz
