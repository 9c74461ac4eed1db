"""Test objectives: plain numpy versions and numba-jitted twins."""
import numba
import numpy as np


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


def sphere(x):
    return x @ x


def sphere_grad(x):
    return 2.0 * x


@numba.njit
def rosen_jit(x):
    total = 0.0
    for i in range(x.size - 1):
        total += 100.0 * (x[i + 1] - x[i] ** 2) ** 2 + (1.0 - x[i]) ** 2
    return total


@numba.njit
def rosen_grad_jit(x):
    g = np.zeros_like(x)
    for i in range(x.size - 1):
        t = x[i + 1] - x[i] ** 2
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * t
    return g


@numba.njit
def rosen_value_and_grad_jit(x):
    return rosen_jit(x), rosen_grad_jit(x)


@numba.njit
def sphere_jit(x):
    return (x * x).sum()


@numba.njit
def sphere_grad_jit(x):
    return 2.0 * x
