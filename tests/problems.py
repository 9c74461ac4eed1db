"""Test objectives: plain numpy versions and numba-jitted twins."""
import numba
import numpy as np

from hamopt import testfunctions


def smooth(x):
    """1 + |x|^2 + 0.3 sum(sin x): smooth, > 0.9 for n <= 5, non-quadratic."""
    return 1.0 + x @ x + 0.3 * np.sum(np.sin(x))


def smooth_grad(x):
    return 2.0 * x + 0.3 * np.cos(x)


def bowl(x):
    """1 + |x|^2, whose invariant measure is known in closed form."""
    return 1.0 + x @ x


def bowl_grad(x):
    return 2.0 * x


def ellipsoid(n, condition, rotation=None, centre=1.0):
    """F = sum_i c^(i/(n-1)) z_i^2, z = R (x - centre): ill-conditioned, and turned by
    the orthogonal ``rotation`` if one is given."""
    weights = condition ** (np.arange(n) / (n - 1))
    turn = np.eye(n) if rotation is None else rotation
    return lambda x: float(weights @ (turn @ (x - centre)) ** 2)


def sphere(x):
    return x @ x


def sphere_grad(x):
    return 2.0 * x


# numba-jitted objectives, from the public test-function module
rosen_jit = testfunctions.rosenbrock
rosen_grad_jit = testfunctions.rosenbrock_grad
sphere_jit = testfunctions.sphere
sphere_grad_jit = testfunctions.sphere_grad


@numba.njit
def rosen_value_and_grad_jit(x):
    return rosen_jit(x), rosen_grad_jit(x)
