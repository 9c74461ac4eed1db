"""One round of the polish's simplex: scipy's Nelder-Mead (adaptive parameters)
from the best point, for finite-difference gradients in few variables (polish.py
says why), with a first simplex that grows on plateaus and an end for functions
that change at the last bits of x.
"""
import numpy as np
from scipy.optimize import minimize

from .directions import random_basis

# Size of the first simplex, relative to max(1, |x|_inf); its edges lie along a
# random orthonormal basis, so no coordinate axis is special.
_SIMPLEX_SIZE = 1e-3
# It stops when its points lie within XTOL max(1, |x|_inf) and their values within
# FTOL max(1, |F|) of the best (both), and is started again only if that improved
# F by more than the latter (polish._rounds).
_SIMPLEX_XTOL = 1e-9
SIMPLEX_FTOL = 1e-12
# On a plateau (F at a vertex of the first simplex equals F(x) exactly, so that the
# difference gradient was zero and says nothing) the first simplex grows by
# _PLATEAU_GROWTH until F changes along every edge, up to _PLATEAU_MAX_SIZE
# max(1, |x|_inf); such a simplex stops at _PLATEAU_XTOL max(1, |x|_inf), since F was
# flat below its size (the next round, which starts small again, refines). On bbob's
# step ellipsoid f7 (tuning instances 7-9 and 13-20) this took the final-target hits
# at 1000 d from 0 to 10 of 44 and the median error from 7.2e2 to 2.9
# (benchmarks/results/bbob_f7_before.md, bbob_f7.md); the other functions of
# instances 7-9 kept their hits (bbob_tuning.md: 143 before, 145 after, of 288).
_PLATEAU_GROWTH = 10.0
_PLATEAU_MAX_SIZE = 1.0
_PLATEAU_XTOL = 1e-2
# A round ends when Nelder-Mead asks for a point more than this many times.
_ASKED_AGAIN = 2
# With ``plateau_patience`` (the polish's, from 10 variables on), a round whose first
# simplex grew ends once Nelder-Mead has evaluated this many times n new points in a row
# without a value lower than the best by more than SIMPLEX_FTOL max(1, |F|): the next
# round starts small again from the best point, or the evolution runs take over
# (polish._derivative_free). Scratch runs, bbob in 10 and 20-D, defaults, final-target
# hits at 1000 d: instances 7-9 and 13-20, 254 of 440 without, 256 with 10 (f7 in 20-D 5
# to 8 of 11, in 10-D 11 to 10) and 256 with 30; instances 4-6 and 10-12, held out, 139
# of 288 without, 143 with 10 (f7 in 20-D 1 to 4 of 6, 10-D 5 to 6) and 139 with 30. A
# patience of 30 n on every round (not only on plateaus) cost f13 and f14 most of their
# hits (instances 7-9, 13-20: f13 in 10 and 20-D 22 to 1 of 22, f14 in 10-D 11 to 5),
# where the simplex goes on down for a long time between new lows.
_PLATEAU_PATIENCE = 10


class _Collapsed(Exception):
    """Nelder-Mead asked for a point more than ``_ASKED_AGAIN`` times: its simplex
    has shrunk to rounding, where F still differs between its vertices (F changes
    at the last bits of x, as on bbob's fractal f23), so that scipy's test of the
    values never passes and it would ask for the same points forever."""


class _OutOfPatience(Exception):
    """A plateau round found nothing lower in ``_PLATEAU_PATIENCE n`` new points."""


def simplex_round(x, f_x, evaluate, box, rng, plateau_patience=False):
    """One Nelder-Mead run from ``x`` (where F = ``f_x``) in the box; returns whether
    it started on a plateau with a way off it in sight (its first simplex grew, and
    F differs from ``f_x`` at one of its vertices at least). If such a round found
    nothing lower, the polish hands over to the evolution strategy
    (``polish._derivative_free``); on F flat as far as the largest simplex
    reaches, nothing else would see more.

    ``evaluate(z) -> F`` is the polish's counted evaluation, which keeps the
    best point; the round's values are kept by point, so that no point is paid
    for twice (the first simplex's, found while choosing its size, among them).
    With ``plateau_patience`` a round that started on a plateau ends after
    ``_PLATEAU_PATIENCE n`` new points in a row found nothing lower.
    """
    known, asked = {}, {}
    patience, best, waited = None, f_x, 0

    def value(z):
        nonlocal best, waited
        key = z.tobytes()
        asked[key] = asked.get(key, 0) + 1
        if key in known:
            if asked[key] > _ASKED_AGAIN:
                raise _Collapsed
            return known[key]
        known[key] = f = evaluate(z)
        if f < best - SIMPLEX_FTOL * max(1.0, abs(best)):
            best, waited = f, 0
        elif patience is not None:
            waited += 1
            if waited > patience:
                raise _OutOfPatience
        return f

    scale = max(1.0, float(np.max(np.abs(x))))
    simplex, grown, in_sight = _first_simplex(x, f_x, scale, box, rng, evaluate, known)
    if plateau_patience and grown:
        patience = _PLATEAU_PATIENCE * x.size
    try:
        minimize(value, x, method="Nelder-Mead",
                 bounds=None if box is None else list(zip(*box)),
                 options=dict(adaptive=True, initial_simplex=simplex, maxiter=10**9,
                              maxfev=10**9,
                              xatol=(_PLATEAU_XTOL if grown else _SIMPLEX_XTOL) * scale,
                              fatol=SIMPLEX_FTOL * max(1.0, abs(f_x))))
    except (_Collapsed, _OutOfPatience):
        pass
    return grown and in_sight


def _first_simplex(x, f_x, scale, box, rng, evaluate, known):
    """(the first simplex at x as rows, whether it grew, whether F at one of its
    vertices differs from ``f_x``): edges along a random
    orthonormal basis, of length ``_SIMPLEX_SIZE`` scale, grown by
    ``_PLATEAU_GROWTH`` while F at some vertex equals ``f_x`` = F(x) exactly, up to
    ``_PLATEAU_MAX_SIZE`` scale.

    The values computed are left in ``known`` (by the points' bytes), so that
    Nelder-Mead does not pay for them again; vertices outside the box are
    reflected into it first (scipy would, and the values must be of the points
    it evaluates). ``scale`` is max(1, |x|_inf)."""
    basis = random_basis(rng, x.size).T
    known[x.tobytes()] = f_x
    size = _SIMPLEX_SIZE
    while True:
        vertices = _into_box(x + size * scale * basis, box)
        values = np.array([evaluate(v) for v in vertices])
        flat = np.any(values == f_x)
        if not flat or size * _PLATEAU_GROWTH > _PLATEAU_MAX_SIZE * (1 + 1e-12):
            break
        size *= _PLATEAU_GROWTH
    known.update((v.tobytes(), f) for v, f in zip(vertices, values))
    return np.vstack([x, vertices]), size > _SIMPLEX_SIZE, bool(np.any(values != f_x))


def _into_box(points, box):
    """Points outside the box reflected at its walls, then clipped."""
    if box is None:
        return points
    lower, upper = box
    points = np.where(points > upper, 2 * upper - points, points)
    points = np.where(points < lower, 2 * lower - points, points)
    return np.clip(points, lower, upper)
