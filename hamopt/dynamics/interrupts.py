"""Ctrl-C during the nopython loop: noted by a handler, raised between chunks.

numba's dispatcher runs Python code to type a first-class function argument
(the user's jitted ``fun`` and ``jac``, at every chunk of the nopython loop), and a
KeyboardInterrupt that Python's own SIGINT handler raises inside that code is
lost: calling a jitted function with a function argument in a loop while the
main thread was interrupted lost 10 of 20 interrupts here (numba 0.68.1; with
array arguments only, none). A run that lost its interrupt went on to its end,
which with ``maxiter=10**9`` is never (the test suite hung so once). So while
the loop runs, SIGINT only sets a flag, and the loop raises KeyboardInterrupt
itself between two chunks.
"""
import contextlib
import signal
import threading


class _Noted:
    """The flag a SIGINT sets; ``check()`` raises KeyboardInterrupt once it is set."""

    def __init__(self):
        self.interrupted = False

    def __call__(self, signum, frame):
        self.interrupted = True

    def check(self):
        if self.interrupted:
            self.interrupted = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_between_chunks():
    """A context whose value's ``check()`` raises KeyboardInterrupt if SIGINT arrived.

    Only in the main thread and when SIGINT has Python's default handler (a
    handler of the user's, or of a notebook, is left as it is; then the
    check never raises).
    """
    noted = _Noted()
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield noted
        return
    # Set inside the try, and Python's default handler (the one replaced) put back in
    # the finally: an interrupt that comes just after the handler is set
    # must not leave it set (later runs would then see a handler of someone else's,
    # install none, and lose their interrupts).
    try:
        signal.signal(signal.SIGINT, noted)
        yield noted
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    noted.check()  # an interrupt during the last chunk
