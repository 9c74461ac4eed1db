"""The one table of run outcomes: every way a run can end -> (status, message).

The kernels return the first six codes (``dynamics.layout``); the Python loops
add ``CALLBACK_STOPPED``; the search adds the rest. A run's result is built
from its outcome once, at the end (``_solver``), with ``status_and_message``.
Statuses follow scipy: 0 success, 1 a budget spent, 3 a non-finite value,
5 F falling without bound, 99 stopped by the callback, -1 interrupted by an
exception (the result is attached to the exception). ``honest_end`` turns a
search that ended by itself into 3 or 5 when that is what really ended it.
"""
import enum

import numpy as np

from ._options import FLIGHTS_WITH_DIFFERENCES_BELOW_N
from .dynamics import CALLBACK_STOPPED as _CALLBACK_STOPPED, layout


class Outcome(enum.IntEnum):
    RUNNING = layout.RUNNING
    REACHED_TOL = layout.REACHED_TOL
    MAXITER_REACHED = layout.MAXITER_REACHED
    MAXFEV_REACHED = layout.MAXFEV_REACHED
    NON_FINITE = layout.NON_FINITE
    BAD_GRADIENT_SHAPE = layout.BAD_GRADIENT_SHAPE
    FELL_BELOW_F0 = 10       # F < F0 during the run: F0 was not a lower bound
    POLISHED_TO_TOL = 11     # the polish reached F - F0 <= tol
    SEARCH_ENDED = 12        # the hop search ran out of patience or of flights
    CALLBACK_STOPPED = _CALLBACK_STOPPED
    INTERRUPTED = -1


BUDGET_SPENT_MESSAGE = ("The budget of iterations or evaluations is spent (F0=None sets no "
                        "target value); x is the best point found.")

# Outcome -> (status, message) when the user gave F0 (a target value).
_TABLE = {
    Outcome.REACHED_TOL: (0, "Optimization terminated successfully: F - F0 <= tol."),
    Outcome.FELL_BELOW_F0: (0, "Optimization terminated successfully: F fell below F0, "
                               "so F0 is not a lower bound of F."),
    Outcome.POLISHED_TO_TOL: (0, "Optimization terminated successfully: F - F0 <= tol after "
                                 "the L-BFGS-B polish."),
    Outcome.MAXITER_REACHED: (1, "Maximum number of iterations has been exceeded."),
    Outcome.MAXFEV_REACHED: (1, "Maximum number of function evaluations has been exceeded."),
    Outcome.SEARCH_ENDED: (1, "The hop search ended: hop_patience sweeps of flights in a row "
                              "found no new best point (or hops flights were flown: by default "
                              "none with finite differences in "
                              f"{FLIGHTS_WITH_DIFFERENCES_BELOW_N} or more variables, unless the "
                              "restarts' minima formed a funnel or held the lowest twice: "
                              "hop_funnel); x is the best "
                              "point found."),
    Outcome.NON_FINITE: (3, "NaN result encountered: F or its gradient was not finite; "
                            "x is the best finite point seen."),
    Outcome.CALLBACK_STOPPED: (99, "`callback` raised `StopIteration`."),
    Outcome.INTERRUPTED: (-1, "Interrupted by {exception}; x is the best point seen before it."),
}

# Outcomes that are errors in the user's functions: the run raises ValueError(message).
_ERRORS = {
    Outcome.BAD_GRADIENT_SHAPE: "jac returned an array of another shape than x0 ({n},) "
                                "during the run",
}


def status_and_message(outcome, target_given):
    """(status, message) of ``outcome``; ``target_given`` says whether the user gave F0.

    Without a target (F0=None), spending the budget or ending the search is a
    success: there is nothing else to end on.
    """
    status, message = _TABLE[Outcome(outcome)]
    if not target_given and status == 1:
        if outcome == Outcome.SEARCH_ENDED:
            return 0, message
        return 0, BUDGET_SPENT_MESSAGE
    return status, message


# F fell this many times the start's scale (both in x and in F) below and away
# from the start: the problem is most likely unbounded below.
_UNBOUNDED = 1e8


def honest_end(state, x_start, status, message):
    """(status, message) of a run that ended by itself without a target, unless it
    ended only because of non-finite values, or F kept falling without bound."""
    runs = state.ntrajectories + state.nhops
    if runs > 0 and state.n_nonfinite_stops >= runs:
        return 3, (f"NaN result encountered: every one of the {runs} trajectories and "
                   "flights ended at a non-finite F or gradient; x is the best finite "
                   "point seen.")
    scale = max(1.0, float(np.max(np.abs(x_start))))
    far = float(np.max(np.abs(state.x - x_start))) > _UNBOUNDED * scale
    if far and state.fun < state.f_start - _UNBOUNDED * max(1.0, abs(state.f_start)):
        return 5, ("F fell without bound: the best point lies more than 1e8 times "
                   "max(1, max|x0|) from x0, with F there more than 1e8 max(1, |F(x0)|) "
                   "below F(x0); the problem is likely unbounded below.")
    return status, message


def error_for(outcome, n):
    """The exception that ``outcome`` raises, or None if it is not an error."""
    text = _ERRORS.get(Outcome(outcome))
    return None if text is None else ValueError(text.format(n=n))


def attach_result(exc, res):
    """Mark the OptimizeResult ``res`` as interrupted by ``exc`` and attach it to ``exc``.

    An exception from the user's function (or KeyboardInterrupt) propagates
    unchanged; ``exc.result`` keeps the best point found before it.
    """
    status, message = _TABLE[Outcome.INTERRUPTED]
    res.update(status=status, success=False,
               message=message.format(exception=type(exc).__name__))
    exc.result = res
    exc.add_note("hamopt: the best point found before this exception is in "
                 "its `result` attribute.")
