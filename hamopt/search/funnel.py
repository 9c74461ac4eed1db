"""Whether the restarts' minima call for flights (``hop_funnel``): a funnel, or copies.

With finite differences from 10 variables on, the default search flies no
flights: a step costs ``n + 1`` evaluations, and on landscapes without global
structure (bbob's Gallagher functions: peaks at random places and heights)
restarts from fresh points find more than flights from the best point. Where
the minima form a *funnel* (Rastrigin's or Levy's lattice of wells on a bowl),
a restart finds one more well at random, while a flight from the best point
climbs over a barrier into a lower neighbour.

The restarts tell the two apart. Each ends at a local minimum ``m_i``; in a
funnel the minima farther from the best one ``m_b`` are higher, so the ranks of
``|m_i - m_b|`` and of ``F(m_i)`` agree. ``in_a_funnel`` asks for at least
``FUNNEL_MINIMA`` distinct minima and a rank correlation of at least
``FUNNEL_CORRELATION`` over the minima other than ``m_b`` (``m_b`` itself, the
lowest at distance 0, would add a correlation of its own). Once it holds, the
search flies line flights from the best point (_solver.py).

A second rule, ``found_elsewhere``, holds where the restarts find the lowest
minimum again at another place with the same value: on a landscape with
symmetries (an atomic cluster turned, moved or with its atoms swapped is the
same cluster), a restart there lands in a copy of a basin already known, and
the biggest basin is not the lowest (Morse's 6 atoms: 8-9 of 10 random descents
end at -12.128, the octahedron is -12.488). Then the search flies full flights
from the best point with the polish from their landings (the default with a
gradient, which solves these clusters), once. bbob's functions have no such
copies: in 10 and 20-D the rule changed no final-target hit and no (run,
target) pair (tuning instances, scratch; reported ones, copies_bbob.md); it
changed 7 of 528 tuning runs (scratch: f3, f20, f21, f22, none across a
target) and 3 of 288 reported ones (f14 and f21, already at the target).

The funnel rule was chosen on bbob in 10 and 20-D (instances 7-9 and 13-20)
and the test functions turned (seed 0), from the minima of scratch runs. A
first rule, Pearson's correlation of at least 0.5 over 5 minima with the best
one included, also held on 21 of the 44 Gallagher runs (f21, f22), whose
flights found nothing; this one holds on 8. Nothing here depends on the
coordinates: distances and values only.
"""
import numpy as np

FUNNEL_MINIMA = 6
FUNNEL_CORRELATION = 0.6
# Two minima closer than this (relative to max(1, |m|)) are the same minimum.
_SAME_MINIMUM = 1e-3
# Two minima whose values differ by less than this (relative to max(1, |F|)) are copies.
_SAME_VALUE = 1e-6


def distinct_minima(minima):
    """The (x, F) pairs of ``minima``, lowest first, one per minimum: a pair closer
    than _SAME_MINIMUM to a lower one is dropped."""
    kept = []
    for x, f in sorted(minima, key=lambda pair: pair[1]):
        if all(np.linalg.norm(x - y) > _SAME_MINIMUM * max(1.0, np.linalg.norm(y))
               for y, _ in kept):
            kept.append((x, f))
    return kept


def funnel_correlation(minima):
    """Spearman's rank correlation between the distance of each distinct minimum
    from the lowest and its value, over the minima other than the lowest; NaN with
    fewer than 3 distinct minima or where either has a single rank."""
    return _correlation(distinct_minima(minima))


def in_a_funnel(minima):
    """Whether ``minima`` (a list of (x, F)) are at least FUNNEL_MINIMA distinct ones
    whose values rise with their distance from the lowest (funnel_correlation at
    least FUNNEL_CORRELATION)."""
    if len(minima) < FUNNEL_MINIMA:
        return False
    kept = distinct_minima(minima)
    return len(kept) >= FUNNEL_MINIMA and _correlation(kept) >= FUNNEL_CORRELATION


def found_elsewhere(minima):
    """Whether the lowest of ``minima`` (a list of (x, F)) was found again at another
    place: a distinct minimum (distinct_minima) with the same value within
    _SAME_VALUE, as a copy of an atomic cluster turned, moved or with its atoms
    swapped."""
    kept = distinct_minima(minima)
    return (len(kept) >= 2
            and kept[1][1] - kept[0][1] <= _SAME_VALUE * max(1.0, abs(kept[0][1])))


def _correlation(kept):
    """funnel_correlation of distinct minima, lowest first (NaN compares False)."""
    if len(kept) < 3:
        return float("nan")
    best = kept[0][0]
    distances = np.array([np.linalg.norm(x - best) for x, _ in kept[1:]])
    values = np.array([f for _, f in kept[1:]])
    if np.ptp(distances) == 0.0 or np.ptp(values) == 0.0:
        return float("nan")
    return float(np.corrcoef(_ranks(distances), _ranks(values))[0, 1])


def _ranks(values):
    """0, 1, ... in the order of ``values`` (ties in the order they come)."""
    ranks = np.empty(values.size)
    ranks[np.argsort(values, kind="stable")] = np.arange(values.size)
    return ranks
