"""hamopt's own lower bound F0 when the user gives none (docs/algorithm.rst, eq. 14).

This is search policy, not physics: it decides *when* the dynamics gets a new
F0; the step then resets the energy there as at a start (eq. 4). It runs in
the kernels because it is checked every step.
"""
from .jit import jit
from .layout import (ANCHOR_F, ANCHOR_GAP, CHECK_F, F0, F_BEST, HISTORY_CAPACITY, N_HISTORY,
                     N_REANCHORS, N_SLOTS, NIT, SINCE_CHECK)

# The adaptive F0 never comes closer to F_best than this, relative to max(1, |F_best|).
_MIN_RELATIVE_GAP = 1e-12
# Every _CHECK_STEPS steps, a best value that fell by less than _CHECK_PROGRESS of
# the gap F_best - F0 tightens F0 to F_best - gap / _TIGHTEN.
_CHECK_STEPS = 50
_CHECK_PROGRESS = 0.1
_TIGHTEN = 4.0


@jit()
def record_f0(scalars, nit):
    """Append (nit, F0) to the F0 history at the end of scalars, while there is room."""
    k = int(scalars[N_HISTORY])
    if k < HISTORY_CAPACITY:
        scalars[N_SLOTS + 2 * k] = nit
        scalars[N_SLOTS + 2 * k + 1] = scalars[F0]
        scalars[N_HISTORY] = k + 1


@jit()
def _reanchor(scalars, counters, delta):
    """Move the adaptive F0 to F_best - delta (delta kept above a relative floor)."""
    best = scalars[F_BEST]
    delta = max(delta, _MIN_RELATIVE_GAP * max(1.0, abs(best)))
    scalars[F0] = best - delta
    scalars[ANCHOR_F] = best
    scalars[ANCHOR_GAP] = delta
    scalars[CHECK_F] = best
    counters[SINCE_CHECK] = 0
    counters[N_REANCHORS] += 1
    record_f0(scalars, counters[NIT])


@jit()
def update_adaptive_f0(scalars, counters):
    """Re-anchor the adaptive F0 if it is due; returns whether it moved.

    * Progress: once F_best has come halfway down to F0 (or below it), F0
      moves to F_best - delta with delta the improvement since the last
      anchor: the recent rate of progress sets the next guess of how far the
      minimum is.
    * Stall: when _CHECK_STEPS steps lowered F_best by less than
      _CHECK_PROGRESS of the gap F_best - F0, the gap was too generous (it
      limits the accuracy to about itself): F0 moves up to F_best - gap / 4.
    """
    best = scalars[F_BEST]
    if best - scalars[F0] <= 0.5 * scalars[ANCHOR_GAP]:
        _reanchor(scalars, counters, scalars[ANCHOR_F] - best)
        return True
    counters[SINCE_CHECK] += 1
    if counters[SINCE_CHECK] >= _CHECK_STEPS:
        gap = best - scalars[F0]
        if scalars[CHECK_F] - best < _CHECK_PROGRESS * gap:
            _reanchor(scalars, counters, gap / _TIGHTEN)
            return True
        scalars[CHECK_F] = best
        counters[SINCE_CHECK] = 0
    return False
