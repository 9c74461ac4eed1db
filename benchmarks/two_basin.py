"""Which basin of the two-basin function hamopt visits and finds, beside eq. 5's prediction.

    python benchmarks/two_basin.py [--steps 400000] [--starts 200]

The function (hamopt.testfunctions "two_basin", n = 2) has two minima of
depth 0: basin A at x = (-2, 0), width 1, and basin B at (2, 0), width 0.5.

1. Time in each basin along long runs with a fixed F0 < 0 and generalized
   bounces for mixing, against the invariant measure (eq. 5 of docs/algorithm.rst):
   density (F - F0)^(-eta n / 2) on the region V < e^E, integrated over each
   basin on a fine grid (a point belongs to A where F_A < F_B).
2. Over many random starts in [-5, 5]^2, the basin of the point that
   hamopt.minimize returns, with one trajectory (hops=0) and with the
   defaults (hop search on), beside the area of each basin.
"""
import argparse

import numpy as np

import hamopt
from hamopt.testfunctions import TWO_BASIN_CENTRES, TWO_BASIN_WIDTHS, get

FN = get("two_basin")


def basin_a(points):
    """True where a point belongs to basin A (F_A < F_B)."""
    points = np.atleast_2d(points)
    ca = np.zeros(points.shape[1])
    cb = np.zeros(points.shape[1])
    ca[0], cb[0] = TWO_BASIN_CENTRES
    fa = ((points - ca) ** 2).sum(axis=1) / TWO_BASIN_WIDTHS[0] ** 2
    fb = ((points - cb) ** 2).sum(axis=1) / TWO_BASIN_WIDTHS[1] ** 2
    return fa < fb


def predicted_fraction_a(F0, eta, energy, box=5.0, m=2001):
    """Fraction of the invariant measure in basin A, by midpoint integration on a grid."""
    axis = np.linspace(-box, box, m)
    gx, gy = np.meshgrid(axis, axis)
    points = np.column_stack([gx.ravel(), gy.ravel()])
    values = np.array([FN.fun(p) for p in points])
    log_v = eta * np.log(values - F0)
    density = np.where(log_v < energy, np.exp(-log_v), 0.0)  # (F - F0)^(-eta n/2), n = 2
    in_a = basin_a(points)
    return density[in_a].sum() / density.sum()


def time_fraction_a(F0, eta, deltaE, steps, seed):
    visited = []

    def record(x):
        visited.append(x.copy())
        return FN.fun(x)
    x0 = np.array([0.0, 1.0])
    res = hamopt.minimize(record, x0, jac=lambda x: FN.grad(x), F0=F0, eta=eta, dt=0.05,
                          deltaE=deltaE, nu=0.3, maxiter=steps, tol=0.0, rng=seed,
                          bounds=[(-5, 5), (-5, 5)], polish=False)
    return basin_a(np.array(visited)).mean(), res.E


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400_000)
    parser.add_argument("--starts", type=int, default=200)
    args = parser.parse_args()

    print("## 1. Time in basin A (width 1) vs B (width 0.5), long runs\n")
    print("| F0 | eta | deltaE | time in A | predicted (eq. 5) |")
    print("|---|---|---|---|---|")
    for F0, eta, deltaE in ((-0.5, 1.0, 4.0), (-0.1, 1.0, 4.0), (-0.5, 2.0, 4.0)):
        fraction, energy = time_fraction_a(F0, eta, deltaE, args.steps, seed=0)
        print(f"| {F0} | {eta} | {deltaE} | {fraction:.3f} | "
              f"{predicted_fraction_a(F0, eta, energy):.3f} |", flush=True)

    print(f"\n## 2. Basin of the result over {args.starts} random starts\n")
    area = basin_a(np.random.default_rng(0).uniform(-5, 5, (200_000, 2))).mean()
    print(f"The area of A within the box is {area:.3f}.\n")
    print("| run | basin A | basin B |\n|---|---|---|")
    for label, options in (("one trajectory of 2000 steps + polish (hops=0)",
                            dict(hops=0, maxiter=2000)),
                           ("defaults (first trajectory, polish, hop search)", {})):
        found_a = 0
        for seed in range(args.starts):
            x0 = np.random.default_rng(seed).uniform(-5, 5, 2)
            res = hamopt.minimize(FN.fun, x0, jac=FN.grad, rng=seed,
                                  bounds=[(-5, 5), (-5, 5)], **options)
            found_a += bool(basin_a(res.x)[0])
        print(f"| {label} | {found_a}/{args.starts} = {found_a / args.starts:.3f} | "
              f"{args.starts - found_a}/{args.starts} |", flush=True)

if __name__ == "__main__":
    main()
