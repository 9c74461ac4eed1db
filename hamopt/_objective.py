"""The user's objective: checked once at x0, then called the cheapest way.

``Objective`` turns the three scipy forms of ``jac`` (a callable, ``True`` for
``fun`` returning ``(f, g)``, ``None`` for finite differences) into one
``value_and_grad(x) -> (f, g)`` for the Python path, says what one step costs
in evaluations, and tells whether the whole loop can run in nopython code.
"""
import numpy as np
from numba.extending import is_jitted

from ._outcomes import Outcome, error_for
from .dynamics import regularized

# A forward difference's relative step, as scipy's '2-point' (line.py and polish.py use it too).
SQRT_EPS = float(np.sqrt(np.finfo(float).eps))
_CBRT_EPS = np.cbrt(np.finfo(float).eps)
_ComplexWarning = getattr(np, "exceptions", np).ComplexWarning
# scipy's difference schemes for jac=: values of fun per gradient, per variable.
DIFFERENCES = {"2-point": 1, "3-point": 2, "cs": 1}


def real_value(f):
    """F as a float, or an error that says what ``fun`` returned instead."""
    if isinstance(f, float):  # float and numpy.float64, the usual cases, at once
        return float(f)
    if np.ndim(f) != 0:
        raise ValueError(f"fun must return a scalar, got an array of shape {np.shape(f)}")
    try:
        return float(f)
    except (TypeError, ValueError):
        raise TypeError(f"fun must return a real scalar, got {f!r}") from None


def regularized_pair(f, g, y, weight_decay):
    """(F + w_d/2 |y|^2, grad F + w_d y) from fun's ``(f, g)`` at y (eq. 12), or the
    error for a gradient of another shape than y."""
    g = np.asarray(g, dtype=float)
    if g.shape != y.shape:
        raise error_for(Outcome.BAD_GRADIENT_SHAPE, y.size)
    return regularized(real_value(f), y, weight_decay), g + weight_decay * y


class Objective:
    """F and grad F of the user's problem.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float``, or ``-> (float, array)`` when ``jac is True``.
    jac : callable, True, None or str
        The gradient: ``jac(x, *args) -> array``; ``True``; ``None`` or
        ``'2-point'`` for forward differences (``n`` extra evaluations of
        ``fun`` per gradient), ``'3-point'`` for central differences (``2n``),
        ``'cs'`` for complex steps (``n``). A string is kept in
        ``difference`` and ``jac`` becomes None.
    args : tuple
        Extra arguments of ``fun`` and ``jac``.
    n : int
        Dimension of x.
    """

    def __init__(self, fun, jac, args, n, box=None):
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        if isinstance(jac, str) and jac in DIFFERENCES:
            self.difference, jac = jac, None
        elif jac is None:
            self.difference = "2-point"
        elif jac is True or callable(jac):
            self.difference = None
        else:
            raise TypeError("jac must be a callable, True (fun returns (f, grad)), None or "
                            "'2-point' (forward differences), '3-point' (central) or 'cs' "
                            f"(complex step), got {jac!r}")
        self.fun, self.jac, self.args, self.n = fun, jac, tuple(args), n
        self.box = box  # finite differences step inwards at the bounds
        # One step costs one gradient: with differences that is 1 + the values they take.
        self.fev_per_step = 1 + DIFFERENCES[self.difference] * n if jac is None else 1
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
        """``value_and_grad(x)``. When it raises, ``pending`` holds the calls of ``fun``
        it made (its caller counts them in ``nfev`` only once it returns)."""
        fun, jac, args = self.fun, self.jac, self.args
        if jac is True:
            def value_and_grad(x):
                try:
                    out = fun(x, *args)
                    if not (isinstance(out, tuple) and len(out) == 2):
                        raise TypeError("with jac=True, fun must return a tuple (f, grad), "
                                        f"got {out!r}")
                    return real_value(out[0]), out[1]
                except BaseException:
                    self.pending = 1  # whatever raised, fun was called once
                    raise
            return value_and_grad
        if jac is None:
            difference = {"2-point": self._forward_difference, "3-point": self._central_difference,
                          "cs": self._complex_step}[self.difference]

            def value_and_grad(x):
                self.pending = 1  # F, then each difference's values add theirs
                f = real_value(fun(x, *args))
                g = difference(x, f)
                self.pending = 0
                return f, g
            return value_and_grad

        if args:
            fun_x, jac_x = (lambda x: fun(x, *args)), (lambda x: jac(x, *args))
        else:
            fun_x, jac_x = fun, jac

        def value_and_grad(x):  # the Python path's every step: kept lean
            try:
                f = fun_x(x)
                if not isinstance(f, float):  # float and numpy.float64 pass as they are
                    f = real_value(f)
                return f, jac_x(x)
            except BaseException:
                self.pending = 1  # whatever raised, fun was called once
                raise
        return value_and_grad

    # Calls of fun made by the evaluation in progress (see _python_value_and_grad): when
    # an exception ends the run there, they are real calls that nfev must include.
    pending = 0

    def value(self, x):
        """F alone (one evaluation of ``fun``)."""
        try:
            out = self.fun(x, *self.args)
            return real_value(out[0] if self.jac is True else out)
        except BaseException:
            self.pending = 1
            raise

    def _value_at(self, x, i, xi):
        """F at x with its i-th coordinate set to xi (x is left as it is)."""
        y = x.copy()
        y[i] = xi
        self.pending += 1
        return real_value(self.fun(y, *self.args))

    def _forward_difference(self, x, f):
        """Forward-difference gradient, step sqrt(eps) max(1, |x_i|) as scipy's '2-point'."""
        g = np.empty(self.n)
        for i in range(self.n):
            h = SQRT_EPS * max(1.0, abs(x[i]))
            if self.box is not None and x[i] + h > self.box[1][i]:
                h = -h
            xi = x[i] + h  # divided below by the step actually taken, after rounding
            g[i] = (self._value_at(x, i, xi) - f) / (xi - x[i])
        return g

    def _central_difference(self, x, f):
        """Central differences (as scipy's '3-point': step eps^(1/3) max(1, |x_i|)); within a
        step of a bound, the one-sided second-order formula, stepping inwards."""
        g = np.empty(self.n)
        for i in range(self.n):
            h = _CBRT_EPS * max(1.0, abs(x[i]))
            up, down = (np.inf, np.inf) if self.box is None else (self.box[1][i] - x[i],
                                                                   x[i] - self.box[0][i])
            if up >= h and down >= h:
                g[i] = (self._value_at(x, i, x[i] + h)
                        - self._value_at(x, i, x[i] - h)) / (2.0 * h)
            else:  # (-3 F(x) + 4 F(x + s) - F(x + 2 s)) / 2s, s pointing inwards
                s = min(h, 0.5 * max(up, down)) * (1.0 if up >= down else -1.0)
                one = self._value_at(x, i, x[i] + s)
                g[i] = (4.0 * one - 3.0 * f - self._value_at(x, i, x[i] + 2.0 * s)) / (2.0 * s)
        return g

    def _complex_step(self, x, f):
        """Complex-step derivatives, Im F(x + i h e_i) / h (exact to rounding, n values;
        ``fun`` must take complex x and return a complex value)."""
        fun, args = self.fun, self.args
        g = np.empty(self.n)
        xc = x.astype(complex)
        for i in range(self.n):
            h = SQRT_EPS * max(1.0, abs(x[i]))
            xc[i] = x[i] + 1j * h
            try:
                self.pending += 1
                value = fun(xc.copy(), *args)
                if not np.iscomplexobj(value):
                    raise TypeError(f"it returned {type(value).__name__}")
            except (TypeError, ValueError, _ComplexWarning) as exc:
                raise TypeError("jac='cs' (complex step) needs fun to take a complex x and "
                                f"return a complex value: {exc}") from exc
            g[i] = np.imag(value) / h
            xc[i] = x[i]
        return g

    def first_evaluation(self, x0):
        """F and grad F at x0 as float and float64 array, with clear errors for bad output."""
        f, g = self.value_and_grad(x0.copy())  # f checked there, as at every call
        g = np.asarray(g, dtype=float)
        if g.shape != (self.n,):
            raise ValueError(f"jac must return an array of shape ({self.n},) like x0, "
                             f"got shape {g.shape}")
        return f, np.ascontiguousarray(g)
