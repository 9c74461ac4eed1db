"""``minimize``'s options, validated once into one typed record with every derived value.

Nothing downstream reads a raw keyword or recomputes a default: the solver
and the search read ``Options``, and a particle gets its ``Settings`` from
``Options.trajectory`` or ``Options.flight``. Tuning scripts pass options;
they never patch module constants.
"""
import dataclasses
import math
import numbers
from dataclasses import dataclass
from typing import Optional

import numpy as np

from ._bounds import box_width
from .dynamics import Settings

# Documented defaults (see minimize's Notes for how they were chosen).
DT_SCALE = 1.0              # dt = 1.0 * max(1, max|x0_i|) without a box
DT_BOX_FRACTION = 0.1       # dt = 0.1 * the widest finite side of the box
MAXITER_PER_DIM = 30        # hops=0: one trajectory of 30 n steps, then the polish
TRAJECTORY_PER_DIM = 10     # with hops and a given F0: the first trajectory's length
# Large n: step counts that grow with n stop growing at this n (steps cost O(n) each), and
# a sweep of the hop search flies LARGE_SWEEP random directions instead of a basis of n
# (whose n x n matrix, 2n + 1 curvature gradients and n flights do not fit at n = 1e5).
LARGE_N = 1000
LARGE_SWEEP = 10
# With hops and F0=None the search starts with the polish: a first trajectory of 10 n
# steps changed the solved runs by +-1 of 360 and cost bbob at 100 d half its hits
# (benchmarks/results/ablation.md, ablation_rotated.md, bbob_tuning.md).
TOL = 1e-10
POLISH_SHARE = 0.2          # of a finite maxfev, kept for the polish
HOP_DT_FRACTION = 0.2       # a flight's dt as a fraction of the trajectory's (tune_hops.py)
HOP_DIRECTIONS = ("curvature", "axes", "random")
# (with a gradient, with finite differences): a flight's step costs n + 1 evaluations
# with finite differences, so flights are shorter and the search ends sooner
# (chosen on bbob instances 7-9: 87 final-target hits at 1000 d against 78 with
# (100, 3) and 84 without flights; benchmarks/results/bbob_tuning.md).
HOP_STEPS = (100, 20)
# A line flight's step costs 2 evaluations with finite differences (search/line.py):
# with hop_line and jac=None, flights are this long. Test functions with finite
# differences, 10,000 evaluations (finite_differences.py, scratch runs at 214c770):
# 20, 50 and 100 steps solved 79, 86 and 85 of 117 (no flights 79); bbob in 10 and
# 20-D (instances 7-9, 13-20) 241, 247 and 240 of 440 (no flights 256).
HOP_STEPS_LINE = 50
HOP_PATIENCE = (3, 1)
# With finite differences, from this many variables on the hop search flies no
# flights by default (hops=0): the search is the polish, then restarts from fresh
# points while a finite maxfev allows. A flight's step costs n + 1 evaluations there
# and a sweep 2 n flights. On bbob (instances 7-9 and 13-20, final-target hits at
# 1000 d, of 264 per dimension; benchmarks/results/bbob_flights_fd.md) flights at
# every n against none: 2-D 203 against 190, 5-D 137 against 137, 10-D 127 against
# 136, 20-D 112 against 120. The threshold was chosen on instances 7-9 and 13-16 and
# checked on 17-20 (scratch runs). The same search with other random streams moves
# these counts by up to 7 (the defaults, which fly in 2 and 5-D, hit 210 and 144).
FLIGHTS_WITH_DIFFERENCES_BELOW_N = 10
# With finite differences from FLIGHTS_WITH_DIFFERENCES_BELOW_N variables on, where
# the search is the polish and restarts, a restart starts from the lowest of this
# many fresh points per variable (values of fun only: ten gradients' worth), not
# from one (search/starts.py). bbob, one minimize call with the budget as maxfev,
# final-target hits at 1000 d (scratch runs): in 10 and 20-D, instances 7-9 and
# 13-20 (of 440), seeds 0 and 1, one point 252 and 250, n points 262 and 257, 10 n
# points 267 and 259, 30 n points 264 and 264; held out (instances 4-6 and 10-12,
# of 288) 135 against 140. In 2 and 5-D the 10 n points went both ways: instances
# 7-9 and 13-20 218 to 209 and 137 to 141 of 264, held out 112 to 117 and 73 to 72
# of 144, so there the restarts keep one point.
RESTART_SAMPLES_PER_DIM = 10
# With ``smoothing``, each restart's trajectory is this many steps per variable
# (search/smoothed.py; 5 evaluations a step whatever n). bbob in 10 and 20-D,
# tuning instances (scratch runs of a prototype, h = 1): 10 n and 30 n steps gave
# 351 / 250 and 424 / 314 (run, target) pairs on f15-f19 against 284 / 198 without
# smoothing; this code, 406 / 282 (benchmarks/results/smoothed_bbob_tuning.md).
SMOOTHED_STEPS_PER_DIM = 30
# By default (``smoothing=None``), where the restarts draw several fresh points and
# fly no flights (finite differences from FLIGHTS_WITH_DIFFERENCES_BELOW_N variables
# on), a restart's trajectory is smoothed over this fraction of the widest side of the
# region the fresh points are drawn from (the box; else x0 +- max(1, max|x0|)), but
# only once the funnel's rule has had its plain restarts and only where the fresh
# points' values say the landscape is a bowl (search/smoothed.py, smoothing_pays).
# The fraction is the one the smoothed bench variant was measured with (README,
# *A smoothed force*); it was not tuned.
SMOOTHING_FRACTION = 0.1


@dataclass(frozen=True)
class Options:
    """Every option of a run, validated, with its defaults and derived values filled in.

    ``F0`` is the user's target (None: unknown, the first trajectory keeps its
    own adaptive bound). ``maxiter`` and ``maxfev`` limit the whole run
    (``math.inf``: no limit); ``dynamics_maxfev`` is the part of ``maxfev``
    the trajectories may use (the rest is kept for the polish);
    ``trajectory_steps`` is the first trajectory's length; ``hops`` the most
    flights (``math.inf``: no limit); ``hop_sweep`` the directions of one sweep
    of the hop search (n, or LARGE_SWEEP random ones beyond LARGE_N);
    ``restart_samples`` the fresh points a restart draws to start from the
    lowest (search/starts.py); ``hop_funnel``: this search with no flights
    (``hops`` 0) flies line flights from the best point once the restarts'
    minima form a funnel, full flights with their landings' polish once they
    hold the lowest twice (search/funnel.py); False wherever it could not act.
    ``smoothing`` is the length ``h`` a restart's smoothed force averages F over (0:
    never); with ``smoothing_gated`` (the default's ``smoothing=None``) only some
    restarts are smoothed, as _solver._restart_force decides.
    ``rough_restarts``: in that search with no flights, each restart's polish
    is one L-BFGS-B run to scipy's default tolerances, and the full polish runs
    only from a restart that went below the run's best (_solver._restarts).
    ``search``: the polish is followed by the hop search and restarts (even
    with no flights: ``FLIGHTS_WITH_DIFFERENCES_BELOW_N``); False when the
    user's ``hops=0`` (or ``polish=False``) makes the run one trajectory and
    its polish.
    """
    F0: Optional[float]
    eta: float
    dt: float
    deltaE: float
    energy_restore: bool
    nu: float
    gamma: float
    bounce_every: int
    stall_bounce: int
    weight_decay: float
    tol: float
    box: Optional[tuple]
    maxiter: float
    maxfev: float
    dynamics_maxfev: float
    trajectory_steps: float
    polish: bool
    hops: float
    hop_steps: int
    hop_patience: int
    hop_dt: float
    hop_gap: float
    hop_directions: str
    hop_sweep: int
    hop_climb: Optional[float]
    hop_landings: bool
    hop_line: bool
    hop_funnel: bool
    restarts: float
    restart_samples: int
    smoothing: float
    smoothing_gated: bool
    smoothed_steps: float
    rough_restarts: bool
    search: bool

    @property
    def target_given(self):
        return self.F0 is not None

    def trajectory(self, start_nit=0):
        """A trajectory's particle settings (from x0, or from a fresh point at step
        ``start_nit`` of the run)."""
        return Settings(F0=self.F0, eta=self.eta, dt=self.dt, deltaE=self.deltaE, nu=self.nu,
                        gamma=self.gamma, weight_decay=self.weight_decay, tol=self.tol,
                        energy_restore=self.energy_restore,
                        maxiter=min(start_nit + self.trajectory_steps, self.maxiter),
                        maxfev=self.dynamics_maxfev, bounce_every=self.bounce_every,
                        stall_bounce=self.stall_bounce, box=self.box)

    def restart_trajectory(self, start_nit, smoothed):
        """A restart's particle settings: ``smoothed`` (its force is F smoothed), a
        trajectory of ``smoothed_steps`` steps (search/smoothed.py), else as the
        first one."""
        if not smoothed:
            return self.trajectory(start_nit)
        return dataclasses.replace(self.trajectory(),
                                   maxiter=min(start_nit + self.smoothed_steps, self.maxiter))

    def flight(self, F0, maxiter):
        """A flight's particle settings: its own F0 and step limit, the flights' dt."""
        return dataclasses.replace(self.trajectory(), F0=F0, tol=0.0, dt=self.hop_dt,
                                   maxiter=maxiter, maxfev=self.maxfev)

    def funnel_flights(self):
        """The options of the hop search a search with no flights runs once the
        restarts' minima form a funnel (``hop_funnel``): line flights of
        HOP_STEPS_LINE steps, as many as the hop search's patience allows."""
        return dataclasses.replace(self, hops=math.inf, hop_line=True, hop_steps=HOP_STEPS_LINE)

    def copies_flights(self):
        """The options of the hop search a search with no flights runs once the
        restarts find the lowest minimum again elsewhere (``hop_funnel``): full
        flights with the polish from their landings, as the hop search's patience
        allows."""
        return dataclasses.replace(self, hops=math.inf, hop_landings=True)


def validated_options(x0, box, *, F0, eta, dt, deltaE, energy_restore, nu, gamma,
                      bounce_every, stall_bounce, weight_decay, polish, trajectory_steps, hops,
                      hop_steps, hop_patience, hop_dt, hop_gap, hop_directions, restarts,
                      maxiter, maxfev, tol, hop_climb=None, hop_landings=None,
                      hop_line=False, hop_funnel=None, restart_samples=None, smoothing=None,
                      finite_differences=False):
    """``Options`` from ``minimize``'s keywords; TypeError/ValueError for bad input."""
    dt, hop_dt = _time_steps(x0, box, dt, hop_dt)
    polish = bool(polish)
    hop_line = _flag("hop_line", hop_line)
    if hops is None:
        search = polish
        flights = not (finite_differences and x0.size >= FLIGHTS_WITH_DIFFERENCES_BELOW_N)
        hops = math.inf if search and flights else 0
    else:
        hops = _count("hops", hops, minimum=0)
        search = hops != 0
    # Line flights once the restarts' minima form a funnel (search/funnel.py): only
    # where the search flies no flights; on there by default.
    hop_funnel = True if hop_funnel is None else _flag("hop_funnel", hop_funnel)
    hop_funnel = hop_funnel and search and hops == 0
    maxfev = math.inf if maxfev is None else _count("maxfev", maxfev, minimum=1)
    if maxiter is None:
        maxiter = math.inf if search else MAXITER_PER_DIM * min(x0.size, LARGE_N)
    else:
        maxiter = _count("maxiter", maxiter, minimum=0)
    if trajectory_steps is None:
        trajectory_steps = (math.inf if not search else 0 if F0 is None
                            else TRAJECTORY_PER_DIM * min(x0.size, LARGE_N))
    else:
        trajectory_steps = _count("trajectory_steps", trajectory_steps, minimum=0)
    if hop_directions not in HOP_DIRECTIONS:
        raise ValueError(f"hop_directions must be one of {HOP_DIRECTIONS}, got {hop_directions!r}")
    hop_gap = _real("hop_gap", hop_gap, positive=True)
    restart_samples = ((RESTART_SAMPLES_PER_DIM * min(x0.size, LARGE_N)
                        if finite_differences and x0.size >= FLIGHTS_WITH_DIFFERENCES_BELOW_N
                        else 1) if restart_samples is None
                       else _count("restart_samples", restart_samples, minimum=1))
    smoothing_gated = smoothing is None
    if smoothing is None:
        # The default: where the restarts draw fresh points' values and fly no flights.
        smoothing = (SMOOTHING_FRACTION * fresh_region_width(x0, box)
                     if search and hops == 0 and restart_samples > 1 else 0.0)
    else:
        smoothing = _real("smoothing", smoothing, nonnegative=True)
    # rough_restarts: where the search flies no flights, a restart's polish is one
    # L-BFGS-B run to scipy's default tolerances and the full polish follows only
    # below the run's best; more restarts for the budget. bbob in 10 and 20-D,
    # instances 7-9 and 13-20, final-target hits of 440 (scratch runs, seeds 0, 1, 2):
    # 267, 260, 264 with the full polish after every restart; 277, 266, 271 so.
    return Options(
        F0=None if F0 is None else _real("F0", F0),
        eta=_real("eta", eta, positive=True), dt=dt,
        deltaE=_real("deltaE", deltaE, nonnegative=True),
        energy_restore=bool(energy_restore),
        nu=_real("nu", nu, nonnegative=True), gamma=_real("gamma", gamma, nonnegative=True),
        bounce_every=_count("bounce_every", bounce_every, minimum=0),
        stall_bounce=_count("stall_bounce", stall_bounce, minimum=0),
        weight_decay=_real("weight_decay", weight_decay, nonnegative=True),
        tol=TOL if tol is None else _real("tol", tol, nonnegative=True),
        box=box, maxiter=maxiter, maxfev=maxfev,
        dynamics_maxfev=(math.floor((1.0 - POLISH_SHARE) * maxfev)
                         if polish and math.isfinite(maxfev) else maxfev),
        trajectory_steps=trajectory_steps, polish=polish, hops=hops,
        hop_steps=_count("hop_steps",
                         HOP_STEPS_LINE if hop_steps is None and hop_line and finite_differences
                         else _default(hop_steps, HOP_STEPS, finite_differences), minimum=1),
        hop_patience=_count("hop_patience",
                            _default(hop_patience, HOP_PATIENCE, finite_differences), minimum=1),
        hop_dt=hop_dt, hop_gap=hop_gap, hop_directions=hop_directions,
        hop_sweep=x0.size if x0.size <= LARGE_N else LARGE_SWEEP,
        hop_climb=None if hop_climb is None else _real("hop_climb", hop_climb, positive=True),
        hop_landings=(not finite_differences if hop_landings is None
                      else _flag("hop_landings", hop_landings)),
        hop_line=hop_line, hop_funnel=hop_funnel,
        restarts=(math.inf if math.isfinite(maxfev) and search else 0) if restarts is None
        else _count("restarts", restarts, minimum=0),
        restart_samples=restart_samples,
        smoothing=smoothing, smoothing_gated=smoothing_gated and smoothing > 0.0,
        smoothed_steps=SMOOTHED_STEPS_PER_DIM * min(x0.size, LARGE_N) if smoothing else 0,
        rough_restarts=search and hops == 0,
        search=search)


def _default(value, defaults, finite_differences):
    return defaults[int(finite_differences)] if value is None else value


def _time_steps(x0, box, dt, hop_dt):
    """(dt, hop_dt): given, or from the box, or from the scale of x0."""
    width = box_width(box)
    scale = max(1.0, float(np.max(np.abs(x0))))
    default_hop_dt = None
    if dt is None:
        dt = DT_SCALE * scale if width is None else DT_BOX_FRACTION * width
        if width is None:
            # Flights scan the domain; without a box, the one x0 suggests: [-scale, scale]^n.
            default_hop_dt = HOP_DT_FRACTION * DT_BOX_FRACTION * 2.0 * scale
    dt = _real("dt", dt, positive=True)
    if hop_dt is None:
        hop_dt = HOP_DT_FRACTION * dt if default_hop_dt is None else default_hop_dt
    return dt, _real("hop_dt", hop_dt, positive=True)


def _real(name, value, *, positive=False, nonnegative=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if positive and value <= 0.0:
        raise ValueError(f"{name} must be positive, got {value}")
    if nonnegative and value < 0.0:
        raise ValueError(f"{name} must be non-negative, got {value}")
    return value


def _flag(name, value):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True, False or None, got {value!r}")
    return bool(value)


def _count(name, value, *, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def fresh_point(x0, box, rng):
    """A restart's starting point: uniform in the box if it is finite, else uniform in
    ``x0 +- max(1, max|x0|)`` (the scale the defaults take from x0), inside the box."""
    if _finite(box):
        return rng.uniform(box[0], box[1])
    scale = _fresh_scale(x0)
    x = x0 + rng.uniform(-scale, scale, x0.size)
    return x if box is None else np.clip(x, box[0], box[1])


def fresh_region_width(x0, box):
    """The widest side of the region fresh_point draws from (before clipping)."""
    return float(np.max(box[1] - box[0])) if _finite(box) else 2.0 * _fresh_scale(x0)


def _finite(box):
    return box is not None and np.all(np.isfinite(box[0])) and np.all(np.isfinite(box[1]))


def _fresh_scale(x0):
    return max(1.0, float(np.max(np.abs(x0))))
