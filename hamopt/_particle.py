"""The state of one run: the particle, its energy, its budget and its best point.

``Particle`` owns the arrays that the kernels update in place (see ``_layout``)
and does the work that happens once per run in Python: the initial momentum
(eq. 10-11), the energy E, and reading the state back for results.
"""
import math

import numpy as np

from . import _layout as L
from ._kernels import begin, record_f0


def regularized(f, x, weight_decay):
    """F(x) + w_d/2 |x|^2: the objective the dynamics minimizes (eq. 24)."""
    return f + 0.5 * weight_decay * float(x @ x)


class Particle:
    """Phase-space state and run bookkeeping shared with the kernels.

    Parameters
    ----------
    x0 : ndarray, shape (n,)
        Starting point q_0.
    f0, g0 : float, ndarray
        F and grad F at ``x0``, without the weight-decay term.
    options : dict
        The validated options of ``minimize`` (F0, eta, dt, deltaE, nu, gamma,
        weight_decay, tol, energy_restore, maxiter, maxfev, bounce_every, and
        optionally bounds as ``(lower, upper)`` arrays; x0 must lie inside them).
    fev_per_step : int
        Objective evaluations one gradient costs (the one at ``x0`` included in ``nfev``).
    rng : numpy.random.Generator
        Source of the random direction when grad F(x0) = 0 and of the bounces.
    p0 : ndarray, optional
        Initial momentum; by default ``-sqrt(deltaE) grad F / |grad F|`` (eq. 11,
        with the descent sign). ``E`` is then set from ``p0`` (eq. 4).
    counts : tuple of int, optional
        ``(nit, nfev, njev)`` already spent when this particle continues a
        search (a hop flight); ``maxiter`` and ``maxfev`` then limit these
        totals. Default: a new run, whose evaluation at ``x0`` is its first.
    """

    def __init__(self, x0, f0, g0, options, fev_per_step, rng, p0=None, counts=None):
        n = x0.size
        self.rng = rng
        W = self.W = np.zeros((L.N_ROWS, n))
        s = self.s = np.zeros(L.N_SLOTS + 2 * L.HISTORY_CAPACITY)
        self.c = np.zeros(L.N_COUNTERS, dtype=np.int64)
        if counts is None:
            counts = (0, fev_per_step, 1)  # the evaluation at x0 (f0, g0)
        self.c[L.NIT], self.c[L.NFEV], self.c[L.NJEV] = counts

        f_start = regularized(f0, x0, options["weight_decay"])
        if options["F0"] is None:
            # hamopt's own lower bound: below F(x0) by its scale, then re-anchored (_kernels).
            delta = max(1.0, abs(f_start))
            s[L.ADAPTIVE_F0] = 1.0
            s[L.F0] = f_start - delta
            s[L.ANCHOR_F] = s[L.CHECK_F] = f_start
            s[L.ANCHOR_GAP] = delta
        else:
            s[L.F0] = options["F0"]
        s[L.ETA] = options["eta"]
        s[L.DT] = options["dt"]
        s[L.DELTA_E] = options["deltaE"]
        s[L.NU] = options["nu"]
        s[L.GAMMA] = options["gamma"]
        s[L.WEIGHT_DECAY] = wd = options["weight_decay"]
        s[L.TOL] = -np.inf if options["F0"] is None else options["tol"]
        s[L.RESTORE] = float(bool(options["energy_restore"]))
        s[L.MAXITER] = options["maxiter"]
        s[L.MAXFEV] = options.get("dynamics_maxfev", options["maxfev"])
        s[L.FEV_PER_STEP] = fev_per_step
        s[L.BOUNCE_EVERY] = options["bounce_every"]
        s[L.STALL_BOUNCE] = options.get("stall_bounce", 0)
        s[L.LOG_KICK] = math.log(0.5 * s[L.DT] * s[L.ETA])
        box = options.get("bounds")
        W[L.LOWER], W[L.UPPER] = (-np.inf, np.inf) if box is None else box
        s[L.BOUNDED] = float(box is not None)

        W[L.Q] = x0
        W[L.G] = g0 + wd * x0
        W[L.X_BEST] = W[L.Q]
        W[L.G_BEST] = W[L.G]
        s[L.F] = s[L.F_BEST] = f_start
        record_f0.py_func(s, int(self.c[L.NIT]))  # plain Python: no compiled code to go stale

        if p0 is None:
            p0 = math.sqrt(options["deltaE"]) * self._initial_direction()
        p_norm = float(np.linalg.norm(p0))
        lam = max(0.0, math.log(p_norm)) if p_norm > 0.0 else 0.0
        W[L.U] = p0 * math.exp(-lam)
        s[L.LAM] = lam
        # E = log(1 + |p0|^2) + eta log(F(q0) - F0) (eq. 4); with the default p0 this
        # is eq. 10, e^E = V(0) (1 + deltaE).
        s[L.E] = math.log1p(p_norm * p_norm) + s[L.ETA] * math.log(s[L.F] - s[L.F0])
        begin(W, s)

    def _initial_direction(self):
        """-grad F / |grad F| at q_0, or a random unit vector where grad F = 0."""
        g = self.W[L.G]
        norm = float(np.linalg.norm(g))
        if norm > 0.0 and math.isfinite(norm):
            return -g / norm
        if self.s[L.DELTA_E] == 0.0:
            return np.zeros_like(g)  # |p0| = 0: no direction needed, no draw spent
        z = self.rng.standard_normal(g.size)
        return z / np.linalg.norm(z)

    # Read-outs -----------------------------------------------------------

    @property
    def q(self):
        """The particle's position (a copy)."""
        return self.W[L.Q].copy()

    @property
    def p(self):
        """The particle's momentum exp(lam) u (a new array; inf where it overflows)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return np.exp(self.s[L.LAM]) * self.W[L.U]

    @property
    def nit(self):
        return int(self.c[L.NIT])

    @property
    def nfev(self):
        return int(self.c[L.NFEV])

    @property
    def njev(self):
        return int(self.c[L.NJEV])

    def f0_history(self):
        """(step, F0) at the start and after every re-anchor (the first 512), shape (k, 2)."""
        k = int(self.s[L.N_HISTORY])
        return self.s[L.N_SLOTS:L.N_SLOTS + 2 * k].reshape(k, 2).copy()

    def diagnostics(self):
        """The fields every hamopt result carries besides scipy's standard ones."""
        s = self.s
        return dict(
            E=float(s[L.E]),
            energy_error=float(s[L.ENERGY_ERROR]),
            max_energy_error=float(s[L.MAX_ENERGY_ERROR]),
            n_restore_failed=int(self.c[L.N_RESTORE_FAILED]),
            n_stall_bounces=int(self.c[L.N_STALL_BOUNCES]),
            F0=float(self.s[L.F0]),
            F0_history=self.f0_history(),
            n_reanchors=int(self.c[L.N_REANCHORS]),
            q=self.q,
            p=self.p,
        )
