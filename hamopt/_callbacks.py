"""The user's callback, in scipy's two styles, as ``step_callback(particle) -> stop?``."""
import inspect

from scipy.optimize import OptimizeResult


def step_callback(callback, full=None):
    """``callback(particle) -> bool`` for the loops (True: stop), or None.

    As in scipy's global optimizers, the user's callback sees the best point:
    ``callback(xk)``, or ``callback(intermediate_result=...)`` when its only
    parameter has that name. ``StopIteration`` from it asks to stop.
    ``full(z)`` turns the solver's points into the user's (fixed variables).
    """
    if callback is None:
        return None
    if not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    try:
        wants_result = set(inspect.signature(callback).parameters) == {"intermediate_result"}
    except (TypeError, ValueError):  # builtins without a signature
        wants_result = False

    def call(particle):
        try:
            if wants_result:
                callback(intermediate_result=_intermediate_result(particle, full))
            else:
                callback(particle.x_best if full is None else full(particle.x_best))
        except StopIteration:
            return True
        return False
    return call


def _intermediate_result(particle, full=None):
    x, q, p = particle.x_best, particle.q, particle.p
    if full is not None:
        x, q, p = full(x), full(q), full(p, fill=0.0)
    return OptimizeResult(
        x=x, fun=particle.f_best, nit=particle.nit, nfev=particle.nfev,
        njev=particle.njev, q=q, p=p, energy_error=particle.energy_error)
