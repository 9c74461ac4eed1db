"""The nopython leapfrog loops for numba-jitted objectives.

Each driver is compiled once, for one signature, whatever the objective: the
user's functions reach it as first-class functions of fixed types,
``float64(float64[::1])`` for ``fun`` and ``float64[::1](float64[::1])`` for
``jac`` (or ``(float64, float64[::1])(float64[::1])`` for ``jac=True``). The
drivers are loaded from numba's disk cache in later processes, so a new
objective costs only its own compilation.
"""
import numba
import numpy as np
from numba import types

from ._jit import SOURCE_SALT, jit
from ._kernels import _finish_and_advance as finish_and_advance, draws_noise
from ._layout import Q, Z, RUNNING

_vec = types.float64[::1]
fun_type = types.FunctionType(types.float64(_vec))
jac_type = types.FunctionType(_vec(_vec))
fun_and_grad_type = types.FunctionType(types.Tuple((types.float64, _vec))(_vec))
_generator_type = numba.typeof(np.random.default_rng(0))
_state = (types.float64[:, ::1], _vec, types.int64[::1], _generator_type, types.int64)


@jit()
def _after_evaluation(W, g, f, s, c, rng):
    """Draw the bounce's normals if this step has one, then finish the step."""
    with_z = draws_noise(s, c)
    if with_z:
        # The same stream as Generator.standard_normal(out=z) on the Python path.
        z = W[Z]
        for i in range(z.shape[0]):
            z[i] = rng.standard_normal()
    return finish_and_advance(W, g, f, s, c, with_z)


def _drivers(salt):
    """The two drivers; ``salt`` ties their disk cache to the kernel sources (_jit)."""

    @jit(types.int64(fun_type, jac_type, *_state))
    def run_fun_jac(fun, jac, W, s, c, rng, nsteps):
        """Up to nsteps leapfrog steps with separate fun and jac; RUNNING or why it stopped."""
        if salt < 0:  # never: salt only enters numba's cache key
            return RUNNING
        for _ in range(nsteps):
            q = W[Q]
            f = fun(q)
            status = _after_evaluation(W, jac(q), f, s, c, rng)
            if status != RUNNING:
                return status
        return RUNNING

    @jit(types.int64(fun_and_grad_type, *_state))
    def run_fun_and_grad(fun_and_grad, W, s, c, rng, nsteps):
        """Up to nsteps leapfrog steps with fun returning (f, grad); RUNNING or why it stopped."""
        if salt < 0:
            return RUNNING
        for _ in range(nsteps):
            f, g = fun_and_grad(W[Q])
            status = _after_evaluation(W, g, f, s, c, rng)
            if status != RUNNING:
                return status
        return RUNNING

    return run_fun_jac, run_fun_and_grad


run_fun_jac, run_fun_and_grad = _drivers(SOURCE_SALT)


def compiled_runner(fun, jac):
    """``runner(W, s, c, rng, nsteps) -> reason`` for a jitted fun and jac (or jac=True)."""
    if jac is True:
        return lambda *state: run_fun_and_grad(fun, *state)
    return lambda *state: run_fun_jac(fun, jac, *state)
