"""A local search for the polish with finite differences on ill-conditioned problems:
L-BFGS-B in the metric of the Hessian at the best point (``whitened_round``).

With forward differences, L-BFGS-B stalls above the minimum of an ill-conditioned
function: the error of a difference gradient is about ``h/2`` times the curvature
along each coordinate, constant near the minimum, so the run converges to where
that error balances the true gradient (for bbob's f10 in 20-D, 1e-6 to 1e-5 above
f_opt); and the simplex, which the polish runs next, is slow in 20 variables. In
the coordinates ``y`` with ``x = x_b + L y``, ``L = V diag(lambda)^(-1/2)`` from the
eigenpairs of the Hessian ``H`` at the best point ``x_b``, F is round (curvature 1 in
every direction), so a difference step of ``2 sqrt(eps max(1, |F|))`` (where the
forward difference's truncation and rounding errors balance, for curvature 1)
sees the gradient to the end, and L-BFGS-B goes on to the 1e-8 target.

``H`` comes from differences of the difference gradient along a random orthonormal
basis (``directions.hessian``: ``n`` gradients), so no coordinate axis is special
and a rotation of the problem rotates ``L`` with it. Where F's curvature at the
length of the next step is not the metric's (bbob's f14, whose powers of |z_i| run
from 2 to 6 under a square root; f6 away from its minimum, where the kinks of its
sectors lie between the Hessian's points) the metric misleads, and the round
stops after its check (``_trusted``).
"""
import math

import numpy as np
from scipy.optimize import minimize

from .directions import clipped, hessian

_EPS = np.finfo(float).eps
# The Hessian's difference step, relative to max(1, rms |x|). Far larger than the
# flights' eps^(1/4) (directions.py): the error of a forward-difference gradient
# grows with the largest curvature, and must stay small against the change of
# the gradient along the flattest direction. On bbob (instances 7-9, 13-16; scratch)
# steps from 1e-3 to 1e-1 (relative to max(1, |x|_inf)) did alike; eps^(1/4) did a
# little worse (102 against 103 hits at 1000 d on instances 7-9, d = 5-20).
_HESSIAN_STEP = 1e-2
# The round runs only if F's second differences along _PROBES random directions,
# at the length of the step to the model's minimum (in the whitened coordinates),
# agree with the metric within a factor _AGREEMENT (their median). On bbob (tuning
# instances 7-9, 13-16; d = 10, 20) the ratio was 0.9 to 2.1 on f10-f13 and 6 to
# 50 on f6 and f14, where the round spent the simplex's budget for nothing.
_PROBES = 3
_AGREEMENT = 4.0
# Eigenvalues of H below this times the largest in absolute value are raised to it.
_SMALLEST = 1e-14


def whitened_round(x, f_x, g, value_and_grad, evaluate, box, rng, memory):
    """One L-BFGS-B run in the metric of the Hessian at ``x`` (where F = ``f_x`` and the
    gradient is ``g``); returns whether it ran (False: the metric was not trusted).

    ``value_and_grad(z) -> (F, gradient)`` and ``evaluate(z) -> F`` are the polish's
    counted evaluations, which keep the best point and raise when the budget is
    spent. Points are clipped into ``box`` (a tuple of arrays or None) before F is
    taken; ``memory`` is L-BFGS-B's number of curvature pairs.
    """
    if not (np.all(np.isfinite(g)) and np.any(g)):
        return False  # a plateau, or no gradient: the simplex's case
    h = hessian(value_and_grad, x, g, rng, exact_gradient=False, box=box,
                relative=_HESSIAN_STEP)
    if h is None or not np.all(np.isfinite(h)):
        return False
    values, vectors = np.linalg.eigh(0.5 * (h + h.T))
    top = float(np.max(np.abs(values)))
    if not top > 0.0:
        return False
    whiten = vectors / np.sqrt(np.maximum(np.abs(values), _SMALLEST * top))

    def value(y):
        return evaluate(clipped(x + whiten @ y, box))

    def value_and_difference_gradient(y):
        f = value(y)
        step = 2.0 * math.sqrt(_EPS * max(1.0, abs(f)))
        grad = np.empty(y.size)
        for i in range(y.size):
            z = y.copy()
            z[i] += step
            grad[i] = (value(z) - f) / step
        return f, grad

    if not _trusted(value, f_x, whiten.T @ g, rng):
        return False
    minimize(value_and_difference_gradient, np.zeros(x.size), jac=True, method="L-BFGS-B",
             options=dict(ftol=1e-15, gtol=1e-12, maxiter=10_000, maxcor=memory))
    return True


def _trusted(value, f_x, gradient, rng):
    """Whether F's curvature at the length of the model's step, ``|gradient|`` in the
    whitened coordinates, is within ``_AGREEMENT`` of the metric's (which is 1 in
    every direction there): the median of ``_PROBES`` second differences along
    random directions."""
    length = float(np.linalg.norm(gradient))
    ratios = []
    for _ in range(_PROBES):
        u = rng.standard_normal(gradient.size)
        u *= length / np.linalg.norm(u)
        ratios.append((value(u) + value(-u) - 2.0 * f_x) / length ** 2)
    ratio = float(np.median(ratios))
    return 1.0 / _AGREEMENT <= ratio <= _AGREEMENT
