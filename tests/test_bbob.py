"""The bbob harness: COCO's problems, f_opt, counting, tables and the command."""
import numpy as np
import pytest

cocoex = pytest.importorskip("cocoex")

from hamopt.bench import bbob  # noqa: E402
from hamopt.cli import main  # noqa: E402


def test_f_opt_is_the_value_below_which_coco_reports_the_final_target_hit():
    suite, problem = bbob._problem(1, 2, 4)  # the sphere: f_opt at its minimizer
    fopt = bbob.f_opt(1, 2, 4)
    from scipy.optimize import minimize
    res = minimize(problem, np.zeros(2), method="Nelder-Mead",
                   options=dict(xatol=1e-12, fatol=1e-14, maxfev=4000))
    assert abs(res.fun - fopt) < 1e-9
    assert problem.final_target_hit


def test_a_run_counts_every_difference_point_and_stops_at_the_budget():
    run = bbob.run_one(1, 3, 5, "hamopt", 300)
    assert run.evaluations == 300 or run.to_target[bbob.FINAL_TARGET] is not None
    assert run.dim == 3 and run.start == 5 and len(run.to_target) == 51
    hit = run.to_target[bbob.FINAL_TARGET]
    assert hit is not None and hit <= 300  # the sphere, 100 d: every method should


def test_the_command_writes_tables_and_the_ecdf(tmp_path):
    assert main(["bbob", "--functions", "1,2", "--dims", "2", "--instances", "4",
                 "--methods", "hamopt,lbfgsb", "--budget-per-dim", "50", "--workers", "1",
                 "--out", str(tmp_path)]) == 0
    text = (tmp_path / "results.md").read_text()
    assert "budget 50 d" in text and "| separable (f1-f5) | 2 |" in text
    assert "(Run, target) pairs hit within 50 d" in text
    assert "The same pairs per group" in text and "/102 |" in text  # 2 functions x 51
    assert (tmp_path / "ecdf.png").stat().st_size > 1000


def test_pairs_hit_counts_targets_within_the_budget():
    hit_all = {t: 5 for t in bbob.TARGETS}
    late = {**hit_all, bbob.FINAL_TARGET: 50}  # the last target after the budget
    runs = [bbob.Run("f1", 2, "m", 4, 100, 0.0, None, 100, hit_all),
            bbob.Run("f1", 2, "m", 5, 100, 0.0, None, 100, late),
            bbob.Run("f1", 2, "m", 6, 100, 0.0, None, 100, dict.fromkeys(bbob.TARGETS))]
    assert bbob.pairs_hit(runs, 10) == (51 + 50) / (3 * 51)
    assert bbob.pairs_hit(runs, 100) == (51 + 51) / (3 * 51)
    assert bbob.pairs_count(runs, 10) == 51 + 50
