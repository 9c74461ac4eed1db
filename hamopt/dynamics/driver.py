"""The nopython leapfrog loops for numba-jitted objectives.

Each driver is compiled once, for one signature, whatever the objective: the
user's functions reach it as first-class functions of fixed types,
``float64(float64[::1])`` for ``fun`` and ``float64[::1](float64[::1])`` for
``jac`` (or ``(float64, float64[::1])(float64[::1])`` for ``jac=True``). The
drivers are loaded from numba's disk cache in later processes, so a new
objective costs only its own compilation.
"""
import functools

import numba
import numpy as np
from numba import types

from .bounces import draws_noise
from .jit import SOURCE_SALT, jit
from .layout import Q, Z, RUNNING
from .step import _finish_and_advance as finish_and_advance

_vec = types.float64[::1]
fun_type = types.FunctionType(types.float64(_vec))
jac_type = types.FunctionType(_vec(_vec))
fun_and_grad_type = types.FunctionType(types.Tuple((types.float64, _vec))(_vec))
_generator_type = numba.typeof(np.random.default_rng(0))
_state = (types.float64[:, ::1], _vec, types.int64[::1], _generator_type, types.int64)


@jit()
def _after_evaluation(vectors, g, f, scalars, counters, rng):
    """Draw the bounce's normals if this step has one, then finish the step."""
    with_z = draws_noise(scalars, counters)
    if with_z:
        # The same stream as Generator.standard_normal(out=z) on the Python path.
        z = vectors[Z]
        for i in range(z.shape[0]):
            z[i] = rng.standard_normal()
    return finish_and_advance(vectors, g, f, scalars, counters, with_z)


def _drivers(salt):
    """The two drivers; ``salt`` ties their disk cache to the kernel sources (jit)."""

    @jit(types.int64(fun_type, jac_type, *_state), cache=True)
    def run_fun_jac(fun, jac, vectors, scalars, counters, rng, nsteps):
        """Up to nsteps leapfrog steps with separate fun and jac; RUNNING or why it stopped."""
        if salt < 0:  # never: salt only enters numba's cache key
            return RUNNING
        for _ in range(nsteps):
            q = vectors[Q]
            f = fun(q)
            status = _after_evaluation(vectors, jac(q), f, scalars, counters, rng)
            if status != RUNNING:
                return status
        return RUNNING

    @jit(types.int64(fun_and_grad_type, *_state), cache=True)
    def run_fun_and_grad(fun_and_grad, vectors, scalars, counters, rng, nsteps):
        """Up to nsteps leapfrog steps with fun returning (f, grad); RUNNING or why it stopped."""
        if salt < 0:
            return RUNNING
        for _ in range(nsteps):
            f, g = fun_and_grad(vectors[Q])
            status = _after_evaluation(vectors, g, f, scalars, counters, rng)
            if status != RUNNING:
                return status
        return RUNNING

    return run_fun_jac, run_fun_and_grad


run_fun_jac, run_fun_and_grad = _drivers(SOURCE_SALT)


class Runner:
    """``runner(vectors, scalars, counters, rng, nsteps) -> reason`` for a jitted fun and
    jac (or jac=True). ``fits`` is None until ``fits_state`` has tried numba's
    conversion of the functions to the drivers' types once (a zero-step call),
    then whether they fit; runners are kept per (fun, jac), so that each numba
    conversion (about 0.1 ms a driver call) is not paid twice per flight."""

    def __init__(self, fun, jac):
        self.fun, self.jac, self.fits = fun, jac, None

    def __call__(self, *state):
        if self.jac is True:
            return run_fun_and_grad(self.fun, *state)
        return run_fun_jac(self.fun, self.jac, *state)

    def fits_state(self, state):
        if self.fits is None:
            try:
                self(*state, 0)
                self.fits = True
            except TypeError:
                self.fits = False
        return self.fits


@functools.lru_cache(maxsize=16)
def compiled_runner(fun, jac):
    """The Runner of a jitted fun and jac (or jac=True), kept for the next flights."""
    return Runner(fun, jac)
