"""A literal numpy transcription of docs/algorithm.rst (eqs. 2-11), to check the fused kernels.

Same order of operations as hamopt (see hamopt/dynamics/step.py), none of its tricks:
p is stored as it is, every vector operation is a numpy expression.
"""
import numpy as np

NOISE_EVERY = 8  # eq. 11's turn comes every 8th step, sqrt(8) times larger


def reference_run(F, grad, x0, *, F0, eta, dt, deltaE, nu, gamma, bounce_every,
                  energy_restore, nsteps, rng, stall_bounce=0):
    """Return the positions q_1..q_nsteps and the final (q, p) at integer time."""
    q = np.array(x0, dtype=float)
    f, g = F(q), grad(q)
    gnorm = np.linalg.norm(g)
    if gnorm > 0:
        direction = -g / gnorm
    elif deltaE > 0:
        z = rng.standard_normal(q.size)
        direction = z / np.linalg.norm(z)
    else:
        direction = np.zeros_like(q)
    p = np.sqrt(deltaE) * direction                     # eq. 4, descent sign
    E = eta * np.log(f - F0) + np.log1p(deltaE)           # eq. 4
    force = lambda f, g: eta * g / (f - F0)               # eq. 2
    positions = []
    best, stalled = f, 0
    p = p - 0.5 * dt * force(f, g)                        # eq. 6
    q = q + dt * 2 * p / (1 + p @ p)                      # eq. 7
    for i in range(1, nsteps + 1):
        f, g = F(q), grad(q)
        positions.append(q.copy())
        noise = nu > 0 and i % NOISE_EVERY == 0
        draw = (noise or (bounce_every > 0 and i % bounce_every == 0)
                or (stall_bounce > 0 and stalled + 1 >= stall_bounce))
        z = rng.standard_normal(q.size) if draw else None
        if f < best:
            best, stalled = f, 0
        else:
            stalled += 1
        p = p - 0.5 * dt * force(f, g)                    # eq. 6
        if energy_restore:                                # eq. 9
            target = np.exp(E) / (f - F0) ** eta - 1
            if target > 0 and p @ p > 0:
                p = p / np.linalg.norm(p) * np.sqrt(target)
        if i == nsteps:
            break
        pn = np.linalg.norm(p)
        if draw and pn > 0:
            stall = stall_bounce > 0 and stalled >= stall_bounce
            if stall:
                stalled = 0
            if stall or (bounce_every > 0 and i % bounce_every == 0):  # eq. 10
                p = pn * z / np.linalg.norm(z)
            elif noise:                                    # eq. 11
                a = np.sqrt(NOISE_EVERY) * nu * ((f - F0) ** eta * (1 + deltaE) / np.exp(E)) ** gamma
                w = p / pn + a * z
                p = pn * w / np.linalg.norm(w)
        p = p - 0.5 * dt * force(f, g)                    # eq. 6
        q = q + dt * 2 * p / (1 + p @ p)                  # eq. 7
    return np.array(positions), q, p
