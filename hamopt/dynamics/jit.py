"""The one place that holds hamopt's numba options.

Every kernel is compiled with ``error_model='numpy'`` (division by zero gives
inf/nan as in numpy, no exception), without ``fastmath`` (the energy
bookkeeping relies on IEEE semantics) and cached on disk when a cache location
is writable. If numba cannot find a writable cache location, the kernels are
compiled in memory instead: importing hamopt never fails because of the cache.

The one exception to "no fastmath" is ``reassociate=True`` for the kernels
that only sum dot products: it lets LLVM vectorize the sums (3.5x faster
measured at n = 1e3 and 1e5). The summation order is then fixed by the
compiled code, so a run is still bit-for-bit reproducible on one machine;
across CPUs with different vector widths sums differ at rounding level.
"""
import hashlib
import warnings
from pathlib import Path

import numba

__all__ = ["jit", "SOURCE_SALT"]

# numba's disk cache of a function is invalidated when *its own* file changes,
# not when a function or constant it uses from another file does. The cached
# entry points (step.begin / finish_and_advance, the driver loops) inline code
# and array layouts from every module of this subpackage, so they carry this
# fingerprint of all of them in their closure, which numba does hash into the
# cache key.
_KERNEL_SOURCES = sorted(Path(__file__).parent.glob("*.py"))
SOURCE_SALT = int(hashlib.sha256(b"".join(
    path.read_bytes() for path in _KERNEL_SOURCES)).hexdigest()[:15], 16)

_OPTIONS = dict(nopython=True, error_model="numpy", fastmath=False)


def jit(signature=None, *, reassociate=False, cache=False):
    """Decorate a kernel with hamopt's numba options.

    With a ``signature`` the kernel is compiled for that signature only (and
    never again): this is how the drivers get one compilation shared by all
    objectives. ``reassociate`` allows reordering floating-point sums.

    ``cache=True`` caches the compiled code on disk. The dynamics use it only
    for their entry points (the kernels that Python calls, which carry
    ``SOURCE_SALT``): a cached helper would be keyed by its own file alone, so
    after an edit of a module it calls, a recompiled entry point would link
    the helper's stale cached code. A cached entry point is self-contained:
    loading it compiles no helper. Self-contained functions (the test
    functions) are cached too.
    """
    options = dict(_OPTIONS)
    if reassociate:
        options["fastmath"] = {"reassoc"}

    def decorate(func):
        args = () if signature is None else (signature,)
        if not cache:
            return numba.jit(*args, cache=False, **options)(func)
        try:
            return numba.jit(*args, cache=True, **options)(func)
        except RuntimeError:
            # numba raises RuntimeError("cannot cache function ...: no locator
            # available") when neither __pycache__ nor NUMBA_CACHE_DIR is
            # writable. Compiling without the disk cache is correct, just slower.
            _warn_no_cache()
            return numba.jit(*args, cache=False, **options)(func)
    return decorate


_warned = []


def _warn_no_cache():
    """Say once per process that the kernels compile in memory (tens of seconds)."""
    if not _warned:
        _warned.append(True)
        warnings.warn("hamopt: no writable cache for numba (neither the package's "
                      "__pycache__ nor NUMBA_CACHE_DIR), so its kernels compile in memory "
                      "in every process, which takes tens of seconds; set NUMBA_CACHE_DIR "
                      "to a writable folder to compile them once", RuntimeWarning,
                      stacklevel=3)
