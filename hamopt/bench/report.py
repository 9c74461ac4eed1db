"""Tables and plots of a comparison (see ``compare``): Markdown text, and PNGs with matplotlib."""
import json
import statistics
from collections import defaultdict

import numpy as np

from .compare import TARGETS

_PLOT_HINT = "plots need matplotlib: pip install 'hamopt[plot]'"


def _grouped(runs):
    table = defaultdict(lambda: defaultdict(list))
    for run in runs:
        table[(run.function, run.dim)][run.method].append(run)
    return table


def _fmt_evals(values):
    return "-" if not values else f"{statistics.median(values):.0f}"


def markdown_tables(runs, methods):
    """The comparison as Markdown: solved counts per target, evaluations, final error."""
    table = _grouped(runs)
    keys = sorted(table)
    budget = runs[0].budget if runs else 0
    starts = max((len(v) for row in table.values() for v in row.values()), default=0)
    header = ("| function | n | " + " | ".join(methods) + " |\n"
              + "|---" * (2 + len(methods)) + "|\n")
    out = [f"Budget {budget} evaluations per run (an evaluation is one point where F, or F "
           f"and grad F together, is computed), {starts} random starts per case, the same "
           "starts for every method.\n"]
    for target in TARGETS:
        out.append(f"\n### Solved runs, F - F* <= {target:g}\n\n" + header)
        totals = defaultdict(int)
        for key in keys:
            cells = []
            for m in methods:
                rs = table[key][m]
                solved = sum(r.to_target[target] is not None for r in rs)
                totals[m] += solved
                cells.append(f"{solved}/{len(rs)}")
            out.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |\n")
        out.append("| **total** | | " + " | ".join(f"**{totals[m]}**" for m in methods) + " |\n")
    out.append(f"\n### Median evaluations to F - F* <= {TARGETS[0]:g} (solved runs only)\n\n"
               + header)
    for key in keys:
        cells = [_fmt_evals([r.to_target[TARGETS[0]] for r in table[key][m]
                             if r.to_target[TARGETS[0]] is not None]) for m in methods]
        out.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |\n")
    out.append("\n### Median final F - F* (best point inside the domain)\n\n" + header)
    for key in keys:
        cells = []
        for m in methods:
            errors = [r.error for r in table[key][m]]
            cells.append("-" if not errors else f"{statistics.median(errors):.2g}")
        out.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + " |\n")
    return "".join(out)


def save_json(runs, path):
    with open(path, "w") as f:
        json.dump([dict(vars(r), to_target={str(k): v for k, v in r.to_target.items()})
                   for r in runs], f, indent=0)


def load_json(path):
    """The Runs saved by save_json."""
    from .compare import Run
    with open(path) as f:
        records = json.load(f)
    return [Run(**dict(r, to_target={float(k): v for k, v in r["to_target"].items()}))
            for r in records]


def plot_data_profile(runs, methods, path, target=TARGETS[0]):
    """ECDF over all (case, start) runs of the evaluations needed to reach the target."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    budget = max(r.budget for r in runs)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for m in methods:
        rs = [r for r in runs if r.method == m]
        hits = np.sort([r.to_target[target] for r in rs if r.to_target[target] is not None])
        xs = np.concatenate([[1], hits, [budget]])
        ys = np.concatenate([[0], np.arange(1, hits.size + 1), [hits.size]]) / max(len(rs), 1)
        ax.step(xs, ys, where="post", label=m)
    ax.set_xscale("log")
    ax.set_xlabel("evaluations")
    ax.set_ylabel(f"fraction of runs with F - F* <= {target:g}")
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Data profile: all functions, dimensions and starts")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_trajectory(fn, path, *, steps=400, seed=0, **options):
    """A 2-D function's contours with hamopt's trajectory, and the energy error per step."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hamopt import minimize

    lo, hi = fn.bounds(2)
    x0 = np.random.default_rng(seed).uniform(lo, hi)
    positions, errors = [x0.copy()], []

    def record(intermediate_result):
        positions.append(intermediate_result.q)
        errors.append(intermediate_result.energy_error)

    fmin = fn.minimum(2)
    res = minimize(fn.fun, x0, jac=fn.grad, F0=fmin - 1e-300, tol=1e-12, maxiter=steps,
                   rng=seed, callback=record, bounds=list(zip(lo, hi)), polish=False,
                   **options)
    positions = np.array(positions)
    gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 240), np.linspace(lo[1], hi[1], 240))
    values = np.array([[fn.fun(np.array([a, b])) for a, b in zip(ra, rb)]
                       for ra, rb in zip(gx, gy)])
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    left.contourf(gx, gy, np.log10(values - fmin + 1e-12), levels=30, cmap="viridis")
    left.plot(positions[:, 0], positions[:, 1], "-", color="white", lw=0.7, alpha=0.8)
    left.plot(*positions[0], "o", color="orange", label="start")
    left.plot(*res.x, "*", color="red", ms=12, label=f"best, F - F* = {res.fun - fmin:.1e}")
    left.set_xlim(lo[0], hi[0])
    left.set_ylim(lo[1], hi[1])
    left.legend(fontsize=8, loc="upper right")
    left.set_title(f"{fn.name}: log10(F - F*) and the particle's path")
    right.semilogy(np.maximum(errors, 1e-17))
    right.set_xlabel("step")
    right.set_ylabel("|E_i - E| before the restore")
    right.set_title("energy error per step")
    right.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return res


def matplotlib_available():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True
