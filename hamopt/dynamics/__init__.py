"""The dynamics of docs/algorithm.rst: one particle, integrated by numba kernels.

``Particle`` holds the state, ``run`` advances it until it stops. Inside, one
module per part of the algorithm: ``leapfrog`` (half kicks and drift,
eqs. 6-7), ``energy`` (monitor, restore and reset, eqs. 4, 8-9), ``bounces``
(eqs. 10-11), ``walls`` (reflection, eq. 13), ``weight_decay`` (eq. 12), the
adaptive-F0 policy (``adaptive_f0``, eq. 14), ``step`` (one step in order),
``driver`` (nopython loops) and ``loop`` (Python loop; ``interrupts``: Ctrl-C
between the nopython loop's chunks), ``layout`` (the array
slots shared with numba) and ``jit`` (numba's options).
"""
from .loop import CALLBACK_STOPPED, run
from .particle import Particle, Settings
from .weight_decay import regularized

__all__ = ["CALLBACK_STOPPED", "Particle", "Settings", "regularized", "run"]
