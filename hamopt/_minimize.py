"""The public ``minimize``: validate, start the particle, run it, build the result."""
import inspect
import math
import numbers
import warnings

import numpy as np
from scipy.optimize import OptimizeResult, OptimizeWarning

from . import _layout as L
from ._bounds import as_box, box_width, clip_start
from ._loop import run
from ._objective import Objective
from ._particle import Particle, regularized
from ._hops import HOP_DT_FRACTION, HOPS_DONE, PATIENCE_SPENT, REACHED_TARGET, hop
from ._polish import polish_result
from ._status import (BELOW_F0_MESSAGE, BUDGET_SPENT_MESSAGE, CALLBACK_STOPPED,
                      HOPS_ENDED_MESSAGE, INTERRUPTED, POLISHED_MESSAGE, attach_result,
                      status_and_message)

__all__ = ["minimize"]

# Documented defaults (see the docstring's Notes for how they were chosen).
DEFAULT_DT_SCALE = 1.0        # dt = 1.0 * max(1, max|x0_i|) without a box
DEFAULT_DT_BOX_FRACTION = 0.1  # dt = 0.1 * the widest finite side of the box
DEFAULT_MAXITER_PER_DIM = 30   # hops=0: one trajectory of 30 n steps, then the polish
DEFAULT_TRAJECTORY_PER_DIM = 10  # with hops: the first trajectory (benchmarks/tune_hops.py)
DEFAULT_TOL = 1e-10
POLISH_SHARE = 0.2  # of a finite maxfev, kept for the polish


def minimize(fun, x0, jac=None, F0=None, eta=1.0, dt=None, *, args=(), bounds=None,
             deltaE=1.0, energy_restore=True, nu=1e-5, gamma=0.0, bounce_every=0,
             stall_bounce=0, weight_decay=0.0, polish=True, trajectory_steps=None, hops=None,
             hop_steps=100, hop_patience=3, maxiter=None, maxfev=None, tol=None, rng=None,
             callback=None, disp=False, **unknown_options):
    r"""Minimize a function by energy-conserving Hamiltonian dynamics.

    A particle with Hamiltonian ``H = log(1 + |p|^2) + eta log(F(q) - F0)``
    moves without friction but slows down where ``F`` is low, so it spends its
    time near the minima of ``F`` and can still climb out of shallow ones.
    The dynamics is integrated with a leapfrog of one gradient per step; the
    best point visited is returned.

    The search has three parts: a first trajectory from ``x0`` of
    ``trajectory_steps`` steps; the polish (L-BFGS-B) from its best point; and
    the *hop search*, short flights from the best point with the momentum
    along one coordinate axis at a time, each polished when it finds a lower
    value, until ``hop_patience`` sweeps over all axes find nothing new (see
    Notes). ``hops=0`` keeps only the first trajectory (of ``maxiter`` steps)
    and the polish.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, the objective ``F``. With ``jac=True``,
        ``fun`` returns ``(f, grad)``. A ``numba.njit`` function together with a
        jitted ``jac`` (or ``jac=True``) and no ``args`` runs the whole loop in
        nopython code.
    x0 : array_like, shape (n,)
        Starting point.
    jac : callable, True or None, optional
        Gradient ``jac(x, *args) -> ndarray (n,)``; ``True`` if ``fun`` returns
        the gradient too; ``None`` (default) for forward differences, which
        cost ``n`` extra evaluations per step and are counted in ``nfev``.
    F0 : float or None, optional
        A lower bound of ``F``, ideally its minimum. ``F(x0) > F0`` is required.
        The closer ``F0`` is to the minimum, the more accurately the minimum
        is reached: with ``F0`` a loose bound the particle keeps kinetic energy
        at the bottom. ``None``: hamopt keeps its own bound, starting at
        ``F(x0) - max(1, |F(x0)|)`` and re-anchored (energy reset at the
        current point, momentum kept) whenever the best value has come halfway
        down to it, to ``F_best - delta`` with ``delta`` the improvement since
        the previous anchor; ``tol`` is then not used, and spending the budget
        is a success. Default ``None``.
    eta : float, optional
        Exponent of ``V = (F - F0)**eta`` (eq. 7 of the algorithm note): how
        strongly the particle is slowed where ``F`` is low. Default 1.
    dt : float, optional
        Time step; one step moves ``x`` by at most ``dt``, so it is a length
        in the units of ``x``. Default: ``0.1`` times the widest finite side
        of ``bounds``, else ``max(1, max(|x0|))`` (the particle slows down near
        minima by itself, and large steps measured best; see Notes).
    args : tuple, optional
        Extra arguments of ``fun`` and ``jac``.
    bounds : scipy.optimize.Bounds or sequence of (lo, hi), optional
        A box for ``x``, in any form ``scipy.optimize.minimize`` accepts
        (``None`` for an open side). The particle reflects elastically at the
        walls (the momentum's normal component flips, so the energy is kept),
        and ``x`` never leaves the box. ``x0`` outside is clipped with an
        ``OptimizeWarning``, as scipy does. Each lower bound must be below its
        upper bound.
    deltaE : float, optional
        Initial kinetic energy: ``|p(0)|^2 = deltaE`` and
        ``e^E = V(x0) (1 + deltaE)``, so the particle can reach points up to
        ``F0 + (F(x0) - F0) (1 + deltaE)**(1/eta)``. Default 1.
    energy_restore : bool, optional
        Rescale ``|p|`` every step so the energy is conserved exactly (eq. 19).
        Default True.
    nu : float, optional
        Size of the generalized bounce, a random rotation of ``p`` every step
        (eq. 21). 0 disables it. Default 1e-5.
    gamma : float, optional
        Damping exponent of the generalized bounce near the minimum (eq. 21).
        Default 0.
    bounce_every : int, optional
        A full random bounce (new direction of ``p``, same size) every this
        many steps; 0 (default) for never.
    stall_bounce : int, optional
        A full random bounce after this many steps without a new best point
        (the stagnation bounce of the authors' earlier optimizer); 0 (default)
        for never.
    weight_decay : float, optional
        ``w_d`` of the energy-conserving L2 term: the minimized objective is
        ``F(x) + w_d/2 |x|^2`` (eq. 24), and ``fun``/``jac`` of the result
        include that term. Default 0.
    trajectory_steps : int, optional
        Leapfrog steps of the first trajectory, from ``x0``, before the first
        polish. Default ``10 * n`` (with ``hops=0``: all of ``maxiter``).
    hops : int, optional
        Maximum number of hop flights after the first polish. Default: no
        limit other than ``hop_patience``, ``maxiter`` and ``maxfev`` when
        ``polish`` is on, 0 when it is off (a flight only finds a lower basin;
        the polish goes down into it).
    hop_steps : int, optional
        Leapfrog steps of one flight at most. Default 100.
    hop_patience : int, optional
        The hop search ends after this many sweeps in a row (a flight along
        every axis) without a new best point; each of them doubles the height
        the flights can climb. Default 3.
    maxiter : int, optional
        Maximum number of leapfrog steps in all (the first trajectory and the
        flights). Default: no limit with hops (the hop search ends by itself),
        ``30 * n`` with ``hops=0``.
    maxfev : int, optional
        Maximum number of evaluations of ``fun`` (the starting point and the
        polish included); unlimited by default. With ``polish``, the dynamics
        stop at 80 % of it so that the polish has the rest.
    tol : float, optional
        Stop with success once ``F - F0 <= tol``. Default 1e-10.
    rng : {None, int, numpy.random.Generator}, optional
        Source of randomness (SPEC 7: passed to ``numpy.random.default_rng``).
        The same seed gives a bit-identical result.
    callback : callable, optional
        Called after every step, as ``callback(intermediate_result)`` if its
        only parameter is named ``intermediate_result``, else as
        ``callback(xk)``. As in scipy's global optimizers, ``xk`` and
        ``intermediate_result.x`` are (copies of) the best point so far;
        ``intermediate_result`` also has ``fun`` there, ``nit``, ``nfev``,
        ``njev``, the particle's next position ``q`` and momentum ``p``, and
        the step's ``energy_error``. Raising ``StopIteration`` ends the run
        with status 99.
    disp : bool, optional
        Print a summary at the end.

    Returns
    -------
    res : OptimizeResult
        ``x`` the best point seen, ``fun`` F there, ``jac`` its gradient,
        ``nit`` leapfrog steps, ``nfev``, ``njev``, ``status`` (0 success:
        ``F - F0 <= tol``, or with ``F0=None`` the search ended or spent its
        budget; 1 ``maxiter`` or ``maxfev`` reached, or the hop search ended,
        before ``F - F0 <= tol``; 3 a non-finite F or gradient, with
        ``hops=0``; 99 stopped by the callback), ``success``, ``message``;
        and the diagnostics of the dynamics: ``E`` the energy,
        ``energy_error`` and ``max_energy_error`` (last and largest
        ``|E_i - E|`` before restore), ``n_restore_failed`` (steps where the
        restore was impossible because ``V > e^E``), ``q`` and ``p`` the final
        position and momentum of the particle; ``polish_nfev`` and
        ``polish_njev``, the evaluations of the final local search;
        ``n_stall_bounces``; ``F0`` (its last value), ``F0_history`` (rows of
        step and F0, at the start and at each re-anchor) and ``n_reanchors``.
        These diagnostics describe the first trajectory. Of the hop search:
        ``nhops``, the flights flown, and ``hop_climb``, the height ``B`` above
        the best value the last flights could climb (NaN without hops);
        ``n_nonfinite_stops``, the trajectories and flights that ended at a
        non-finite F or gradient (with hops these do not end the search, and
        status 3 is only returned with ``hops=0``).

    Raises
    ------
    ValueError, TypeError
        For invalid input, before any step. An exception raised by ``fun`` or
        ``jac`` during the run (and ``KeyboardInterrupt``) propagates unchanged,
        with the partial result attached as its ``result`` attribute.

    Notes
    -----
    The algorithm is MixingOptimization.md (in the repository's shared
    notes): eq. 9 for the dynamics, eqs. 12-16 for the leapfrog, eq. 19 for
    the energy restore, eq. 21 for the generalized bounces, eq. 24 for weight
    decay. The initial momentum points along ``-grad F(x0)`` (a random unit
    direction if the gradient vanishes).

    The hop search: a flight starts at the best point ``x_b`` with
    ``F0 = F(x_b) - B/10`` and ``|p0|`` set so that it can climb to
    ``F(x_b) + B`` (eq. 4), ``p0`` along one coordinate axis, and ``dt/5``
    (without bounds and a given ``dt``: ``0.04 max(1, max|x0|)``, the value
    for the box ``[-max|x0|, max|x0|]^n``). At
    a minimum of a separable function the other coordinates feel no force, so
    the flight scans its own coordinate across every barrier lower than ``B``
    and slows down at the bottom of every well (eq. 9). It stops after
    ``hop_steps`` steps or once ``F < F0``; if it found a value below
    ``F(x_b)``, the polish starts there. ``B`` starts at ``F(x0) - F(x_b)``
    and doubles after every sweep without a new best point. On the benchmark
    suite (39 cases x 5 starts, 10,000 evaluations) the axis flights solved
    183 of 195 runs, flights in random directions 143, and no hop search 144
    (``benchmarks/tune_hops.py``; README).

    The defaults (``eta=1``, ``dt=max(1, max|x0|)``, ``deltaE=1``,
    ``nu=1e-5``) are those that solved the most of 50 runs (sphere and
    ellipsoid n=10, Rosenbrock n=2 and 10, Styblinski-Tang n=5; starts in
    [-3, 3]^n; exact F0) in ``benchmarks/bench_defaults.py``. ``eta=2`` never
    reached ``F - F* <= 1e-8`` there: its approach to the minimum is not
    geometric.

    Examples
    --------
    >>> import numpy as np, hamopt
    >>> from scipy.optimize import rosen, rosen_der
    >>> res = hamopt.minimize(rosen, [-1.2, 1.0], jac=rosen_der, rng=0)
    >>> bool(res.fun < 1e-8)
    True
    """
    progress = unknown_options.pop("_progress", None)  # private: the command line's display
    _warn_unknown_options(unknown_options)
    x0 = _as_start_point(x0)
    n = x0.size
    box = as_box(bounds, n)
    x0 = clip_start(x0, box)
    options = _validated_options(
        x0, box, F0=F0, eta=eta, dt=dt, deltaE=deltaE, energy_restore=energy_restore,
        nu=nu, gamma=gamma, bounce_every=bounce_every, stall_bounce=stall_bounce,
        weight_decay=weight_decay, maxiter=maxiter, maxfev=maxfev, tol=tol)
    options.update(polish=bool(polish),
                   hops=((None if polish else 0) if hops is None
                         else _count("hops", hops, minimum=0)),
                   hop_steps=_count("hop_steps", hop_steps, minimum=1),
                   hop_patience=_count("hop_patience", hop_patience, minimum=1))
    if maxiter is None:
        options["maxiter"] = DEFAULT_MAXITER_PER_DIM * n if options["hops"] == 0 else math.inf
    if trajectory_steps is None:
        trajectory_steps = DEFAULT_TRAJECTORY_PER_DIM * n if options["hops"] != 0 else math.inf
    else:
        trajectory_steps = _count("trajectory_steps", trajectory_steps, minimum=0)
    trajectory = min(trajectory_steps, options["maxiter"])
    options["dynamics_maxfev"] = (math.floor((1.0 - POLISH_SHARE) * options["maxfev"])
                                  if polish and math.isfinite(options["maxfev"])
                                  else options["maxfev"])
    if not isinstance(args, tuple):
        args = (args,)
    rng = np.random.default_rng(rng)
    objective = Objective(fun, jac, args, n, box)
    step_callback = _wrap_callback(callback)

    f0, g0 = objective.first_evaluation(x0)
    _check_start(f0, g0, x0, options)
    particle = Particle(x0, f0, g0, dict(options, maxiter=trajectory),
                        objective.fev_per_step, rng)
    if trajectory == 0:
        reason = L.MAXITER_REACHED
    elif _budget_spent(particle, options):
        reason = L.MAXFEV_REACHED
    else:
        try:
            reason = run(particle, objective, step_callback, progress)
        except BaseException as exc:  # includes KeyboardInterrupt: keep the best point
            attach_result(exc, _result(particle, INTERRUPTED, ""))
            raise
    status, message = _outcome(reason, options)
    if reason == L.REACHED_TOL and particle.s[L.F] < particle.s[L.F0]:
        message = BELOW_F0_MESSAGE
    res = _result(particle, status, message)
    if polish and reason != CALLBACK_STOPPED:
        polish_result(res, objective, options)
    target_reached = options["F0"] is not None and res.status == 0
    res.n_nonfinite_stops = int(reason == L.NON_FINITE)
    if (reason in (L.MAXITER_REACHED, L.NON_FINITE) and options["hops"] != 0
            and not target_reached and res.nit < options["maxiter"]):
        f_start = regularized(f0, x0, options["weight_decay"])
        _hop_result(res, objective, options, rng, f_start, step_callback, progress)
    if disp:
        print(f"{res.message}\n         Current function value: {res.fun:.6g}\n"
              f"         Iterations: {res.nit}\n         Function evaluations: {res.nfev}\n"
              f"         Gradient evaluations: {res.njev}")
    return res


def _hop_result(res, objective, options, rng, f_start, callback, progress):
    """The hop search after the first trajectory; its outcome sets res's status."""
    reason = hop(res, objective, options, rng, f_start, callback, progress)
    if reason in (PATIENCE_SPENT, HOPS_DONE):  # a success unless a target F0 was missed
        status, message = (0 if options["F0"] is None else 1), HOPS_ENDED_MESSAGE
    elif reason == REACHED_TARGET:
        status, message = 0, POLISHED_MESSAGE
    else:
        status, message = _outcome(reason, options)
    res.update(status=status, success=(status == 0), message=message)


def _outcome(reason, options):
    """(status, message) of a stop reason; with F0=None the budget's end is a success."""
    status, message = status_and_message(reason)
    if options["F0"] is None and status == 1:
        status, message = 0, BUDGET_SPENT_MESSAGE  # no target value: the budget is the end
    return status, message


def _result(particle, status, message):
    W, s = particle.W, particle.s
    return OptimizeResult(
        x=W[L.X_BEST].copy(), fun=float(s[L.F_BEST]), jac=W[L.G_BEST].copy(),
        nit=particle.nit, nfev=particle.nfev, njev=particle.njev,
        status=status, success=(status == 0), message=message,
        polish_nfev=0, polish_njev=0, nhops=0, hop_climb=math.nan, n_nonfinite_stops=0,
        **particle.diagnostics())


def _budget_spent(particle, options):
    return particle.nfev + particle.s[L.FEV_PER_STEP] > options["dynamics_maxfev"]


# Input checks ------------------------------------------------------------

def _warn_unknown_options(unknown_options):
    if unknown_options:
        names = ", ".join(map(str, unknown_options))
        warnings.warn(f"Unknown solver options: {names}", OptimizeWarning, stacklevel=3)


def _as_start_point(x0):
    x0 = np.asarray(x0)
    if x0.dtype.kind not in "biuf":
        raise TypeError(f"x0 must be real numbers, got dtype {x0.dtype}")
    x0 = np.atleast_1d(x0).astype(np.float64)
    if x0.ndim != 1:
        raise ValueError(f"x0 must be 1-D, got shape {x0.shape}")
    if x0.size == 0:
        raise ValueError("x0 must not be empty")
    if not np.all(np.isfinite(x0)):
        raise ValueError("x0 must be finite")
    return np.ascontiguousarray(x0)


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


def _count(name, value, *, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _validated_options(x0, box, *, F0, eta, dt, deltaE, energy_restore, nu, gamma,
                       bounce_every, stall_bounce, weight_decay, maxiter, maxfev, tol):
    hop_dt = None
    if dt is None:
        width = box_width(box)
        scale = max(1.0, float(np.max(np.abs(x0))))
        dt = DEFAULT_DT_SCALE * scale if width is None else DEFAULT_DT_BOX_FRACTION * width
        if width is None:
            # Flights scan the domain; without a box, the one x0 suggests: [-scale, scale]^n.
            hop_dt = HOP_DT_FRACTION * DEFAULT_DT_BOX_FRACTION * 2.0 * scale
    dt = _real("dt", dt, positive=True)
    return dict(
        hop_dt=HOP_DT_FRACTION * dt if hop_dt is None else hop_dt,
        bounds=box,
        F0=None if F0 is None else _real("F0", F0),
        eta=_real("eta", eta, positive=True),
        dt=_real("dt", dt, positive=True),
        deltaE=_real("deltaE", deltaE, nonnegative=True),
        energy_restore=bool(energy_restore),
        nu=_real("nu", nu, nonnegative=True),
        gamma=_real("gamma", gamma, nonnegative=True),
        bounce_every=_count("bounce_every", bounce_every, minimum=0),
        stall_bounce=_count("stall_bounce", stall_bounce, minimum=0),
        weight_decay=_real("weight_decay", weight_decay, nonnegative=True),
        maxiter=None if maxiter is None else _count("maxiter", maxiter, minimum=0),
        maxfev=math.inf if maxfev is None else _count("maxfev", maxfev, minimum=1),
        tol=DEFAULT_TOL if tol is None else _real("tol", tol, nonnegative=True),
    )


def _check_start(f0, g0, x0, options):
    if not math.isfinite(f0):
        raise ValueError(f"fun(x0) must be finite, got {f0}")
    if not np.all(np.isfinite(g0)):
        raise ValueError("the gradient at x0 must be finite")
    F0 = options["F0"]
    if F0 is None:
        return
    f_start = regularized(f0, x0, options["weight_decay"])
    if not f_start > F0:
        raise ValueError(
            f"F(x0) = {f_start!r} must be greater than F0 = {F0!r}: F0 must be a lower "
            "bound of F (ideally its minimum), since the dynamics uses log(F - F0)")


# Callbacks -----------------------------------------------------------------

def _wrap_callback(callback):
    """``callback(particle) -> stop?`` for the loops, in scipy's two styles."""
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    try:
        wants_result = set(inspect.signature(callback).parameters) == {"intermediate_result"}
    except (TypeError, ValueError):  # builtins without a signature
        wants_result = False

    def step_callback(particle):
        try:
            if wants_result:
                callback(intermediate_result=_intermediate_result(particle))
            else:
                callback(particle.W[L.X_BEST].copy())
        except StopIteration:
            return True
        return False
    return step_callback


def _intermediate_result(particle):
    W, s = particle.W, particle.s
    return OptimizeResult(
        x=W[L.X_BEST].copy(), fun=float(s[L.F_BEST]), nit=particle.nit,
        nfev=particle.nfev, njev=particle.njev, q=particle.q, p=particle.p,
        energy_error=float(s[L.ENERGY_ERROR]))
