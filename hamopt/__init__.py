"""hamopt: minimization by energy-conserving Hamiltonian dynamics.

``minimize`` mirrors ``scipy.optimize.minimize``; ``custom`` plugs hamopt into
``scipy.optimize.minimize(fun, x0, method=hamopt.custom, ...)``;
``dask_workers(client)`` runs ``minimize``'s particles on a dask cluster. The algorithm
is described in docs/algorithm.rst. ``hamopt.testfunctions`` holds analytic
test problems; the benchmark harness (``hamopt.bench``) and the command line
(``hamopt.cli``) are not imported by ``import hamopt``.
"""
from ._custom import custom
from ._ensemble import dask_workers
from ._minimize import minimize

__all__ = ["minimize", "custom", "dask_workers"]
__version__ = "0.1.0"
