"""The leapfrog step of MixingOptimization.md, as fused numba kernels.

One step, in the note's notation (h = dt/2, force = -eta grad F / (F - F0), eq. 9):

    p_i      = p_{i-1/2} - h eta g_i / (F_i - F0)     second half kick (eq. 14)
    monitor E_i (eq. 17); optionally rescale |p_i| to restore E (eq. 19)
    rotate p_i: a full bounce (1.4.1) or a generalized bounce (eq. 21)
    p_{i+1/2} = p_i - h eta g_i / (F_i - F0)          first half kick (eq. 15)
    q_{i+1}   = q_i + dt 2 p_{i+1/2} / (1 + |p_{i+1/2}|^2)     drift (eq. 16)

and then F, grad F are evaluated at q_{i+1} by the caller: one gradient per step.

How the kernels do it cheaply and without overflow
--------------------------------------------------
* The momentum is stored as ``p = exp(lam) * u``. Near the minimum
  ``|p|^2 = e^E / V - 1`` grows without bound (V -> 0), so ``lam`` carries the
  size in log form and ``u`` stays of order one.
* Every operation above maps p to a linear combination ``a u + b g + c z`` of
  the three vectors u, g and the normal draws z, with scalar coefficients. The
  kernels read the vectors once to get their six dot products (``_dots``), do
  the whole step on the three coefficients in scalar arithmetic (the norm of
  a combination is a quadratic form in the dot products), and write the
  result with one more pass that also moves q (``_combine``). When the
  quadratic form suffers cancellation (p nearly reverses) the combination is
  written out and its dot products are recomputed exactly (``_materialize``).

Everything here takes contiguous float64 arrays and scalars and returns
numbers; the layout of those arrays is in ``_layout``.
"""
import math

import numpy as np
from numba import types

from ._jit import SOURCE_SALT, jit
from ._layout import (
    Q, U, G, Z, X_BEST, G_BEST, LOWER, UPPER, BOUNDED,
    F0, ETA, DT, DELTA_E, NU, GAMMA, WEIGHT_DECAY, TOL, RESTORE, MAXITER, MAXFEV,
    FEV_PER_STEP, BOUNCE_EVERY, E, LAM, F, F_BEST, ENERGY_ERROR, MAX_ENERGY_ERROR,
    LOG_KICK, STALL_BOUNCE, ADAPTIVE_F0, ANCHOR_F, ANCHOR_GAP, N_HISTORY, N_SLOTS,
    HISTORY_CAPACITY, CHECK_F, NIT, NFEV, NJEV, N_RESTORE_FAILED, STALLED, N_STALL_BOUNCES,
    N_REANCHORS, SINCE_CHECK,
    RUNNING, REACHED_TOL, MAXITER_REACHED, MAXFEV_REACHED, NON_FINITE,
    BAD_GRADIENT_SHAPE,
)

# A quadratic form below this fraction of the size of its terms has lost too
# many digits to cancellation; the combination is then computed explicitly.
_CANCELLATION = 1e-4

_work = types.float64[:, ::1]
_vec = types.float64[::1]
_ivec = types.int64[::1]


@jit(reassociate=True)
def _dots(u, g, z, with_z):
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
def _add_weight_decay(q, graw, g, weight_decay):
    """g <- graw + w_d q (eq. 24); returns |q|^2 for the w_d/2 |q|^2 term of F."""
    qq = 0.0
    for i in range(q.shape[0]):
        qi = q[i]
        g[i] = graw[i] + weight_decay * qi
        qq += qi * qi
    return qq


@jit(reassociate=True)
def _materialize(u, g, z, a, b, c, gram):
    """u <- a u + b g + c z, with its dot products recomputed exactly."""
    _, _, gg, _, gz, zz = gram
    uu = ug = uz = 0.0
    for i in range(u.shape[0]):
        ui = a * u[i] + b * g[i] + c * z[i]
        u[i] = ui
        uu += ui * ui
        ug += ui * g[i]
        uz += ui * z[i]
    return uu, ug, gg, uz, gz, zz


@jit()
def _exact_norm2(u, g, z, a, b, c, gram):
    """|a u + b g + c z|^2 from the dot products, exact to rounding.

    The norm is a quadratic form in the dot products; when its terms cancel
    (p nearly reverses in a kick) the combination is written out first.
    Returns the norm and the (possibly rewritten) coefficients and dot products.
    """
    uu, ug, gg, uz, gz, zz = gram
    t0 = a * a * uu
    t1 = 2.0 * a * b * ug
    t2 = b * b * gg
    t3 = 2.0 * a * c * uz
    t4 = 2.0 * b * c * gz
    t5 = c * c * zz
    pn2 = t0 + t1 + t2 + t3 + t4 + t5
    size = abs(t0) + abs(t1) + abs(t2) + abs(t3) + abs(t4) + abs(t5)
    if pn2 < _CANCELLATION * size:
        gram = _materialize(u, g, z, a, b, c, gram)
        a, b, c = 1.0, 0.0, 0.0
        pn2 = gram[0]
    return max(pn2, 0.0), a, b, c, gram


@jit()
def _half_kick(a, b, c, lam, log_d, s):
    """p -> p - (dt/2) eta g / (F - F0), on the coefficients of p = exp(lam) (a u + b g + c z).

    The kick's coefficient on g is beta = (dt/2) eta exp(-log(F - F0) - lam); when it
    exceeds 1 the scale lam is raised first, so no coefficient overflows.
    """
    log_beta = s[LOG_KICK] - log_d - lam
    if log_beta > 0.0:
        shrink = math.exp(-log_beta)
        return a * shrink, b * shrink - 1.0, c * shrink, lam + log_beta
    return a, b - math.exp(log_beta), c, lam


@jit()
def _log1p_exp(x):
    """log(1 + e^x) without overflow: log(1 + |p|^2) from log|p|^2."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@jit()
def _log_expm1(x):
    """log(e^x - 1) for x > 0 without overflow: log of eq. 18's target |p|^2."""
    if x > 30.0:
        return x + math.log1p(-math.exp(-x))
    return math.log(math.expm1(x))


@jit()
def _reflect(q, lower, upper):
    """Fold q into [lower, upper] by elastic reflections; returns (q, odd number of them)."""
    width = upper - lower
    if not math.isfinite(width):  # one open side: a single mirror
        return (2.0 * upper - q, True) if q > upper else (2.0 * lower - q, True)
    k = math.floor((q - lower) / width)
    t = (q - lower) - k * width
    if k % 2 == 0:
        return min(max(lower + t, lower), upper), False
    return min(max(upper - t, lower), upper), True


@jit()
def _combine(W, g, a, b, c, step, save_best, bounded):
    """u <- a u + b g + c z; q <- q + step * u (the drift, eq. 16).

    With save_best, the pass first copies q and g (the point just evaluated
    and its gradient) to the best-point rows, which it reads anyway. With
    bounded, a coordinate that leaves [LOWER, UPPER] is reflected back and
    its momentum flips: |p| is kept, and the map stays reversible.
    The loop-invariant branches are unswitched by LLVM; each version vectorizes.
    """
    q, u, z, best_x, best_g = W[Q], W[U], W[Z], W[X_BEST], W[G_BEST]
    lower, upper = W[LOWER], W[UPPER]
    with_z = c != 0.0
    for i in range(q.shape[0]):
        gi = g[i]
        qi = q[i]
        if save_best:
            best_x[i] = qi
            best_g[i] = gi
        ui = a * u[i] + b * gi
        if with_z:
            ui += c * z[i]
        qi = qi + step * ui
        if bounded and (qi < lower[i] or qi > upper[i]):  # NaN: no reflection
            qi, flipped = _reflect(qi, lower[i], upper[i])
            if flipped:
                ui = -ui
        u[i] = ui
        q[i] = qi


@jit()
def _kick_and_drift(W, g, a, b, c, lam, log_d, gram, s, save_best):
    """First half kick (eq. 15) and drift (eq. 16) from p = exp(lam) (a u + b g + c z)."""
    a, b, c, lam = _half_kick(a, b, c, lam, log_d, s)
    pn2, a, b, c, gram = _exact_norm2(W[U], g, W[Z], a, b, c, gram)
    # Keep u of order one: lam = max(0, log|p|).
    if pn2 > 0.0:
        new_lam = max(0.0, lam + 0.5 * math.log(pn2))
        scale = math.exp(lam - new_lam)
        a *= scale
        b *= scale
        c *= scale
        pn2 *= scale * scale
        lam = new_lam
    else:
        lam = 0.0
    # dq = dt 2p / (1 + |p|^2) with p = e^lam u; e^-lam + e^lam |u|^2 never overflows for lam >= 0.
    growth = math.exp(lam)
    step = 2.0 * s[DT] / (1.0 / growth + growth * pn2)
    _combine(W, g, a, b, c, step, save_best, s[BOUNDED] != 0.0)
    s[LAM] = lam


@jit()
def _is_bounce_step(s, nit):
    every = s[BOUNCE_EVERY]
    return every > 0.0 and nit % int(every) == 0


@jit()
def draws_noise(s, c):
    """Whether the next step needs normal draws in W[Z]: generalized bounces, a
    periodic bounce, or a possible stall bounce (if the step brings no new best).

    The Python loop (``_loop._run_python``) applies the same rule.
    """
    stall = s[STALL_BOUNCE]
    return (s[NU] > 0.0 or _is_bounce_step(s, c[NIT] + 1)
            or (stall > 0.0 and c[STALLED] + 1 >= stall))


@jit()
def _stop_reason(gap, s, c):
    """Why the run stops after this step, or RUNNING."""
    if gap <= s[TOL]:
        return REACHED_TOL
    if c[NIT] >= s[MAXITER]:
        return MAXITER_REACHED
    if c[NFEV] + s[FEV_PER_STEP] > s[MAXFEV]:
        return MAXFEV_REACHED
    return RUNNING


# The adaptive F0 never comes closer to F_best than this, relative to max(1, |F_best|).
_MIN_RELATIVE_GAP = 1e-12
# Every _CHECK_STEPS steps, a best value that fell by less than _CHECK_PROGRESS of
# the gap F_best - F0 tightens F0 to F_best - gap / _TIGHTEN.
_CHECK_STEPS = 50
_CHECK_PROGRESS = 0.1
_TIGHTEN = 4.0


@jit()
def record_f0(s, nit):
    """Append (nit, F0) to the F0 history at the end of s, while there is room."""
    k = int(s[N_HISTORY])
    if k < HISTORY_CAPACITY:
        s[N_SLOTS + 2 * k] = nit
        s[N_SLOTS + 2 * k + 1] = s[F0]
        s[N_HISTORY] = k + 1


@jit()
def _reanchor(s, c, delta):
    """Move the adaptive F0 to F_best - delta (delta kept above a relative floor)."""
    best = s[F_BEST]
    delta = max(delta, _MIN_RELATIVE_GAP * max(1.0, abs(best)))
    s[F0] = best - delta
    s[ANCHOR_F] = best
    s[ANCHOR_GAP] = delta
    s[CHECK_F] = best
    c[SINCE_CHECK] = 0
    c[N_REANCHORS] += 1
    record_f0(s, c[NIT])


@jit()
def _update_adaptive_f0(s, c):
    """Re-anchor the adaptive F0 if it is due; returns whether it moved.

    * Progress: once F_best has come halfway down to F0 (or below it), F0
      moves to F_best - delta with delta the improvement since the last
      anchor: the recent rate of progress sets the next guess of how far the
      minimum is.
    * Stall: when _CHECK_STEPS steps lowered F_best by less than
      _CHECK_PROGRESS of the gap F_best - F0, the gap was too generous (it
      limits the accuracy to about itself): F0 moves up to F_best - gap / 4.
    """
    best = s[F_BEST]
    if best - s[F0] <= 0.5 * s[ANCHOR_GAP]:
        _reanchor(s, c, s[ANCHOR_F] - best)
        return True
    c[SINCE_CHECK] += 1
    if c[SINCE_CHECK] >= _CHECK_STEPS:
        gap = best - s[F0]
        if s[CHECK_F] - best < _CHECK_PROGRESS * gap:
            _reanchor(s, c, gap / _TIGHTEN)
            return True
        s[CHECK_F] = best
        c[SINCE_CHECK] = 0
    return False


@jit()
def _begin(W, s):
    """Start the leapfrog from (q_0, p_0): the first half kick and drift (eqs. 12-13).

    W[G] and s[F] hold grad F and F at q_0 (with the L2 term); p_0 is exp(s[LAM]) W[U].
    """
    g = W[G]
    gram = _dots(W[U], g, W[Z], False)
    log_d = math.log(s[F] - s[F0])
    _kick_and_drift(W, g, 1.0, 0.0, 0.0, s[LAM], log_d, gram, s, False)


@jit()
def _finish_and_advance(W, graw, f, s, c, with_z):
    """Complete the step at the new q (whose F and grad F are f, graw) and start the next.

    with_z says whether W[Z] holds fresh normal draws for this step's bounce.
    graw is only read. Returns RUNNING, or why the run stops; when it stops,
    (q, p) is left at integer time (after the monitor/restore) so it can be
    reported.
    """
    q, u, z = W[Q], W[U], W[Z]
    if graw.shape[0] != q.shape[0]:
        return BAD_GRADIENT_SHAPE
    c[NIT] += 1
    c[NFEV] += int(s[FEV_PER_STEP])
    c[NJEV] += 1
    weight_decay = s[WEIGHT_DECAY]
    g = graw
    if weight_decay != 0.0:
        g = W[G]
        f = f + 0.5 * weight_decay * _add_weight_decay(q, graw, g, weight_decay)
    gram = _dots(u, g, z, with_z)
    s[F] = f
    if not (np.isfinite(f) and np.isfinite(gram[2])):
        return NON_FINITE
    improved = f < s[F_BEST]
    if improved:
        s[F_BEST] = f
        c[STALLED] = 0
    else:
        c[STALLED] += 1
    reanchored = s[ADAPTIVE_F0] != 0.0 and _update_adaptive_f0(s, c)
    gap = f - s[F0]
    status = _stop_reason(gap, s, c)
    if gap <= 0.0:
        # F0 is not a lower bound here; log(F - F0) is undefined, so stop (gap <= tol).
        _combine(W, g, 1.0, 0.0, 0.0, 0.0, improved, False)
        return status
    log_d = math.log(gap)
    eta = s[ETA]
    energy = s[E]

    # Second half kick (eq. 14) to p_i.
    a, b, cz, lam = _half_kick(1.0, 0.0, 0.0, s[LAM], log_d, s)
    pn2, a, b, cz, gram = _exact_norm2(u, g, z, a, b, cz, gram)

    # Energy monitor (eq. 17) and restore (eqs. 18-19). After a re-anchor of F0
    # the particle restarts from here as at x0: |p|^2 = deltaE along the same
    # direction, e^E = V (1 + deltaE) (eq. 10).
    log_pn2 = math.log(pn2) if pn2 > 0.0 else -np.inf
    error = abs(_log1p_exp(2.0 * lam + log_pn2) + eta * log_d - energy)
    if reanchored:
        if s[DELTA_E] > 0.0 and pn2 > 0.0:
            lam = 0.5 * (math.log(s[DELTA_E]) - log_pn2)
        else:
            a, b, cz, lam = 0.0, 0.0, 0.0, 0.0
        energy = s[E] = math.log1p(s[DELTA_E]) + eta * log_d
        error = 0.0
    s[ENERGY_ERROR] = error
    if error > s[MAX_ENERGY_ERROR]:
        s[MAX_ENERGY_ERROR] = error
    if s[RESTORE] != 0.0 and not reanchored:
        x = energy - eta * log_d  # log(e^E / V)
        if x > 0.0 and pn2 > 0.0:
            lam = 0.5 * (_log_expm1(x) - log_pn2)
        else:
            c[N_RESTORE_FAILED] += 1

    if status != RUNNING:
        _combine(W, g, a, b, cz, 0.0, improved, False)
        s[LAM] = lam
        return status

    # Bounces keep |p| and turn its direction (1.4.1, eq. 21).
    if with_z and pn2 > 0.0:
        _, _, _, uz, gz, zz = gram
        stalled = s[STALL_BOUNCE] > 0.0 and c[STALLED] >= s[STALL_BOUNCE]
        if stalled:
            c[STALLED] = 0
            c[N_STALL_BOUNCES] += 1
        if stalled or _is_bounce_step(s, c[NIT]):
            a, b, cz = 0.0, 0.0, math.sqrt(pn2 / zz)
        else:
            nu = s[NU] * math.exp(s[GAMMA] * (eta * log_d + math.log1p(s[DELTA_E]) - energy))
            norm = math.sqrt(pn2)
            pz = a * uz + b * gz + cz * zz  # (p / e^lam) . z
            rot = math.sqrt(max(1.0 + 2.0 * nu * pz / norm + nu * nu * zz, 0.0))
            if rot > 0.0:
                a, b, cz = a / rot, b / rot, (cz + nu * norm) / rot

    _kick_and_drift(W, g, a, b, cz, lam, log_d, gram, s, improved)
    return RUNNING


def _entry_points(salt):
    """The cached, compiled-once entry points; ``salt`` ties their cache to the sources."""

    @jit(types.void(_work, _vec))
    def begin(W, s):
        """Start the leapfrog from (q_0, p_0): the first half kick and drift (eqs. 12-13)."""
        if salt < 0:  # never: salt only enters numba's cache key (see _jit.SOURCE_SALT)
            return
        _begin(W, s)

    @jit(types.int64(_work, _vec, types.float64, _vec, _ivec, types.boolean))
    def finish_and_advance(W, graw, f, s, c, with_z):
        """Complete the step at the new q and start the next (see _finish_and_advance)."""
        if salt < 0:
            return RUNNING
        return _finish_and_advance(W, graw, f, s, c, with_z)

    return begin, finish_and_advance


begin, finish_and_advance = _entry_points(SOURCE_SALT)
