"""Variables fixed by equal bounds (``lower == upper``, which L-BFGS-B accepts too):
the problem in the free variables only, and the way back to all of them.

The solver never sees a fixed variable: ``fun`` and ``jac`` are called with the
fixed values filled in, the gradient is cut to the free variables, and every
point of the result (``x``, ``q``, and the callback's) is filled in again. The
result's ``jac`` is the projected gradient: 0 along a fixed variable, along
which no move is feasible.
"""
import numpy as np
from scipy.optimize import OptimizeResult


class FixedVariables:
    """Which variables ``lower == upper`` fixes, and at what values."""

    def __init__(self, box):
        self.mask = box[0] == box[1]
        self.free = ~self.mask
        self.values = box[0].copy()

    @classmethod
    def of(cls, box):
        """A FixedVariables if the box fixes any variable, else None."""
        return cls(box) if box is not None and np.any(box[0] == box[1]) else None

    @property
    def all_fixed(self):
        return not np.any(self.free)

    def full(self, z, fill=None):
        """The point of all variables whose free part is ``z`` (fixed ones: their value,
        or ``fill``)."""
        x = self.values.copy() if fill is None else np.full(self.mask.size, fill, dtype=float)
        x[self.free] = z
        return x

    def reduced(self, x0, box, fun, jac, args):
        """(x0, box, fun, jac) of the problem in the free variables (``args`` bound in)."""
        full = self.full
        free = self.free

        def reduced_fun(z):
            return fun(full(z), *args)
        if jac is True:
            def reduced_jac_fun(z):
                f, g = fun(full(z), *args)
                return f, np.asarray(g, dtype=float)[free]
            new_fun, new_jac = reduced_jac_fun, True
        elif callable(jac):
            new_fun, new_jac = reduced_fun, lambda z: np.asarray(jac(full(z), *args),
                                                                  dtype=float)[free]
        else:  # None or a difference scheme: differences over the free variables only
            new_fun, new_jac = reduced_fun, jac
        return x0[free], (box[0][free], box[1][free]), new_fun, new_jac

    def expanded(self, res):
        """The result with every point in all variables (``particles`` too)."""
        res = OptimizeResult(res)
        for name in ("x", "q"):
            if name in res and res[name] is not None:
                res[name] = self.full(res[name])
        for name in ("jac", "p"):
            if name in res and res[name] is not None:
                res[name] = self.full(res[name], fill=0.0)
        if "particles" in res:
            res.particles = [self.expanded(p) for p in res.particles]
        return res
