"""The hop search: short Hamiltonian flights from the best point (docs/algorithm.rst, eq. 15).

After the first trajectory and its polish, the search goes on from the best
point ``x_b`` (``F_b = F(x_b)``) in *flights*. A flight is a new particle at
``x_b`` whose momentum points along one of ``n`` orthonormal directions, with
the energy to climb ``B`` above ``F_b``: ``F0 = F_b - r B`` and
``1 + |p0|^2 = (1 + 1/r)^eta``, so that the highest reachable value is
``F0 + (F_b - F0)(1 + |p0|^2)^(1/eta) = F_b + B`` (eq. 15; ``r`` is
``hop_gap``). The directions (``directions.py``) are the principal axes of
the curvature near ``x_b`` (``hop_directions="curvature"``), the coordinate
axes (``"axes"``) or a random basis (``"random"``). Where the landscape is
separable in those directions near ``x_b`` (the force across them vanishes at
a minimum), a flight stays on its line: it scans it across every barrier
lower than ``B`` and slows down (eq. 2) at the bottom of every well it
crosses. A flight ends after ``hop_steps`` steps, or as soon as ``F`` falls
below its ``F0``; if it found a point below ``F_b``, the polish continues from
there and the search moves to the result.

A flight that found nothing still ends somewhere: its *landing*, a point no
higher than ``F_b + B`` that the dynamics reached along its direction, often
across a barrier. When neither sense of a direction found a point below
``F_b``, the polish (one L-BFGS-B run to scipy's default tolerances, then the
full polish if that went below ``F_b``) starts from the lower of the two
landings, and from the other if that found nothing (``hop_landings``; minima
hopping, Goedecker, J. Chem. Phys. 120, 9911 (2004), relaxes the end of each
short molecular-dynamics run the same way). A flight sees only its own line;
the landing's polish follows the landscape off it, into the well the flight
reached. On tuning runs (seed 1, 10 starts, off -> on, the lower landing only:
benchmarks/results/landings_tuning*.md) the Morse clusters of 5-13 atoms
solved went from 52 to 88 of 90 (random restarts: 84), the test functions as
given from 340 to 358 of 390 and turned from 295 to 301 of 330. Polishing
from the second landing too took the clusters of 14-30 atoms (even N, 20,000
evaluations, seeds 1 and 2; scratch runs) from 64 and 62 to 70 and 64 of 90,
and left the others level (357 and 302 of the test functions, 87 of the small
clusters). With finite differences the default is off: on bbob in 2 and 5-D
(instances 7-9, 13-20, landings_bbob.md) the hits at 1000 d were 354 without
and 347 with them, where a polish costs ``n + 1`` evaluations a gradient.

A *sweep* takes every direction once, in random order, first in a random
sense and, if that flight found nothing, in the other: one flight cannot
reach the wells behind it before it turns, unless a wall (a bound at right
angles to it) sends it back; then comes the landing's polish. A sweep that
finds no new best point doubles ``B``; ``hop_patience`` such sweeps in a row
end the search. ``B`` starts at
``hop_climb`` if given, else at ``F(x0) - F_b`` (the drop the first trajectory
and polish achieved), but at most ``RISE_FACTOR`` (64) times the *rise*
``|F(x_b + hop_dt u) - F_b|`` for one random unit vector ``u`` (F's change
over one flight step, one evaluation), and at least ``1e-3 max(1, |F_b|)``.
The drop is a poor scale when ``F(x0)`` is huge (a random atomic cluster puts
atoms on top of each other): flights would fly far above every barrier. The
rise is taken from the landscape at ``x_b`` itself, in no special direction;
where F does not change over a flight step (a plateau) it says nothing, and
the drop stands.

Beyond ``LARGE_N`` (1000) variables a basis of n directions is out of reach
(an n x n matrix, n flights a sweep), and a sweep flies ``LARGE_SWEEP`` (10)
random unit directions instead, so that a sweep costs the same number of
steps at any n.
"""
import math

import numpy as np

from .._objective import regularized_pair
from .._outcomes import Outcome
from ..dynamics import Particle, run
from .directions import clipped, curvature_axes, random_basis
from .line import LineObjective, OnLine, line_settings

_MIN_RELATIVE_CLIMB = 1e-3
_CLIMB_GROWTH = 2.0
# The first climb is at most this many rises (module docstring). It trades two
# families: a smaller factor solves more atomic clusters and fewer test functions
# whose barriers are high against the curvature at their minima (Levy-30). Tuning
# runs (Morse clusters seed 0, 10 starts; the test functions as given and turned,
# seed 0, 10 starts; bbob instances 7-9 and, in 2 and 5-D, 13-20): factors 16, 32,
# 48, 64 and no cap solved 82, 86, 74, 65 and 31 of 90 clusters; 328, 338, 347,
# 350 and 347 of 390 runs as given; 276, 287, 296, 299 and 292 of 330 turned;
# bbob 142-145 of 288 for all (145 without the cap) and 223-228 of 384 (221).
# 48 was taken first; the full comparison (20 starts) then gave 692 as given
# against dual_annealing's 694 (Levy-30 13 of 20), 64 gave 697 and 40 gave 684,
# so the factor is 64 (on other starts, seed 1, the clusters solved went from 25
# to 50 of 90 at 64, and to 71 at 48). The runs: benchmarks/results/climb_factor.md.
# All of this was before the landings' polish (hop_landings), which took the
# clusters at 64 to 89 of 90. With it, on seed 1 (10 starts; scratch runs), factors
# 16, 32, 64 and 128 solved 333, 348, 358 and 354 of 390 as given, 287, 292, 301
# and 299 of 330 turned, and 73, 88, 88 and 82 of 90 clusters: 64 stays.
RISE_FACTOR = 64.0

# A landing's polish finds a new minimum if it ends this much (relative to max(1, |F_b|))
# below F_b.
_NEW_MINIMUM = 1e-12

# Outcomes of a flight that end the whole search.
_ENDS_SEARCH = (Outcome.MAXFEV_REACHED, Outcome.CALLBACK_STOPPED, Outcome.BAD_GRADIENT_SHAPE)


def hop_search(state, objective, options, rng, polish, callback=None, progress=None):
    """Fly from state.x until patience, ``hops`` or the budget runs out; returns the Outcome.

    ``polish(state)`` is called after every flight that found a new best point, and
    ``polish(state, (x, F(x)))`` from a landing (it returns whether it went below
    ``state.fun``).
    Outcomes: SEARCH_ENDED, POLISHED_TO_TOL (the user's F0 is within tol),
    MAXITER_REACHED, MAXFEV_REACHED, CALLBACK_STOPPED, BAD_GRADIENT_SHAPE. A
    flight that meets a non-finite F or gradient just ends there (the kernels
    never take such a point as the best).
    """
    if options.hops == 0:  # no flights (finite differences in many variables: _options)
        return Outcome.SEARCH_ENDED
    climb = options.hop_climb
    if climb is None:
        climb = state.f_start - state.fun
        rise = _rise(state, objective, options, rng)
        if rise > 0.0:
            climb = min(climb, RISE_FACTOR * rise)
        climb = max(climb, _MIN_RELATIVE_CLIMB * max(1.0, abs(state.fun)))
    p_size = math.sqrt(math.expm1(options.eta * math.log1p(1.0 / options.hop_gap)))
    failed_sweeps = 0
    while failed_sweeps < options.hop_patience:
        improved = False
        for direction in _sweep(state, objective, options, rng):
            outcome, found = _both_ways(state, objective, options, rng, polish,
                                        p_size * direction, climb, callback, progress)
            if outcome is not None:
                return outcome
            improved = improved or found
        if improved:
            failed_sweeps = 0
        else:
            failed_sweeps += 1
            climb *= _CLIMB_GROWTH
    return Outcome.SEARCH_ENDED


def _rise(state, objective, options, rng):
    """|F(y) - F_b| at ``y = x_b + hop_dt u`` (``u`` a random unit vector, y clipped
    into the box): F's change over one flight step, about half the curvature along
    u times hop_dt^2 at a minimum. One counted evaluation of F and its gradient
    (``_probe``, in ``curvature_njev``: a lower y becomes the best point); 0 if F(y)
    is not finite or the budget has no room for it."""
    if state.nfev + objective.fev_per_step > options.maxfev:
        return 0.0
    u = rng.standard_normal(state.x.size)
    y = clipped(state.x + options.hop_dt * u / np.linalg.norm(u), options.box)
    f_b = state.fun
    f, _ = _probe(state, objective, options, y)
    return abs(f - f_b) if math.isfinite(f) else 0.0


def _both_ways(state, objective, options, rng, polish, direction, climb, callback, progress):
    """Fly along ``direction`` and, if that found nothing, against it; if neither
    found anything, polish from their landings (``hop_landings``), the lower first,
    until one of them leads below F_b.

    Returns (the Outcome that ends the search, or None to go on; whether a
    flight or a landing's polish found a new best point).
    """
    landings = []
    for p0 in (direction, -direction):
        stop = _limit_reached(state, objective, options)
        if stop is not None:
            return stop, False
        state.hop_climb = climb
        settings = options.flight(F0=state.fun - options.hop_gap * climb,
                                  maxiter=min(state.nit + options.hop_steps, options.maxiter))
        fly = _fly_on_line if options.hop_line else _fly
        outcome, found, landing = fly(state, objective, settings, rng, p0, callback, progress)
        state.nhops += 1
        state.n_nonfinite_stops += int(outcome == Outcome.NON_FINITE)
        if found and options.polish:
            polish(state)
        if found:
            _known_gradient(state, objective, options)
        if outcome in _ENDS_SEARCH or found:
            return _after_success(state, options, outcome if outcome in _ENDS_SEARCH else None,
                                  found)
        if landing is not None:
            landings.append(landing)
    if not (options.hop_landings and options.polish):
        return None, False
    f_b = state.fun
    for landing in sorted(landings, key=lambda landing: landing[1]):
        state.nlandings += 1
        polish(state, landing)
        # A polish that went back down to x_b's minimum may end a rounding error below
        # F_b: that is no new minimum (and counting it would keep the search going for
        # ever).
        if state.fun < f_b - _NEW_MINIMUM * max(1.0, abs(f_b)):
            return _after_success(state, options, None, True)
    return None, False


def _after_success(state, options, outcome, found):
    """(the Outcome that ends the search or None, found) after a flight or a landing:
    POLISHED_TO_TOL once the user's F0 is within tol."""
    if options.target_given and state.fun - options.F0 <= options.tol:
        return Outcome.POLISHED_TO_TOL, True
    return outcome, found


def _limit_reached(state, objective, options):
    """The Outcome that ends the search before the next flight, or None."""
    if state.nhops >= options.hops:
        return Outcome.SEARCH_ENDED
    if state.nfev + objective.fev_per_step > options.maxfev:
        return Outcome.MAXFEV_REACHED
    if state.nit >= options.maxiter:
        return Outcome.MAXITER_REACHED
    return None


def _sweep(state, objective, options, rng):
    """The unit directions of one sweep, each drawn when its flight is about to start.

    Up to ``LARGE_N`` variables, every column of ``_sweep_basis`` in random order
    and sense. Beyond, ``options.hop_sweep`` directions: random coordinate axes
    with ``hop_directions="axes"``, else uniformly random unit vectors (the
    curvature axes need an n x n matrix and 2n + 1 gradients).
    """
    n = state.x.size
    if options.hop_sweep < n:
        if options.hop_directions == "axes":
            for axis in rng.choice(n, options.hop_sweep, replace=False):
                yield _direction(None, rng, n, axis)
        else:
            for _ in range(options.hop_sweep):
                z = rng.standard_normal(n)
                yield z / np.linalg.norm(z)
        return
    basis = _sweep_basis(state, objective, options, rng)
    for axis in rng.permutation(n):
        yield _direction(basis, rng, n, axis)


def _sweep_basis(state, objective, options, rng):
    """The sweep's directions as columns: the curvature axes at the best point
    (directions.py), a random basis, or None for the coordinate axes. Without
    the budget for the curvature, or where a gradient was not finite: a random
    basis."""
    n = state.x.size
    if options.hop_directions == "axes":
        return None
    curvature_cost = (2 * n + 1) * objective.fev_per_step
    if (options.hop_directions == "curvature"
            and state.nfev + curvature_cost <= options.maxfev):
        basis = curvature_axes(lambda y: _probe(state, objective, options, y), state.x,
                               state.jac, options.hop_dt, rng,
                               exact_gradient=objective.fev_per_step == 1, box=options.box)
        if basis is not None:
            return basis
    return random_basis(rng, n)


def _probe(state, objective, options, y):
    """F and grad F (with the weight-decay term) at y near the best point (for the
    curvature, or the first climb's rise), counted, in ``curvature_njev`` too; a
    lower point is kept."""
    f, g = _counted_value_and_grad(state, objective, options, y)
    state.curvature_njev += 1
    if math.isfinite(f) and f < state.fun and np.all(np.isfinite(g)):
        state.x, state.fun, state.jac = y.copy(), f, g.copy()
    return f, g


def _direction(basis, rng, n, axis):
    """A unit vector: column ``axis`` of ``basis`` (None: the coordinate axis), in a
    random sense."""
    if basis is None:
        direction = np.zeros(n)
        direction[axis] = 1.0
    else:
        direction = basis[:, axis]
    return direction if rng.random() < 0.5 else -direction


def _fly(state, objective, settings, rng, p0, callback, progress):
    """One flight from state.x with momentum p0; returns (its Outcome, whether it found a
    point below state.fun, its landing). The landing is ``(q, F(q))`` where the
    flight ended (None if F was not finite there). Its counts and best point are
    folded into ``state`` even when the user's function raises."""
    wd = settings.weight_decay
    x = state.x
    # Particle takes F and grad F without the weight-decay term (it adds it).
    f_raw = state.fun - 0.5 * wd * float(x @ x)
    g_raw = state.jac - wd * x
    particle = Particle(x.copy(), f_raw, g_raw, settings, objective.fev_per_step, rng,
                        p0=p0, counts=(state.nit, state.nfev, state.njev))
    start = particle.f_best  # F(x_b) as the particle computed it (rounding)
    try:
        outcome = Outcome(run(particle, objective, callback, progress))
    finally:
        state.take_counts(particle)
        found = state.take_best(particle, start)
    landing = (particle.q, particle.f) if math.isfinite(particle.f) else None
    return outcome, found, landing


def _fly_on_line(state, objective, settings, rng, p0, callback, progress):
    """_fly on the line through state.x along p0 (line.py): the same returns, in x.
    A new best point's gradient is unknown (NaN) until the polish or
    ``_known_gradient`` computes it."""
    size = float(np.linalg.norm(p0))
    # A line step costs no more than a full one (2 <= n + 1, or 1 with a gradient), so
    # _limit_reached's check before the flight holds for it too.
    line = LineObjective(objective, state.x, p0 / size, settings.weight_decay, settings.box)
    # A gradient that is not finite (a difference met inf or NaN) leaves the slope
    # unknown: the flight then ends at its first step, as at any non-finite gradient.
    slope = float(state.jac @ line.u) if np.all(np.isfinite(state.jac)) else math.nan
    particle = Particle(np.zeros(1), state.fun, np.array([slope]),
                        line_settings(settings, line), line.fev_per_step, rng,
                        p0=np.array([size]), counts=(state.nit, state.nfev, state.njev))
    seen = OnLine(particle, line)
    start = particle.f_best
    try:
        outcome = Outcome(run(particle, line, callback and (lambda _: callback(seen)),
                              progress and (lambda _: progress(seen))))
    except BaseException:
        objective.pending = line.pending
        raise
    finally:
        state.take_counts(particle)
        found = particle.f_best < min(start, state.fun)
        if found:
            state.x, state.fun = seen.x_best, particle.f_best
            state.jac = np.full(state.x.size, np.nan)
    landing = (seen.q, particle.f) if np.isfinite(particle.f) else None
    return outcome, found, landing


def _known_gradient(state, objective, options):
    """Compute grad F at state.x (counted) if a line flight left it unknown and the
    budget has room: the next flight and the curvature axes start from it."""
    if np.all(np.isfinite(state.jac)) or state.nfev + objective.fev_per_step > options.maxfev:
        return
    state.jac = _counted_value_and_grad(state, objective, options, state.x)[1]


def _counted_value_and_grad(state, objective, options, y):
    """F and grad F at y with the weight-decay term, counted in state."""
    f, g = objective.value_and_grad(y.copy())
    state.nfev += objective.fev_per_step
    state.njev += 1
    return regularized_pair(f, g, y, options.weight_decay)
