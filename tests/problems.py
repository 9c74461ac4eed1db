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


def _oscillate(v):
    """bbob's T_osz on a number: v times a factor in [0.9, 1.1] that oscillates in log|v|."""
    if v == 0.0:
        return 0.0
    log_v = np.log(abs(v))
    c1, c2 = (10.0, 7.9) if v > 0 else (5.5, 3.1)
    return float(np.sign(v) * np.exp(log_v + 0.049 * (np.sin(c1 * log_v) + np.sin(c2 * log_v))))


def attractive_sector(n, seed):
    """bbob's f6 with F* = 0, written from its definition (Hansen et al., 2009):
    T_osz(sum (s_i z_i)^2)^0.9, z = Q Lambda^10 R (x - x*), s_i = 100 where z_i x*_i > 0
    and 1 elsewhere; the minimizer x* is uniform in [-4, 4]^n. Kinked where a z_i is
    0, and steep (x 1e4) on one side of each kink."""
    scales = 10.0 ** (0.5 * np.arange(n) / (n - 1))
    turn = (testfunctions.random_rotation(n, seed + 1000) @ np.diag(scales)
            @ testfunctions.random_rotation(n, seed))
    centre = np.random.default_rng(seed).uniform(-4.0, 4.0, n)

    def fun(x):
        z = turn @ (x - centre)
        return _oscillate(float(np.sum((np.where(z * centre > 0, 100.0, 1.0) * z) ** 2))) ** 0.9
    return fun, centre


def kinked_bowl(n, seed):
    """(sum (s_i y_i)^2)^0.9, y = R (x - c), s_i = 100 where y_i c_0 > 0 and 1 elsewhere:
    kinked as ``attractive_sector``, but plain enough for L-BFGS-B started again."""
    turn = testfunctions.random_rotation(n, seed)
    centre = np.random.default_rng(seed + 100).uniform(-1.0, 1.0, n)

    def fun(x):
        y = turn @ (x - centre)
        return float(np.sum((np.where(y * centre[0] > 0, 100.0, 1.0) * y) ** 2)) ** 0.9
    return fun, centre


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
