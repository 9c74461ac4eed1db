"""The nopython leapfrog loop for numba-jitted objectives.

``run_compiled`` is compiled once, for one signature, whatever the objective:
the objective reaches it as a first-class function of the fixed type
``float64(float64[::1] x, float64[::1] grad_out)``. A small adapter per
objective (``compiled_value_and_grad``) gives the user's ``fun``/``jac`` that
shape; the driver itself is loaded from numba's disk cache in later processes.
"""
import functools

import numba
import numpy as np
from numba import types

from ._jit import jit
from ._kernels import draws_noise, finish_and_advance
from ._layout import Q, G, Z, NIT, NFEV, NJEV, RUNNING

value_and_grad_type = types.FunctionType(types.float64(types.float64[::1], types.float64[::1]))
_generator_type = numba.typeof(np.random.default_rng(0))


@jit(types.int64(value_and_grad_type, types.float64[:, ::1], types.float64[::1],
                 types.int64[::1], _generator_type, types.int64))
def run_compiled(value_and_grad, W, s, c, rng, nsteps):
    """Up to nsteps leapfrog steps; returns RUNNING or why the run stopped."""
    z = W[Z]
    for _ in range(nsteps):
        f = value_and_grad(W[Q], W[G])
        c[NFEV] += 1
        c[NJEV] += 1
        with_z = draws_noise(s, c[NIT] + 1)
        if with_z:
            # The same stream as Generator.standard_normal(out=z) on the Python path.
            for i in range(z.shape[0]):
                z[i] = rng.standard_normal()
        status = finish_and_advance(W, W[G], f, s, c, with_z)
        if status != RUNNING:
            return status
    return RUNNING


@functools.lru_cache(maxsize=128)
def compiled_value_and_grad(fun, jac):
    """An nopython ``value_and_grad(x, grad_out) -> f`` for jitted fun and jac (or jac=True)."""
    if jac is True:
        @numba.njit
        def value_and_grad(x, grad_out):
            f, g = fun(x)
            grad_out[:] = g
            return f
    else:
        @numba.njit
        def value_and_grad(x, grad_out):
            f = fun(x)
            grad_out[:] = jac(x)
            return f
    return value_and_grad
