"""A restart's trajectory that feels F smoothed over a length (``smoothing``).

On a rugged landscape with global structure (Rastrigin's lattice of wells on a
bowl, Schaffer's rings, Weierstrass's folds) the exact gradient points into
the nearest well, and a trajectory or a polish from a fresh point ends in one
of the many wells around it. Seen at the scale of the wells the landscape is a
funnel. With ``smoothing = h`` each restart runs, before its polish, a
trajectory of ``SMOOTHED_STEPS_PER_DIM * n`` steps (_options.py) whose force
is the gradient of F averaged over that scale: central differences of F at
``x +- h u_j`` along ``SMOOTHED_DIRECTIONS`` random orthonormal directions
``u_j``, new at every step,

    g = (n / k) sum_j (F(x + h u_j) - F(x - h u_j)) / (2 h) u_j,

an unbiased estimate (over the directions) of the gradient of F averaged over
a ball of radius ~h. A step costs ``2 k + 1`` evaluations (5), whatever n and
whatever ``jac`` is: values of F only. The energy stays that of F itself: the
particle's momentum is rescaled after every step (``energy_restore``), so it
still slows down where F is low and lingers there; the force, not the energy,
is smoothed. The polish then starts from the trajectory's lowest point.

The directions are drawn from the run's random stream, so no axis is special;
``h`` is one length, the same in every direction. Where ``x +- h u_j`` leaves
the box, it is moved back along ``u_j`` onto the box and the difference is
divided by the distance actually covered (exact for a linear F).

Measured (bbob with finite differences, 10 and 20 variables, one minimize call
with 1000 d evaluations, h = 1 on [-5, 5]^n): see README, *A smoothed force*.

Which restarts are smoothed by default (``smoothing=None``, where the restarts
draw fresh points and fly no flights): none of the first ``FUNNEL_MINIMA - 1``,
so that the funnel's rule (funnel.py) gets its minima from plain restarts, and
after them those for which ``smoothing_pays`` holds on every fresh point's value
so far. It asks whether low values are common: the values' median below the
midpoint of their range. On a bowl, whatever its wells (Rastrigin's, Schaffer's,
Weierstrass's), a uniform point is more often low than high, and the smoothed
force follows the bowl down. Where low values are rare (Gallagher's peaks on a
plateau: most of the box is high, the peaks are holes in it) there is no slope at
the scale ``h`` to follow, and plain restarts, many and cheap, find the holes.
On bbob's functions in 10 and 20-D (200 uniform points, instance 7) the median
sits at 0.06-0.35 of the range on f15-f20, 0.30-0.50 on f23-f24, 0.80-0.97 on
f21-f22; the test point is the midpoint, not a value fitted between those.
Only values enter, no positions: no axis is special, and the rule is the same
for ``a F + b`` with ``a > 0``.
"""
import numpy as np

from .._objective import real_value
from .line import segment

SMOOTHED_DIRECTIONS = 2
# smoothing_pays needs at least this many values (one restart's 10 n points are more).
_LEAST_VALUES = 10


def smoothing_pays(values):
    """Whether the fresh points' ``values`` (finite) say the landscape is a bowl:
    their median lies below the midpoint of their range (module docstring)."""
    if len(values) < _LEAST_VALUES:
        return False
    values = np.asarray(values, dtype=float)
    low, high = float(np.min(values)), float(np.max(values))
    return float(np.median(values)) < 0.5 * (low + high)


class SmoothedObjective:
    """F and the smoothed gradient of F (module docstring) for a restart's particle.

    ``fev_per_step`` is ``2 k + 1``; ``pending`` holds the calls of ``fun``
    made by an evaluation that raised, as ``Objective.pending`` does (the
    particle counts a step's calls only once it returns).
    """

    compiled = False
    pending = 0

    def __init__(self, objective, length, rng, box=None):
        self.objective, self.length, self.rng, self.box = objective, float(length), rng, box
        self.k = min(SMOOTHED_DIRECTIONS, objective.n)
        self.fev_per_step = 2 * self.k + 1

    def value_and_grad(self, x):
        n = x.size
        self.pending = 0
        f = self._value(x)
        directions, _ = np.linalg.qr(self.rng.standard_normal((n, self.k)))
        g = np.zeros(n)
        for u in directions.T:
            s_lo, s_hi = segment(x, u, self.box)
            ahead, behind = min(self.length, s_hi), max(-self.length, s_lo)
            # Both values are taken even with no room along u (x in a corner of the
            # box, u out of it both ways), so that a step costs fev_per_step calls.
            rise = (self._value(self._point(x, ahead, u))
                    - self._value(self._point(x, behind, u)))
            if ahead > behind:
                g += rise / (ahead - behind) * u
        self.pending = 0
        return f, g * (n / self.k)

    def _value(self, y):
        """F at y, a point of its own (x is the particle's copy, the others new)."""
        self.pending += 1
        return real_value(self.objective.value(y))

    def _point(self, x, s, u):
        """x + s u, in the box (rounding may put it a hair outside)."""
        y = x + s * u
        return y if self.box is None else np.clip(y, self.box[0], self.box[1])
