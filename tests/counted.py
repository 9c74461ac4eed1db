"""A minimize run checked for its counts, for tests that run many."""
import hamopt


def counted_run(f, x0, bounds, maxfev, seed, **given):
    """minimize on ``f`` from ``x0`` (differences unless ``given`` has a ``jac``), checked
    for its counts: nfev equals the calls of ``f`` and is within maxfev, and res.fun is
    F(res.x)."""
    calls = []

    def fun(x):
        calls.append(1)
        return f(x)
    res = hamopt.minimize(fun, x0, bounds=bounds, maxfev=maxfev, rng=seed, **given)
    assert res.nfev == len(calls) <= maxfev
    assert res.fun == f(res.x)
    return res
