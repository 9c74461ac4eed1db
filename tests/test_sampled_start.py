"""The polish's sampled start in two variables (polish.sampled_start)."""
import numpy as np
import pytest

import hamopt
from hamopt.search import polish


def two_wells(x):
    """A shallow well at (2, 2) (F = 1) and a deep one at (-2, -2) (F = 0), far apart."""
    shallow = 1.0 + np.sum((x - 2.0) ** 2)
    deep = np.sum((x + 2.0) ** 2)
    return float(min(shallow, deep))


def two_wells_grad(x):
    return 2.0 * (x - 2.0) if 1.0 + np.sum((x - 2.0) ** 2) < np.sum((x + 2.0) ** 2) \
        else 2.0 * (x + 2.0)


BOX = [(-3.0, 3.0), (-3.0, 3.0)]
X0 = np.array([2.2, 1.9])  # in the shallow well


def test_with_differences_the_polish_starts_from_the_lowest_sample(monkeypatch):
    def deep(runs):
        return sum(hamopt.minimize(two_wells, X0, bounds=BOX, hops=0, rng=seed).fun < 1e-6
                   for seed in range(runs))
    sampled = deep(40)  # measured: 20 of 40
    monkeypatch.setattr(polish, "SAMPLE_MAX_DIM", 0)
    assert sampled >= 12 and deep(40) <= 8  # measured: 4 of 40 without the samples


def test_with_a_gradient_or_a_target_there_is_no_sampling():
    with_gradient = hamopt.minimize(two_wells, X0, jac=two_wells_grad, bounds=BOX, hops=0,
                                    rng=0)
    assert with_gradient.fun == pytest.approx(1.0)
    with_target = hamopt.minimize(two_wells, X0, bounds=BOX, hops=0, rng=0, F0=0.5,
                                  trajectory_steps=0)
    assert with_target.fun == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("maxfev", [3, 5, 9, 13, 40])
def test_the_samples_are_counted_within_the_budget(maxfev):
    calls = []

    def fun(x):
        calls.append(x.copy())
        return two_wells(x)

    res = hamopt.minimize(fun, X0, bounds=BOX, maxfev=maxfev, rng=1)
    assert res.nfev == len(calls) <= maxfev
    assert res.fun == two_wells(res.x) <= two_wells(X0)
    assert np.all(np.isfinite(res.jac))
