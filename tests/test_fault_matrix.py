"""The fault matrix: random options x analytic functions x bad values injected at random
calls, on the Python path and the nopython path.

Whatever the fault, a run either ends normally or raises the documented exception, and
in both cases keeps its best point: ``res.fun`` (or ``exc.result.fun``) is finite, is
``F(res.x)`` recomputed without faults, is at most ``F(x0)``, and ``nfev`` is the number
of calls of ``fun`` that were made (the call that raised included).

* Python path: the fault comes at call ``k`` of ``fun`` or ``jac`` (and every
  ``period`` calls after it): NaN, +-inf, an exception, ``KeyboardInterrupt``, a
  gradient of the wrong shape, ``None``, a string or an array instead of F.
* nopython path: numba-jitted functions cannot count their calls or return None, so
  they fault where a hash of ``x`` falls below a rate; the same functions called from
  Python must give the same result (and so the same counts) as the nopython run.
  ``KeyboardInterrupt`` reaches a nopython run as a real Ctrl-C (``interrupt_main``).
"""
import _thread
import math
import signal
import threading

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from scipy.optimize import OptimizeResult

import hamopt
from hamopt.testfunctions import get

FUNCTIONS = {name: get(name) for name in ("rosenbrock", "rastrigin", "sphere")}


class InjectedError(Exception):
    """The exception the faulty objectives raise."""


# What each fault must end in: None = a normal end, else the exception type.
FAULTS = {
    "nan": None, "inf": None, "-inf": None, "nan_grad": None,
    "raise": InjectedError, "interrupt": KeyboardInterrupt,
    "wrong_shape": ValueError, "none": TypeError, "string": TypeError, "array": ValueError,
}


def _bad_value(fault, value, grad):
    """(F, grad F) with the fault in place of the good values."""
    if fault == "nan":
        return math.nan, grad
    if fault == "inf":
        return math.inf, grad
    if fault == "-inf":
        return -math.inf, grad
    if fault == "nan_grad":
        return value, np.full_like(grad, math.nan)
    if fault == "raise":
        raise InjectedError("injected")
    if fault == "interrupt":
        raise KeyboardInterrupt
    if fault == "wrong_shape":
        return value, np.append(grad, 0.0)
    if fault == "none":
        return None, grad
    if fault == "string":
        return "one", grad
    if fault == "array":
        return np.array([value, value]), grad
    raise AssertionError(fault)


class FaultyObjective:
    """``fun`` (and ``jac``) of an analytic function with a fault at calls k, k + period, ...
    of ``fun``; ``calls`` counts every call of ``fun``."""

    def __init__(self, fn, fault, k, period):
        self.fn, self.fault, self.k, self.period = fn, fault, k, period
        self.calls = 0

    def _faulty_now(self):
        return self.calls >= self.k and (self.calls - self.k) % self.period == 0

    def fun(self, x):
        self.calls += 1
        value = self.fn.fun(x)
        if self._faulty_now() and self.fault != "nan_grad" and self.fault != "wrong_shape":
            return _bad_value(self.fault, value, None)[0]
        return value

    def jac(self, x):
        grad = self.fn.grad(x)
        if self._faulty_now() and self.fault in ("nan_grad", "wrong_shape"):
            return _bad_value(self.fault, 0.0, grad)[1]
        return grad

    def fun_and_grad(self, x):
        self.calls += 1
        value, grad = self.fn.fun(x), self.fn.grad(x)
        if self._faulty_now():
            return _bad_value(self.fault, value, grad)
        return value, grad


def _check_kept(res, fn, x0, bounds):
    """The invariants of a result, interrupted or not."""
    assert isinstance(res, OptimizeResult)
    assert math.isfinite(res.fun)
    assert res.fun == fn.fun(res.x)
    assert res.fun <= fn.fun(x0)
    if bounds is not None:
        assert np.all(res.x >= bounds[0]) and np.all(res.x <= bounds[1])


problems = st.tuples(st.sampled_from(sorted(FUNCTIONS)), st.integers(2, 5),
                     st.integers(0, 2**31 - 1))
run_options = st.fixed_dictionaries({
    "polish": st.booleans(),
    "hops": st.sampled_from([None, 0, 5]),
    "known_F0": st.booleans(),
    "bounded": st.booleans(),
    "maxfev": st.integers(300, 3000),
    "nu": st.sampled_from([0.0, 1e-5, 0.1]),
    "hop_line": st.booleans(),
})


def _setup(problem, options):
    name, n, seed = problem
    fn = FUNCTIONS[name]
    lower, upper = fn.bounds(n)
    x0 = np.random.default_rng(seed).uniform(lower, upper)
    bounds = (lower, upper) if options["bounded"] else None
    kwargs = dict(polish=options["polish"], hops=options["hops"], maxfev=options["maxfev"],
                  nu=options["nu"], rng=seed, hop_line=options["hop_line"],
                  F0=fn.minimum(n) if options["known_F0"] else None,
                  bounds=None if bounds is None else list(zip(lower, upper)))
    return fn, x0, bounds, kwargs


def _run(call, fault):
    """(result, exception) of call(); an exception other than the fault's is an error."""
    try:
        return call(), None
    except BaseException as exc:  # KeyboardInterrupt included
        expected = FAULTS[fault]
        if expected is None or not isinstance(exc, expected):
            raise
        return getattr(exc, "result", None), exc


# Python path ---------------------------------------------------------------------

@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems, options=run_options, fault=st.sampled_from(sorted(FAULTS)),
       k=st.integers(2, 2500), period=st.sampled_from([1, 7, 10**9]),
       gradient=st.sampled_from(["jac", "jac=True", "2-point"]))
# Found by this test: a 2-D polish whose evolution run handed a find (value only)
# to L-BFGS-B, which spent the room kept for the find's gradient.
@example(problem=("rastrigin", 2, 2),
         options=dict(polish=True, hops=None, known_F0=True, bounded=False, maxfev=300,
                      nu=0.0, hop_line=False),
         fault="-inf", k=2, period=7, gradient="2-point")
# Found by this test: a line flight from a best point whose difference gradient met -inf
# (the slope along the line was inf - inf, a RuntimeWarning).
@example(problem=("rastrigin", 5, 0),
         options=dict(polish=False, hops=5, known_F0=False, bounded=False, maxfev=300,
                      nu=0.0, hop_line=True),
         fault="-inf", k=2, period=7, gradient="2-point")
def test_python_path_keeps_the_best_point_through_any_fault(problem, options, fault, k, period,
                                                            gradient):
    fn, x0, bounds, kwargs = _setup(problem, options)
    if gradient == "2-point":
        k += x0.size  # calls 1..n+1 are F and its differences at x0 (tested below)
        if fault in ("nan_grad", "wrong_shape"):
            fault = "nan"  # no user gradient to spoil
    faulty = FaultyObjective(fn, fault, k, period)
    fun, jac = {"jac": (faulty.fun, faulty.jac), "jac=True": (faulty.fun_and_grad, True),
                "2-point": (faulty.fun, "2-point")}[gradient]
    res, exc = _run(lambda: hamopt.minimize(fun, x0, jac=jac, **kwargs), fault)
    if exc is not None:
        assert res is not None, "an exception after the start must carry the result"
        assert not res.success and type(exc).__name__ in res.message
    _check_kept(res, fn, x0, bounds)
    assert res.nfev == faulty.calls
    if exc is None and res.status == 0 and kwargs["maxfev"] is not None:
        assert res.nfev <= kwargs["maxfev"]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_fault_at_the_start_is_an_error_before_any_work(fault):
    """Call 1 is F(x0): a bad value there is the user's input error, raised at once."""
    fn = FUNCTIONS["rosenbrock"]
    faulty = FaultyObjective(fn, fault, 1, 10**9)
    expected = FAULTS[fault] or ValueError
    with pytest.raises(expected):
        hamopt.minimize(faulty.fun_and_grad, np.full(3, 0.5), jac=True, rng=0)
    assert faulty.calls == 1


# nopython path -------------------------------------------------------------------

@numba.njit
def _draw(x):
    """A number in [0, 1) that depends on x alone (the same on both paths)."""
    s = 0.0
    for i in range(x.size):
        s = s * 1.6180339887 + x[i]
    r = math.sin(12.9898 * s + 78.233) * 43758.5453
    return r - math.floor(r)


def _jitted_faults(fn, rate=0.03, rare=0.002):
    """fault: (jitted fun, jitted jac, what must happen) for analytic function ``fn``;
    the fault comes where ``_draw(x)`` falls below ``rate`` (``rare`` for those that end
    the run)."""
    fun, grad = fn.fun, fn.grad

    @numba.njit
    def fun_nan(x):
        return math.nan if _draw(x) < rate else fun(x)

    @numba.njit
    def fun_inf(x):
        return math.inf if _draw(x) < rate else fun(x)

    @numba.njit
    def fun_raises(x):
        if _draw(x) < rare:
            raise InjectedError("injected")
        return fun(x)

    @numba.njit
    def grad_nan(x):
        g = grad(x)
        if _draw(x) < rate:
            g[0] = math.nan
        return g

    @numba.njit
    def grad_wrong_shape(x):
        g = grad(x)
        return np.append(g, 0.0) if _draw(x) < rare else g

    @numba.njit
    def grad_raises(x):
        if _draw(x) < rare:
            raise InjectedError("injected")
        return grad(x)

    return {"nan": (fun_nan, grad, None), "inf": (fun_inf, grad, None),
            "nan_grad": (fun, grad_nan, None), "raise": (fun_raises, grad, InjectedError),
            "raise_in_jac": (fun, grad_raises, InjectedError),
            "wrong_shape": (fun, grad_wrong_shape, ValueError)}


JITTED_FAULTS = {name: _jitted_faults(FUNCTIONS[name]) for name in ("rosenbrock", "rastrigin")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(JITTED_FAULTS)), n=st.integers(2, 6),
       seed=st.integers(0, 2**31 - 1), options=run_options,
       fault=st.sampled_from(sorted(JITTED_FAULTS["rosenbrock"])))
def test_nopython_path_keeps_the_best_point_as_the_python_path_does(name, n, seed, options,
                                                                    fault):
    fn, x0, bounds, kwargs = _setup((name, n, seed), options)
    fun, jac, expected = JITTED_FAULTS[name][fault]
    outcomes = []
    for f, g in ((fun, jac), (lambda x: fun(x), lambda x: jac(x))):  # nopython, Python
        try:
            outcomes.append((hamopt.minimize(f, x0, jac=g, **kwargs), None))
        except Exception as exc:
            if getattr(exc, "result", None) is None:  # the fault at x0: an input error
                assert isinstance(exc, (ValueError, InjectedError))
                outcomes.append((None, exc))
            elif expected is not None and isinstance(exc, expected):
                outcomes.append((exc.result, exc))
            else:
                raise
    (compiled, exc_c), (python, exc_p) = outcomes
    assert type(exc_c) is type(exc_p)
    if compiled is None:
        assert python is None
        return
    _check_kept(compiled, fn, x0, bounds)
    assert compiled.fun == python.fun and np.array_equal(compiled.x, python.x)
    assert (compiled.nfev, compiled.status) == (python.nfev, python.status)


def _raises_keyboard_interrupt(signum, frame):
    """A SIGINT handler of someone else's (a notebook's) that raises as Python's does."""
    raise KeyboardInterrupt


@pytest.mark.parametrize("handler", [signal.default_int_handler, _raises_keyboard_interrupt])
def test_ctrl_c_that_numba_swallows_still_ends_the_run_between_chunks(monkeypatch, handler):
    """numba's dispatcher loses a KeyboardInterrupt raised while it types a function
    argument (hamopt/dynamics/interrupts.py); the interrupt must still end the run,
    whoever's SIGINT handler was there (it is put back after the run)."""
    previous = signal.signal(signal.SIGINT, handler)
    try:
        _swallowed_ctrl_c_ends_the_run(monkeypatch)
    finally:
        assert signal.getsignal(signal.SIGINT) is handler
        signal.signal(signal.SIGINT, previous)


def _swallowed_ctrl_c_ends_the_run(monkeypatch):
    from hamopt.dynamics import driver
    fn = FUNCTIONS["rastrigin"]
    x0 = np.random.default_rng(0).uniform(*fn.bounds(10))
    real = driver.compiled_runner(fn.fun, fn.grad)
    chunks = []

    class Swallowing:
        """The real runner, but at its second chunk Ctrl-C comes while Python code runs
        inside it, and that code drops the KeyboardInterrupt as numba's does."""

        def fits_state(self, state):
            return real.fits_state(state)

        def __call__(self, *state):
            chunks.append(state[-1])
            if len(chunks) == 2:
                try:
                    _thread.interrupt_main()
                    for _ in range(10_000):  # Python's handler would raise in here
                        pass
                except KeyboardInterrupt:
                    pass
            return real(*state)

    monkeypatch.setattr(driver, "compiled_runner", lambda fun, jac: Swallowing())
    with pytest.raises(KeyboardInterrupt) as info:
        hamopt.minimize(fn.fun, x0, jac=fn.grad, F0=-1.0, tol=0.0, polish=False, hops=0,
                        maxiter=200_000, rng=0)
    res = info.value.result
    assert len(chunks) == 2 and res.nit == sum(chunks) < 200_000
    _check_kept(res, fn, x0, None)


def test_ctrl_c_ends_a_nopython_run_with_its_best_point():
    """KeyboardInterrupt cannot be raised in numba code; Ctrl-C reaches the nopython
    loop between its chunks of steps, and the best point comes with it. Under
    Python's own SIGINT handler, set here: a test process started in the
    background without job control has SIGINT ignored (SIG_IGN), and then Ctrl-C
    is rightly ignored."""
    fn = FUNCTIONS["rastrigin"]
    x0 = np.random.default_rng(0).uniform(*fn.bounds(40))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt) as info:
            # Long enough for the timer on any machine, short enough that a lost
            # interrupt fails the test (DID NOT RAISE) instead of hanging the suite.
            hamopt.minimize(fn.fun, x0, jac=fn.grad, F0=-1.0, tol=0.0, polish=False, hops=0,
                            maxiter=3 * 10**7, rng=0)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    res = info.value.result
    assert res.nit > 0 and not res.success and "KeyboardInterrupt" in res.message
    _check_kept(res, fn, x0, None)
