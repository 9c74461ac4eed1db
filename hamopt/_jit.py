"""The one place that holds hamopt's numba options.

Every kernel is compiled with ``error_model='numpy'`` (division by zero gives
inf/nan as in numpy, no exception), without ``fastmath`` (the energy
bookkeeping relies on IEEE semantics) and cached on disk when a cache location
is writable. If numba cannot find a writable cache location, the kernels are
compiled in memory instead: importing hamopt never fails because of the cache.
"""
import numba

__all__ = ["jit"]

_OPTIONS = dict(nopython=True, error_model="numpy", fastmath=False)


def jit(signature=None):
    """Decorate a kernel with hamopt's numba options.

    With a ``signature`` the kernel is compiled for that signature only (and
    never again): this is how the drivers get one compilation shared by all
    objectives.
    """
    def decorate(func):
        args = () if signature is None else (signature,)
        try:
            return numba.jit(*args, cache=True, **_OPTIONS)(func)
        except RuntimeError:
            # numba raises RuntimeError("cannot cache function ...: no locator
            # available") when neither __pycache__ nor NUMBA_CACHE_DIR is
            # writable. Compiling without the disk cache is correct, just slower.
            return numba.jit(*args, cache=False, **_OPTIONS)(func)
    return decorate
