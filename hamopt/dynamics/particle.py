"""The state of one particle: its position and momentum, energy, budget and best point.

``Particle`` owns the arrays that the kernels update in place (see ``layout``)
and does the work that happens once per particle in Python: the initial
momentum and energy (docs/algorithm.rst, eq. 4), and reading the state back.
``Settings`` is everything a particle needs to know, already validated.
"""
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from . import layout
from .adaptive_f0 import record_f0
from .step import entry_points
from .weight_decay import regularized


@dataclass(frozen=True)
class Settings:
    """The validated settings of one particle (a trajectory or a flight).

    ``F0`` is the particle's lower bound of F; ``None`` makes it adaptive
    (``adaptive_f0``), and then ``tol`` is not used. ``maxiter`` and ``maxfev``
    limit the step and evaluation *totals* (a flight continues the counts of
    the search). ``box`` is ``(lower, upper)`` or None.
    """
    F0: Optional[float]
    eta: float
    dt: float
    deltaE: float
    nu: float
    gamma: float
    weight_decay: float
    tol: float
    energy_restore: bool
    maxiter: float
    maxfev: float
    bounce_every: int
    stall_bounce: int
    box: Optional[tuple]


class Particle:
    """Phase-space state and bookkeeping shared with the kernels.

    Parameters
    ----------
    x0 : ndarray, shape (n,)
        Starting point q_0, inside ``settings.box`` if there is one.
    f0, g0 : float, ndarray
        F and grad F at ``x0``, without the weight-decay term.
    settings : Settings
    fev_per_step : int
        Objective evaluations one gradient costs (n + 1 with finite differences).
    rng : numpy.random.Generator
        Source of the random direction when grad F(x0) = 0 and of the bounces.
    p0 : ndarray, optional
        Initial momentum; by default ``-sqrt(deltaE) grad F / |grad F|`` (eq. 4).
        ``E`` is set from it (eq. 3).
    counts : tuple of int, optional
        ``(nit, nfev, njev)`` already spent when this particle continues a
        search (a flight). Default: a new run, whose evaluation at ``x0`` is its first.
    """

    def __init__(self, x0, f0, g0, settings, fev_per_step, rng, p0=None, counts=None):
        n = x0.size
        self.rng = rng
        self.vectors = np.zeros((layout.N_ROWS, n))
        self.scalars = np.zeros(layout.N_SLOTS + 2 * layout.HISTORY_CAPACITY)
        self.counters = np.zeros(layout.N_COUNTERS, dtype=np.int64)
        if counts is None:
            counts = (0, fev_per_step, 1)  # the evaluation at x0 (f0, g0)
        self.counters[[layout.NIT, layout.NFEV, layout.NJEV]] = counts
        f_start = regularized(f0, x0, settings.weight_decay)
        self._set_scalars(settings, f_start, fev_per_step)
        self._set_vectors(settings, x0, g0)
        # Plain Python: no compiled code to go stale (with NUMBA_DISABLE_JIT=1,
        # record_f0 is the Python function itself).
        getattr(record_f0, "py_func", record_f0)(self.scalars, self.nit)
        self._set_momentum(settings.deltaE if p0 is None else None, p0)
        entry_points()[0](self.vectors, self.scalars)  # begin

    def _set_scalars(self, settings, f_start, fev_per_step):
        s = self.scalars
        if settings.F0 is None:
            # hamopt's own lower bound: below F(x0) by its scale, then re-anchored (eq. 14).
            delta = max(1.0, abs(f_start))
            s[layout.ADAPTIVE_F0] = 1.0
            s[layout.F0] = f_start - delta
            s[layout.ANCHOR_F] = s[layout.CHECK_F] = f_start
            s[layout.ANCHOR_GAP] = delta
        else:
            s[layout.F0] = settings.F0
        s[layout.ETA] = settings.eta
        s[layout.DT] = settings.dt
        s[layout.DELTA_E] = settings.deltaE
        s[layout.NU] = settings.nu
        s[layout.GAMMA] = settings.gamma
        s[layout.WEIGHT_DECAY] = settings.weight_decay
        s[layout.TOL] = -np.inf if settings.F0 is None else settings.tol
        s[layout.RESTORE] = float(bool(settings.energy_restore))
        s[layout.MAXITER] = settings.maxiter
        s[layout.MAXFEV] = settings.maxfev
        s[layout.FEV_PER_STEP] = fev_per_step
        s[layout.BOUNCE_EVERY] = settings.bounce_every
        s[layout.STALL_BOUNCE] = settings.stall_bounce
        s[layout.LOG_KICK] = math.log(0.5 * settings.dt * settings.eta)
        s[layout.BOUNDED] = float(settings.box is not None)
        s[layout.F] = s[layout.F_BEST] = f_start

    def _set_vectors(self, settings, x0, g0):
        v = self.vectors
        v[layout.LOWER], v[layout.UPPER] = ((-np.inf, np.inf) if settings.box is None
                                            else settings.box)
        v[layout.Q] = x0
        v[layout.G] = g0 + settings.weight_decay * x0
        v[layout.X_BEST] = v[layout.Q]
        v[layout.G_BEST] = v[layout.G]

    def _set_momentum(self, deltaE, p0):
        """p_0 = exp(lam) u and the energy E = log(1 + |p_0|^2) + eta log(F(q_0) - F0) (eq. 3).

        With p0 None, p_0 = sqrt(deltaE) times the descent direction, and then
        e^E = V(q_0) (1 + deltaE) (eq. 4).
        """
        if p0 is None:
            p0 = math.sqrt(deltaE) * self._initial_direction(deltaE)
        p_norm = float(np.linalg.norm(p0))
        lam = max(0.0, math.log(p_norm)) if p_norm > 0.0 else 0.0
        s = self.scalars
        self.vectors[layout.U] = p0 * math.exp(-lam)
        s[layout.LAM] = lam
        s[layout.E] = (math.log1p(p_norm * p_norm)
                       + s[layout.ETA] * math.log(s[layout.F] - s[layout.F0]))

    def _initial_direction(self, deltaE):
        """-grad F / |grad F| at q_0, or a random unit vector where grad F = 0."""
        g = self.vectors[layout.G]
        norm = float(np.linalg.norm(g))
        if norm > 0.0 and math.isfinite(norm):
            return -g / norm
        if deltaE == 0.0:
            return np.zeros_like(g)  # |p0| = 0: no direction needed, no draw spent
        z = self.rng.standard_normal(g.size)
        return z / np.linalg.norm(z)

    # Read-outs -----------------------------------------------------------

    @property
    def q(self):
        """The particle's position (a copy)."""
        return self.vectors[layout.Q].copy()

    @property
    def p(self):
        """The particle's momentum exp(lam) u (a new array; inf where it overflows)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(self.scalars[layout.LAM]) * self.vectors[layout.U]

    @property
    def x_best(self):
        return self.vectors[layout.X_BEST].copy()

    @property
    def f_best(self):
        return float(self.scalars[layout.F_BEST])

    @property
    def jac_best(self):
        return self.vectors[layout.G_BEST].copy()

    @property
    def f(self):
        """F (with the L2 term) at the last evaluated point."""
        return float(self.scalars[layout.F])

    @property
    def F0(self):
        return float(self.scalars[layout.F0])

    @property
    def energy_error(self):
        return float(self.scalars[layout.ENERGY_ERROR])

    @property
    def nit(self):
        return int(self.counters[layout.NIT])

    @property
    def nfev(self):
        return int(self.counters[layout.NFEV])

    @property
    def njev(self):
        return int(self.counters[layout.NJEV])

    def f0_history(self):
        """(step, F0) at the start and after every re-anchor (the first 512), shape (k, 2)."""
        k = int(self.scalars[layout.N_HISTORY])
        return self.scalars[layout.N_SLOTS:layout.N_SLOTS + 2 * k].reshape(k, 2).copy()

    def diagnostics(self):
        """The fields of the dynamics that a hamopt result carries besides scipy's."""
        s, c = self.scalars, self.counters
        return dict(
            E=float(s[layout.E]),
            energy_error=self.energy_error,
            max_energy_error=float(s[layout.MAX_ENERGY_ERROR]),
            n_restore_failed=int(c[layout.N_RESTORE_FAILED]),
            n_stall_bounces=int(c[layout.N_STALL_BOUNCES]),
            F0=self.F0,
            F0_history=self.f0_history(),
            n_reanchors=int(c[layout.N_REANCHORS]),
            q=self.q,
            p=self.p,
        )
