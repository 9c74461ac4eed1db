"""One leapfrog step (docs/algorithm.rst, eqs. 6-13), as the compiled entry points.

A step, in the notation of docs/algorithm.rst (force = -eta grad F / (F - F0), eq. 2):

    p_i       = p_{i-1/2} - (dt/2) eta g_i / (F_i - F0)      half kick (eq. 6)
    monitor E_i (eq. 8); optionally rescale |p_i| to restore E (eq. 9)
    turn p_i: a full bounce (eq. 10) or a generalized bounce (eq. 11)
    p_{i+1/2} = p_i - (dt/2) eta g_i / (F_i - F0)            half kick (eq. 6)
    q_{i+1}   = q_i + dt 2 p_{i+1/2} / (1 + |p_{i+1/2}|^2)    drift (eq. 7)

and then F and grad F are evaluated at q_{i+1} by the caller (``driver`` or
``loop``): one gradient per step. The parts live in their own modules:
``leapfrog`` (kicks and drift), ``energy`` (monitor, restore, reset),
``bounces``, ``walls`` (reflection), ``weight_decay`` and the adaptive-F0
policy (``adaptive_f0``). This module only puts them in order and keeps the
books (counts, best point, stop rules).

Everything here takes contiguous float64 arrays and scalars and returns
numbers; the layout of those arrays is in ``layout``.
"""
import functools
import math

import numpy as np
from numba import types

from .adaptive_f0 import update_adaptive_f0
from .bounces import bounce
from .energy import monitor_and_restore
from .jit import SOURCE_SALT, jit
from .layout import (
    Q, U, G, Z, F0, TOL, MAXITER, MAXFEV, FEV_PER_STEP, WEIGHT_DECAY, ADAPTIVE_F0, LAM,
    F, F_BEST, LOG_KICK, NIT, NFEV, NJEV, STALLED,
    RUNNING, REACHED_TOL, MAXITER_REACHED, MAXFEV_REACHED, NON_FINITE, BAD_GRADIENT_SHAPE,
)
from .leapfrog import begin as _begin, dot_products, drift, exact_norm2, half_kick, kick_and_drift
from .weight_decay import add_weight_decay

_matrix = types.float64[:, ::1]
_vec = types.float64[::1]
_ivec = types.int64[::1]


@jit()
def stop_reason(gap, scalars, counters):
    """Why the run stops after this step (gap = F - F0), or RUNNING."""
    if gap <= scalars[TOL]:
        return REACHED_TOL
    if counters[NIT] >= scalars[MAXITER]:
        return MAXITER_REACHED
    if counters[NFEV] + scalars[FEV_PER_STEP] > scalars[MAXFEV]:
        return MAXFEV_REACHED
    return RUNNING


@jit()
def _count_calls(scalars, counters):
    """Count the calls of fun and jac that one step's gradient made."""
    counters[NFEV] += int(scalars[FEV_PER_STEP])
    counters[NJEV] += 1


@jit()
def _count_evaluation(vectors, graw, f, scalars, counters):
    """Count the step and its evaluations; return F with the L2 term (eq. 12), whose
    gradient it writes to vectors[G] (read graw instead when weight_decay = 0)."""
    counters[NIT] += 1
    _count_calls(scalars, counters)
    weight_decay = scalars[WEIGHT_DECAY]
    if weight_decay == 0.0:
        return f
    return f + 0.5 * weight_decay * add_weight_decay(vectors[Q], graw, vectors[G], weight_decay)


@jit()
def _track_best(f, scalars, counters):
    """Whether f is a new best value; counts the steps since the last one."""
    if f < scalars[F_BEST]:
        scalars[F_BEST] = f
        counters[STALLED] = 0
        return True
    counters[STALLED] += 1
    return False


@jit()
def _finish_and_advance(vectors, graw, f, scalars, counters, with_z):
    """Complete the step at the new q (whose F and grad F are f, graw) and start the next.

    with_z says whether vectors[Z] holds fresh normal draws for this step's
    bounce. graw is only read. Returns RUNNING, or why the run stops; when it
    stops, (q, p) is left at integer time (after the monitor/restore) so it
    can be reported.
    """
    u, z = vectors[U], vectors[Z]
    if graw.shape[0] != u.shape[0]:
        _count_calls(scalars, counters)  # the calls were made, though the step is not
        return BAD_GRADIENT_SHAPE
    f = _count_evaluation(vectors, graw, f, scalars, counters)
    g = graw if scalars[WEIGHT_DECAY] == 0.0 else vectors[G]
    gram = dot_products(u, g, z, with_z)
    scalars[F] = f
    if not (np.isfinite(f) and np.isfinite(gram[2])):
        return NON_FINITE
    improved = _track_best(f, scalars, counters)
    reanchored = scalars[ADAPTIVE_F0] != 0.0 and update_adaptive_f0(scalars, counters)
    gap = f - scalars[F0]
    status = stop_reason(gap, scalars, counters)
    if gap <= 0.0:
        # F0 is not a lower bound here; log(F - F0) is undefined, so stop (gap <= tol).
        drift(vectors, g, 1.0, 0.0, 0.0, 0.0, improved, False)
        return status
    log_gap = math.log(gap)
    a, b, cz, lam = half_kick(1.0, 0.0, 0.0, scalars[LAM], log_gap, scalars[LOG_KICK])  # p_i
    pn2, a, b, cz, gram = exact_norm2(u, g, z, a, b, cz, gram)
    lam, p_kept = monitor_and_restore(scalars, counters, lam, pn2, log_gap, reanchored)
    if not p_kept:  # a reset to deltaE = 0: p = 0, and nothing to bounce
        a, b, cz, pn2 = 0.0, 0.0, 0.0, 0.0
    if status != RUNNING:
        drift(vectors, g, a, b, cz, 0.0, improved, False)  # q stays: only p is written
        scalars[LAM] = lam
        return status
    if with_z and pn2 > 0.0:
        a, b, cz = bounce(scalars, counters, a, b, cz, gram, pn2, log_gap)
    kick_and_drift(vectors, g, a, b, cz, lam, log_gap, gram, scalars, improved)
    return RUNNING


def _entry_points(salt):
    """The cached, compiled-once entry points; ``salt`` ties their cache to the sources."""

    @jit(types.void(_matrix, _vec), cache=True)
    def begin(vectors, scalars):
        """Start the leapfrog from (q_0, p_0): a half kick and a drift (eqs. 6-7)."""
        if salt < 0:  # never: salt only enters numba's cache key (see jit.SOURCE_SALT)
            return
        _begin(vectors, scalars)

    @jit(types.int64(_matrix, _vec, types.float64, _vec, _ivec, types.boolean),
         cache=True)
    def finish_and_advance(vectors, graw, f, scalars, counters, with_z):
        """Complete the step at the new q and start the next (see _finish_and_advance)."""
        if salt < 0:
            return RUNNING
        return _finish_and_advance(vectors, graw, f, scalars, counters, with_z)

    return begin, finish_and_advance


@functools.lru_cache(maxsize=None)
def entry_points():
    """(begin, finish_and_advance), loaded from numba's disk cache (or compiled) on
    first use, so that ``import hamopt`` loads no kernel (it cost 0.11 s)."""
    return _entry_points(SOURCE_SALT)


def __getattr__(name):  # step.begin and step.finish_and_advance, loaded when first asked
    if name in ("begin", "finish_and_advance"):
        return entry_points()[("begin", "finish_and_advance").index(name)]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
