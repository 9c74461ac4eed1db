"""Ctrl-C during the nopython loop: noted by a handler, delivered between chunks.

numba's dispatcher runs Python code to type a first-class function argument
(the user's jitted ``fun`` and ``jac``, at every chunk of the nopython loop), and a
KeyboardInterrupt that a SIGINT handler raises inside that code is lost: calling a
jitted function with a function argument in a loop while the main thread was
interrupted lost 10 of 20 interrupts here (numba 0.68.1; with array arguments
only, none). A run that lost its interrupt went on to its end, which with
``maxiter=10**9`` is never (the test suite hung so). So while the loop runs,
SIGINT only sets a flag, and between two chunks the loop hands the interrupt to
the handler that was there before: Python's own raises KeyboardInterrupt, and so
does a notebook's; one of the user's does what it does.

That holds whatever handler was there. An earlier version took over SIGINT only
from Python's own handler and left any other in place. A process started in the
background by a shell without job control (``cmd &`` in a script) has SIGINT
ignored from its start (SIG_IGN, which Python keeps); the test suite run so lost
every interrupt of its Ctrl-C tests, which then hung. Now an ignored SIGINT is
ignored between chunks too, as it is everywhere else in that process.
"""
import contextlib
import signal
import threading


class _Noted:
    """The flag a SIGINT sets; ``check()`` hands a noted interrupt to ``previous``,
    the handler that was there before (see _deliver)."""

    def __init__(self, previous=signal.default_int_handler):
        self.interrupted = False
        self.previous = previous

    def __call__(self, signum, frame):
        self.interrupted = True

    def check(self):
        if self.interrupted:
            self.interrupted = False
            _deliver(self.previous)


def _deliver(handler):
    """Do what ``handler`` (a value of ``signal.getsignal``) does with a SIGINT:
    call it, ignore the interrupt for SIG_IGN, else raise KeyboardInterrupt."""
    if callable(handler):
        handler(signal.SIGINT, None)
    elif handler != signal.SIG_IGN:
        raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_between_chunks():
    """A context whose value's ``check()`` delivers a SIGINT that came since the
    last check to the handler SIGINT had before (Python's: KeyboardInterrupt).

    Only in the main thread (only it can set handlers; elsewhere, or where
    SIGINT's handler was not set from Python, the check never delivers
    anything). The handler is set inside the try whose finally puts the
    previous one back, so an interrupt right after it is set cannot leave it
    set.
    """
    previous = signal.getsignal(signal.SIGINT)
    if threading.current_thread() is not threading.main_thread() or previous is None:
        yield _Noted()  # None: a handler set outside Python, which cannot be put back
        return
    noted = _Noted(previous)
    try:
        signal.signal(signal.SIGINT, noted)
        yield noted
    finally:
        signal.signal(signal.SIGINT, noted.previous)
    noted.check()  # an interrupt during the last chunk
