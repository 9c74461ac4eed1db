"""Flights on a line, for finite-difference gradients (``hop_line``).

A flight along the unit direction ``u`` from the best point ``x_b`` is, where
the landscape is separable in the sweep's directions, a motion on the line
``x_b + s u`` (flights.py). With finite differences a full flight pays
``n + 1`` evaluations a step for a gradient of which it uses mostly the
component along ``u``; a *line flight* pays 2: the particle moves in the one
variable ``s``, with ``F(s) = F(x_b + s u)`` and ``dF/ds`` by one forward
difference along ``u``. It sees only its line, as a full flight mostly does;
the polish from what it found (or from its landing) follows the landscape off
the line.

The box cuts the line to a segment ``[s_lo, s_hi]``, the line particle's own
box, so its walls are the box's walls. The weight-decay term is added here
(``|x_b + s u|^2`` is not ``s^2``), so the line particle runs without it;
rotations of the momentum and bounces mean nothing in one variable (they could
only turn the particle back), so it runs without them.
"""
import dataclasses

import numpy as np

from .._objective import SQRT_EPS, real_value, regularized_pair
from ..dynamics import regularized


class LineObjective:
    """F and dF/ds on the line ``x + s u`` (s a 1-vector), for a line particle.

    With finite differences every evaluation goes through ``objective.value``
    (the user's ``fun``, counted by the particle at ``fev_per_step = 2`` a step);
    with an exact gradient ``dF/ds = grad F . u`` (one evaluation a step).
    ``pending`` holds the calls made by an evaluation that raised, as
    ``Objective.pending`` does.
    """

    compiled = False
    pending = 0

    def __init__(self, objective, x, u, weight_decay, box):
        self.objective, self.x, self.u = objective, x, u
        self.weight_decay, self.box = weight_decay, box
        self.segment = segment(x, u, box)
        self.exact = objective.fev_per_step == 1
        self.fev_per_step = 1 if self.exact else 2

    def point(self, s):
        """x + s u, in the box (rounding may put it a hair outside)."""
        y = self.x + float(s) * self.u
        return y if self.box is None else np.clip(y, self.box[0], self.box[1])

    def _value(self, y):
        self.pending += 1
        return regularized(real_value(self.objective.value(y)), y, self.weight_decay)

    def value_and_grad(self, s):
        self.pending = 0
        s = float(s[0])
        y = self.point(s)
        if self.exact:
            self.pending = 1  # whatever raises, fun was called once
            f, g = regularized_pair(*self.objective.value_and_grad(y.copy()), y,
                                    self.weight_decay)
            self.pending = 0
            return f, np.array([g @ self.u])
        f = self._value(y)
        h = SQRT_EPS * max(1.0, float(np.max(np.abs(y))))
        if s + h > self.segment[1]:
            h = -h
        step = (s + h) - s  # the step actually taken, after rounding
        slope = (self._value(self.point(s + h)) - f) / step
        self.pending = 0
        return f, np.array([slope])


def segment(x, u, box):
    """(s_lo, s_hi): the s with x + s u in the box (+-inf without one)."""
    if box is None:
        return -np.inf, np.inf
    lower, upper = (np.asarray(b, dtype=float) for b in box)
    with np.errstate(divide="ignore", invalid="ignore"):
        to_lower, to_upper = (lower - x) / u, (upper - x) / u
    moving = u != 0.0
    low = np.where(u > 0.0, to_lower, to_upper)[moving]
    high = np.where(u > 0.0, to_upper, to_lower)[moving]
    return (min(0.0, float(np.max(low, initial=-np.inf))),
            max(0.0, float(np.min(high, initial=np.inf))))


def line_settings(settings, line):
    """A flight's particle settings for the line particle: the segment as its box, no
    weight decay (the line objective adds it), no rotations or bounces."""
    s_lo, s_hi = line.segment
    box = None if line.box is None else (np.array([s_lo]), np.array([s_hi]))
    return dataclasses.replace(settings, box=box, weight_decay=0.0, nu=0.0,
                               bounce_every=0, stall_bounce=0)


class OnLine:
    """A line particle seen in x: what callbacks and progress displays read."""

    def __init__(self, particle, line):
        self._particle, self._line = particle, line

    def __getattr__(self, name):  # counts, f_best, energy_error ...
        return getattr(self._particle, name)

    @property
    def x_best(self):
        return self._line.point(self._particle.x_best[0])

    @property
    def q(self):
        return self._line.point(self._particle.q[0])

    @property
    def p(self):
        return self._particle.p[0] * self._line.u
