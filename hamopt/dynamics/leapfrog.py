"""The leapfrog's half kicks and drift (docs/algorithm.rst, eqs. 6-7), without overflow.

A half kick is ``p <- p - (dt/2) eta grad F / (F - F0)`` (eq. 6) and the drift
``q <- q + dt 2p / (1 + |p|^2)`` (eq. 7); ``step.finish_and_advance`` puts
them together with the energy restore and the bounces into one step.

How it is done cheaply and without overflow
-------------------------------------------
* The momentum is stored as ``p = exp(lam) * u``. Near the minimum
  ``|p|^2 = e^E / V - 1`` grows without bound (V -> 0), so ``lam`` carries the
  size in log form and ``u`` stays of order one.
* Every operation of a step maps p to a linear combination ``a u + b g + cz z``
  of the three vectors u, g and the normal draws z, with scalar coefficients.
  The vectors are read once for their six dot products (``dot_products``), the
  step is done on the three coefficients in scalar arithmetic (the norm of a
  combination is a quadratic form in the dot products), and one more pass
  writes the result and moves q (``drift``). When the quadratic form suffers
  cancellation (p nearly reverses) the combination is written out and its dot
  products are recomputed exactly (``_materialize``).
"""
import math

from .jit import jit
from .layout import Q, U, G, Z, X_BEST, G_BEST, LOWER, UPPER, BOUNDED, DT, LAM, F, F0, LOG_KICK
from .walls import reflect

# A quadratic form below this fraction of the size of its terms has lost too
# many digits to cancellation; the combination is then computed explicitly.
_CANCELLATION = 1e-4


@jit(reassociate=True)
def dot_products(u, g, z, with_z):
    """The dot products (uu, ug, gg, uz, gz, zz); the z terms are 0 unless with_z."""
    uu = ug = gg = 0.0
    for i in range(u.shape[0]):
        ui = u[i]
        gi = g[i]
        uu += ui * ui
        ug += ui * gi
        gg += gi * gi
    uz = gz = zz = 0.0
    if with_z:
        for i in range(u.shape[0]):
            zi = z[i]
            uz += u[i] * zi
            gz += g[i] * zi
            zz += zi * zi
    return uu, ug, gg, uz, gz, zz


@jit(reassociate=True)
def _materialize(u, g, z, a, b, cz, gram):
    """u <- a u + b g + cz z, with its dot products recomputed exactly."""
    _, _, gg, _, gz, zz = gram
    uu = ug = uz = 0.0
    for i in range(u.shape[0]):
        ui = a * u[i] + b * g[i] + cz * z[i]
        u[i] = ui
        uu += ui * ui
        ug += ui * g[i]
        uz += ui * z[i]
    return uu, ug, gg, uz, gz, zz


@jit()
def exact_norm2(u, g, z, a, b, cz, gram):
    """|a u + b g + cz z|^2 from the dot products, exact to rounding.

    The norm is a quadratic form in the dot products; when its terms cancel
    (p nearly reverses in a kick) the combination is written out first.
    Returns the norm and the (possibly rewritten) coefficients and dot products.
    """
    uu, ug, gg, uz, gz, zz = gram
    t0 = a * a * uu
    t1 = 2.0 * a * b * ug
    t2 = b * b * gg
    t3 = 2.0 * a * cz * uz
    t4 = 2.0 * b * cz * gz
    t5 = cz * cz * zz
    pn2 = t0 + t1 + t2 + t3 + t4 + t5
    size = abs(t0) + abs(t1) + abs(t2) + abs(t3) + abs(t4) + abs(t5)
    if pn2 < _CANCELLATION * size:
        gram = _materialize(u, g, z, a, b, cz, gram)
        a, b, cz = 1.0, 0.0, 0.0
        pn2 = gram[0]
    return max(pn2, 0.0), a, b, cz, gram


@jit()
def half_kick(a, b, cz, lam, log_gap, log_kick):
    """Eq. 6 on the coefficients of p = exp(lam) (a u + b g + cz z).

    ``log_gap`` is log(F - F0) and ``log_kick`` log(dt eta / 2), so the kick's
    coefficient on g is beta = exp(log_kick - log_gap - lam); when beta exceeds
    1 the scale lam is raised first, so no coefficient overflows.
    """
    log_beta = log_kick - log_gap - lam
    if log_beta > 0.0:
        shrink = math.exp(-log_beta)
        return a * shrink, b * shrink - 1.0, cz * shrink, lam + log_beta
    return a, b - math.exp(log_beta), cz, lam


@jit()
def drift(vectors, g, a, b, cz, step, save_best, bounded):
    """u <- a u + b g + cz z; q <- q + step * u (eq. 7, with step = 2 dt e^lam / (1 + |p|^2)).

    With save_best, the pass first copies q and g (the point just evaluated
    and its gradient) to the best-point rows, which it reads anyway. With
    bounded, a coordinate that leaves [LOWER, UPPER] is reflected back and its
    momentum flips (eq. 13). The loop-invariant branches are unswitched by
    LLVM; each version vectorizes.
    """
    q, u, z, best_x, best_g = vectors[Q], vectors[U], vectors[Z], vectors[X_BEST], vectors[G_BEST]
    lower, upper = vectors[LOWER], vectors[UPPER]
    with_z = cz != 0.0
    for i in range(q.shape[0]):
        gi = g[i]
        qi = q[i]
        if save_best:
            best_x[i] = qi
            best_g[i] = gi
        ui = a * u[i] + b * gi
        if with_z:
            ui += cz * z[i]
        qi = qi + step * ui
        if bounded and (qi < lower[i] or qi > upper[i]):  # NaN: no reflection
            qi, flipped = reflect(qi, lower[i], upper[i])
            if flipped:
                ui = -ui
        u[i] = ui
        q[i] = qi


@jit()
def kick_and_drift(vectors, g, a, b, cz, lam, log_gap, gram, scalars, save_best):
    """The half kick that starts a step (eq. 6) and the drift (eq. 7)."""
    a, b, cz, lam = half_kick(a, b, cz, lam, log_gap, scalars[LOG_KICK])
    pn2, a, b, cz, gram = exact_norm2(vectors[U], g, vectors[Z], a, b, cz, gram)
    # Keep u of order one: lam = max(0, log|p|).
    if pn2 > 0.0:
        new_lam = max(0.0, lam + 0.5 * math.log(pn2))
        scale = math.exp(lam - new_lam)
        a *= scale
        b *= scale
        cz *= scale
        pn2 *= scale * scale
        lam = new_lam
    else:
        lam = 0.0
    # dq = dt 2p / (1 + |p|^2) with p = e^lam u; e^-lam + e^lam |u|^2 never overflows for lam >= 0.
    growth = math.exp(lam)
    step = 2.0 * scalars[DT] / (1.0 / growth + growth * pn2)
    drift(vectors, g, a, b, cz, step, save_best, scalars[BOUNDED] != 0.0)
    scalars[LAM] = lam


@jit()
def begin(vectors, scalars):
    """Start the leapfrog from (q_0, p_0) with a half kick and a drift (eqs. 6-7).

    vectors[G] and scalars[F] hold grad F and F at q_0 (with the L2 term); p_0
    is exp(scalars[LAM]) vectors[U].
    """
    g = vectors[G]
    gram = dot_products(vectors[U], g, vectors[Z], False)
    log_gap = math.log(scalars[F] - scalars[F0])
    kick_and_drift(vectors, g, 1.0, 0.0, 0.0, scalars[LAM], log_gap, gram, scalars, False)
