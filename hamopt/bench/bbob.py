"""COCO's bbob suite through ``cocoex``: hamopt and its peers without gradients.

Every method sees only F (``CountedProblem`` without ``grad``): hamopt and
scipy's methods differentiate by forward differences, and every difference
point is an evaluation. The 24 functions, in dimensions 2, 5, 10, 20, on
instances 4 and up (instances 1-3 are kept out of all tuning), with a budget
of ``budget_per_dim * d`` evaluations; the same random starts (uniform in
[-4, 4]^d) for every method, which restarts from uniform points in the domain
[-5, 5]^d while budget remains. A run *hits* a target t when its best value
came within t of f_opt; COCO's final target is 1e-8, and its runtime
distributions (ECDFs) use the 51 targets 10^2, 10^1.8, ..., 10^-8.

The optimal value f_opt of each instance is read from the header that COCO's
own observer writes (``cocoex`` does not expose it otherwise), once per
problem.
"""
import functools
import os
import re
import tempfile

import numpy as np

from .compare import CountedProblem, Run, run_method

GROUPS = {
    "separable (f1-f5)": range(1, 6),
    "moderate (f6-f9)": range(6, 10),
    "ill-conditioned (f10-f14)": range(10, 15),
    "multimodal (f15-f19)": range(15, 20),
    "weakly structured (f20-f24)": range(20, 25),
}
TARGETS = tuple(float(t) for t in 10.0 ** np.linspace(2.0, -8.0, 51))
FINAL_TARGET = TARGETS[-1]
DOMAIN = 5.0
START_DOMAIN = 4.0
METHODS = ("hamopt", "cma_es", "lbfgsb", "bfgs", "basinhopping", "dual_annealing")


def _problem(function, dim, instance):
    """(the suite, the problem): the problem lives only as long as its suite."""
    import cocoex
    cocoex.log_level("warning")
    suite = cocoex.Suite("bbob", f"instances: {instance}",
                         f"dimensions: {dim} function_indices: {function}")
    return suite, suite.get_problem_by_function_dimension_instance(function, dim, instance)


@functools.lru_cache(maxsize=None)
def f_opt(function, dim, instance):
    """f_opt of a bbob problem, from the data header of COCO's observer."""
    import cocoex
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            cocoex.log_level("warning")
            observer = cocoex.Observer("bbob", "result_folder: fopt")
            suite, problem = _problem(function, dim, instance)
            problem.observe_with(observer)
            problem(np.zeros(dim))
            problem.free()  # closes the data files
            del problem, suite, observer
            for root, _, files in os.walk(folder):
                for name in files:
                    if name.endswith(".dat"):
                        with open(os.path.join(root, name)) as f:
                            header = f.readline()
                        return float(re.search(r"Fopt \(([^)]+)\)", header).group(1))
        finally:
            os.chdir(here)
    raise RuntimeError(f"COCO wrote no data for f{function} d={dim} i={instance}")


def run_one(function, dim, instance, method, budget, seed=0):
    """``method`` on bbob f``function`` in dimension ``dim``, instance ``instance``: a Run
    (``start`` is the instance; ``to_target`` has the 51 targets)."""
    suite, problem = _problem(function, dim, instance)
    lower, upper = np.full(dim, -DOMAIN), np.full(dim, DOMAIN)
    counted = CountedProblem(problem, None, lower, upper, f_opt(function, dim, instance),
                             budget)
    case = [seed, function, dim, instance]
    x0 = np.random.default_rng(case).uniform(-START_DOMAIN, START_DOMAIN, dim)
    run_method(counted, x0, method, case)
    return Run(f"f{function}", dim, method, instance, budget, counted.fmin, counted.best,
               counted.evaluations, {t: counted.evaluations_to(t) for t in TARGETS})


def run_suite(functions, dims, instances, methods, budget_per_dim, workers=2, seed=0,
              progress=None):
    """Every method on every problem, in ``workers`` processes; a list of Runs."""
    from .compare import map_tasks
    tasks = [(f, d, i, m, budget_per_dim * d, seed) for f in functions for d in dims
             for i in instances for m in methods]
    return map_tasks(_run_task, tasks, workers, progress)


def _run_task(task):
    return run_one(*task)


def hits(runs, budget_per_dim, target=FINAL_TARGET):
    """How many runs hit ``target`` within ``budget_per_dim * d`` evaluations."""
    return sum(r.to_target[target] is not None and r.to_target[target] <= budget_per_dim * r.dim
               for r in runs)


def pairs_count(runs, budget_per_dim):
    """How many (run, target) pairs, over the 51 targets, are hit within
    ``budget_per_dim * d`` evaluations."""
    return sum(t is not None and t <= budget_per_dim * r.dim
               for r in runs for t in (r.to_target[target] for target in TARGETS))


def pairs_hit(runs, budget_per_dim):
    """The fraction of (run, target) pairs hit within ``budget_per_dim * d``
    evaluations: where a method's ECDF ends at that budget."""
    return pairs_count(runs, budget_per_dim) / max(1, len(runs) * len(TARGETS))


def markdown_tables(runs, methods, budgets_per_dim):
    """Final-target hits per function group and dimension, one table per budget."""
    dims = sorted({r.dim for r in runs})
    instances = len({r.start for r in runs})
    out = [f"bbob, instances {sorted({r.start for r in runs})}, finite-difference gradients "
           "counted as evaluations; a hit is f - f_opt <= 1e-8 within the budget.\n"]
    header = "| group | d | " + " | ".join(methods) + " |\n" + "|---" * (2 + len(methods)) + "|\n"
    for per_dim in budgets_per_dim:
        out.append(f"\n### Final target hit, budget {per_dim} d evaluations\n\n" + header)
        totals = dict.fromkeys(methods, 0)
        for group, d, chosen in _group_cells(runs, methods, dims):
            got = [hits(runs_of, per_dim) for runs_of in chosen]
            for m, count in zip(methods, got):
                totals[m] += count
            cells = [f"{count}/{len(GROUPS[group]) * instances}" for count in got]
            out.append(f"| {group} | {d} | " + " | ".join(cells) + " |\n")
        out.append("| **total** | | " + " | ".join(f"**{totals[m]}**" for m in methods) + " |\n")
        out.append(f"\n(Run, target) pairs hit within {per_dim} d evaluations, of all 51 "
                   "targets (where the ECDFs end):\n\n| d | " + " | ".join(methods) + " |\n"
                   + "|---" * (1 + len(methods)) + "|\n")
        for d in dims:
            cells = [f"{pairs_hit([r for r in runs if r.method == m and r.dim == d], per_dim):.0%}"
                     for m in methods]
            out.append(f"| {d} | " + " | ".join(cells) + " |\n")
        out.append("\nThe same pairs per group (where most targets are out of everyone's "
                   "reach, as the final one on f15-f19, the pairs still tell the searches "
                   "apart):\n\n" + header)
        for group, d, chosen in _group_cells(runs, methods, dims):
            cells = [f"{pairs_count(runs_of, per_dim)}/{len(runs_of) * len(TARGETS)}"
                     for runs_of in chosen]
            out.append(f"| {group} | {d} | " + " | ".join(cells) + " |\n")
    out.append("\n### Median final f - f_opt per function (all dimensions and instances)\n\n"
               "| function | " + " | ".join(methods) + " |\n" + "|---" * (1 + len(methods))
               + "|\n")
    for f in sorted({r.function for r in runs}, key=lambda name: int(name[1:])):
        cells = [f"{np.median([r.error for r in runs if r.method == m and r.function == f]):.1e}"
                 for m in methods]
        out.append(f"| {f} | " + " | ".join(cells) + " |\n")
    return "".join(out)


def _group_cells(runs, methods, dims):
    """(group, d, [each method's runs on the group's functions in dimension d]), in
    the tables' row order."""
    for group, functions in GROUPS.items():
        names = {f"f{f}" for f in functions}
        for d in dims:
            yield group, d, [[r for r in runs if r.method == m and r.dim == d
                              and r.function in names] for m in methods]


def plot_ecdf(runs, methods, path):
    """COCO-style runtime distributions: the fraction of (run, target) pairs hit against
    evaluations / d, one panel per dimension, all functions together."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    dims = sorted({r.dim for r in runs})
    fig, axes = plt.subplots(1, len(dims), figsize=(4 * len(dims), 3.6), sharey=True,
                             squeeze=False)
    for ax, d in zip(axes[0], dims):
        for m in methods:
            mine = [r for r in runs if r.method == m and r.dim == d]
            if not mine:
                continue
            times = np.sort([r.to_target[t] / d for r in mine for t in TARGETS
                             if r.to_target[t] is not None])
            total = len(mine) * len(TARGETS)
            ax.step(np.concatenate([[1e-1], times]), np.arange(times.size + 1) / total,
                    where="post", label=m)
        ax.set_xscale("log")
        ax.set_xlabel("evaluations / d")
        ax.set_title(f"bbob f1-f24, d = {d}")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("fraction of (run, target) pairs hit")
    axes[0][-1].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
