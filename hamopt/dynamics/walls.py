"""Elastic reflection at the walls of a box (docs/algorithm.rst, eq. 13)."""
import math

from .jit import jit


@jit()
def reflect(q, lower, upper):
    """Fold q into [lower, upper] by elastic reflections; returns (q, odd number of them).

    An odd number of reflections flips the coordinate's momentum (eq. 13): |p| is
    kept, so the energy is, and the map stays reversible.
    """
    width = upper - lower
    if not math.isfinite(width):  # one open side: a single mirror
        return (2.0 * upper - q, True) if q > upper else (2.0 * lower - q, True)
    k = math.floor((q - lower) / width)
    t = (q - lower) - k * width
    if k % 2 == 0:
        return min(max(lower + t, lower), upper), False
    return min(max(upper - t, lower), upper), True
