"""The hop search: short Hamiltonian flights along the coordinate axes from the best point.

After the first trajectory and its polish, the search goes on from the best
point ``x_b`` (``F_b = F(x_b)``) in *flights*. A flight is a new particle at
``x_b`` whose momentum points along one coordinate axis, with the energy to
climb ``B`` above ``F_b``: ``F0 = F_b - r B`` and ``1 + |p0|^2 = (1 + 1/r)^eta``,
so that the highest reachable value is ``F0 + (F_b - F0)(1 + |p0|^2)^(1/eta)
= F_b + B`` (eq. 4). Where the landscape is separable near ``x_b`` (the
gradient of the other coordinates vanishes at a minimum), the flight stays on
its axis: it scans that coordinate across every barrier lower than ``B`` and
slows down (eq. 9) at the bottom of every well it crosses. A flight ends after
``hop_steps`` steps, or as soon as ``F`` falls below its ``F0``; if it found a
point below ``F_b``, the polish continues from there and the search moves to
the result.

A *sweep* flies every axis once, in random order, each in a random sense. A
sweep that finds no new best point doubles ``B``; ``hop_patience`` such sweeps
in a row end the search. ``B`` starts at ``F(x0) - F_b`` (the drop the first
trajectory and polish achieved), at least ``1e-3 max(1, |F_b|)``.
"""
import math

import numpy as np

from . import _layout as L
from ._loop import run
from ._particle import Particle
from ._polish import polish_result
from ._status import CALLBACK_STOPPED, attach_result

# F_b - F0 of a flight, as a fraction r of its climb B: small r slows the particle
# more at the bottom of wells (it samples them densely) and costs log(1/r) more
# time to leave the start; 0.1 solved most of the benchmark's multimodal cases
# (benchmarks/tune_hops.py).
HOP_GAP_FRACTION = 0.1
# A flight's dt as a fraction of the first trajectory's (without a box and a given
# dt: of 0.1 x the width of [-max|x0|, max|x0|]): flights must resolve the wells
# they cross, and cross the domain in hop_steps steps (benchmarks/tune_hops.py).
HOP_DT_FRACTION = 0.2
_MIN_RELATIVE_CLIMB = 1e-3
_CLIMB_GROWTH = 2.0

# Why the hop search ended (besides the kernels' MAXFEV_REACHED and CALLBACK_STOPPED).
PATIENCE_SPENT = 100
HOPS_DONE = 101
REACHED_TARGET = 102


def hop(res, objective, options, rng, f_start, callback=None, progress=None):
    """Fly from res.x until patience, ``hops`` or the budget runs out; res updated in place.

    ``res`` is the OptimizeResult of the first trajectory and its polish
    (``fun`` and ``jac`` include the weight-decay term); ``f_start`` is F(x0).
    Returns why the search ended: PATIENCE_SPENT, HOPS_DONE, REACHED_TARGET
    (the user's F0 is within tol), L.MAXITER_REACHED, L.MAXFEV_REACHED or
    CALLBACK_STOPPED. A flight that meets a non-finite F or gradient just ends
    there (the kernels never take such a point as the best).
    """
    n = res.x.size
    climb = max(f_start - res.fun, _MIN_RELATIVE_CLIMB * max(1.0, abs(res.fun)))
    eta = options["eta"]
    p_size = math.sqrt(math.expm1(eta * math.log1p(1.0 / HOP_GAP_FRACTION)))
    flight_options = dict(options, dt=options["hop_dt"], tol=0.0,
                          dynamics_maxfev=options["maxfev"])
    failed_sweeps = 0
    while failed_sweeps < options["hop_patience"]:
        improved = False
        for axis in rng.permutation(n):
            if res.nhops == options["hops"]:
                return HOPS_DONE
            if res.nfev + objective.fev_per_step > options["maxfev"]:
                return L.MAXFEV_REACHED
            if res.nit >= options["maxiter"]:
                return L.MAXITER_REACHED
            p0 = p_size * flight_direction(rng, n, axis)
            res.hop_climb = climb
            flight_options.update(F0=res.fun - HOP_GAP_FRACTION * climb,
                                  maxiter=min(res.nit + options["hop_steps"],
                                              options["maxiter"]))
            reason, found = _fly(res, objective, flight_options, rng, p0, callback, progress)
            res.nhops += 1
            res.n_nonfinite_stops += int(reason == L.NON_FINITE)
            if found:
                improved = True
                if options["polish"]:
                    polish_result(res, objective, options)
                if options["F0"] is not None and res.fun - options["F0"] <= options["tol"]:
                    return REACHED_TARGET
            if reason in (L.MAXFEV_REACHED, CALLBACK_STOPPED):
                return reason
        if improved:
            failed_sweeps = 0
        else:
            failed_sweeps += 1
            climb *= _CLIMB_GROWTH
    return PATIENCE_SPENT


def flight_direction(rng, n, axis):
    """The unit vector along ``axis``, in a random sense."""
    direction = np.zeros(n)
    direction[axis] = 1.0 if rng.random() < 0.5 else -1.0
    return direction


def _fly(res, objective, flight_options, rng, p0, callback, progress):
    """One flight from res.x with momentum p0; fold its counts and best point into res.

    Returns (the flight's stop reason, whether it found a point below res.fun).
    """
    wd = flight_options["weight_decay"]
    x = res.x
    # Particle takes F and grad F without the weight-decay term (it adds it).
    f_raw = res.fun - 0.5 * wd * float(x @ x)
    g_raw = res.jac - wd * x
    particle = Particle(x.copy(), f_raw, g_raw, flight_options, objective.fev_per_step,
                        rng, p0=p0, counts=(res.nit, res.nfev, res.njev))
    start = particle.s[L.F_BEST]  # F(x_b) as the particle computed it (rounding)
    try:
        reason = run(particle, objective, callback, progress)
    except BaseException as exc:  # keep the best point, as the first trajectory does
        _fold_flight(res, particle, start)
        attach_result(exc, res)
        raise
    return reason, _fold_flight(res, particle, start)


def _fold_flight(res, particle, start):
    W, s = particle.W, particle.s
    res.update(nit=particle.nit, nfev=particle.nfev, njev=particle.njev)
    if s[L.F_BEST] < min(start, res.fun):
        res.update(x=W[L.X_BEST].copy(), fun=float(s[L.F_BEST]), jac=W[L.G_BEST].copy())
        return True
    return False
