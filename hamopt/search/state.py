"""The one explicit state of a search: the best point and the counts, across all stages."""
import math
from dataclasses import dataclass

import numpy as np


@dataclass
class SearchState:
    """Best point and budget spent so far; the stages update it, the solver reads it once.

    ``fun`` and ``jac`` include the weight-decay term; ``f_start`` is F(x0)
    with it. ``nit``, ``nfev``, ``njev`` count the whole run (polish included).
    """
    x: np.ndarray
    fun: float
    jac: np.ndarray
    f_start: float
    nit: int = 0
    nfev: int = 0
    njev: int = 0
    polish_nfev: int = 0
    polish_njev: int = 0
    nhops: int = 0
    nlandings: int = 0  # polishes from the flights' landings
    curvature_njev: int = 0
    nrestarts: int = 0
    hop_climb: float = math.nan
    n_nonfinite_stops: int = 0
    ntrajectories: int = 0  # first trajectories run (restarts' included), besides flights

    def take_counts(self, particle):
        """The totals of a particle that continued (or started) this search's counts."""
        self.nit, self.nfev, self.njev = particle.nit, particle.nfev, particle.njev

    def take_best(self, particle, start=math.inf):
        """Move to the particle's best point if it is below ``start`` and the current best.

        Returns whether it moved. ``start`` is F where the particle started, as
        the particle computed it (a flight's start is the search's best point).
        """
        if particle.f_best < min(start, self.fun):
            self.x, self.fun, self.jac = particle.x_best, particle.f_best, particle.jac_best
            return True
        return False

    def absorb(self, other):
        """Fold in a restart's search, which continued this run's counts."""
        self.nit, self.nfev, self.njev = other.nit, other.nfev, other.njev
        self.polish_nfev += other.polish_nfev
        self.polish_njev += other.polish_njev
        self.nhops += other.nhops
        self.nlandings += other.nlandings
        self.curvature_njev += other.curvature_njev
        self.n_nonfinite_stops += other.n_nonfinite_stops
        self.ntrajectories += other.ntrajectories
        if not math.isnan(other.hop_climb):
            self.hop_climb = other.hop_climb
        if other.fun < self.fun:
            self.x, self.fun, self.jac = other.x, other.fun, other.jac
