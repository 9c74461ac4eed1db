"""The solver: the stages of a run over one search state, and the result built once.

A run is (1) the first trajectory from x0, (2) the polish from its best
point, (3) the hop search (``search.flights``). Each stage updates the
``SearchState`` and returns an ``Outcome``; ``_result`` turns the final state
and outcome into the ``OptimizeResult``, the only place a result is made.
When the hop search ends by itself and budget (a finite ``maxfev``) remains,
the three stages run again from a fresh point (``restarts``), each restart in
a state of its own that continues the run's counts and is folded into the
run's state when it ends.
"""
import math

import numpy as np
from scipy.optimize import OptimizeResult

from ._outcomes import Outcome, attach_result, error_for, honest_end, status_and_message
from .dynamics import Particle, regularized, run
from .dynamics.layout import MAXITER
from .search.flights import hop_search
from .search.funnel import FUNNEL_MINIMA, found_elsewhere, in_a_funnel
from .search.polish import polish_stage
from .search.smoothed import SmoothedObjective, smoothing_pays
from .search.starts import restart_point
from .search.state import SearchState


def solve(objective, x0, options, rng, callback=None, progress=None):
    """Minimize ``objective`` from ``x0`` with validated ``options``; an OptimizeResult.

    An exception from the user's functions (and KeyboardInterrupt) propagates
    with the result so far attached as its ``result`` attribute.
    """
    f0, g0 = objective.first_evaluation(x0)
    _check_start(f0, g0, x0, options)
    particle = Particle(x0, f0, g0, options.trajectory(), objective.fev_per_step, rng)
    state = SearchState(x=particle.x_best, fun=particle.f_best, jac=particle.jac_best,
                        f_start=particle.f_best)
    state.take_counts(particle)
    try:
        outcome = _stages(state, particle, objective, options, rng, callback, progress)
        outcome = _restarts(state, outcome, objective, x0, options, rng, callback, progress)
    except BaseException as exc:  # includes KeyboardInterrupt: keep the best point
        state.nfev += objective.pending  # the calls of the evaluation that raised
        attach_result(exc, _result(state, particle, Outcome.INTERRUPTED, options, x0))
        raise
    error = error_for(outcome, x0.size)
    if error is not None:
        attach_result(error, _result(state, particle, Outcome.INTERRUPTED, options, x0))
        raise error
    return _result(state, particle, outcome, options, x0)


_SUCCESSES = (Outcome.REACHED_TOL, Outcome.FELL_BELOW_F0)


def _stages(state, particle, objective, options, rng, callback, progress, force=None,
            rough=False):
    """The trajectory (its force from ``force``: F's gradient, or F smoothed), the
    polish (``rough``: one L-BFGS-B run to scipy's default tolerances) and the hop
    search from ``particle``; the last Outcome."""
    outcome = _first_trajectory(state, particle, objective, options, callback, progress, force)
    if outcome == Outcome.BAD_GRADIENT_SHAPE:
        return outcome
    if options.polish and outcome != Outcome.CALLBACK_STOPPED:
        improved = polish_stage(state, objective, options, rng, rough=rough)
        if improved and outcome not in _SUCCESSES and _target_reached(state, options):
            outcome = Outcome.POLISHED_TO_TOL
    if (outcome in (Outcome.MAXITER_REACHED, Outcome.NON_FINITE) and options.search
            and state.nit < options.maxiter):
        outcome = _hop_search(state, objective, options, rng, callback, progress)
    return outcome


def _hop_search(state, objective, options, rng, callback, progress):
    """The hop search from state's best point, with its polish; its Outcome."""
    # With line flights (hop_line) a flight's find gets one rough L-BFGS-B run, and
    # the full polish runs once, when the search has ended, if the flights found a
    # lower point (search/line.py).
    def polish(searched, start=None):
        return polish_stage(searched, objective, options, rng, start, rough=options.hop_line)

    polished = state.fun
    outcome = hop_search(state, objective, options, rng, polish, callback, progress)
    if (options.hop_line and options.polish and outcome == Outcome.SEARCH_ENDED
            and state.fun < polished):
        improved = polish_stage(state, objective, options, rng)
        if improved and _target_reached(state, options):
            outcome = Outcome.POLISHED_TO_TOL
    return outcome



def _restarts(best, outcome, objective, x0, options, rng, callback, progress):
    """Run the stages again from fresh points while the search keeps ending by itself
    and the budget allows a trajectory and its polish; with ``hop_funnel``, fly from
    the best point once the searches' minima form a funnel, and once they hold the
    lowest twice, at two places (search/funnel.py). With ``rough_restarts`` a
    restart's polish is rough, and the full one follows only where it went below
    the run's best (so the best point is always fully polished). Returns the last
    Outcome."""
    done = 0
    fev = objective.fev_per_step
    minima = [(best.x.copy(), best.fun)]  # where each search ended (search/funnel.py)
    seen = []  # F at every restart's fresh points (search/smoothed.py, smoothing_pays)
    spent = [0, 0]  # evaluations of the plain restarts, of the smoothed ones
    funnel_flown = copies_flown = False
    while (outcome == Outcome.SEARCH_ENDED and done < options.restarts
           and best.nfev + _RESTART_MIN_STEPS * fev <= options.maxfev
           and best.nit + _RESTART_MIN_STEPS <= options.maxiter):
        done += 1
        best.nrestarts += 1
        x = restart_point(objective, x0, options, rng, best,
                          _samples_that_fit(options, best.nfev, fev), seen)
        nfev_before = best.nfev  # the fresh points are the same for either kind
        # A smoothed restart's trajectory feels F smoothed (search/smoothed.py): its
        # start and steps cost force.fev_per_step, and its gradients are not F's.
        force = _restart_force(objective, options, rng, done, seen, spent)
        smoothed = force is not objective
        try:
            f, g = force.value_and_grad(x.copy())
        except BaseException:
            objective.pending = force.pending
            raise
        best.nfev, best.njev = best.nfev + force.fev_per_step, best.njev + 1
        f, g = float(f), np.asarray(g, dtype=float)
        if g.shape != x.shape:
            return Outcome.BAD_GRADIENT_SHAPE
        lowest = best.fun  # the run's best before this restart
        if not (math.isfinite(f) and np.all(np.isfinite(g))):
            best.n_nonfinite_stops += 1  # a restart cut at its start
            best.ntrajectories += 1
            continue
        particle = Particle(x, f, g, options.restart_trajectory(best.nit, smoothed),
                            force.fev_per_step, rng, counts=(best.nit, best.nfev, best.njev))
        state = SearchState(x=particle.x_best, fun=particle.f_best,
                            jac=None if smoothed else particle.jac_best,
                            f_start=particle.f_best, nit=best.nit, nfev=best.nfev,
                            njev=best.njev)
        if state.fun < best.fun:
            best.x, best.fun, best.jac = state.x, state.fun, _known(state.jac, x.size)
        try:
            outcome = _stages(state, particle, objective, options, rng, callback, progress,
                              force, rough=options.rough_restarts)
            if (options.rough_restarts and outcome == Outcome.SEARCH_ENDED
                    and state.fun < lowest):
                # The rough polish went below the run's best: the full one from there.
                if (polish_stage(state, objective, options, rng)
                        and _target_reached(state, options)):
                    outcome = Outcome.POLISHED_TO_TOL
        finally:
            state.jac = _known(state.jac, x.size)
            best.absorb(state)
        spent[int(smoothed)] += best.nfev - nfev_before
        if outcome == Outcome.SEARCH_ENDED and _target_reached(best, options):
            return Outcome.POLISHED_TO_TOL
        if not options.hop_funnel or outcome != Outcome.SEARCH_ENDED:
            continue
        minima.append((state.x.copy(), state.fun))
        if not copies_flown and found_elsewhere(minima):
            copies_flown = True
            outcome = _hop_search(best, objective, options.copies_flights(), rng, callback,
                                  progress)
        elif not funnel_flown and in_a_funnel(minima):
            funnel_flown = True
            outcome = _hop_search(best, objective, options.funnel_flights(), rng, callback,
                                  progress)
    return outcome


# A restart needs the budget for at least this many steps (the trajectory and polish).
_RESTART_MIN_STEPS = 100


def _restart_force(objective, options, rng, done, seen, spent):
    """The force of restart number ``done`` (from 1): F's gradient, or F smoothed over
    ``options.smoothing``. A given ``smoothing`` smooths every restart. The default's
    (``smoothing_gated``) smooths none of the first FUNNEL_MINIMA - 1, whose minima
    the funnel's rule needs; after them, a restart where the fresh points ``seen`` so
    far say the landscape is a bowl (search/smoothed.py), while the smoothed
    restarts have used no more evaluations than the plain ones (``spent``: plain,
    smoothed), so that at least half of the restarts' budget stays with the plain,
    cheap ones that find rare basins."""
    if options.smoothing == 0.0 or (options.smoothing_gated and not (
            done >= FUNNEL_MINIMA and spent[1] <= spent[0] and smoothing_pays(seen))):
        return objective
    return SmoothedObjective(objective, options.smoothing, rng, options.box)


def _samples_that_fit(options, nfev, fev):
    """options.restart_samples, or fewer (at least 1) so that the budget keeps room
    for _RESTART_MIN_STEPS steps after them."""
    room = options.maxfev - nfev - _RESTART_MIN_STEPS * fev
    return int(max(1, min(options.restart_samples, room)))


def _first_trajectory(state, particle, objective, options, callback, progress, force=None):
    """Run the particle until it stops; its best point and counts go into ``state``.
    With a smoothed ``force`` the best point's gradient is left unknown (None)."""
    force = objective if force is None else force
    smoothed = force is not objective
    # A restart's smoothed trajectory that the dynamics' share of maxfev cuts short
    # (or leaves out) has ended: its polish and the restarts after it go on.
    cut = Outcome.MAXITER_REACHED if smoothed else Outcome.MAXFEV_REACHED
    if particle.scalars[MAXITER] <= particle.nit:
        return Outcome.MAXITER_REACHED
    if particle.nfev + force.fev_per_step > options.dynamics_maxfev:
        return cut
    state.ntrajectories += 1
    try:
        outcome = Outcome(run(particle, force, callback, progress))
    except BaseException:
        if smoothed:
            objective.pending = force.pending
        raise
    finally:
        state.take_counts(particle)
        if state.take_best(particle) and smoothed:
            state.jac = None
    if outcome == Outcome.MAXFEV_REACHED and state.nfev < options.maxfev:
        outcome = cut
    if outcome == Outcome.REACHED_TOL and particle.f < particle.F0:
        outcome = Outcome.FELL_BELOW_F0
    state.n_nonfinite_stops += int(outcome == Outcome.NON_FINITE)
    return outcome


def _known(jac, n):
    """A gradient, or NaN where it was not computed (a smoothed trajectory's point)."""
    return np.full(n, np.nan) if jac is None else jac


def _target_reached(state, options):
    return options.target_given and state.fun - options.F0 <= options.tol


def _result(state, particle, outcome, options, x_start):
    """The OptimizeResult of a run; the dynamics' diagnostics are the first trajectory's."""
    status, message = status_and_message(outcome, options.target_given)
    if status == 0 and outcome not in _SUCCESSES + (Outcome.POLISHED_TO_TOL,):
        status, message = honest_end(state, x_start, status, message)
    return OptimizeResult(
        x=state.x.copy(), fun=float(state.fun), jac=state.jac.copy(),
        nit=state.nit, nfev=state.nfev, njev=state.njev,
        status=status, success=(status == 0), message=message,
        polish_nfev=state.polish_nfev, polish_njev=state.polish_njev, nhops=state.nhops,
        nlandings=state.nlandings, curvature_njev=state.curvature_njev, nrestarts=state.nrestarts,
        hop_climb=state.hop_climb, n_nonfinite_stops=state.n_nonfinite_stops,
        **particle.diagnostics())


def _check_start(f0, g0, x0, options):
    if not math.isfinite(f0):
        raise ValueError(f"fun(x0) must be finite, got {f0}")
    if not np.all(np.isfinite(g0)):
        raise ValueError("the gradient at x0 must be finite")
    if options.F0 is None:
        return
    f_start = regularized(f0, x0, options.weight_decay)
    if not f_start > options.F0:
        raise ValueError(
            f"F(x0) = {f_start!r} must be greater than F0 = {options.F0!r}: F0 must be a lower "
            "bound of F (ideally its minimum), since the dynamics uses log(F - F0)")
