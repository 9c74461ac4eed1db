"""Weight decay as an L2 term: F -> F + w_d/2 |q|^2, grad F -> grad F + w_d q (eq. 12).

The term is part of the potential, so the dynamics still conserves the energy.
"""
from .jit import jit


def regularized(f, x, weight_decay):
    """F(x) + w_d/2 |x|^2, the objective the dynamics minimizes (eq. 12)."""
    return f + 0.5 * weight_decay * float(x @ x)


@jit(reassociate=True)
def add_weight_decay(q, graw, g, weight_decay):
    """g <- graw + w_d q (eq. 12); returns |q|^2 for the w_d/2 |q|^2 term of F."""
    qq = 0.0
    for i in range(q.shape[0]):
        qi = q[i]
        g[i] = graw[i] + weight_decay * qi
        qq += qi * qi
    return qq
