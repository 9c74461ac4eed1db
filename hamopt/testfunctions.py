"""Classic test functions for minimization, with analytic gradients and known minima.

Each entry of ``FUNCTIONS`` is an :class:`AnalyticFunction`: ``fun(x)`` and
``grad(x)`` are numba-jitted (so they run on hamopt's nopython path and are
also plain callables from Python), with the minimum value, the minimizers,
the standard search domain, the accepted dimensions and a reference.

>>> import numpy as np
>>> from hamopt.testfunctions import FUNCTIONS
>>> ackley = FUNCTIONS["ackley"]
>>> float(ackley.fun(np.zeros(5))), ackley.minimum(5)
(0.0, 0.0)

Values at the minimum are exact to rounding: the formulas are arranged so
that the terms that cancel at the minimum cancel exactly (Ackley's
``20 (1 - e^(-0.2 r)) + (e - e^(mean cos))``), and constants such as
Styblinski-Tang's are computed to double precision.
"""
import functools
import math
from dataclasses import dataclass
from decimal import Decimal, getcontext
from typing import Callable, Optional

import numpy as np

from .dynamics.jit import jit

__all__ = ["AnalyticFunction", "FUNCTIONS", "get", "rotated", "ROTATABLE"]


@dataclass(frozen=True)
class AnalyticFunction:
    """A test function and what is known about it.

    Attributes
    ----------
    name : str
    fun, grad : callable
        ``fun(x) -> float`` and ``grad(x) -> ndarray``, numba-jitted, for a
        1-D float64 array ``x``.
    lower, upper : float or tuple of float
        The standard search domain: the same interval for every coordinate,
        or one bound per coordinate (2-D functions).
    min_dim, max_dim : int, int or None
        The dimensions the function accepts (``max_dim=None``: any).
    reference : str
    """
    name: str
    fun: Callable
    grad: Callable
    lower: object
    upper: object
    min_dim: int
    max_dim: Optional[int]
    reference: str
    _minimizers: Callable = None   # n -> array (k, n) of global minimizers
    _minimum: Callable = None      # n -> float, F at the global minimum

    def check_dim(self, n):
        """Raise ValueError unless the function is defined in dimension n."""
        if not isinstance(n, (int, np.integer)) or n < self.min_dim or (
                self.max_dim is not None and n > self.max_dim):
            accepted = (f"exactly {self.min_dim}" if self.max_dim == self.min_dim
                        else f">= {self.min_dim}" if self.max_dim is None
                        else f"{self.min_dim} to {self.max_dim}")
            raise ValueError(f"{self.name} is defined for dimension {accepted}, got {n}")

    def minimizers(self, n):
        """The global minimizers in dimension n, one per row."""
        self.check_dim(n)
        return np.atleast_2d(np.asarray(self._minimizers(n), dtype=float))

    def minimum(self, n):
        """The global minimum value F* in dimension n."""
        self.check_dim(n)
        return float(self._minimum(n))

    def bounds(self, n):
        """The search domain as arrays ``(lower, upper)`` of shape (n,)."""
        self.check_dim(n)
        return (np.broadcast_to(np.asarray(self.lower, dtype=float), (n,)).copy(),
                np.broadcast_to(np.asarray(self.upper, dtype=float), (n,)).copy())


# The functions ------------------------------------------------------------------

_TWO_PI = 2.0 * math.pi


@jit(cache=True)
def sphere(x):
    return (x * x).sum()


@jit(cache=True)
def sphere_grad(x):
    return 2.0 * x


@jit(cache=True)
def _ellipsoid_weight(i, n):
    # Condition number 1e6: weights 10^(6 i / (n - 1)), i = 0..n-1.
    return 1.0 if n == 1 else 10.0 ** (6.0 * i / (n - 1))


@jit(cache=True)
def ellipsoid(x):
    total = 0.0
    for i in range(x.size):
        total += _ellipsoid_weight(i, x.size) * x[i] * x[i]
    return total


@jit(cache=True)
def ellipsoid_grad(x):
    g = np.empty_like(x)
    for i in range(x.size):
        g[i] = 2.0 * _ellipsoid_weight(i, x.size) * x[i]
    return g


@jit(cache=True)
def rosenbrock(x):
    total = 0.0
    for i in range(x.size - 1):
        total += 100.0 * (x[i + 1] - x[i] * x[i]) ** 2 + (1.0 - x[i]) ** 2
    return total


@jit(cache=True)
def rosenbrock_grad(x):
    g = np.zeros_like(x)
    for i in range(x.size - 1):
        t = x[i + 1] - x[i] * x[i]
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i])
        g[i + 1] += 200.0 * t
    return g


@jit(cache=True)
def rastrigin(x):
    # sum x^2 + 10 (1 - cos 2 pi x): the 10 n and the cosines cancel exactly at 0.
    total = 0.0
    for xi in x:
        total += xi * xi + 10.0 * (1.0 - math.cos(_TWO_PI * xi))
    return total


@jit(cache=True)
def rastrigin_grad(x):
    return 2.0 * x + 10.0 * _TWO_PI * np.sin(_TWO_PI * x)


@jit(cache=True)
def ackley(x):
    n = x.size
    r = math.sqrt((x * x).sum() / n)
    mean_cos = np.cos(_TWO_PI * x).sum() / n
    # 20 (1 - e^{-0.2 r}) + (e - e^{mean cos}): both terms are exactly 0 at the origin.
    return -20.0 * math.expm1(-0.2 * r) + (math.e - math.exp(mean_cos))


@jit(cache=True)
def ackley_grad(x):
    n = x.size
    r = math.sqrt((x * x).sum() / n)
    mean_cos = np.cos(_TWO_PI * x).sum() / n
    # d r / d x_i = x_i / (n r); the cone at r = 0 gets the subgradient 0.
    radial = 0.0 if r == 0.0 else 4.0 * math.exp(-0.2 * r) / (n * r)
    return radial * x + (_TWO_PI / n) * math.exp(mean_cos) * np.sin(_TWO_PI * x)


@jit(cache=True)
def griewank(x):
    total = 0.0
    product = 1.0
    for i in range(x.size):
        total += x[i] * x[i] / 4000.0
        product *= math.cos(x[i] / math.sqrt(i + 1.0))
    return total + (1.0 - product)


@jit(cache=True)
def griewank_grad(x):
    n = x.size
    c = np.empty(n)
    for i in range(n):
        c[i] = math.cos(x[i] / math.sqrt(i + 1.0))
    # The product of the cosines other than c[i], without dividing by c[i].
    before = np.ones(n)
    after = np.ones(n)
    for i in range(1, n):
        before[i] = before[i - 1] * c[i - 1]
        after[n - 1 - i] = after[n - i] * c[n - i]
    g = np.empty(n)
    for i in range(n):
        s = math.sqrt(i + 1.0)
        g[i] = x[i] / 2000.0 + before[i] * after[i] * math.sin(x[i] / s) / s
    return g


@jit(cache=True)
def styblinski_tang(x):
    total = 0.0
    for xi in x:
        x2 = xi * xi
        total += x2 * x2 - 16.0 * x2 + 5.0 * xi
    return 0.5 * total


@jit(cache=True)
def styblinski_tang_grad(x):
    return 2.0 * x ** 3 - 16.0 * x + 2.5


@jit(cache=True)
def levy(x):
    n = x.size
    w0 = 1.0 + (x[0] - 1.0) / 4.0
    total = math.sin(math.pi * w0) ** 2
    for i in range(n - 1):
        w = 1.0 + (x[i] - 1.0) / 4.0
        total += (w - 1.0) ** 2 * (1.0 + 10.0 * math.sin(math.pi * w + 1.0) ** 2)
    wn = 1.0 + (x[n - 1] - 1.0) / 4.0
    total += (wn - 1.0) ** 2 * (1.0 + math.sin(_TWO_PI * wn) ** 2)
    return total


@jit(cache=True)
def levy_grad(x):
    n = x.size
    g = np.zeros(n)
    w0 = 1.0 + (x[0] - 1.0) / 4.0
    g[0] += 2.0 * math.pi * math.sin(math.pi * w0) * math.cos(math.pi * w0)
    for i in range(n - 1):
        w = 1.0 + (x[i] - 1.0) / 4.0
        s = math.sin(math.pi * w + 1.0)
        c = math.cos(math.pi * w + 1.0)
        g[i] += (2.0 * (w - 1.0) * (1.0 + 10.0 * s * s)
                 + (w - 1.0) ** 2 * 20.0 * math.pi * s * c)
    wn = 1.0 + (x[n - 1] - 1.0) / 4.0
    s = math.sin(_TWO_PI * wn)
    c = math.cos(_TWO_PI * wn)
    g[n - 1] += 2.0 * (wn - 1.0) * (1.0 + s * s) + (wn - 1.0) ** 2 * 2.0 * _TWO_PI * s * c
    return g / 4.0  # dw / dx = 1/4


@jit(cache=True)
def _zakharov_sum(x):
    total = 0.0
    for i in range(x.size):
        total += 0.5 * (i + 1.0) * x[i]
    return total


@jit(cache=True)
def zakharov(x):
    s = _zakharov_sum(x)
    return (x * x).sum() + s * s + s ** 4


@jit(cache=True)
def zakharov_grad(x):
    s = _zakharov_sum(x)
    g = 2.0 * x
    factor = 2.0 * s + 4.0 * s ** 3
    for i in range(x.size):
        g[i] += factor * 0.5 * (i + 1.0)
    return g


def _schwefel_x_star():
    """Root of d/dx [x sin sqrt x] = sin(s) + s cos(s) / 2 = 0, s = sqrt(x), near 420.97."""
    s = 20.5
    for _ in range(50):
        f = math.sin(s) + 0.5 * s * math.cos(s)
        df = 1.5 * math.cos(s) - 0.5 * s * math.sin(s)
        s -= f / df
    return s * s


_SCHWEFEL_X = _schwefel_x_star()
# The constant 418.9828872724338 of the usual formula, computed with the same
# operations as the function below, so that each term is exactly 0 at x*.
_SCHWEFEL_C = _SCHWEFEL_X * math.sin(math.sqrt(abs(_SCHWEFEL_X)))


@jit(cache=True)
def schwefel(x):
    total = 0.0
    for xi in x:
        total += _SCHWEFEL_C - xi * math.sin(math.sqrt(abs(xi)))
    return total


@jit(cache=True)
def schwefel_grad(x):
    g = np.empty_like(x)
    for i in range(x.size):
        s = math.sqrt(abs(x[i]))
        g[i] = -(math.sin(s) + 0.5 * s * math.cos(s))
    return g


_MICHALEWICZ_M = 10


@jit(cache=True)
def michalewicz(x):
    total = 0.0
    for i in range(x.size):
        total -= math.sin(x[i]) * math.sin((i + 1.0) * x[i] * x[i] / math.pi) ** (
            2 * _MICHALEWICZ_M)
    return total


@jit(cache=True)
def michalewicz_grad(x):
    g = np.empty_like(x)
    m2 = 2 * _MICHALEWICZ_M
    for i in range(x.size):
        k = (i + 1.0) / math.pi
        a = k * x[i] * x[i]
        s = math.sin(a)
        g[i] = -(math.cos(x[i]) * s ** m2
                 + math.sin(x[i]) * m2 * s ** (m2 - 1) * math.cos(a) * 2.0 * k * x[i])
    return g


@jit(cache=True)
def himmelblau(x):
    return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2


@jit(cache=True)
def himmelblau_grad(x):
    a = x[0] ** 2 + x[1] - 11.0
    b = x[0] + x[1] ** 2 - 7.0
    return np.array([4.0 * x[0] * a + 2.0 * b, 2.0 * a + 4.0 * x[1] * b])


@jit(cache=True)
def six_hump_camel(x):
    u, v = x[0], x[1]
    return (4.0 - 2.1 * u * u + u ** 4 / 3.0) * u * u + u * v + (-4.0 + 4.0 * v * v) * v * v


@jit(cache=True)
def six_hump_camel_grad(x):
    u, v = x[0], x[1]
    return np.array([8.0 * u - 8.4 * u ** 3 + 2.0 * u ** 5 + v,
                     u - 8.0 * v + 16.0 * v ** 3])


@jit(cache=True)
def beale(x):
    u, v = x[0], x[1]
    return ((1.5 - u + u * v) ** 2 + (2.25 - u + u * v * v) ** 2
            + (2.625 - u + u * v ** 3) ** 2)


@jit(cache=True)
def beale_grad(x):
    u, v = x[0], x[1]
    a = 1.5 - u + u * v
    b = 2.25 - u + u * v * v
    c = 2.625 - u + u * v ** 3
    return np.array([2.0 * (a * (v - 1.0) + b * (v * v - 1.0) + c * (v ** 3 - 1.0)),
                     2.0 * (a * u + b * 2.0 * u * v + c * 3.0 * u * v * v)])


# Two basins of equal depth 0 and different widths: near its centre each basin is
# the quadratic well |x - c|^2 / w^2; 1/F = 1/F_a + 1/F_b joins them smoothly.
TWO_BASIN_CENTRES = (-2.0, 2.0)   # first coordinate of the centres; the rest are 0
TWO_BASIN_WIDTHS = (1.0, 0.5)


@jit(cache=True)
def _two_basin_parts(x):
    da = 0.0
    db = 0.0
    for i in range(x.size):
        ca = TWO_BASIN_CENTRES[0] if i == 0 else 0.0
        cb = TWO_BASIN_CENTRES[1] if i == 0 else 0.0
        da += (x[i] - ca) ** 2
        db += (x[i] - cb) ** 2
    return da / TWO_BASIN_WIDTHS[0] ** 2, db / TWO_BASIN_WIDTHS[1] ** 2


@jit(cache=True)
def two_basin(x):
    fa, fb = _two_basin_parts(x)
    total = fa + fb
    return 0.0 if total == 0.0 else fa * fb / total


@jit(cache=True)
def two_basin_grad(x):
    fa, fb = _two_basin_parts(x)
    total = fa + fb
    g = np.zeros_like(x)
    if total == 0.0:
        return g
    # dF = (F_b^2 dF_a + F_a^2 dF_b) / (F_a + F_b)^2
    wa = fb * fb / (total * total) * 2.0 / TWO_BASIN_WIDTHS[0] ** 2
    wb = fa * fa / (total * total) * 2.0 / TWO_BASIN_WIDTHS[1] ** 2
    for i in range(x.size):
        ca = TWO_BASIN_CENTRES[0] if i == 0 else 0.0
        cb = TWO_BASIN_CENTRES[1] if i == 0 else 0.0
        g[i] = wa * (x[i] - ca) + wb * (x[i] - cb)
    return g


# Known minima -------------------------------------------------------------------

def _styblinski_tang_constants():
    """The minimizer root of 4x^3 - 32x + 5 = 0 near -2.9035 and 0.5 (x^4 - 16x^2 + 5x) there,
    by Newton's method in 40-digit decimal arithmetic, then rounded to double."""
    getcontext().prec = 40
    x = Decimal("-2.9035")
    for _ in range(60):
        x -= (4 * x ** 3 - 32 * x + 5) / (12 * x ** 2 - 32)
    value = (x ** 4 - 16 * x ** 2 + 5 * x) / 2
    return float(x), value


_ST_X, _ST_VALUE = _styblinski_tang_constants()


def _newton_polish(grad, hess_fd, x, steps=20):
    """Polish a stationary point: Newton on grad with a finite-difference Hessian."""
    x = np.array(x, dtype=float)
    for _ in range(steps):
        h = hess_fd(x)
        x = x - np.linalg.solve(h, grad(x))
    return x


def _fd_hessian(grad):
    def hessian(x, eps=1e-6):
        n = x.size
        h = np.empty((n, n))
        for j in range(n):
            dx = np.zeros(n)
            dx[j] = eps
            h[:, j] = (grad(x + dx) - grad(x - dx)) / (2 * eps)
        return 0.5 * (h + h.T)
    return hessian


@functools.lru_cache(maxsize=None)
def _polished(name, guesses):
    fn = {"himmelblau": himmelblau_grad, "six_hump_camel": six_hump_camel_grad}[name]
    return np.array([_newton_polish(fn, _fd_hessian(fn), g) for g in guesses])


@functools.lru_cache(maxsize=None)
def _michalewicz_coordinate_minimum(i):
    """min over [0, pi] of -sin(x) sin((i+1) x^2 / pi)^20, and where (the function is separable)."""
    from scipy.optimize import minimize_scalar
    grid = np.linspace(0.0, math.pi, 200_001)
    k = (i + 1.0) / math.pi
    values = -np.sin(grid) * np.sin(k * grid * grid) ** (2 * _MICHALEWICZ_M)
    j = int(np.argmin(values))
    lo, hi = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
    res = minimize_scalar(
        lambda t: -math.sin(t) * math.sin(k * t * t) ** (2 * _MICHALEWICZ_M),
        bounds=(lo, hi), method="bounded", options={"xatol": 1e-14})
    return float(res.x)


def _michalewicz_minimizer(n):
    return np.array([_michalewicz_coordinate_minimum(i) for i in range(n)])


_HIMMELBLAU_GUESSES = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                       (3.584428, -1.848127))
_CAMEL_GUESSES = ((0.0898, -0.7126), (-0.0898, 0.7126))


FUNCTIONS = {f.name: f for f in [
    AnalyticFunction(
        "sphere", sphere, sphere_grad, -5.12, 5.12, 1, None,
        "De Jong (1975), function 1.",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "ellipsoid", ellipsoid, ellipsoid_grad, -5.0, 5.0, 1, None,
        "Hansen & Ostermeier (2001), ill-conditioned ellipsoid, condition 1e6.",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "rosenbrock", rosenbrock, rosenbrock_grad, -5.0, 10.0, 2, None,
        "Rosenbrock (1960), extended to n dimensions.",
        lambda n: np.ones(n), lambda n: 0.0),
    AnalyticFunction(
        "rastrigin", rastrigin, rastrigin_grad, -5.12, 5.12, 1, None,
        "Rastrigin (1974); Muehlenbein et al. (1991).",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "ackley", ackley, ackley_grad, -32.768, 32.768, 1, None,
        "Ackley (1987), a = 20, b = 0.2, c = 2 pi.",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "griewank", griewank, griewank_grad, -600.0, 600.0, 1, None,
        "Griewank (1981).",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "styblinski_tang", styblinski_tang, styblinski_tang_grad, -5.0, 5.0, 1, None,
        "Styblinski & Tang (1990).",
        lambda n: np.full(n, _ST_X), lambda n: float(n * _ST_VALUE)),
    AnalyticFunction(
        "levy", levy, levy_grad, -10.0, 10.0, 1, None,
        "Levy & Montalvo (1985); Surjanovic & Bingham, Virtual Library of Simulation "
        "Experiments.",
        lambda n: np.ones(n), lambda n: 0.0),
    AnalyticFunction(
        "zakharov", zakharov, zakharov_grad, -5.0, 10.0, 1, None,
        "Zakharov; Surjanovic & Bingham, Virtual Library of Simulation Experiments.",
        lambda n: np.zeros(n), lambda n: 0.0),
    AnalyticFunction(
        "schwefel", schwefel, schwefel_grad, -500.0, 500.0, 1, None,
        "Schwefel (1981), problem 2.26.",
        lambda n: np.full(n, _SCHWEFEL_X), lambda n: 0.0),
    AnalyticFunction(
        "michalewicz", michalewicz, michalewicz_grad, 0.0, math.pi, 1, None,
        "Michalewicz (1992), m = 10; the minimum is computed coordinate by coordinate "
        "(the function is separable).",
        _michalewicz_minimizer, lambda n: float(michalewicz(_michalewicz_minimizer(n)))),
    AnalyticFunction(
        "himmelblau", himmelblau, himmelblau_grad, -5.0, 5.0, 2, 2,
        "Himmelblau (1972); four global minima of value 0.",
        lambda n: _polished("himmelblau", _HIMMELBLAU_GUESSES), lambda n: 0.0),
    AnalyticFunction(
        "six_hump_camel", six_hump_camel, six_hump_camel_grad, (-3.0, -2.0), (3.0, 2.0), 2, 2,
        "Dixon & Szegoe (1978); two global minima.",
        lambda n: _polished("six_hump_camel", _CAMEL_GUESSES),
        lambda n: float(six_hump_camel(_polished("six_hump_camel", _CAMEL_GUESSES)[0]))),
    AnalyticFunction(
        "beale", beale, beale_grad, -4.5, 4.5, 2, 2,
        "Beale (1958).",
        lambda n: np.array([3.0, 0.5]), lambda n: 0.0),
    AnalyticFunction(
        "two_basin", two_basin, two_basin_grad, -5.0, 5.0, 1, None,
        "hamopt: two quadratic basins of depth 0 at x_0 = -2 (width 1) and x_0 = +2 "
        "(width 0.5), joined by 1/F = 1/F_a + 1/F_b (the algorithm note's multi-basin test).",
        lambda n: np.array([np.eye(n)[0] * TWO_BASIN_CENTRES[0],
                            np.eye(n)[0] * TWO_BASIN_CENTRES[1]]),
        lambda n: 0.0),
]}


def get(name):
    """The AnalyticFunction called ``name``, with a clear error for unknown names."""
    try:
        return FUNCTIONS[name]
    except KeyError:
        raise ValueError(f"unknown test function {name!r}; choose from "
                         f"{', '.join(sorted(FUNCTIONS))}") from None


# Rotated functions ------------------------------------------------------------------

# Functions whose known minimum is the minimum over all of R^n, not only over their
# domain: turned about their minimizer, their box can hold points that map outside
# the domain, so the minimum over the box stays F* only for these. Schwefel's and
# Michalewicz's domains hide lower values outside them, so they are not rotated.
ROTATABLE = tuple(name for name in FUNCTIONS if name not in ("schwefel", "michalewicz"))


def random_rotation(n, seed):
    """A uniformly random (Haar) orthogonal n x n matrix, reproducible from ``seed``.

    QR of a standard normal matrix, with the signs of R's diagonal moved into Q
    (Mezzadri 2007), so that the distribution is uniform over O(n).
    """
    z = np.random.default_rng(seed).standard_normal((n, n))
    q, r = np.linalg.qr(z)
    return q * np.where(np.diag(r) < 0.0, -1.0, 1.0)


@functools.lru_cache(maxsize=None)
def rotated(name, n, seed=0):
    """The test function ``name`` in dimension ``n`` turned by a random rotation.

    ``F_R(x) = F(c + R (x - c))`` with ``c`` the (first) global minimizer and
    ``R`` = :func:`random_rotation` seeded by ``(seed, n, name)``; its gradient
    is ``R^T grad F(c + R (x - c))``. The minimum value is unchanged, ``c`` is
    a minimizer, and the search domain is the original box (whose minimum is
    still ``F*``: only functions in :data:`ROTATABLE` are accepted). Every
    coordinate of ``F_R`` mixes all of ``F``'s, so a search that profits from
    separability or from the coordinate axes loses that edge here.

    Returns an :class:`AnalyticFunction` of the one dimension ``n``, whose
    ``fun`` and ``grad`` are numba-jitted (compiled at the first call).
    """
    fn = get(name)
    fn.check_dim(n)
    if name not in ROTATABLE:
        raise ValueError(f"{name} is not rotated: its domain hides values below its "
                         f"minimum outside it; choose from {', '.join(ROTATABLE)}")
    R = random_rotation(n, [seed, n] + [ord(ch) for ch in name])
    minimizers = fn.minimizers(n)
    c = minimizers[0].copy()
    base_fun, base_grad = fn.fun, fn.grad

    @jit()
    def fun(x):
        return base_fun(c + R @ (x - c))

    @jit()
    def grad(x):
        return R.T @ base_grad(c + R @ (x - c))

    fmin = fn.minimum(n)
    turned = c + (minimizers - c) @ R  # rows c + R^T (m - c): F_R there is F(m)
    return AnalyticFunction(
        f"{name} (rotated)", fun, grad, fn.bounds(n)[0], fn.bounds(n)[1], n, n,
        fn.reference + " Rotated about its minimizer (hamopt.testfunctions.rotated).",
        lambda m: turned, lambda m: fmin)
