"""Where a restart starts: the lowest of ``restart_samples`` fresh points.

A descent from one uniform point ends in the basin that point lies in, so the
basins are found in proportion to their volume. A restart instead evaluates F
(no gradient) at ``restart_samples`` fresh points and starts from the lowest:
a low value is more often in a basin whose floor is low (on bbob's Gallagher
functions, at a high peak). The points cost one evaluation each, counted in
``nfev`` like every call; the lowest is also the best of them, so a point below
the run's best is never passed over.

This is the limit of drawing the start from the dynamics' invariant measure,
prob ~ (F - F0)^(-eta n / 2) (docs/algorithm.rst, eq. 8), over the same points
as eta grows. With eta = 1 and F0 just below the lowest value seen, that draw
picked worse starts (bbob in 10 and 20-D, 10 n points, seeds 0 and 1: 258 and 252
final-target hits of 440 against the lowest point's 267 and 259; scratch runs),
so the lowest point it is.
"""
import itertools
import math

from .._options import fresh_point
from ..dynamics import regularized


def restart_point(objective, x0, options, rng, state, samples, seen=None):
    """The start of a restart: the lowest (F with its weight-decay term) of
    ``samples`` fresh points, each one evaluation of ``fun`` counted in
    ``state.nfev`` as it returns. With one sample, the fresh point itself (not
    evaluated here). Points where F is not finite are never chosen unless
    every one is. Each finite value is also appended to the list ``seen``, if
    given (the run's record of its fresh points, search/smoothed.py)."""
    first = fresh_point(x0, options.box, rng)
    if samples == 1:
        return first
    # Drawn one at a time: 10 n points of n floats each add up for large n.
    points = itertools.chain([first], (fresh_point(x0, options.box, rng)
                                       for _ in range(samples - 1)))
    start, lowest = first, math.inf
    for x in points:
        f = objective.value(x.copy())
        state.nfev += 1
        f = regularized(f, x, options.weight_decay)
        if seen is not None and math.isfinite(f):
            seen.append(f)
        if f < lowest:  # False for NaN
            start, lowest = x, f
    return start
