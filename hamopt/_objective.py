"""The user's objective: checked once at x0, then called the cheapest way.

``Objective`` turns the three scipy forms of ``jac`` (a callable, ``True`` for
``fun`` returning ``(f, g)``, ``None`` for finite differences) into one
``value_and_grad(x) -> (f, g)`` for the Python path, says what one step costs
in evaluations, and tells whether the whole loop can run in nopython code.
"""
import numpy as np
from numba.extending import is_jitted

_SQRT_EPS = np.sqrt(np.finfo(float).eps)


class Objective:
    """F and grad F of the user's problem.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, or ``-> (float, array)`` when ``jac is True``.
    jac : callable, True or None
        The gradient: ``jac(x, *args) -> array``; ``True``; or ``None`` for
        forward differences (``n`` extra evaluations of ``fun`` per gradient).
    args : tuple
        Extra arguments of ``fun`` and ``jac``.
    n : int
        Dimension of x.
    """

    def __init__(self, fun, jac, args, n, box=None):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        if not (jac is None or jac is True or callable(jac)):
            raise TypeError("jac must be a callable, True (fun returns (f, grad)) or None "
                            f"(finite differences), got {jac!r}")
        self.fun, self.jac, self.args, self.n = fun, jac, tuple(args), n
        self.box = box  # finite differences step inwards at the bounds
        # One step costs one gradient; with forward differences that is n + 1 values.
        self.fev_per_step = n + 1 if jac is None else 1
        self.value_and_grad = self._python_value_and_grad()

    def __getstate__(self):  # for a process pool: the closure is rebuilt on arrival
        state = dict(self.__dict__)
        del state["value_and_grad"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.value_and_grad = self._python_value_and_grad()

    @property
    def compiled(self):
        """Whether the whole loop can run in nopython code (jitted fun and jac, no args)."""
        jac_ok = self.jac is True or (callable(self.jac) and is_jitted(self.jac))
        return is_jitted(self.fun) and jac_ok and not self.args

    def _python_value_and_grad(self):
        fun, jac, args = self.fun, self.jac, self.args
        if jac is True:
            return lambda x: fun(x, *args)
        if jac is None:
            def value_and_grad(x):
                f = fun(x, *args)
                return f, self._forward_difference(x, f)
            return value_and_grad
        return lambda x: (fun(x, *args), jac(x, *args))

    def value(self, x):
        """F alone (one evaluation of ``fun``)."""
        out = self.fun(x, *self.args)
        return out[0] if self.jac is True else out

    def _forward_difference(self, x, f):
        """Forward-difference gradient, step sqrt(eps) max(1, |x_i|) as scipy's '2-point'."""
        fun, args = self.fun, self.args
        f = float(f)
        g = np.empty(self.n)
        xh = x.copy()
        for i in range(self.n):
            h = _SQRT_EPS * max(1.0, abs(x[i]))
            if self.box is not None and x[i] + h > self.box[1][i]:
                h = -h
            xh[i] = x[i] + h
            h = xh[i] - x[i]  # the step actually taken, after rounding
            g[i] = (float(fun(xh.copy(), *args)) - f) / h
            xh[i] = x[i]
        return g

    def first_evaluation(self, x0):
        """F and grad F at x0 as float and float64 array, with clear errors for bad output."""
        out = self.value_and_grad(x0.copy())
        if self.jac is True:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise TypeError("with jac=True, fun must return a tuple (f, grad), "
                                f"got {type(out).__name__}")
        f, g = out
        if np.ndim(f) != 0:
            raise ValueError(f"fun must return a scalar, got an array of shape {np.shape(f)}")
        try:
            f = float(f)
        except (TypeError, ValueError):
            raise TypeError(f"fun must return a real scalar, got {f!r}") from None
        g = np.asarray(g, dtype=float)
        if g.shape != (self.n,):
            raise ValueError(f"jac must return an array of shape ({self.n},) like x0, "
                             f"got shape {g.shape}")
        return f, np.ascontiguousarray(g)
