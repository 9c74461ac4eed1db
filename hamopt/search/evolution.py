"""A derivative-free local search for the polish: a (mu/mu_w, lambda) evolution
strategy with covariance matrix adaptation (CMA-ES), started at the best point.

The formulas are those of N. Hansen, "The CMA Evolution Strategy: A Tutorial"
(arXiv:1604.00772, 2016), with its default parameters: each generation draws
``lambda = population (4 + floor(3 ln n))`` points from N(m, sigma^2 C), moves
the mean m to the weighted mean of the best half, adapts sigma by the length
of the conjugate evolution path and C by its rank-one and rank-mu updates.
It uses only the order of the values of F, so it goes where finite
differences see nothing (a plateau: F is a step function) or noise (a
rugged function), and C learns the problem's axes in any coordinate system:
a rotation of the problem rotates the whole run with it (in distribution).

Points outside the box are moved onto it before F is taken, and the step
that produced them with them. A run ends when the spread of its points or
of its values falls to rounding, when a whole generation has one value (its
order says nothing), or after ``max_generations`` (pycma's default limit,
``100 + 150 (n + 3)^2 / sqrt(lambda)``), so that it ends even where F is pure
noise and the budget is unlimited.
"""
import math

import numpy as np

from .directions import clipped

# A run ends when sigma * sqrt(the largest eigenvalue of C) is below
# _XTOL max(1, |m|_inf), or when the best values of the last _FLAT_GENERATIONS
# generations, and the values of the last one, lie within _FTOL max(1, |F|).
_XTOL = 1e-11
_FTOL = 1e-13
_FLAT_GENERATIONS = 10
# ... or when C's condition number passes this (its axes are then rounding).
_MAX_CONDITION = 1e14


def base_population(n):
    """lambda for population 1: 4 + floor(3 ln n)."""
    return 4 + int(3 * math.log(n))


def max_generations(n, lam):
    """The most generations of one run (pycma's default ``maxiter``)."""
    return 100 + int(150 * (n + 3) ** 2 / math.sqrt(lam))


def evolve(x, sigma, evaluate, box, rng, population=1, f_start=None, patience=None,
           hand_over=False):
    """One run from the mean ``x`` with step size ``sigma`` and ``population`` times
    the default number of points a generation; returns whether it found a value
    below ``f_start`` (F at x; False without it).

    With ``patience`` (evaluations), the run also ends once it has spent
    ``patience`` evaluations without a value below ``f_start``; with
    ``hand_over``, at the first generation with such a value (for a local method
    to go on from the best point).

    ``evaluate(z) -> F`` is the polish's counted evaluation: it keeps the best
    point and raises when the budget is spent. ``box`` is ``(lower, upper)`` or
    None.
    """
    n = x.size
    lam = population * base_population(n)
    mu = lam // 2
    weights = math.log(mu + 0.5) - np.log(np.arange(1, mu + 1))
    weights /= weights.sum()
    mu_eff = 1.0 / float(weights @ weights)
    # Learning rates and damping (the tutorial's Table 1).
    c_sigma = (mu_eff + 2) / (n + mu_eff + 5)
    d_sigma = 1 + 2 * max(0.0, math.sqrt((mu_eff - 1) / (n + 1)) - 1) + c_sigma
    c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n)
    c_1 = 2 / ((n + 1.3) ** 2 + mu_eff)
    c_mu = min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((n + 2) ** 2 + mu_eff))
    chi_n = math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n))  # E|N(0, I)|

    mean = x.copy()
    p_sigma, p_c = np.zeros(n), np.zeros(n)
    cov = np.eye(n)
    axes, scales = np.eye(n), np.ones(n)  # cov = axes diag(scales^2) axes^T
    best_values = []
    went_lower = False  # below f_start
    for generation in range(1, max_generations(n, lam) + 1):
        steps = (rng.standard_normal((lam, n)) * scales) @ axes.T
        points = clipped(mean + sigma * steps, box)
        if box is not None:
            steps = (points - mean) / sigma
        values = np.array([evaluate(z) for z in points])
        order = np.argsort(values, kind="stable")
        if values[order[0]] == values[order[-1]]:
            return went_lower  # one value: the order says nothing
        chosen = steps[order[:mu]]
        step = weights @ chosen
        mean = mean + sigma * step
        whitened = axes @ ((axes.T @ step) / scales)  # C^(-1/2) step
        p_sigma = ((1 - c_sigma) * p_sigma
                   + math.sqrt(c_sigma * (2 - c_sigma) * mu_eff) * whitened)
        norm = float(np.linalg.norm(p_sigma))
        stalled = (norm / math.sqrt(1 - (1 - c_sigma) ** (2 * generation))
                   >= (1.4 + 2 / (n + 1)) * chi_n)  # the tutorial's h_sigma = 0
        p_c = (1 - c_c) * p_c + (not stalled) * math.sqrt(c_c * (2 - c_c) * mu_eff) * step
        cov = ((1 - c_1 - c_mu + stalled * c_1 * c_c * (2 - c_c)) * cov
               + c_1 * np.outer(p_c, p_c) + c_mu * (chosen.T * weights) @ chosen)
        cov = (cov + cov.T) / 2
        sigma *= math.exp(min(1.0, (c_sigma / d_sigma) * (norm / chi_n - 1)))
        eig, axes = np.linalg.eigh(cov)
        scales = np.sqrt(np.maximum(eig, 0.0))
        best_values.append(values[order[0]])
        went_lower = went_lower or bool(f_start is not None and values[order[0]] < f_start)
        if hand_over and went_lower:
            return True
        if patience is not None and generation * lam >= patience and not went_lower:
            return False
        if _converged(mean, sigma, scales, values, order, best_values):
            return went_lower
    return went_lower


def _converged(mean, sigma, scales, values, order, best_values):
    if not scales.min() > scales.max() / math.sqrt(_MAX_CONDITION):
        return True
    if sigma * scales.max() < _XTOL * max(1.0, float(np.max(np.abs(mean)))):
        return True
    recent = best_values[-_FLAT_GENERATIONS:]
    tol = _FTOL * max(1.0, abs(min(recent)))
    return (len(best_values) >= _FLAT_GENERATIONS and max(recent) - min(recent) <= tol
            and values[order[-1]] - values[order[0]] <= tol)
