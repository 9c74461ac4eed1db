"""The energy monitor and restore (docs/algorithm.rst, eqs. 8-9) and the reset of eq. 4.

After the half kick that completes p_i, the step compares the energy at
integer time, ``E_i = log(1 + |p_i|^2) + eta log(F(q_i) - F0)`` (eq. 8), with
the run's E, and optionally rescales |p_i| so that E_i = E exactly (eq. 9).
After a re-anchor of the adaptive F0 the energy is reset instead, as at the
start (eq. 4): |p|^2 = deltaE along the same direction.
"""
import math

import numpy as np

from .jit import jit
from .layout import DELTA_E, E, ENERGY_ERROR, ETA, MAX_ENERGY_ERROR, N_RESTORE_FAILED, RESTORE


@jit()
def log1p_exp(x):
    """log(1 + e^x) without overflow: log(1 + |p|^2) from log|p|^2."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@jit()
def log_expm1(x):
    """log(e^x - 1) for x > 0 without overflow: log of eq. 9's target |p|^2."""
    if x > 30.0:
        return x + math.log1p(-math.exp(-x))
    return math.log(math.expm1(x))


@jit()
def monitor_and_restore(scalars, counters, lam, pn2, log_gap, reset):
    """Monitor E_i (eq. 8); reset E (eq. 4) or restore |p| (eq. 9). Returns (lam, p_kept).

    ``p = exp(lam) p_dir`` with ``|p_dir|^2 = pn2`` is the momentum at integer
    time and ``log_gap = log(F(q_i) - F0)``. Returns the new log scale of p, and
    False when p must be set to zero (a reset with deltaE = 0).
    """
    eta = scalars[ETA]
    log_pn2 = math.log(pn2) if pn2 > 0.0 else -np.inf
    error = abs(log1p_exp(2.0 * lam + log_pn2) + eta * log_gap - scalars[E])
    p_kept = True
    if reset:
        delta_e = scalars[DELTA_E]
        if delta_e > 0.0 and pn2 > 0.0:
            lam = 0.5 * (math.log(delta_e) - log_pn2)  # |p|^2 = deltaE
        else:
            lam = 0.0
            p_kept = False
        scalars[E] = math.log1p(delta_e) + eta * log_gap  # e^E = V (1 + deltaE)
        error = 0.0
    scalars[ENERGY_ERROR] = error
    if error > scalars[MAX_ENERGY_ERROR]:
        scalars[MAX_ENERGY_ERROR] = error
    if scalars[RESTORE] != 0.0 and not reset:
        log_target = scalars[E] - eta * log_gap  # log(e^E / V)
        if log_target > 0.0 and pn2 > 0.0:
            lam = 0.5 * (log_expm1(log_target) - log_pn2)  # |p|^2 = e^E / V - 1
        else:
            counters[N_RESTORE_FAILED] += 1
    return lam, p_kept
