"""Run a Particle until it stops: the Python-callable loop and the nopython loop.

Both loops do the same thing per step: evaluate F and grad F at q, draw the
normal vector of the bounces if this step has one, and hand over to
``finish_and_advance``. They differ only in who calls the objective.
"""
import time

import numpy as np

from ._kernels import draws_noise, finish_and_advance
from ._layout import Q, Z, NIT, NFEV, NJEV, RUNNING, BAD_GRADIENT_SHAPE
from ._status import CALLBACK_STOPPED

# The nopython loop returns to Python between chunks of steps (for Ctrl-C and
# progress); chunks grow until one takes about this long.
_CHUNK_SECONDS = 0.05


def run(particle, objective, callback=None):
    """Advance ``particle`` until a stop; return the stop reason.

    ``callback(particle) -> bool`` is called after every step; True stops the run.
    """
    if objective.compiled:
        return _run_compiled(particle, objective, callback)
    return _run_python(particle, objective, callback)


def _run_python(particle, objective, callback):
    W, s, c, rng = particle.W, particle.s, particle.c, particle.rng
    q, z = W[Q], W[Z]
    n = q.size
    value_and_grad = objective.value_and_grad
    fev, jev = objective.fev_per_step, objective.jev_per_step
    while True:
        f, g = value_and_grad(q.copy())  # a copy: the user may keep x
        c[NFEV] += fev
        c[NJEV] += jev
        with_z = draws_noise(s, c[NIT] + 1)
        if with_z:
            rng.standard_normal(out=z)
        try:
            reason = finish_and_advance(W, g, f, s, c, with_z)
        except TypeError:
            # numba refused the types (a 0-d array, a list, float32): convert once.
            f, g = float(f), np.ascontiguousarray(g, dtype=np.float64).reshape(-1)
            reason = finish_and_advance(W, g, f, s, c, with_z)
        if reason == BAD_GRADIENT_SHAPE:
            raise ValueError(f"jac returned an array of shape {np.shape(g)} during the run; "
                             f"expected ({n},)")
        if reason != RUNNING:
            return reason
        if callback is not None and callback(particle):
            return CALLBACK_STOPPED


def _run_compiled(particle, objective, callback):
    from ._driver import compiled_value_and_grad, run_compiled

    value_and_grad = compiled_value_and_grad(objective.fun, objective.jac)
    W, s, c, rng = particle.W, particle.s, particle.c, particle.rng
    nsteps = 1 if callback is not None else 64
    while True:
        start = time.perf_counter()
        reason = run_compiled(value_and_grad, W, s, c, rng, nsteps)
        if reason != RUNNING:
            return reason
        if callback is not None:
            if callback(particle):
                return CALLBACK_STOPPED
        elif time.perf_counter() - start < _CHUNK_SECONDS:
            nsteps = min(2 * nsteps, 1 << 40)
