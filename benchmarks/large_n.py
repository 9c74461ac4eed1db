"""Cost and result of hamopt's defaults as n grows (jitted sphere and Rastrigin).

    python benchmarks/large_n.py [--dims 1e2,1e3,1e4,1e5,1e6] [--plot FILE.png]

Each run: ``hamopt.minimize(fun, x0, jac=grad, rng=0)`` with every other option
at its default (``F0`` unknown, no bounds), ``x0`` uniform in the function's
domain (seed 1). The objective is compiled (and the kernels loaded) before
the clock starts. The table gives wall time, evaluations, leapfrog steps,
flights and ``F - F*``; the plot shows wall time and evaluations against n
on log-log axes, with a dashed line at ``LARGE_N``, beyond which a sweep of the
hop search flies 10 random directions instead of n. Not part of the tests.
"""
import argparse
import time

import numpy as np

import hamopt
from hamopt._options import LARGE_N
from hamopt.testfunctions import get

FUNCTIONS = ("sphere", "rastrigin")


def run(name, n):
    fn = get(name)
    lower, upper = fn.bounds(n)
    x0 = np.random.default_rng(1).uniform(lower, upper)
    fn.fun(x0), fn.grad(x0)  # compile for this type before timing
    start = time.perf_counter()
    res = hamopt.minimize(fn.fun, x0, jac=fn.grad, rng=0)
    seconds = time.perf_counter() - start
    return dict(seconds=seconds, nfev=res.nfev, nit=res.nit, nhops=res.nhops,
                error=res.fun - fn.minimum(n), start_error=fn.fun(x0) - fn.minimum(n),
                status=res.status)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
    for name in FUNCTIONS:
        mine = [r for r in rows if r["name"] == name]
        dims = [r["n"] for r in mine]
        axes[0].loglog(dims, [r["seconds"] for r in mine], "o-", label=name)
        axes[1].loglog(dims, [r["nfev"] for r in mine], "o-", label=name)
    dims = sorted({r["n"] for r in rows})
    first = min(r["seconds"] for r in rows if r["n"] == dims[0])
    axes[0].loglog(dims, [first * n / dims[0] for n in dims], "k:", label="slope 1 (cost ~ n)")
    for ax in axes:  # where a sweep changes from n directions to LARGE_SWEEP
        ax.axvline(LARGE_N, color="grey", lw=0.8, ls="--")
    axes[0].set(xlabel="n", ylabel="wall time (s)", title="hamopt defaults: time")
    axes[1].set(xlabel="n", ylabel="evaluations (nfev)", title="evaluations")
    for ax in axes:
        ax.legend(fontsize=8)
        ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", default="1e2,1e3,1e4,1e5,1e6")
    parser.add_argument("--plot", help="write the log-log plot to this PNG file")
    args = parser.parse_args()
    dims = [int(float(d)) for d in args.dims.split(",")]
    print("| function | n | wall s | nfev | steps | flights | F(x0) - F* | F - F* | status |")
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for name in FUNCTIONS:
        for n in dims:
            r = dict(run(name, n), name=name, n=n)
            rows.append(r)
            print(f"| {name} | {n:g} | {r['seconds']:.1f} | {r['nfev']} | {r['nit']} "
                  f"| {r['nhops']} | {r['start_error']:.3g} | {r['error']:.3g} "
                  f"| {r['status']} |", flush=True)
    if args.plot:
        plot(rows, args.plot)
        print(f"\nPlot: {args.plot}")


if __name__ == "__main__":
    main()
