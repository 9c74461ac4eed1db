"""The local search: scipy's L-BFGS-B from the best point, within the budget."""
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..dynamics import regularized


class _BudgetSpent(Exception):
    pass


# L-BFGS-B is started again from its own result while that still improves, at most
# this many times in all. Its curvature pairs, built from finite-difference
# gradients on an ill-conditioned problem, end up misleading it well above the
# minimum (bbob f10-f14, forward differences: 1e-5 to 1e-3 above f_opt); a fresh
# start from the point reached goes on down. With exact gradients the extra
# rounds stop at once (a few evaluations).
_ROUNDS = 10


@dataclass
class LocalSearch:
    """What a polish found so far, updated at every evaluation (nothing is lost
    if the user's function raises): the best ``x``, ``fun`` and ``jac`` (None
    until a point better than the start is found), and the evaluations spent."""
    x: np.ndarray
    fun: float
    jac: np.ndarray = None
    nfev: int = 0
    njev: int = 0

    @property
    def improved(self):
        return self.jac is not None


def polish(objective, found, weight_decay, box, fev_budget):
    """L-BFGS-B from found.x (where F = found.fun) on F + w_d/2 |x|^2 (eq. 12), in the box,
    restarted from its result while that improves (at most ``_ROUNDS`` runs).

    ``found`` (a LocalSearch) is updated in place as the search goes. At most
    ``fev_budget`` evaluations of ``fun``.
    """
    fev_per_call = objective.fev_per_step

    def value_and_grad(z):
        if found.nfev + fev_per_call > fev_budget:
            raise _BudgetSpent
        value, grad = objective.value_and_grad(z.copy())
        found.nfev += fev_per_call  # counted once it returned, as in the dynamics
        found.njev += 1
        value = regularized(float(value), z, weight_decay)
        grad = np.asarray(grad, dtype=float) + weight_decay * z
        if math.isfinite(value) and value < found.fun and np.all(np.isfinite(grad)):
            found.x, found.fun, found.jac = z.copy(), value, grad.copy()
        return value, grad

    bounds = None if box is None else list(zip(*box))
    try:
        for _ in range(_ROUNDS):
            start = found.fun
            # Tolerances near machine precision: the polish is the last word on accuracy,
            # and it is cut by the budget, not by scipy's default ftol (2.2e-9 relative).
            minimize(value_and_grad, found.x, jac=True, method="L-BFGS-B", bounds=bounds,
                     options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000))
            if not found.fun < start:
                break
    except _BudgetSpent:
        pass
    return found


def polish_stage(state, objective, options):
    """Polish from the search's best point; fold what it found into ``state``.

    Returns whether the polish found a better point. The state is updated even
    when the user's function raises during the polish.
    """
    budget = options.maxfev - state.nfev
    if budget < objective.fev_per_step or not math.isfinite(state.fun):
        return False
    found = LocalSearch(x=state.x, fun=state.fun)
    try:
        polish(objective, found, options.weight_decay, options.box, budget)
    finally:
        state.polish_nfev += found.nfev
        state.polish_njev += found.njev
        state.nfev += found.nfev
        state.njev += found.njev
        if found.improved:
            state.x, state.fun, state.jac = found.x, found.fun, found.jac
    return found.improved
