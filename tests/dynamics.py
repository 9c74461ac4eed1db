"""Run hamopt's integrator directly from a chosen (q, p), for the property tests."""
import math

import numpy as np

from hamopt._objective import Objective
from hamopt.dynamics import Particle, Settings, run


def integrate(F, grad, q0, p0, nsteps, *, F0=0.0, eta=1.0, dt=0.05, restore=False,
              nu=0.0, gamma=0.0, bounce_every=0, deltaE=0.0, rng=0, bounds=None,
              stall_bounce=0, weight_decay=0.0):
    """nsteps leapfrog steps from (q0, p0); the particle ends at integer time.

    bounds: None or (lower, upper) arrays of a box in which q reflects.
    """
    q0 = np.asarray(q0, dtype=float)
    settings = Settings(F0=F0, eta=eta, dt=dt, deltaE=deltaE, nu=nu, gamma=gamma,
                        weight_decay=weight_decay, tol=0.0, energy_restore=restore,
                        maxiter=nsteps, maxfev=math.inf, bounce_every=bounce_every, box=bounds,
                        stall_bounce=stall_bounce)
    objective = Objective(F, grad, (), q0.size)
    f, g = objective.first_evaluation(q0)
    particle = Particle(q0, f, g, settings, 1, np.random.default_rng(rng),
                        p0=None if p0 is None else np.asarray(p0, dtype=float))
    run(particle, objective)
    return particle


def energy(F, q, p, *, F0=0.0, eta=1.0):
    """E = log(1 + |p|^2) + eta log(F(q) - F0) (eqs. 3, 8)."""
    return math.log1p(float(p @ p)) + eta * math.log(F(q) - F0)
