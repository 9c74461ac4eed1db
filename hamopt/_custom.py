"""``hamopt.custom``: hamopt as ``scipy.optimize.minimize(..., method=hamopt.custom)``."""
import inspect
import warnings

from scipy.optimize import OptimizeWarning

from ._minimize import minimize

__all__ = ["custom"]


def custom(fun, x0, args=(), jac=None, hess=None, hessp=None, bounds=None,
           constraints=(), callback=None, **options):
    """Run ``hamopt.minimize`` with the calling convention of scipy's custom methods.

    ``scipy.optimize.minimize`` passes ``tol`` as the option ``tol`` and turns
    ``jac=True`` into a memoizing ``fun`` with a ``jac`` callable; ``options``
    are hamopt's keyword arguments. Hessians are not used and are ignored.

    Examples
    --------
    >>> import scipy.optimize as so, hamopt
    >>> res = so.minimize(so.rosen, [-1.2, 1.0], method=hamopt.custom,
    ...                   jac=so.rosen_der, options={"rng": 0})
    >>> bool(res.success)
    True
    """
    if not (constraints is None or (isinstance(constraints, (list, tuple))
                                    and len(constraints) == 0)):
        raise ValueError("hamopt does not support constraints (only bounds), got "
                         f"{type(constraints).__name__}")
    unknown = [name for name in options if name not in _OPTIONS]
    if unknown:  # as scipy's own methods do
        warnings.warn(f"Unknown solver options: {', '.join(unknown)}", OptimizeWarning,
                      stacklevel=3)
    options = {name: value for name, value in options.items() if name in _OPTIONS}
    return minimize(fun, x0, jac=jac, args=args, bounds=bounds, callback=callback, **options)


# hamopt.minimize's keywords that scipy's options may carry.
_OPTIONS = frozenset(name for name, parameter in inspect.signature(minimize).parameters.items()
                     if parameter.kind == parameter.KEYWORD_ONLY
                     or parameter.kind == parameter.POSITIONAL_OR_KEYWORD) - {
                         "fun", "x0", "jac", "args", "bounds", "callback"}
