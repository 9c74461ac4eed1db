"""The local search: scipy's L-BFGS-B from the best point, within the budget."""
import math

import numpy as np

from ._particle import regularized
from ._status import POLISHED_MESSAGE, attach_result


class _BudgetSpent(Exception):
    pass


def polish(objective, best, weight_decay, box, fev_budget):
    """L-BFGS-B from best["x"] (where F = best["f"]) on F + w_d/2 |x|^2, honouring the box.

    ``best`` is updated in place as the search goes (so an exception from the
    user's function loses nothing): ``x``, ``f``, ``g`` (None until a better
    point is found), and ``nfev``, ``njev`` the evaluations spent. At most
    ``fev_budget`` evaluations of ``fun``.
    """
    from scipy.optimize import minimize

    fev_per_call = objective.fev_per_step
    best.update(g=None, nfev=0, njev=0)
    x = best["x"]

    def value_and_grad(z):
        if best["nfev"] + fev_per_call > fev_budget:
            raise _BudgetSpent
        value, grad = objective.value_and_grad(z.copy())
        best["nfev"] += fev_per_call  # counted once it returned, as in the main loop
        best["njev"] += 1
        value = regularized(float(value), z, weight_decay)
        grad = np.asarray(grad, dtype=float) + weight_decay * z
        if math.isfinite(value) and value < best["f"] and np.all(np.isfinite(grad)):
            best.update(x=z.copy(), f=value, g=grad.copy())
        return value, grad

    bounds = None if box is None else list(zip(*box))
    try:
        # Tolerances near machine precision: the polish is the last word on accuracy,
        # and it is cut by the budget, not by scipy's default ftol (2.2e-9 relative).
        minimize(value_and_grad, x, jac=True, method="L-BFGS-B", bounds=bounds,
                 options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000))
    except _BudgetSpent:
        pass


def polish_result(res, objective, options):
    """Polish from res.x and fold the outcome into the OptimizeResult ``res`` (in place).

    The evaluations are added to ``nfev``/``njev`` and to ``polish_nfev``/``polish_njev``;
    an exception from the user's function leaves the best point found in ``res``,
    attached to the exception as ``result``.
    """
    budget = options["maxfev"] - res.nfev
    if budget < objective.fev_per_step or not math.isfinite(res.fun):
        return
    best = dict(x=res.x, f=res.fun)
    try:
        polish(objective, best, options["weight_decay"], options["bounds"], budget)
    except BaseException as exc:  # the user's function failed: keep the best point
        _fold(res, best, options)
        attach_result(exc, res)
        raise
    _fold(res, best, options)


def _fold(res, best, options):
    res.update(polish_nfev=res.polish_nfev + best["nfev"],
               polish_njev=res.polish_njev + best["njev"],
               nfev=res.nfev + best["nfev"], njev=res.njev + best["njev"])
    if best["g"] is not None:
        res.update(x=best["x"], fun=best["f"], jac=best["g"])
        if (res.status != 0 and options["F0"] is not None
                and best["f"] - options["F0"] <= options["tol"]):
            res.update(status=0, success=True, message=POLISHED_MESSAGE)
