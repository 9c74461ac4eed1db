"""The local search from the best point, within the budget: scipy's L-BFGS-B and,
with finite-difference gradients in few dimensions, then L-BFGS-B in the metric
of the Hessian (``whitened.py``, from 10 variables) and scipy's Nelder-Mead
(``simplex.py``), with an evolution strategy (``evolution.py``) where the
differences see nothing: in two variables, and on plateaus."""
import math
from collections import deque
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from .._objective import SQRT_EPS
from ..dynamics import regularized
from .evolution import evolve
from .simplex import SIMPLEX_FTOL, simplex_round
from .whitened import whitened_round


class _BudgetSpent(Exception):
    pass


class _Stalled(Exception):
    """L-BFGS-B's last gradients found nothing lower (see _until_stalled)."""


class _LineSearchFailing(Exception):
    """L-BFGS-B needs many gradients an iteration (see _LineSearchWatch)."""


class _LineSearchWatch:
    """L-BFGS-B's callback: raises _LineSearchFailing when, after
    ``_LINE_SEARCH_ITERATIONS`` iterations or more, the gradients taken since the
    start (``found.njev``) pass ``_LINE_SEARCH_GRADIENTS`` per iteration."""

    def __init__(self, found):
        self.found, self.start, self.iterations = found, found.njev, 0

    def __call__(self, *_):
        self.iterations += 1
        if (self.iterations >= _LINE_SEARCH_ITERATIONS and self.found.njev - self.start
                > _LINE_SEARCH_GRADIENTS * self.iterations):
            raise _LineSearchFailing


# Each local method is started again from its own result while that still improves,
# at most this many times. L-BFGS-B's curvature pairs, built from finite-difference
# gradients on an ill-conditioned problem, end up misleading it well above the
# minimum; a fresh start from the point reached goes on down. With exact gradients
# the extra rounds stop at once (a few evaluations).
_ROUNDS = 10

# A simplex round that started on a plateau, saw F change at a vertex of its first
# simplex (simplex.py) and found nothing lower is not the end of the polish: the
# way down is there, but the simplex, which shrinks, did not find it. An
# evolution strategy (evolution.py), which goes by the order of F alone, takes
# over: _PLATEAU_RUNS runs from the best point, with step max(1, |x|_inf) and
# _PLATEAU_POPULATION, then twice, four times ... that many points a generation
# (as IPOP-CMA-ES restarts), each followed by the simplex. On bbob's step
# ellipsoid f7 (instances 7-9 and 13-16, d = 2 to 20) this took the final-target
# hits at 1000 d to 24 of 28 (benchmarks/results/bbob_f7_plateau.md), from 10
# with up to 20 more simplex rounds instead (bbob_f7_patience.md) and 6 with
# none (bbob_f7_patience_before.md); starting populations 1, 2, 4 and 16 gave
# 18, 20, 21 and 19 (scratch runs), steps 0.5 and 2 max(1, |x|_inf) 25 and 24.
_PLATEAU_RUNS = 5
_PLATEAU_POPULATION = 8

# In at most this many variables, the polish with finite differences also runs one
# evolution strategy (step max(1, |x|_inf), the default population) between
# L-BFGS-B and the simplex. There it is cheap (a few hundred evaluations) and it
# sees past the small wells of a rugged function, where a difference gradient is
# noise: on bbob in 2-D (24 functions, instances 7-9 and 13-20) the final-target
# hits at 1000 d went from 186 to 210 of 264 (CMA-ES: 194), with most of the gain
# on the rugged f16 (Weierstrass) and f17 (Schaffers). All dimensions (scratch
# runs, hits at 1000 d on instances 7-9 of 288 and 13-16 of 384): 157 and 201 up
# to 2 variables, 159 and 197 up to 5, 152 and 191 without; 5 was not worth the
# evaluations it takes from the simplex in 5-D.
EVOLVE_MAX_DIM = 2
# That run ends once it has spent this many evaluations without a value below the
# point L-BFGS-B reached. From there, with its wide first step, it can take
# thousands of evaluations to come back to the same minimum (bbob's bent cigar f12,
# 2-D, instance 6: 1,860 evaluations, nothing lower, no hit at 1000 d). On bbob in
# 2-D (scratch runs, hits at 1000 d) instances 7-9 and 13-20 went from 210 to 216
# of 264 with 150, 214 with 300 and 213 with 600 (at 100 d: 66 with all of them);
# the reported instances from 114 to 117 of 144 (bbob_2d.md).
_EVOLVE_PATIENCE = 150
# Before that run, if the watch _STALL_CALLS ended L-BFGS-B, one simplex round
# finishes the minimum L-BFGS-B stalled near. An ill-conditioned function is then
# solved in 100-230 evaluations instead of 300-600, since the evolution run no
# longer comes first. Scratch runs on bbob in 2-D, instances 7-9 and 13-20, seeds
# 0, 1, 2, final-target hits of 264:
#   at 100 d:  66, 65, 72 before; 98, 101, 98 with the round at every polish;
#              96, 100, 98 with it where L-BFGS-B stalled (ill-conditioned f10-f14,
#              seed 0: 8 -> 36 of 55);
#   at 1000 d: 216, 201, 211 before; 214, 206, 211 at every polish; 219, 206, 209
#              where L-BFGS-B stalled.
# Where L-BFGS-B ended by its own tests, the round (about 100 evaluations) finds
# little and the rugged functions feel its cost: multimodal f15-f19, instances 4-20,
# hits at 1000 d of 85, seeds 0 and 1: 47 and 39 before, 36 and 34 at every
# polish, 45 and 36 where L-BFGS-B stalled.
# Where L-BFGS-B ended by its own tests (F is smooth there: it converged to a
# minimum), the evolution run instead ends at its first value below that minimum
# and hands the point to L-BFGS-B, then starts again from where L-BFGS-B ended
# (_evolve_and_descend): a run finds a lower basin in tens of evaluations but
# takes hundreds to converge in it, L-BFGS-B in two variables about 50. Scratch
# runs, the same instances and seeds, hits of 264 at 100 d: 105, 104, 100 against
# 96, 100, 98 (weakly structured f20-f24 14, 8, 9 of 55 against 4, 3, 7;
# dual_annealing 13, 12, 11); at 1000 d: 219, 206, 212 against 219, 206, 209.
# Handing over where L-BFGS-B stalled too cost the rugged functions (multimodal
# f15-f19 at 1000 d, seed 0: 17 of 55 against 30).

# Below BEYOND_SIMPLEX_MIN_DIM variables, the L-BFGS-B run with finite differences
# that gets the simplex close ends once _STALL_CALLS gradients in a row lowered F by
# no more than _STALL_FTOL max(1, |F|) in all. Stalled 1e-7 to 1e-5 above the minimum
# of an ill-conditioned function (the difference gradient is mostly error there),
# it would spend tens of evaluations more on line searches that find nothing
# (bbob's f14, 2-D, instance 4: 53 of its 108); the simplex finishes in fewer.
# Chosen with the simplex round before the evolution run of two variables run at
# every polish (_derivative_free), on bbob in 2-D, instances 7-9 and 13-20, seeds 0
# and 1 (scratch runs, final-target hits at 100 d / 1000 d, of 264): 3 calls
# 105/214 and 104/199, 5 calls 98/214 and 101/206, 8 calls 86/211 and 89/204, no
# watch 68/206 and 68/201. In 5-D (the same instances) the watch changed nothing
# that counts: 50/143 and 46/138 against 50/144 and 46/137.
_STALL_CALLS = 5
_STALL_FTOL = 1e-12

# From this many variables on, where the simplex is slow to finish an ill-conditioned
# problem, the polish with finite differences adds two things:
# - One L-BFGS-B run in the metric of the Hessian (whitened.py) between L-BFGS-B
#   and the simplex, where F is locally quadratic enough for that metric. On bbob's
#   ill-conditioned f10 and f11 in 20-D it took the final-target hits at 1000 d
#   from 2 to 21 of 22 (instances 7-9, 13-20; scratch runs), where L-BFGS-B had
#   stalled 1e-6 above f_opt and the simplex, in 20 variables, could not finish.
# - A watch on L-BFGS-B's line search (_LineSearchWatch): if it needs more than
#   _LINE_SEARCH_GRADIENTS gradients an iteration on average after
#   _LINE_SEARCH_ITERATIONS iterations, its curvature pairs mislead it (F has
#   kinks, as bbob's attractive sector f6: 3 to 7 gradients an iteration, against
#   1.2 to 1.7 on the smooth f2 and f10-f14 in 20-D). It is started again from its
#   best point with fresh pairs, which on a kinked bowl is enough; if the watch stops
#   that run too, an evolution strategy from the best point follows the whitened
#   round. On f6 in 10 and 20-D this took the hits from 3 to 11 of 14 (instances
#   7-9, 13-16) and from 2 to 8 of 8 (17-20, held out). Going to the evolution
#   strategy at the first stop did as well on f6 (13 and 6) but solved 6 of 8
#   runs of a kinked bowl (tests/problems.kinked_bowl, 20-D), where L-BFGS-B
#   started again solves 7 and L-BFGS-B without the watch 8.
# Scratch runs, all 24 functions, d = 5, 10, 20, hits at 1000 d: 98 -> 103 -> 104
# (instances 7-9), 126 -> 131 -> 138 (13-16), 130 -> 138 -> 144 (17-20, held
# out), for neither, the whitened round, and both. In 5-D the simplex alone
# reaches the target on f10-f14 (polish_accuracy.md) and f6, and there the round's
# evaluations, paid at every polish, cost hits on the multimodal f20-f22 (5 over
# the 3 sets of instances).
BEYOND_SIMPLEX_MIN_DIM = 10
_LINE_SEARCH_ITERATIONS = 30
_LINE_SEARCH_GRADIENTS = 3.0
# From BEYOND_SIMPLEX_MIN_DIM variables on, the simplex is left out where L-BFGS-B
# (not stopped by the watch) ended at a smooth minimum: the projected difference
# gradient at its best point no larger than _ROUNDING_LEVEL sqrt(eps) max(1, |F|),
# where a forward difference's rounding error is about 2 sqrt(eps) |F| / max(1, |x_i|).
# There Nelder-Mead, in 10-40 variables, spends 1,000-4,000 evaluations and finds
# nothing: on bbob's Gallagher f21 in 10-D a polish cost 1,850 evaluations, 1,250
# of them the simplex's, so that a run (instance 7, 10,000 evaluations) had room
# for 6 descents from random points; now 13. Where the simplex is needed, L-BFGS-B
# ends far above that level: 39 (f13, sharp ridge), 0.2-2e-3 (f14, different
# powers), 0.1-1 (f10-f12 in 20-D), against 1e-6 on f21 and f22 (|F| ~ 150). On bbob in 10 and 20-D
# (instances 7-9 and 13-20, defaults; scratch runs) final-target hits at 1000 d
# went from 256 to 256 and 257 of 440 with levels 10 and 100, and the (run, target)
# pairs hit of all 51 targets from 14794 to 14908 and 14976 (f21 and f22 from 811
# to 903 and 951); on instances 4-6 and 10-12, held out, level 100 took f21's hits
# from 1 to 3 (10-D) and 0 to 4 (20-D) of 6 and lost none, and with seeds 1 and 2
# the hits in 10 and 20-D went from 141 to 140 and 132 to 132 of 288 (pairs 8078 to
# 8090, 7823 to 7890): on hits, within the noise; what it surely saves is the
# evaluations.
_ROUNDING_LEVEL = 100.0

# With finite differences (jac=None) and at most this many variables, the polish is
# one L-BFGS-B run followed by Nelder-Mead (adaptive parameters). On ill-conditioned
# problems L-BFGS-B with forward or central differences stalls 1e-7 to 1e-3 above
# the minimum even with the whole budget, while the simplex, which uses no
# gradient, goes on to 1e-8 and below (bbob f10-f14, instances 7-9, d = 2 to 40:
# polish_accuracy.md). The simplex's cost grows quickly with n.
SIMPLEX_MAX_DIM = 40
_LARGE_MEMORY_MAX_DIM = 10_000
# What the simplex sees at a point where F is NaN or +-inf (the largest float).
_AVOID = float(np.finfo(float).max)


@dataclass
class LocalSearch:
    """What a polish found so far, updated at every evaluation (nothing is lost
    if the user's function raises): the best ``x``, ``fun`` and ``jac`` (the
    gradient there; None if only its value is known), whether that is better
    than the start, and the evaluations spent."""
    x: np.ndarray
    fun: float
    jac: np.ndarray = None
    improved: bool = False
    nfev: int = 0
    njev: int = 0


def polish(objective, found, weight_decay, box, fev_budget, rng, rough=False):
    """L-BFGS-B from found.x (where F = found.fun) on F + w_d/2 |x|^2 (eq. 12), in the box,
    restarted from its result while that improves (at most ``_ROUNDS`` runs). With
    finite differences and ``n <= SIMPLEX_MAX_DIM``: one L-BFGS-B run (from
    ``BEYOND_SIMPLEX_MIN_DIM`` variables, under a watch on its line search and
    followed by a run in the metric of the Hessian: ``_beyond_simplex``), then
    (unless from that many variables on L-BFGS-B ended at a smooth minimum)
    Nelder-Mead restarted the same way (with evolution runs before it in two
    variables, ``_evolve_and_descend``, and after it on a plateau:
    ``_derivative_free``), then the gradient at its best point. Below
    ``BEYOND_SIMPLEX_MIN_DIM`` variables that L-BFGS-B run ends once it stalls
    (``_until_stalled``).

    ``rough``: only one L-BFGS-B run, to scipy's default tolerances (from a
    flight's landing, to see which minimum it leads to).

    ``found`` (a LocalSearch) is updated in place as the search goes. At most
    ``fev_budget`` evaluations of ``fun``.
    """
    def keep(z, value, grad):
        if math.isfinite(value) and value < found.fun:
            found.x, found.fun, found.jac, found.improved = z.copy(), value, grad, True

    def value_and_grad(z, last=False):
        # Room is kept for the gradient at the best point while only its value is
        # known (a find of the simplex or an evolution run), except for that
        # gradient itself (``last``).
        room = objective.fev_per_step if found.improved and found.jac is None and not last else 0
        if found.nfev + objective.fev_per_step + room > fev_budget:
            raise _BudgetSpent
        value, grad = objective.value_and_grad(z.copy())
        found.nfev += objective.fev_per_step  # counted once it returned, as in the dynamics
        found.njev += 1
        value = regularized(float(value), z, weight_decay)
        grad = np.asarray(grad, dtype=float) + weight_decay * z
        if math.isfinite(value) and np.all(np.isfinite(grad)):
            keep(z, value, grad.copy())
            return value, grad
        # NaN or +-inf: a point to back away from, as for the dynamics (never a minimum)
        return math.inf, np.zeros_like(z)

    def evaluate(z):
        # Room is kept for the gradient at the simplex's best point.
        if found.nfev + 1 + objective.fev_per_step > fev_budget:
            raise _BudgetSpent
        f = regularized(float(objective.value(z.copy())), z, weight_decay)
        found.nfev += 1
        keep(z, f, None)
        # NaN or +-inf: a point to avoid; finite, so that a simplex of such points
        # compares equal instead of computing inf - inf
        return f if math.isfinite(f) else _AVOID

    bounds = None if box is None else list(zip(*box))
    try:
        simplex = objective.jac is None and objective.n <= SIMPLEX_MAX_DIM
        # Tolerances near machine precision: the polish is the last word on accuracy,
        # and it is cut by the budget, not by scipy's default tolerances.
        lbfgsb_on = lambda fun, callback=None: minimize(
            fun, found.x, jac=True, method="L-BFGS-B", bounds=bounds,
            callback=callback, options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000,
                                            maxcor=_memory(objective.n)))
        lbfgsb = lambda callback=None: lbfgsb_on(value_and_grad, callback)
        # A landing's descent: one run to scipy's default tolerances.
        rough_lbfgsb = lambda callback=None: minimize(
            value_and_grad, found.x, jac=True, method="L-BFGS-B", bounds=bounds,
            options=dict(maxcor=_memory(objective.n)))
        if objective.fev_per_step == 1:  # an exact gradient: a step down where L-BFGS-B stuck
            lbfgsb = _with_step_down(lbfgsb, found, value_and_grad, box)
            rough_lbfgsb = _with_step_down(rough_lbfgsb, found, value_and_grad, box)
        if rough:
            rough_lbfgsb()
        elif not simplex:
            _rounds(found, lbfgsb)
        elif objective.n < BEYOND_SIMPLEX_MIN_DIM:  # one L-BFGS-B run to get close
            descend = lambda: _until_stalled(found, value_and_grad, lbfgsb_on)
            stalled = descend()
            _derivative_free(found, evaluate, box, rng, descend, stalled)
        elif not _beyond_simplex(found, lbfgsb, value_and_grad, evaluate, box, rng):
            _derivative_free(found, evaluate, box, rng, descend=None, stalled=False)
    except _BudgetSpent:
        pass
    if found.improved and found.jac is None:
        found.jac = value_and_grad(found.x, last=True)[1]  # the budget kept room for it
    return found


# L-BFGS-B's first step from a point where the gradient is huge (atoms on top of
# each other in a random Lennard-Jones cluster: |grad F| ~ 1e3-1e5) can end the run
# after three evaluations without moving ("relative reduction of F <= factr *
# epsmch"), and every round after it does the same. When a run did not move and the
# projected gradient is above scipy's default gtol, the polish takes one step down
# the gradient itself, from a tenth of the box's widest side (or of max(1, |x|_inf)
# without a box), halving it at most _HALVINGS times until F is lower; the rounds
# then go on from there.
_STUCK_GTOL = 1e-5
_HALVINGS = 40


def _with_step_down(run, found, value_and_grad, box):
    """``run`` (an L-BFGS-B run), followed by _step_down if it did not lower found.fun."""
    def run_then_step(callback=None):
        start = found.fun
        result = run(callback)
        if not found.fun < start:
            _step_down(found, value_and_grad, box)
        return result
    return run_then_step


def _step_down(found, value_and_grad, box):
    """One backtracking step along -grad F from found.x if the projected gradient
    there is above _STUCK_GTOL (see _HALVINGS); found keeps a lower point."""
    start, x = found.fun, found.x
    g = _projected(found.jac if found.jac is not None else value_and_grad(x)[1], x, box)
    widths = np.empty(0)
    if box is not None:
        lower, upper = box
        widths = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
        widths = widths[np.isfinite(widths)]
    norm = float(np.linalg.norm(g))
    if not (math.isfinite(norm) and np.max(np.abs(g)) > _STUCK_GTOL):
        return
    step = 0.1 * (float(widths.max()) if widths.size else max(1.0, float(np.max(np.abs(x)))))
    for _ in range(_HALVINGS):
        z = x - (step / norm) * g
        value_and_grad(z if box is None else np.clip(z, box[0], box[1]))  # keeps a lower z
        if found.fun < start:
            return
        step *= 0.5


def _projected(g, x, box):
    """g without its components that push x out of the box at a bound."""
    if box is None:
        return g
    lower, upper = box
    return np.where(((x <= lower) & (g > 0)) | ((x >= upper) & (g < 0)), 0.0, g)


def _memory(n):
    """L-BFGS-B's number of curvature pairs: 2 n, within [10, 100], for n up to
    ``_LARGE_MEMORY_MAX_DIM`` (scipy's 10 beyond, where the pairs' memory would
    count). On ill-conditioned problems with finite differences 10 pairs leave
    L-BFGS-B 1e-3 to 10 above F* in 20 variables with the whole budget, 2 n pairs
    reach 1e-7 to 1e-10 (bbob f2, f10, instances 7-9: polish_accuracy.md)."""
    return min(max(2 * n, 10), 100) if n <= _LARGE_MEMORY_MAX_DIM else 10


def _beyond_simplex(found, lbfgsb, value_and_grad, evaluate, box, rng):
    """Before the simplex, in ``BEYOND_SIMPLEX_MIN_DIM`` variables or more: L-BFGS-B
    under a watch on its line search, one L-BFGS-B run in the metric of the Hessian
    at the best point (whitened.py), and an evolution run if the line search was
    failing (see the constants above). Returns whether L-BFGS-B ended at a smooth
    minimum (``_at_rounding_level``), where the simplex is left out."""
    failing = _watched(found, lbfgsb)
    converged = not failing and _at_rounding_level(found, box)
    x, f_x, g = found.x, found.fun, found.jac
    if g is None or not np.all(np.isfinite(g)):
        f_x, g = value_and_grad(x)
    whitened_round(x, f_x, g, value_and_grad, evaluate, box, rng, _memory(x.size))
    if failing:
        evolve(found.x, _scale(found.x), evaluate, box, rng)
    return converged


def _at_rounding_level(found, box):
    """Whether L-BFGS-B ended at a smooth minimum: the projected difference
    gradient at its best point is not zero (a plateau) and no larger than
    ``_ROUNDING_LEVEL`` times the rounding error of a forward difference,
    ``sqrt(eps) max(1, |F|)`` (see the constant)."""
    g = found.jac
    if g is None or not np.all(np.isfinite(g)):
        return False
    size = float(np.max(np.abs(_projected(g, found.x, box))))
    return 0.0 < size <= _ROUNDING_LEVEL * SQRT_EPS * max(1.0, abs(found.fun))


def _until_stalled(found, value_and_grad, lbfgsb_on):
    """``lbfgsb_on(fun)`` (an L-BFGS-B run on ``fun``) on ``value_and_grad``, ended
    once _STALL_CALLS calls in a row lowered found.fun by no more than
    _STALL_FTOL max(1, |F|) in all. Returns whether that ended it (else
    L-BFGS-B ended by its own tests)."""
    before = deque(maxlen=_STALL_CALLS + 1)  # found.fun before the last calls

    def watched(z):
        before.append(found.fun)
        if (len(before) == before.maxlen and not found.fun < before[0]
                - _STALL_FTOL * max(1.0, abs(found.fun))):
            raise _Stalled
        return value_and_grad(z)
    try:
        lbfgsb_on(watched)
    except _Stalled:
        return True
    return False


def _derivative_free(found, evaluate, box, rng, descend, stalled):
    """After L-BFGS-B (``stalled``: whether _until_stalled ended it): in at most
    ``EVOLVE_MAX_DIM`` variables evolution runs with ``descend()`` (L-BFGS-B
    again) between them (``_evolve_and_descend``), then the simplex, and
    evolution runs if the simplex ended on a plateau (see the constants
    above)."""
    patient = found.x.size >= BEYOND_SIMPLEX_MIN_DIM
    simplex = lambda: simplex_round(found.x, found.fun, evaluate, box, rng,
                                    plateau_patience=patient)
    if found.x.size <= EVOLVE_MAX_DIM:
        _evolve_and_descend(found, simplex, evaluate, box, rng, descend, stalled)
    if not _rounds(found, simplex, SIMPLEX_FTOL):
        return
    for k in range(_PLATEAU_RUNS):
        evolve(found.x, _scale(found.x), evaluate, box, rng,
               population=_PLATEAU_POPULATION * 2 ** k)
        _rounds(found, simplex, SIMPLEX_FTOL)


def _evolve_and_descend(found, simplex, evaluate, box, rng, descend, stalled):
    """The evolution runs of two variables (see _EVOLVE_PATIENCE). Where L-BFGS-B
    stalled, one simplex round finishes its point first and the run goes on to
    its end. Where it ended by its own tests (F smooth there), the run hands its
    first value below found.fun to ``descend()`` (L-BFGS-B, returns whether it
    stalled) and starts again from where that ended (without ``descend``, the run
    goes on to its end)."""
    while True:
        if stalled:
            simplex()
        hand_over = descend is not None and not stalled
        lower = evolve(found.x, _scale(found.x), evaluate, box, rng, f_start=found.fun,
                       patience=_EVOLVE_PATIENCE, hand_over=hand_over)
        if not (hand_over and lower):
            return
        stalled = descend()


def _watched(found, lbfgsb):
    """L-BFGS-B under the watch on its line search, started once more from its best
    point (with fresh curvature pairs) if the watch stops it; returns whether the
    watch stopped both runs."""
    for _ in range(2):
        try:
            lbfgsb(_LineSearchWatch(found))
            return False
        except _LineSearchFailing:
            pass
    return True


def _scale(x):
    """An evolution run's first step size: max(1, |x|_inf)."""
    return max(1.0, float(np.max(np.abs(x))))


def _rounds(found, run_once, ftol=0.0):
    """run_once() again while it improves found.fun by more than ftol max(1, |F|), at
    most _ROUNDS times. Returns what the run that ended the rounds returned if it
    did not improve (for the simplex: whether it started on a plateau with a way
    off in sight), else None."""
    for _ in range(_ROUNDS):
        start = found.fun
        flat = run_once()
        if not found.fun < start - ftol * max(1.0, abs(start)):
            return flat
    return None


def polish_stage(state, objective, options, rng, start=None, rough=False):
    """Polish from the search's best point; fold what it found into ``state``.

    With ``start = (x, F(x))`` (a flight's landing), first one rough L-BFGS-B
    run from x, and the full polish only if that went below the best value.
    Returns whether the polish found a point below ``state.fun``. The state is
    updated even when the user's function raises during the polish.
    """
    if start is not None:
        landing = LocalSearch(x=start[0], fun=start[1])
        if not _polish_from(state, landing, objective, options, rng, rough=True):
            return False
    best = LocalSearch(x=state.x, fun=state.fun, jac=state.jac)
    return _polish_from(state, best, objective, options, rng, rough=rough) or start is not None


def _polish_from(state, found, objective, options, rng, rough):
    budget = options.maxfev - state.nfev
    if budget < objective.fev_per_step or not math.isfinite(state.fun):
        return False
    try:
        polish(objective, found, options.weight_decay, options.box, budget, rng, rough)
    except BaseException:
        found.nfev += objective.pending  # the calls of the evaluation that raised
        objective.pending = 0
        raise
    finally:
        state.polish_nfev += found.nfev
        state.polish_njev += found.njev
        state.nfev += found.nfev
        state.njev += found.njev
        lower = found.improved and found.fun < state.fun
        if lower:  # (jac unknown only if the user's function raised)
            state.x, state.fun = found.x, found.fun
            state.jac = found.jac if found.jac is not None else np.full(found.x.size, np.nan)
    return lower
