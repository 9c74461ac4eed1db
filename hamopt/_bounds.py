"""Box bounds in every form scipy accepts, as two float arrays."""
import warnings

import numpy as np
from scipy.optimize import Bounds, OptimizeWarning


def as_box(bounds, n):
    """``(lower, upper)`` float arrays of shape (n,) from ``bounds``, or None.

    Accepts ``scipy.optimize.Bounds`` and a sequence of ``(lo, hi)`` pairs
    with ``None`` for no bound, as ``scipy.optimize.minimize`` does.
    """
    if bounds is None:
        return None
    if isinstance(bounds, Bounds):
        lower, upper = bounds.lb, bounds.ub
    else:
        try:
            pairs = list(bounds)
            if len(pairs) != n or any(len(pair) != 2 for pair in pairs):
                raise ValueError
        except (TypeError, ValueError):
            raise ValueError(f"bounds must be a scipy.optimize.Bounds or a sequence of {n} "
                             "(lo, hi) pairs, one per coordinate of x0") from None
        lower = [-np.inf if lo is None else lo for lo, _ in pairs]
        upper = [np.inf if hi is None else hi for _, hi in pairs]
    try:
        lower = np.broadcast_to(np.asarray(lower, dtype=float), (n,)).copy()
        upper = np.broadcast_to(np.asarray(upper, dtype=float), (n,)).copy()
    except ValueError:
        raise ValueError(f"bounds must have one entry per coordinate of x0 ({n})") from None
    if np.any(np.isnan(lower)) or np.any(np.isnan(upper)):
        raise ValueError("bounds must not be NaN")
    if np.any(lower > upper) or np.any(np.isinf(lower) & (lower == upper)):
        i = int(np.argmax((lower > upper) | (np.isinf(lower) & (lower == upper))))
        raise ValueError(f"each lower bound must be at most its upper bound (equal ones fix "
                         f"the variable) and finite where they are equal; coordinate {i} has "
                         f"[{lower[i]}, {upper[i]}]")
    return lower, upper


def clip_start(x0, box):
    """x0 moved into the box, with scipy's warning when it was outside."""
    if box is None:
        return x0
    clipped = np.clip(x0, *box)
    if not np.array_equal(clipped, x0):
        warnings.warn("Initial guess is not within the specified bounds", OptimizeWarning,
                      stacklevel=4)
    return clipped


def box_width(box):
    """The largest finite width of the box, or None if no coordinate is bounded on both sides."""
    if box is None:
        return None
    widths = box[1] - box[0]
    finite = widths[np.isfinite(widths)]
    return float(finite.max()) if finite.size else None
