"""What a long run shows while it goes: a tqdm bar (``progress=True``) and, with
``disp=True``, one line per finished particle and, without a bar, a line of
evaluations and best value every ``DISP_SECONDS`` while it runs.

The bar counts evaluations (out of ``maxfev`` when it is finite) and shows the
best value so far and the particles still running. Particles run in this
process update it while they fly (from the dynamics' progress hook, about
every 0.05 s); particles run by ``workers`` update it when they finish.
"""
import math
import time

# With disp=True (and no bar): a progress line at most this often while a run goes.
DISP_SECONDS = 10.0


def require_tqdm():
    """tqdm's bar class, or an ImportError that says how to get it."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True shows a tqdm bar: pip install tqdm "
                          "(or pip install 'hamopt[progress]')") from None
    return tqdm


class Display:
    """The running totals of a call and their display (a bar, lines, or nothing)."""

    def __init__(self, bar, lines, maxfev, particles, timed_lines=False):
        self.lines = lines
        self.timed_lines = timed_lines and not bar
        self.start = self.last_line = time.perf_counter()
        self.finished_nfev = 0  # evaluations of the particles that finished
        self.best = math.inf
        self.alive = particles
        self.bar = None
        if bar:
            self.bar = require_tqdm()(total=maxfev if math.isfinite(maxfev) else None,
                                      unit=" fev", desc="hamopt", dynamic_ncols=True)

    def step(self, particle):
        """The dynamics' progress hook: ``particle`` carries the run's counts so far."""
        self.best = min(self.best, particle.f_best)
        self._show(self.finished_nfev + particle.nfev)
        if self.timed_lines and time.perf_counter() - self.last_line >= DISP_SECONDS:
            self.last_line = time.perf_counter()
            print(f"hamopt: {self.last_line - self.start:.0f} s, nfev "
                  f"{self.finished_nfev + particle.nfev}, best {self.best:.6g}, "
                  f"particles running {self.alive}", flush=True)

    def finished(self, k, res):
        self.finished_nfev += res.nfev
        self.alive -= 1
        if math.isfinite(res.fun):
            self.best = min(self.best, res.fun)
        if self.lines:
            print(f"particle {k}: fun {res.fun:.6g}, nfev {res.nfev}: {res.message}")
        self._show(self.finished_nfev)

    def _show(self, nfev):
        if self.bar is not None:
            self.bar.n = nfev
            self.bar.set_postfix(best=f"{self.best:.6g}", alive=self.alive, refresh=False)
            self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()
