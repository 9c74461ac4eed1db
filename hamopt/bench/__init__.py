"""The benchmark harness of ``hamopt bench``: hamopt against scipy's optimizers and CMA-ES.

Not imported by ``import hamopt``; it uses only the public API
(``hamopt.minimize`` and ``hamopt.testfunctions``). ``compare`` runs the
methods at equal budgets of evaluations, ``report`` writes tables and plots.
"""
