"""The one table of run outcomes: kernel stop reason -> (scipy status, message)."""
from . import _layout as L

CALLBACK_STOPPED = 99  # not a kernel code: the Python loop's own
INTERRUPTED = -1       # an exception left the run; its result is attached to it

_TABLE = {
    L.REACHED_TOL: (0, "Optimization terminated successfully: F - F0 <= tol."),
    L.MAXITER_REACHED: (1, "Maximum number of iterations has been exceeded."),
    L.MAXFEV_REACHED: (1, "Maximum number of function evaluations has been exceeded."),
    L.NON_FINITE: (3, "NaN result encountered: F or its gradient was not finite; "
                      "x is the best finite point seen."),
    CALLBACK_STOPPED: (99, "`callback` raised `StopIteration`."),
}

POLISHED_MESSAGE = ("Optimization terminated successfully: F - F0 <= tol after the "
                    "L-BFGS-B polish.")

BUDGET_SPENT_MESSAGE = ("The budget of iterations or evaluations is spent (F0=None sets no "
                        "target value); x is the best point found.")

HOPS_ENDED_MESSAGE = ("The hop search ended: hop_patience sweeps of flights in a row found no "
                      "new best point (or hops flights were flown); x is the best point found.")

BELOW_F0_MESSAGE = ("Optimization terminated successfully: F fell below F0, "
                    "so F0 is not a lower bound of F.")


def status_and_message(reason):
    """(status, message) for a stop reason of the kernels or the Python loop."""
    return _TABLE[reason]


def interrupted_message(exc):
    return f"Interrupted by {type(exc).__name__}; x is the best point seen before it."


def attach_result(exc, res):
    """Mark the OptimizeResult ``res`` as interrupted by ``exc`` and attach it to ``exc``.

    An exception from the user's function (or KeyboardInterrupt) propagates
    unchanged; ``exc.result`` keeps the best point found before it.
    """
    res.update(status=INTERRUPTED, success=False, message=interrupted_message(exc))
    exc.result = res
    exc.add_note("hamopt: the best point found before this exception is in "
                 "its `result` attribute.")
