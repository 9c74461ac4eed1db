"""Compare hamopt with scipy's optimizers and CMA-ES at equal budgets of evaluations.

The unit of cost is the *evaluation*: one point at which F, or F and grad F
together, is computed. A gradient therefore costs a gradient-based method
nothing beyond its function value at the same point, and a finite-difference
gradient costs n evaluations (n new points). Every method sees the objective
through :class:`CountedProblem`, which counts evaluations, stops the method
when the budget is spent, and records the best value found *inside the
search domain* (methods without bounds may wander outside; those points count
against the budget but never as results).

Every method runs from the same random starts (uniform in the domain) and is
restarted from a new random point whenever it stops before the budget is
spent, so all of them use the whole budget.
"""
import math
import multiprocessing
import os
from dataclasses import dataclass, field

import numpy as np

import hamopt
from hamopt import testfunctions

TARGETS = (1e-6, 1e-3)


class BudgetExhausted(Exception):
    """Raised by CountedProblem when a method asks for one evaluation too many."""


class CountedProblem:
    """F (and grad F, if given) with an evaluation budget and a record of progress.

    Without ``grad`` (COCO's problems), every method is given F alone and
    differentiates it itself: each finite-difference point is an evaluation.
    """

    def __init__(self, fun, grad, lower, upper, fmin, budget):
        self.fun, self.grad, self.budget = fun, grad, budget
        self.lower, self.upper, self.fmin = lower, upper, fmin
        self.n = lower.size
        self.evaluations = 0
        self.best = math.inf
        self.best_x = None
        self.history = []  # (evaluations, best F) at every improvement
        self._last_x = None

    def _new_point(self, x):
        if self._last_x is not None and np.array_equal(x, self._last_x):
            return
        if self.evaluations >= self.budget:
            raise BudgetExhausted
        self.evaluations += 1
        self._last_x = x.copy()

    def _record(self, x, f):
        if f < self.best and np.all(x >= self.lower) and np.all(x <= self.upper):
            self.best, self.best_x = f, x.copy()
            self.history.append((self.evaluations, f))

    @classmethod
    def of(cls, fn, n, budget):
        """The test function ``fn`` (an AnalyticFunction) in dimension n, on its domain."""
        lower, upper = fn.bounds(n)
        return cls(fn.fun, fn.grad, lower, upper, fn.minimum(n), budget)

    def value(self, x):
        x = np.ascontiguousarray(x, dtype=float)
        self._new_point(x)
        f = float(self.fun(x))
        self._record(x, f)
        return f

    def gradient(self, x):
        x = np.ascontiguousarray(x, dtype=float)
        self._new_point(x)
        return self.grad(x)

    def value_and_grad(self, x):
        return self.value(x), self.gradient(x)

    def objective(self):
        """``(fun, jac)`` for a scipy-style minimize: F and grad F together, or F alone
        (``jac=None``: the method's own finite differences)."""
        return (self.value, None) if self.grad is None else (self.value_and_grad, True)

    def local_jac(self):
        """The gradient for a local search inside a global method, or None."""
        return None if self.grad is None else self.gradient

    def random_point(self, rng):
        return rng.uniform(self.lower, self.upper)

    @property
    def remaining(self):
        return self.budget - self.evaluations

    def evaluations_to(self, target):
        """Evaluations used when the best F first came within target of F*, or None."""
        for evaluations, f in self.history:
            if f - self.fmin <= target:
                return evaluations
        return None


# Methods --------------------------------------------------------------------------
# Each takes (problem, x0, rng, settings) and runs until the budget is spent
# (BudgetExhausted propagates to the caller) or the method gives up for good.

def _restarting(run_once):
    """Run from x0, then from new random points, until the budget stops it."""
    def method(problem, x0, rng, settings):
        while True:
            run_once(problem, x0, rng, settings)
            x0 = problem.random_point(rng)
    method.__doc__ = run_once.__doc__
    return method


@_restarting
def _hamopt(problem, x0, rng, settings):
    """hamopt.minimize with its defaults (F0 unknown, polish), on the domain's box
    (without it if ``settings["unbounded"]``)."""
    kwargs = dict(settings)
    bounded = not kwargs.pop("unbounded", False)
    if "dt_fraction" in kwargs:
        kwargs["dt"] = kwargs.pop("dt_fraction") * float(np.max(problem.upper - problem.lower))
    if "maxiter_per_dim" in kwargs:
        kwargs["maxiter"] = kwargs.pop("maxiter_per_dim") * problem.n
    if "trajectory_per_dim" in kwargs:
        kwargs["trajectory_steps"] = kwargs.pop("trajectory_per_dim") * problem.n
    if "smoothing_fraction" in kwargs:
        width = float(np.max(problem.upper - problem.lower))
        kwargs["smoothing"] = kwargs.pop("smoothing_fraction") * width
    if kwargs.pop("maxfev_is_budget", False):
        # Too little left to share, or for one gradient each: hamopt refuses a maxfev
        # below that (n + 1 values with finite differences).
        gradient = 1 if problem.grad is not None else problem.n + 1
        if problem.remaining < max(10, gradient) * kwargs.get("particles", 1):
            raise BudgetExhausted
        kwargs["maxfev"] = problem.remaining
    if "hop_dt_per_width" in kwargs:
        kwargs["hop_dt"] = kwargs.pop("hop_dt_per_width") * float(np.max(problem.upper
                                                                          - problem.lower))
    fun, jac = problem.objective()
    hamopt.minimize(fun, x0, jac=jac, rng=rng,
                    bounds=list(zip(problem.lower, problem.upper)) if bounded else None,
                    **kwargs)
    if problem.best - problem.fmin <= 1e-12:
        raise BudgetExhausted  # nothing left to find


@_restarting
def _bfgs(problem, x0, rng, settings):
    """scipy BFGS, restarted from random points."""
    from scipy.optimize import minimize
    fun, jac = problem.objective()
    minimize(fun, x0, jac=jac, method="BFGS")


@_restarting
def _lbfgsb(problem, x0, rng, settings):
    """scipy L-BFGS-B on the domain's box, restarted from random points."""
    from scipy.optimize import minimize
    fun, jac = problem.objective()
    minimize(fun, x0, jac=jac, method="L-BFGS-B", bounds=list(zip(problem.lower, problem.upper)))


@_restarting
def _basinhopping(problem, x0, rng, settings):
    """scipy basinhopping, L-BFGS-B with the gradient, step 5% of the domain width."""
    from scipy.optimize import basinhopping
    width = float(np.mean(problem.upper - problem.lower))
    fun, jac = problem.objective()
    basinhopping(fun, x0, niter=10**9, stepsize=0.05 * width, rng=rng,
                 minimizer_kwargs=dict(method="L-BFGS-B", jac=jac,
                                       bounds=list(zip(problem.lower, problem.upper))))


@_restarting
def _dual_annealing(problem, x0, rng, settings):
    """scipy dual_annealing, its local search given the gradient."""
    from scipy.optimize import dual_annealing
    dual_annealing(problem.value, list(zip(problem.lower, problem.upper)), x0=x0, rng=rng,
                   maxfun=problem.remaining, minimizer_kwargs=dict(jac=problem.local_jac()))


@_restarting
def _differential_evolution(problem, x0, rng, settings):
    """scipy differential_evolution (no gradient; its polish uses finite differences)."""
    from scipy.optimize import differential_evolution
    differential_evolution(problem.value, list(zip(problem.lower, problem.upper)), x0=x0,
                           rng=rng, maxiter=10**6)


@_restarting
def _cma_es(problem, x0, rng, settings):
    """CMA-ES (the cma package), sigma0 = 0.3 x domain width, with IPOP restarts."""
    import cma
    width = float(np.mean(problem.upper - problem.lower))
    popsize = settings.get("_popsize")
    options = {"bounds": [list(problem.lower), list(problem.upper)], "verbose": -9,
               "seed": int(rng.integers(1, 2**31 - 1)), "maxfevals": problem.remaining}
    if popsize:
        options["popsize"] = popsize
    es = cma.CMAEvolutionStrategy(x0, 0.3 * width, options)
    while not es.stop():
        xs = es.ask()
        es.tell(xs, [problem.value(x) for x in xs])
    settings["_popsize"] = 2 * es.popsize  # IPOP: double the population at each restart


METHODS = {
    "hamopt": _hamopt,
    "bfgs": _bfgs,
    "lbfgsb": _lbfgsb,
    "basinhopping": _basinhopping,
    "dual_annealing": _dual_annealing,
    "differential_evolution": _differential_evolution,
    "cma_es": _cma_es,
}

# hamopt's settings per function family. Smooth functions need no global search:
# the polish straight from x0 (trajectory_steps=0, now also the default with F0
# unknown) reaches the target soonest; the hop search still runs if it does not.
# The multimodal family keeps the defaults, chosen on the whole suite.
TUNED = {
    "smooth": dict(trajectory_per_dim=0),
    "multimodal": dict(),
}
FAMILY = {
    "sphere": "smooth", "ellipsoid": "smooth", "rosenbrock": "smooth", "zakharov": "smooth",
    "beale": "smooth",
}


# Variants of hamopt run by the same runner with other settings: the ablation of
# the design (which part earns what) and the run without the domain as bounds.
VARIANTS = {
    "hamopt_unbounded": dict(unbounded=True),
    # The first trajectory of 10 n steps before the polish (the default with a given F0).
    "hamopt_trajectory": dict(trajectory_per_dim=10),
    # The flights replaced by L-BFGS-B from random points at the same budget: the
    # polish from x0, then the harness's random restarts.
    "hamopt_no_flights": dict(hops=0, trajectory_per_dim=0),
    # The flights at any n: with finite differences from 10 variables on the defaults
    # fly none (_options.FLIGHTS_WITH_DIFFERENCES_BELOW_N); a given hops brings them back.
    "hamopt_flights": dict(hops=10**9),
    # Flights on their lines (hop_line: 2 evaluations a step with finite differences,
    # not n + 1; a rough polish from each find, the full one when the search ends)
    # at any n.
    "hamopt_line_flights": dict(hops=10**9, hop_line=True),
    # No polish from the flights' landings (hop_landings=False): a sweep's direction
    # that found nothing either way is left at once, as before the landings.
    "hamopt_no_landings": dict(hop_landings=False),
    # Landings polished with finite differences too (the default only with a gradient).
    "hamopt_landings": dict(hop_landings=True),
    # The Hamiltonian dynamics alone: one trajectory of 30 n steps, no polish, no
    # flights, restarted.
    "hamopt_dynamics_only": dict(polish=False, hops=0),
    # The flights' first climb given (about ten pair energies of a Morse cluster)
    # instead of F(x0) - F(x_b), which random clusters make huge.
    "hamopt_climb10": dict(hop_climb=10.0),
    # The whole budget given to minimize as maxfev (its own restarts instead of the
    # harness's), in 1, 4 or 16 particles that share it: the ensembles' benchmark.
    "hamopt_budget": dict(maxfev_is_budget=True),
    # The same, each restart from one uniform fresh point (restart_samples=1) instead of
    # the lowest of several (the default with finite differences: search/starts.py).
    "hamopt_uniform_restarts": dict(maxfev_is_budget=True, restart_samples=1),
    # The same without the funnel's flights (hop_funnel=False: restarts only where the
    # defaults fly no flights; search/funnel.py).
    "hamopt_budget_no_funnel": dict(maxfev_is_budget=True, hop_funnel=False),
    # hamopt's own restarts with flights at any n, on their lines or full (with finite
    # differences from 10 variables on the defaults fly none).
    "hamopt_budget_line_flights": dict(maxfev_is_budget=True, hops=10**9, hop_line=True),
    "hamopt_budget_flights": dict(maxfev_is_budget=True, hops=10**9),
    # The ablation of hamopt's own restarts (bbob_ablation.md): a first trajectory of
    # 10 n steps before each polish; the dynamics alone (one trajectory of 30 n steps,
    # no polish, no flights, then the harness's restarts).
    "hamopt_budget_trajectory": dict(maxfev_is_budget=True, trajectory_per_dim=10),
    "hamopt_budget_dynamics_only": dict(maxfev_is_budget=True, polish=False, hops=0),
    # Each restart's trajectory with the force of F smoothed over a tenth of the box
    # (search/smoothed.py).
    "hamopt_budget_smoothed": dict(maxfev_is_budget=True, smoothing_fraction=0.1),
    # No restart smoothed (the default smooths some: search/smoothed.py, smoothing_pays).
    "hamopt_budget_plain": dict(maxfev_is_budget=True, smoothing=0.0),
    "hamopt_particles4": dict(maxfev_is_budget=True, particles=4),
    "hamopt_particles16": dict(maxfev_is_budget=True, particles=16),
}

# Variants that run on another method's random stream, so that the two differ only
# where the variant's settings act (every other method's stream is its own name's, so
# two variants of one search otherwise differ by noise as well).
SAME_STREAM = {name: "hamopt_budget" for name in (
    "hamopt_budget_no_funnel", "hamopt_budget_line_flights", "hamopt_budget_flights",
    "hamopt_budget_trajectory", "hamopt_budget_dynamics_only", "hamopt_budget_smoothed",
    "hamopt_budget_plain")}


def method_names(everything=False):
    """The methods of a default comparison; with ``everything``, the variants too."""
    # hamopt_tuned equals the defaults since these start with the polish when F0 is
    # unknown (its smooth family's one setting); it is kept for tune_hamopt.py.
    names = list(METHODS) + (["hamopt_tuned"] + list(VARIANTS) if everything else [])
    try:
        import cma  # noqa: F401
    except ImportError:
        names.remove("cma_es")
    return names


@dataclass
class Run:
    """The outcome of one method from one start."""
    function: str
    dim: int
    method: str
    start: int
    budget: int
    fmin: float
    best: float
    evaluations: int
    to_target: dict = field(default_factory=dict)  # target -> evaluations, or None
    rotated: bool = False

    @property
    def error(self):
        return self.best - self.fmin


def run_one(function, dim, method, start, budget, seed=0, settings=None, rotated=False):
    """One method from start number ``start`` of (function, dim): a Run.

    ``settings`` replace the method's own (hamopt's keyword arguments, with
    ``dt_fraction`` for dt as a fraction of the domain's width). ``rotated``:
    the function turned about its minimizer (``testfunctions.rotated``), from
    the same starts.
    """
    fn = testfunctions.rotated(function, dim) if rotated else testfunctions.get(function)
    problem = CountedProblem.of(fn, dim, budget)
    # The start depends on the case and the start number only: the same for every method.
    case = [seed, start, dim] + [ord(ch) for ch in function]
    x0 = problem.random_point(np.random.default_rng(case))
    run_method(problem, x0, method, case, FAMILY.get(function, "multimodal"), settings)
    return Run(function, dim, method, start, budget, problem.fmin, problem.best,
               problem.evaluations, {t: problem.evaluations_to(t) for t in TARGETS}, rotated)


def runner_of(method, family="multimodal"):
    """(the function that runs ``method``, its own settings)."""
    if method == "hamopt_tuned":
        return METHODS["hamopt"], TUNED[family]
    if method in VARIANTS:
        return METHODS["hamopt"], VARIANTS[method]
    return METHODS[method], {}


def run_method(problem, x0, method, case, family="multimodal", settings=None):
    """Run ``method`` (with its restarts) on ``problem`` from ``x0`` until the budget is
    spent or it gives up, with its own random stream seeded by ``case`` and its name
    (or the name of the method whose stream it shares: SAME_STREAM). ``settings``
    replace the method's own."""
    stream = SAME_STREAM.get(method, method)
    rng = np.random.default_rng(list(case) + [ord(ch) for ch in stream])
    runner, own = runner_of(method, family)
    run_until_spent(runner, problem, x0, rng, dict(own if settings is None else settings))


def run_until_spent(runner, problem, x0, rng, settings):
    """Run a method (with its restarts) until the budget is spent or it gives up."""
    try:
        runner(problem, x0, rng, settings)
    except BudgetExhausted:
        pass


def cases(functions, dims, rotated=False):
    """(function, dim) pairs: each function in each requested dimension it accepts
    (with ``rotated``, only the functions that can be rotated)."""
    out = []
    for name in functions:
        if rotated and name not in testfunctions.ROTATABLE:
            continue
        fn = testfunctions.get(name)
        for n in dims:
            if n >= fn.min_dim and (fn.max_dim is None or n <= fn.max_dim):
                out.append((name, n))
        if fn.max_dim is not None and not any(fn.min_dim <= n <= fn.max_dim for n in dims):
            out.append((name, fn.min_dim))  # the 2-D functions join in their own dimension
    return out


def run_suite(functions, dims, methods, starts, budget, workers=2, seed=0, progress=None,
              rotated=False):
    """Every method from every start on every case, in ``workers`` processes; a list of Runs."""
    tasks = [(f, n, m, k, budget, seed, None, rotated) for f, n in cases(functions, dims, rotated)
             for m in methods for k in range(starts)]
    return map_tasks(_run_task, tasks, workers, progress)


def map_tasks(function, tasks, workers, progress=None):
    """[function(task) for task in tasks], in ``workers`` spawned processes, in order."""
    from concurrent.futures import ProcessPoolExecutor
    results = []
    if workers <= 1:
        for task in tasks:
            results.append(function(task))
            if progress:
                progress(len(results), len(tasks))
        return results
    # One BLAS thread per worker: scipy's small linear algebra in several processes
    # otherwise oversubscribes the cores (measured: the quick suite took 6x longer).
    # Spawned workers read these variables when they import numpy.
    saved = {k: os.environ.get(k) for k in _BLAS_THREAD_VARIABLES}
    os.environ.update({k: "1" for k in _BLAS_THREAD_VARIABLES})
    try:
        with ProcessPoolExecutor(max_workers=workers,
                                 mp_context=multiprocessing.get_context("spawn")) as pool:
            for result in pool.map(function, tasks, chunksize=4):
                results.append(result)
                if progress:
                    progress(len(results), len(tasks))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return results


_BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _run_task(task):
    return run_one(*task)
