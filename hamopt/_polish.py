"""The final local search: scipy's L-BFGS-B from the best point, within the budget."""
import math

import numpy as np


class _BudgetSpent(Exception):
    pass


def polish(objective, x, f, weight_decay, box, fev_budget):
    """L-BFGS-B from x (with F(x) = f) on F + w_d/2 |x|^2, honouring the box.

    Returns ``(x, f, g, nfev, njev)``: the best point the search saw (x itself
    if nothing better), F and grad F there (g is None if x was kept), and the
    evaluations spent. At most ``fev_budget`` evaluations of ``fun``.
    """
    from scipy.optimize import minimize

    fev_per_call = objective.fev_per_step
    best = {"x": x, "f": f, "g": None}
    calls = 0

    def value_and_grad(z):
        nonlocal calls
        if (calls + 1) * fev_per_call > fev_budget:
            raise _BudgetSpent
        calls += 1
        value, grad = objective.value_and_grad(z.copy())
        value = float(value) + 0.5 * weight_decay * float(z @ z)
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
    return best["x"], best["f"], best["g"], calls * fev_per_call, calls
