"""Run a Particle until it stops: the Python-callable loop and the nopython loop.

Both loops do the same thing per step: evaluate F and grad F at q, draw the
normal vector of the bounces if this step has one, and hand over to
``step.finish_and_advance``. They differ only in who calls the objective.
"""
import time

import numpy as np

from .bounces import NOISE_EVERY
from .interrupts import interrupts_between_chunks
from .layout import Q, Z, NU, BOUNCE_EVERY, MAXITER, STALL_BOUNCE, STALLED, RUNNING
from .step import entry_points

# The nopython loop's first chunk of steps. A particle with at most twice that to go
# (a flight: hop_steps = 100) takes them in one call, since every call costs about
# 60 us of numba's conversion of the objective to the drivers' function types
# (391 calls and about a quarter of a 20,000-evaluation particle at n = 10).
_FIRST_CHUNK = 64

# Not a kernel code (see hamopt._outcomes): the callback asked to stop.
CALLBACK_STOPPED = 99

# The nopython loop returns to Python between chunks of steps (for Ctrl-C and
# progress); chunks grow until one takes about this long.
_CHUNK_SECONDS = 0.05


def run(particle, objective, callback=None, progress=None):
    """Advance ``particle`` until a stop; return the stop reason.

    ``callback(particle) -> bool`` is called after every step; True stops the
    run with CALLBACK_STOPPED. ``progress(particle)`` is called about every
    ``_CHUNK_SECONDS`` (for a display).
    """
    if objective.compiled:
        return _run_compiled(particle, objective, callback, progress)
    return _run_python(particle, objective, callback, progress)


def _run_python(particle, objective, callback, progress):
    vectors, scalars, counters = particle.vectors, particle.scalars, particle.counters
    q, z, rng = vectors[Q], vectors[Z], particle.rng
    value_and_grad = objective.value_and_grad
    finish_and_advance = entry_points()[1]
    # bounces.draws_noise's rule, kept in Python locals: a kernel call costs more than this.
    noise, noise_every = scalars[NU] > 0.0, NOISE_EVERY
    bounce_every = int(scalars[BOUNCE_EVERY])
    stall_bounce = scalars[STALL_BOUNCE]
    nit = particle.nit
    next_report = time.perf_counter() + _CHUNK_SECONDS
    while True:
        f, g = value_and_grad(q.copy())  # a copy: the user may keep x
        nit += 1
        with_z = ((noise and nit % noise_every == 0)
                  or (bounce_every > 0 and nit % bounce_every == 0)
                  or (stall_bounce > 0.0 and counters[STALLED] + 1 >= stall_bounce))
        if with_z:
            rng.standard_normal(out=z)
        try:
            reason = finish_and_advance(vectors, g, f, scalars, counters, with_z)
        except TypeError:
            # numba refused the types (a 0-d array, a list, float32): convert once.
            f, g = float(f), np.ascontiguousarray(g, dtype=np.float64).reshape(-1)
            reason = finish_and_advance(vectors, g, f, scalars, counters, with_z)
        # The callback sees every step, the last one of a trajectory or flight too.
        if callback is not None and callback(particle):
            return CALLBACK_STOPPED
        if reason != RUNNING:
            return reason
        if progress is not None and nit % 256 == 0 and time.perf_counter() > next_report:
            progress(particle)
            next_report = time.perf_counter() + _CHUNK_SECONDS


def _first_chunk(particle):
    left = particle.scalars[MAXITER] - particle.nit
    return int(left) if 0 < left <= 2 * _FIRST_CHUNK else _FIRST_CHUNK


def _run_compiled(particle, objective, callback, progress):
    from .driver import compiled_runner

    runner = compiled_runner(objective.fun, objective.jac)
    state = particle.vectors, particle.scalars, particle.counters, particle.rng
    with interrupts_between_chunks() as interrupts:
        if runner.fits_state(state):
            return _chunks(runner, state, particle, objective, callback, progress, interrupts)
    # The functions do not fit the drivers' types (say, jac returns float32 or fun an
    # int): Python calls them instead, with the same result.
    return _run_python(particle, objective, callback, progress)


def _chunks(runner, state, particle, objective, callback, progress, interrupts):
    """The nopython loop: chunks of steps, growing to about _CHUNK_SECONDS each."""
    nsteps = 1 if callback is not None else _first_chunk(particle)
    while True:
        start = time.perf_counter()
        try:
            reason = runner(*state, nsteps)
        except Exception:
            objective.pending = 1  # the failing step had called fun (its jac may have raised)
            raise
        interrupts.check()
        if callback is not None:  # one step at a time: after every step, the last too
            if callback(particle):
                return CALLBACK_STOPPED
        if progress is not None:  # after the last chunk too: a flight may be one chunk
            progress(particle)
        if reason != RUNNING:
            return reason
        if callback is None and time.perf_counter() - start < _CHUNK_SECONDS:
            nsteps = min(2 * nsteps, 1 << 40)
