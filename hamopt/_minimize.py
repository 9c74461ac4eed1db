"""The public ``minimize``: normalize and validate the input once, then hand over to the solver."""
import math
import numbers

import numpy as np

from ._bounds import as_box, clip_start
from ._callbacks import step_callback
from ._ensemble import combined, particle_starts, particle_streams, run_particles
from ._fixed import FixedVariables
from ._objective import Objective
from ._options import validated_options
from ._progress import Display, require_tqdm
from ._solver import solve

__all__ = ["minimize"]


def minimize(fun, x0, jac=None, F0=None, eta=1.0, dt=None, *, args=(), bounds=None,
             deltaE=1.0, energy_restore=True, nu=1e-5, gamma=0.0, bounce_every=0,
             stall_bounce=0, weight_decay=0.0, polish=True, trajectory_steps=None, hops=None,
             hop_steps=None, hop_patience=None, hop_dt=None, hop_gap=0.1,
             hop_directions="curvature", hop_climb=None, hop_landings=None,
             hop_line=False, hop_funnel=None, restarts=None, restart_samples=None,
             smoothing=None, maxiter=None, maxfev=None, tol=None, rng=None, particles=1, workers=1,
             callback=None, disp=False, progress=False, **unknown_options):
    r"""Minimize a function by energy-conserving Hamiltonian dynamics.

    A particle with Hamiltonian ``H = log(1 + |p|^2) + eta log(F(q) - F0)``
    moves without friction but slows down where ``F`` is low, so it spends its
    time near the minima of ``F`` and can still climb out of shallow ones.
    The dynamics is integrated with a leapfrog of one gradient per step; the
    best point visited is returned.

    The search has three parts: a first trajectory from ``x0`` of
    ``trajectory_steps`` steps; the polish (a local search) from its best point; and
    the *hop search*, short flights from the best point with the momentum
    along one principal axis of the local curvature at a time, each polished
    when it finds a lower value (and, with a gradient, polished from where it
    ended when neither sense of an axis did: ``hop_landings``), until
    ``hop_patience`` sweeps over all ``n`` axes find nothing new (see
    Notes). With a finite ``maxfev``, the three parts run again from fresh
    points until it is spent. ``hops=0`` keeps only
    the first trajectory (of ``maxiter`` steps) and the polish. With finite
    differences (``jac=None``) in 10 variables or more, the search flies no
    flights by default: it is the polish, restarted from fresh points while a
    finite ``maxfev`` lasts (see ``hops``).

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, the objective ``F``. With ``jac=True``,
        ``fun`` returns ``(f, grad)``. A ``numba.njit`` function together with a
        jitted ``jac`` (or ``jac=True``) and no ``args`` runs the whole loop in
        nopython code.
    x0 : array_like, shape (n,)
        Starting point.
    jac : callable, True, None or {'2-point', '3-point', 'cs'}, optional
        Gradient ``jac(x, *args) -> ndarray (n,)``; ``True`` if ``fun`` returns
        the gradient too; ``None`` (default) or ``'2-point'`` for forward
        differences, which cost ``n`` extra evaluations per step; ``'3-point'``
        for central differences (``2n``); ``'cs'`` for complex steps (``n``;
        ``fun`` must take a complex ``x``). All are counted in ``nfev``. Through
        ``scipy.optimize.minimize(method=hamopt.custom)`` a string arrives as
        None (scipy drops it for custom methods): forward differences.
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
        Exponent of ``V = (F - F0)**eta`` (eq. 1 of docs/algorithm.rst): how
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
        ``OptimizeWarning``, as scipy does. Each lower bound must be at most its
        upper bound; equal ones fix the variable, as in L-BFGS-B: the search
        runs over the others (``fun`` still sees every variable), and the
        result's ``jac`` is 0 along a fixed one (the projected gradient).
    deltaE : float, optional
        Initial kinetic energy: ``|p(0)|^2 = deltaE`` and
        ``e^E = V(x0) (1 + deltaE)``, so the particle can reach points up to
        ``F0 + (F(x0) - F0) (1 + deltaE)**(1/eta)``. Default 1.
    energy_restore : bool, optional
        Rescale ``|p|`` every step so the energy is conserved exactly (eq. 9).
        Default True.
    nu : float, optional
        Size of the generalized bounce, a small random rotation of ``p`` (eq. 11),
        applied every 8th step by ``sqrt(8)`` times as much (the same spread of
        directions at an eighth of the random draws). 0 disables it.
        Default 1e-5.
    gamma : float, optional
        Damping exponent of the generalized bounce near the minimum (eq. 11).
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
        ``F(x) + w_d/2 |x|^2`` (eq. 12), and ``fun``/``jac`` of the result
        include that term. Default 0.
    polish : bool, optional
        Run the local search (counted in ``nfev``) from the best point after
        the first trajectory and after every flight that found a lower value:
        scipy's L-BFGS-B, restarted from its own result while that improves.
        With ``jac=None`` and ``n <= 40``, one L-BFGS-B run and then scipy's
        Nelder-Mead on a small, randomly turned simplex (grown on a plateau
        until F changes), restarted the same way: L-BFGS-B on finite
        differences stalls 1e-7 to 1e-3 above the minimum of ill-conditioned
        functions. From 10 variables on, L-BFGS-B in the metric of the
        Hessian at the best point (by differences of the difference
        gradient) runs between them where F is locally quadratic, and
        L-BFGS-B whose line searches keep failing (F has kinks) is started
        again, then handed to an evolution strategy. That strategy (CMA-ES,
        which uses only the order of F's values) also runs once before the
        simplex in two variables, and after a simplex round that ended on a
        plateau. Default True.
    trajectory_steps : int, optional
        Leapfrog steps of the first trajectory, from ``x0``, before the first
        polish. Default: 0 with ``F0=None`` (the search starts with the
        polish: a first trajectory changed nothing on the benchmarks but its
        cost; README), ``10 * n`` with a given ``F0``, all of ``maxiter`` with
        ``hops=0``.
    hops : int, optional
        Maximum number of hop flights after the first polish. Default: no
        limit other than ``hop_patience``, ``maxiter`` and ``maxfev`` when
        ``polish`` is on, 0 when it is off (a flight only finds a lower basin;
        the polish goes down into it). With finite differences (``jac=None``
        or a difference scheme) in 10 variables or more the default is no
        flights, but the run stays a search: the polish from ``x0``, then
        ``restarts`` from fresh points. A flight's step costs ``n + 1``
        evaluations there, and on bbob the same budget spent on restarts hit
        more targets from 10 variables on (README, *What the dynamics add*).
        A given ``hops`` flies them at any ``n``.
    hop_steps : int, optional
        Leapfrog steps of one flight at most. Default 100; 20 with finite
        differences (``jac=None``), where a step costs ``n + 1`` evaluations;
        50 with finite differences and ``hop_line`` (2 evaluations a step).
    hop_patience : int, optional
        The hop search ends after this many sweeps in a row (a flight along
        every direction, both ways if the first found nothing) without a new
        best point; each of them doubles the height the flights can climb.
        Default 3; 1 with finite differences (README, bbob).
    hop_dt : float, optional
        Time step of the flights. Default ``dt / 5`` (without bounds and
        without a given ``dt``: ``0.04 max(1, max|x0|)``, the value for the box
        ``[-max|x0|, max|x0|]^n``).
    hop_gap : float, optional
        ``r``: a flight's ``F(x_b) - F0`` as a fraction of the height ``B`` it
        can climb (eq. 15). Small values slow the flight down more at the
        bottom of the wells it crosses. Default 0.1.
    hop_directions : {"curvature", "axes", "random"}, optional
        The flights' directions, a new orthonormal basis for every sweep:
        ``"curvature"`` (default), the eigenvectors of the Hessians at the
        best point and at a random nearby point summed (eq. 16, by
        differences of ``2 n + 1`` gradients a sweep), which turn with the
        problem, so the search does as well in any coordinate system;
        ``"axes"``, the coordinate axes (best only when the problem is
        separable in its own coordinates); ``"random"``, a random basis.
        Beyond 1000 variables a sweep flies 10 directions, drawn one at a
        time (a basis of ``n`` and its curvature no longer fit): random unit
        vectors, or random coordinate axes with ``"axes"``.
    hop_climb : float, optional
        The height ``B`` above the best value that the first flights can
        climb (eq. 15): the barrier height you expect between neighbouring
        minima. Default: ``F(x0) - F(x_b)``, the drop from the start to the
        first polished point, but at most 64 times the *rise*
        ``|F(x_b + hop_dt u) - F(x_b)|`` for a random unit vector ``u`` (one
        evaluation): the drop is a good scale when ``x0`` is a typical point
        of the domain and a poor one when ``F(x0)`` is huge (atoms that
        overlap in a random cluster: README, Morse clusters). Where ``F``
        does not change over that step, the drop stands.
    hop_landings : bool, optional
        Whether a direction whose flights both found nothing below the best
        value is followed by the polish from their *landings* (where they
        ended), the lower first, until one leads below the best value: one
        L-BFGS-B run to scipy's default tolerances from each, and the full
        polish if that went below the best value (minima hopping's
        relaxation after each flight). Default: True with a
        gradient (``jac`` given), False with finite differences, where a
        polish costs ``n + 1`` evaluations a gradient and the landings did
        not pay (README, bbob).
    hop_line : bool, optional
        Fly each flight on its line ``x_b + s u`` (one variable, ``dF/ds`` by
        one forward difference along ``u``: 2 evaluations a step with finite
        differences instead of ``n + 1``), polish a flight's find with one
        L-BFGS-B run to scipy's default tolerances, and run the full polish
        once, when the search has ended, if the flights found a lower point
        (``hop_steps`` is then 50 by default with finite differences).
        Default False. With finite differences in 10 variables it solved
        more of the test functions than restarts without flights, but hit
        fewer bbob targets (README, *What the dynamics add*). If the budget
        ends right after a flight found a new best point, ``jac`` is NaN
        (the gradient there was not computed).
    hop_funnel : bool, optional
        Where the search flies no flights (the default with finite
        differences in 10 or more variables), fly line flights (``hop_line``)
        from the best point once the minima the restarts found form a funnel:
        at least 6 distinct ones, whose values rise with their distance from
        the lowest (rank correlation at least 0.6 over the others;
        ``hamopt/search/funnel.py``). Once per run; the restarts then go on.
        Default: True where the search flies no flights, else False (then it
        changes nothing). With finite differences in 10 variables it solved
        Rastrigin's and Levy's functions, turned, where restarts alone did
        not, and changed no bbob final-target hit (README, *Restarts*).
        Also, once the restarts find the lowest minimum again at another
        place with the same value (a landscape with symmetries, such as an
        atomic cluster), fly full flights with the polish from their
        landings (``hop_landings``) from the best point, once.
    restarts : int, optional
        How many times the whole search (trajectory, polish, hop search)
        starts again from a fresh point after the hop search ended by
        itself: uniform in ``bounds`` if they are finite, else uniform in
        ``x0 +- max(1, max|x0|)`` (the lowest of ``restart_samples`` such
        points). Default: as often as a finite ``maxfev``
        allows (each restart needs at least 100 steps' evaluations), none
        without ``maxfev``. The result is the best point of all of them.
        Where the search flies no flights (finite differences from 10
        variables on), a restart's polish is one L-BFGS-B run to scipy's
        default tolerances, and the full polish follows only where it went
        below the best point so far (README, *Rough restarts*).
    restart_samples : int, optional
        How many fresh points a restart draws (F only, one evaluation each,
        counted in ``nfev``) to start from the one with the lowest F. Default
        ``10 n`` with finite differences in 10 or more variables (ten
        gradients' worth; on bbob in 10 and 20 variables it hit more targets
        than one point; in 2 and 5 it went both ways: README, *Restarts*),
        else 1 (the fresh point itself, not evaluated before its start).
    smoothing : float, optional
        A length ``h``: each restart runs, before its polish, a trajectory of
        ``30 n`` steps whose force is the gradient of ``F`` smoothed over
        ``h`` (central differences of ``F`` at ``x +- h u`` along two random
        orthonormal directions ``u``, new at every step: 5 evaluations a
        step, values of ``fun`` only, whatever ``jac`` is). The particle's
        energy stays that of ``F``, so it still lingers where ``F`` is low,
        but it no longer sees wells smaller than ``h``: on a rugged landscape
        with global structure (Rastrigin's, Schaffer's) it goes down the
        funnel, where the polish from a fresh point stops in the nearest
        well. ``0`` smooths no restart. Default None: where the restarts draw
        fresh points and fly no flights (finite differences from 10
        variables), ``h`` is a tenth of the widest side of the region the
        fresh points come from (the box; else ``x0 +- max(1, max|x0|)``), and
        a restart after the fifth is smoothed where the fresh points' median
        value lies below the midpoint of their range (low values common: a
        bowl, not a plateau with holes), while the smoothed restarts have used
        no more evaluations than the plain ones; elsewhere off (README,
        *A smoothed force*).
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
    particles : int, optional
        How many independent runs (particles) this call makes, each a whole
        search from its own start: ``x0`` for the first, then points drawn
        uniformly in ``bounds`` (or in ``x0 +- max(1, max|x0|)`` where they are
        not finite), as ``differential_evolution`` draws its population around
        one ``x0``. ``maxiter`` and ``maxfev`` are for the whole call, shared
        equally. Particle ``k`` has its own stream, child ``k + 1`` of
        ``numpy.random.default_rng(rng).spawn(particles + 1)`` (child 0 draws
        the starts), so the result is the same however the particles are run.
        The result is the best particle's, with ``nit``, ``nfev`` and ``njev``
        summed over all and ``particles``, the list of every particle's own
        result. Default 1.
    workers : int or map-like callable, optional
        How the particles are run, as in ``differential_evolution``: 1 (default)
        one after another here; an int > 1 that many processes, this one and
        ``workers - 1`` worker processes (``multiprocessing``; -1: all cores),
        each taking the next particle when it is free, which needs ``fun`` and
        ``jac`` picklable (module-level functions; numba-jitted ones are); or any
        map-like callable, ``workers(function, iterable)``, such as
        ``concurrent.futures.Executor.map``. An exception in a particle ends
        the call, with the best point of the particles that finished (and of
        the failing one's where known) in ``exc.result``; the worker processes
        are always stopped. A ``callback`` needs ``workers=1``.
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
        Print a summary at the end (and, with ``particles``, a line as each
        particle finishes). While the run goes (without a progress bar), a
        line of elapsed time, evaluations and best value every 10 s.
    progress : bool, optional
        Show a progress bar (needs ``tqdm``: the ``progress`` extra): the
        evaluations (out of ``maxfev`` if finite), the best value so far and
        the particles still running. Particles run here update it as they
        fly; particles run by ``workers`` when they finish. Default False.

    Returns
    -------
    res : OptimizeResult
        ``x`` the best point seen, ``fun`` F there, ``jac`` its gradient
        (with finite differences the points of the differences are not
        candidates, as in scipy: near a minimum one of them can be a few
        roundings lower than ``fun``),
        ``nit`` leapfrog steps, ``nfev``, ``njev``, ``status`` (0 success:
        ``F - F0 <= tol``, or with ``F0=None`` the search ended or spent its
        budget; 1 ``maxiter`` or ``maxfev`` reached, or the hop search ended,
        before ``F - F0 <= tol``; 3 a non-finite F or gradient, with
        ``hops=0``, or one that ended every trajectory and flight; 5 F fell
        without bound, 1e8 times the start's scale away from ``x0`` and below
        ``F(x0)``; 99 stopped by the callback), ``success``, ``message``;
        and the diagnostics of the dynamics: ``E`` the energy,
        ``energy_error`` and ``max_energy_error`` (last and largest
        ``|E_i - E|`` before restore), ``n_restore_failed`` (steps where the
        restore was impossible because ``V > e^E``), ``q`` and ``p`` the final
        position and momentum of the particle; ``polish_nfev`` and
        ``polish_njev``, the evaluations of the final local search;
        ``n_stall_bounces``; ``F0`` (its last value), ``F0_history`` (rows of
        step and F0, at the start and at each re-anchor) and ``n_reanchors``.
        These diagnostics describe the first trajectory. Of the hop search:
        ``nhops``, the flights flown; ``nlandings``, the polishes from their
        landings (``hop_landings``); ``curvature_njev``, the gradients spent
        on the flights' directions (eq. 16) and on the first climb's rise;
        ``nrestarts``, the fresh starts (each costs the evaluations of its
        ``restart_samples`` points, if more than one, and of F and its gradient
        at its start); ``hop_climb``,
        the height ``B`` above the best value the last flights could climb
        (NaN without hops);
        ``n_nonfinite_stops``, the trajectories and flights that ended at a
        non-finite F or gradient (with hops these do not end the search, and
        status 3 is returned only when they ended every one of them).

    Raises
    ------
    ValueError, TypeError
        For invalid input, before any step. An exception raised by ``fun`` or
        ``jac`` during the run (and ``KeyboardInterrupt``) propagates unchanged,
        with the partial result attached as its ``result`` attribute (its
        ``nfev`` counts every call of ``fun``, the one that raised included);
        so does the ValueError raised when ``jac`` returns an array of another
        shape during the run. NaN and infinite values of ``F`` or its gradient
        do not raise: such points are never taken as the best, end the
        trajectory or flight that met them, and the polish backs away from
        them (status 3 if they ended every trajectory and flight).

    Notes
    -----
    The algorithm is described in docs/algorithm.rst: eq. 2 for the
    dynamics, eqs. 6-7 for the leapfrog, eq. 9 for the energy restore,
    eqs. 10-11 for the bounces, eq. 12 for weight decay, eq. 13 for the walls,
    eq. 14 for the adaptive F0, eq. 15 for the flights and eq. 16 for their
    directions. The initial
    momentum points along ``-grad F(x0)`` (a random unit direction if the
    gradient vanishes; eq. 4).

    The hop search: a flight starts at the best point ``x_b`` with
    ``F0 = F(x_b) - B/10`` and ``|p0|`` set so that it can climb to
    ``F(x_b) + B`` (eq. 15), ``p0`` along one direction of the sweep's basis,
    and ``dt/5`` (without bounds and a given ``dt``: ``0.04 max(1,
    max|x0|)``, the value for the box ``[-max|x0|, max|x0|]^n``). For a
    separable function in any rotated frame the curvature directions are the
    function's own axes (eq. 16): at a minimum the other directions feel no
    force, so the flight scans one coordinate of the landscape across every
    barrier lower than ``B`` and slows down at the bottom of every well
    (eq. 2). It stops after ``hop_steps`` steps or once ``F < F0``; if it
    found a value below ``F(x_b)``, the polish starts there, otherwise the
    same direction is flown the other way, and if that finds nothing either,
    the polish starts from the two flights' ends, the lower first
    (``hop_landings``). ``B`` starts at ``F(x0) - F(x_b)``,
    at most 64 rises of ``F`` over one flight step (or at ``hop_climb``),
    and doubles after every sweep without a new best point. On the benchmark
    suite turned by random rotations (33 cases x 5 starts, 10,000
    evaluations, ``benchmarks/tune_hops.py --rotated``) the curvature
    directions solved 150 of 165 runs and the coordinate axes 129; on the
    suite as given (39 cases) 176 and 175 of 195 (README).

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
    hook = unknown_options.pop("_progress", None)  # private: the command line's display
    if unknown_options:  # as Python says it for any function, with a hint
        raise TypeError(_unexpected_keyword(next(iter(unknown_options))))
    if progress:
        require_tqdm()  # before any work
    objective, x0, box, fixed = _problem(fun, x0, jac, args, bounds)
    particles, workers = _ensemble_options(particles, workers, callback)
    total_maxfev = math.inf if maxfev is None else maxfev
    maxiter, maxfev = _share(maxiter, particles, "maxiter"), _share(maxfev, particles, "maxfev")
    options = validated_options(
        x0, box, F0=F0, eta=eta, dt=dt, deltaE=deltaE, energy_restore=energy_restore, nu=nu,
        gamma=gamma, bounce_every=bounce_every, stall_bounce=stall_bounce,
        weight_decay=weight_decay, polish=polish, trajectory_steps=trajectory_steps, hops=hops,
        hop_steps=hop_steps, hop_patience=hop_patience, hop_dt=hop_dt, hop_gap=hop_gap,
        hop_directions=hop_directions, hop_climb=hop_climb, hop_landings=hop_landings,
        hop_line=hop_line, hop_funnel=hop_funnel, restarts=restarts,
        restart_samples=restart_samples, smoothing=smoothing,
        maxiter=maxiter, maxfev=maxfev, tol=tol, finite_differences=objective.jac is None)
    if options.maxfev < objective.fev_per_step:
        raise ValueError(f"maxfev={options.maxfev}{' per particle' if particles > 1 else ''} "
                         "is less than one evaluation of F and its gradient at x0 costs "
                         f"({objective.fev_per_step})")
    display = Display(progress, disp and particles > 1, total_maxfev, particles,
                      timed_lines=disp)
    user_callback = step_callback(callback, None if fixed is None else fixed.full)
    try:
        res = _run(objective, x0, box, options, rng, particles, workers, user_callback,
                   display, hook or (display.step if progress or disp else None))
    except BaseException as exc:
        if fixed is not None and getattr(exc, "result", None) is not None:
            exc.result = fixed.expanded(exc.result)
        raise
    finally:
        display.close()
    if fixed is not None:
        res = fixed.expanded(res)
    if disp:
        print(f"{res.message}\n         Current function value: {res.fun:.6g}\n"
              f"         Iterations: {res.nit}\n         Function evaluations: {res.nfev}\n"
              f"         Gradient evaluations: {res.njev}")
    return res


# Keywords of scipy.optimize that a user may bring along, and what hamopt takes instead.
_SCIPY_KEYWORDS = {
    "options": "hamopt.minimize takes its options as keyword arguments; options={...} is "
               "for scipy.optimize.minimize(fun, x0, method=hamopt.custom, options={...})",
    "method": "hamopt.minimize is one method; to choose it in scipy, call "
              "scipy.optimize.minimize(fun, x0, method=hamopt.custom)",
    "seed": "did you mean 'rng'? (scipy's newer name for seeds, which hamopt uses)",
    "random_state": "did you mean 'rng'? (scipy's newer name for seeds, which hamopt uses)",
    "hess": "hamopt uses no Hessian",
    "constraints": "hamopt supports bounds, not constraints",
}


def _unexpected_keyword(name):
    """Python's message for an unknown keyword, with what was probably meant."""
    import difflib
    import inspect
    message = f"minimize() got an unexpected keyword argument {name!r}"
    if name in _SCIPY_KEYWORDS:
        return f"{message}: {_SCIPY_KEYWORDS[name]}"
    known = [key for key in inspect.signature(minimize).parameters if key != "unknown_options"]
    close = difflib.get_close_matches(name, known, n=1)
    return f"{message}: did you mean {close[0]!r}?" if close else message


def _problem(fun, x0, jac, args, bounds):
    """(Objective, x0, box, FixedVariables or None): the user's problem, checked, over its
    free variables when bounds fix some."""
    x0 = _as_start_point(x0)
    box = as_box(bounds, x0.size)
    x0 = clip_start(x0, box)
    args = args if isinstance(args, tuple) else (args,)
    fixed = FixedVariables.of(box)
    if fixed is not None:
        if fixed.all_fixed:
            raise ValueError("every variable is fixed by its bounds (lower == upper): "
                             "there is nothing to minimize")
        x0, box, fun, jac = fixed.reduced(x0, box, fun, jac, args)
        args = ()
    return Objective(fun, jac, args, x0.size, box), x0, box, fixed


def _run(objective, x0, box, options, rng, particles, workers, callback, display, progress):
    """One solver run here, or the particles' runs (one after another, a pool or a
    map-like), combined; ``progress`` is the dynamics' hook of a single run."""
    if particles == 1 and workers == 1:
        res = solve(objective, x0, options, np.random.default_rng(rng), callback, progress)
        display.finished(0, res)
        return res
    draw, streams = particle_streams(rng, particles)
    return combined(run_particles(objective, particle_starts(x0, box, particles, draw),
                                  options, streams, workers, callback, display))


def _ensemble_options(particles, workers, callback):
    if isinstance(particles, bool) or not isinstance(particles, (int, np.integer)) \
            or particles < 1:
        raise ValueError(f"particles must be an integer >= 1, got {particles!r}")
    if not callable(workers):
        if isinstance(workers, bool) or not isinstance(workers, (int, np.integer)) \
                or not (workers >= 1 or workers == -1):
            raise ValueError("workers must be an integer >= 1, -1 (all cores) or a map-like "
                             f"callable, got {workers!r}")
    if callback is not None and workers != 1:
        raise ValueError("a callback runs in this process: use it with workers=1")
    return int(particles), workers if callable(workers) else int(workers)


def _share(limit, particles, name):
    """Each particle's part of a budget for the whole call (a bad budget is left for
    ``validated_options`` to report)."""
    if limit is None or particles == 1 or isinstance(limit, bool) \
            or not isinstance(limit, numbers.Integral):
        return limit
    if limit < particles:
        raise ValueError(f"{name}={limit} cannot be shared by {particles} particles "
                         f"(each needs at least 1)")
    return limit // particles


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
