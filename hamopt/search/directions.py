"""The flights' directions: the principal axes of the curvature (docs/algorithm.rst, eq. 16).

A sweep of the hop search flies along ``n`` orthonormal directions. Along
the coordinate axes (``hop_directions="axes"``) it wins on separable
functions and loses as soon as they are turned. The *curvature axes*
(``"curvature"``, the default) are the eigenvectors of

    H = H(x_b) + H(x_b + s z),    z ~ N(0, I),  s = the flights' time step,

the sum of the Hessians at the best point and at a random point near it,
each by differences of the gradient along a random orthonormal basis.
For a separable function turned by any rotation R, ``H(x) = R^T D(x) R``
with ``D`` diagonal at every x, so the eigenvectors of the sum are the
rotated axes; the second point is there because at a minimum of a function
such as Rastrigin every curvature is the same (D a multiple of I) and a
single Hessian says nothing, while at a generic point the ``D_ii`` differ.
A rotation of the problem rotates ``H`` and its eigenvectors with it, so
the search does the same in any coordinate system (up to rounding and the
box). Cost: ``2 n + 1`` gradients per sweep, against the sweep's ``n``
flights of up to ``hop_steps`` steps each.
"""
import math

import numpy as np

_EPS = np.finfo(float).eps
# Difference steps for the Hessian, relative to max(1, rms |x|): sqrt(eps) with
# exact gradients; eps**(1/4) when the gradients are themselves forward
# differences (their error, ~sqrt(eps), divided by the step must stay small).
_STEP_EXACT_GRADIENT = math.sqrt(_EPS)
_STEP_FD_GRADIENT = _EPS ** 0.25
# Eigenvalues closer than this (relative to the largest) count as equal.
_TIED = 1e-12


def random_basis(rng, n):
    """A uniformly random orthonormal basis, as the columns of an n x n matrix."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.where(np.diag(r) < 0.0, -1.0, 1.0)


def curvature_axes(evaluate, x, g, spread, rng, exact_gradient=True, box=None):
    """The eigenvectors of H(x) + H(x + spread z), as the columns of a matrix.

    ``evaluate(y) -> (f, grad)`` is called ``2 n + 1`` times; ``g`` is the
    gradient at ``x``. Returns None if a gradient was not finite.
    Points are clipped into ``box``; the Hessian is then fitted to the
    steps actually taken.
    """
    n = x.size
    far = clipped(x + spread * rng.standard_normal(n), box)
    _, g_far = evaluate(far)
    if not np.all(np.isfinite(g_far)):
        return None
    total = np.zeros((n, n))
    for point, grad in ((x, g), (far, g_far)):
        hessian_at = hessian(evaluate, point, grad, rng, exact_gradient, box)
        if hessian_at is None:
            return None
        total += hessian_at
    if not np.all(np.isfinite(total)):
        return None
    return _eigenvectors(0.5 * (total + total.T), rng)


def _eigenvectors(h, rng):
    """The eigenvectors of the symmetric ``h`` as columns. Where eigenvalues are equal
    (a flat or round function: any basis of their subspace will do), LAPACK would
    return one that follows the coordinate axes; they are computed in a random basis
    instead, so that no axis is special."""
    values, vectors = np.linalg.eigh(h)
    gaps = np.diff(values)
    if np.all(gaps > _TIED * max(1e-300, float(np.max(np.abs(values))))):
        return vectors
    q = random_basis(rng, h.shape[0])
    return q @ np.linalg.eigh(q.T @ h @ q)[1]


def hessian(evaluate, x, g, rng, exact_gradient, box, relative=None):
    """H(x) from the gradients at x + h q_j along a random orthonormal basis q, with
    h = ``relative`` max(1, rms |x|) (by default the step for exact or difference
    gradients above); None at the first gradient that is not finite."""
    n = x.size
    if relative is None:
        relative = _STEP_EXACT_GRADIENT if exact_gradient else _STEP_FD_GRADIENT
    h = relative * max(1.0, float(np.sqrt(np.mean(x * x))))
    steps = np.empty((n, n))
    changes = np.empty((n, n))
    for j, q in enumerate(random_basis(rng, n).T):
        y = clipped(x + h * q, box)
        if np.linalg.norm(y - x) < 0.5 * h:
            y = clipped(x - h * q, box)  # at a wall: step inwards
        _, g_y = evaluate(y)
        if not np.all(np.isfinite(g_y)):
            return None
        steps[:, j] = y - x
        changes[:, j] = g_y - g
    # H steps = changes  ->  H = changes steps^-1 (least squares if a wall made steps singular)
    return np.linalg.lstsq(steps.T, changes.T, rcond=None)[0].T


def clipped(y, box):
    """y clipped into the box (y itself without one)."""
    return y if box is None else np.clip(y, box[0], box[1])
