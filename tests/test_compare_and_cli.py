"""The comparison suite's bookkeeping and the hamopt command."""
import numpy as np
import pytest

from hamopt import cli as _cli
from hamopt.bench.compare import BudgetExhausted, CountedProblem, cases, method_names, run_one
from hamopt.bench.report import markdown_tables
from hamopt.testfunctions import get


def test_counted_problem_counts_points_and_keeps_in_domain_best():
    problem = CountedProblem.of(get("sphere"), 2, budget=3)
    x = np.array([1.0, 1.0])
    problem.value(x)
    problem.gradient(x)             # same point: no new evaluation
    assert problem.evaluations == 1
    problem.value_and_grad(np.array([10.0, 0.0]))  # outside [-5.12, 5.12]: counted, not best
    assert problem.evaluations == 2 and problem.best == 2.0
    problem.value(np.array([0.5, 0.0]))
    assert problem.best == 0.25 and problem.history == [(1, 2.0), (3, 0.25)]
    with pytest.raises(BudgetExhausted):
        problem.value(np.array([0.1, 0.0]))
    assert problem.evaluations_to(1.0) == 3 and problem.evaluations_to(1e-3) is None


@pytest.mark.parametrize("method", method_names())
def test_every_method_spends_at_most_the_budget(method):
    run = run_one("rosenbrock", 2, method, start=0, budget=300)
    assert run.evaluations <= 300
    assert np.isfinite(run.best) and run.best >= run.fmin


def test_hamopt_told_the_budget_stops_when_too_little_is_left_for_a_difference_gradient():
    # Without a gradient hamopt needs n + 1 values per step and refuses a smaller maxfev;
    # the harness must end the run (BudgetExhausted), not pass it on.
    from hamopt.bench.compare import VARIANTS, _hamopt
    fn = get("sphere")
    lower, upper = (np.asarray(b, dtype=float) for b in fn.bounds(20))
    problem = CountedProblem(fn.fun, None, lower, upper, 0.0, budget=15)
    with pytest.raises(BudgetExhausted):
        _hamopt(problem, np.full(20, 1.0), np.random.default_rng(0),
                dict(VARIANTS["hamopt_budget"]))
    assert problem.evaluations == 0


def test_hamopt_stops_early_once_solved():
    run = run_one("sphere", 2, "hamopt", start=0, budget=5000)
    assert run.error <= 1e-12 and run.evaluations < 5000


def test_cases_respect_dimensions():
    assert cases(["sphere", "himmelblau", "rosenbrock"], [1, 10]) == [
        ("sphere", 1), ("sphere", 10), ("himmelblau", 2), ("rosenbrock", 10)]


def test_markdown_totals():
    runs = [run_one("sphere", 2, m, start=k, budget=200) for m in ("hamopt", "lbfgsb")
            for k in range(2)]
    text = markdown_tables(runs, ["hamopt", "lbfgsb"])
    assert "| sphere | 2 | 2/2 | 2/2 |" in text
    assert "| **total** | | **2** | **2** |" in text


def test_cli_run_prints_result(capsys):
    assert _cli.main(["run", "rosenbrock", "--dim", "3", "--maxiter", "200", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "rosenbrock, n = 3" in out
    steps = int(out.split("steps")[1].split()[0])
    assert 0 < steps <= 200  # the first trajectory (10 n steps), then the polish hit F0


@pytest.mark.parametrize("argv, message", [
    (["run", "nope"], "invalid choice: 'nope'"),
    (["run", "himmelblau", "--dim", "3"], "himmelblau is defined for dimension exactly 2"),
    (["run", "sphere", "--dim", "0"], "must be >= 1"),
    (["run", "sphere", "--dt", "-1"], "dt must be positive"),
    (["bench", "--methods", "hamopt,simplex"], "unknown method simplex"),
    (["bench", "--dims", "2,x"], "dimensions must be integers"),
])
def test_cli_rejects_bad_arguments(argv, message, capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_cli_bench_writes_table(tmp_path, capsys):
    out = tmp_path / "bench"
    assert _cli.main(["bench", "--functions", "sphere,himmelblau", "--dims", "2",
                      "--methods", "hamopt,lbfgsb", "--starts", "2", "--budget", "200",
                      "--workers", "1", "--out", str(out)]) == 0
    text = (out / "results.md").read_text()
    assert "| himmelblau | 2 |" in text and (out / "runs.json").exists()
    # matplotlib is in the test extra, so the plots are made (and checked) in CI too
    for plot in ("data_profile.png", "trajectory_himmelblau.png", "trajectory_sphere.png"):
        assert (out / plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", plot


def test_cli_bench_rotated_runs_the_rotatable_functions_turned(tmp_path):
    import json
    out = tmp_path / "rotated"
    assert _cli.main(["bench", "--rotated", "--functions", "rastrigin,schwefel", "--dims", "3",
                      "--methods", "lbfgsb,hamopt_unbounded", "--starts", "2", "--budget",
                      "150", "--workers", "1", "--out", str(out)]) == 0
    runs = json.loads((out / "runs.json").read_text())
    assert {r["function"] for r in runs} == {"rastrigin"}  # Schwefel is not rotated
    assert all(r["rotated"] for r in runs) and len(runs) == 4
    plain = run_one("rastrigin", 3, "lbfgsb", 0, 150)
    turned = run_one("rastrigin", 3, "lbfgsb", 0, 150, rotated=True)
    assert plain.best != turned.best  # the same start, a different landscape


def test_the_test_extra_brings_every_peer():
    """cma (the CMA-ES peer) is in the test extra: every method of the comparison runs in CI."""
    assert "cma_es" in method_names()


def test_cli_bench_reuses_earlier_runs(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    common = ["bench", "--functions", "sphere", "--dims", "2", "--starts", "2", "--budget",
              "200", "--workers", "1"]
    _cli.main(common + ["--methods", "hamopt,lbfgsb", "--out", str(first)])
    _cli.main(common + ["--methods", "hamopt", "--out", str(second),
                        "--reuse", str(first / "runs.json")])
    text = (second / "results.md").read_text()
    assert "| function | n | hamopt | lbfgsb |" in text
    assert "| sphere | 2 | 2/2 | 2/2 |" in text


def test_a_variant_in_same_stream_differs_from_its_method_only_where_its_settings_act():
    """hamopt_budget_no_funnel shares hamopt_budget's random stream: in 2-D, where
    hop_funnel is off anyway, the two runs are the same run; a variant with a stream of
    its own (hamopt_uniform_restarts, also the defaults in 2-D) is another run."""
    from hamopt.bench.compare import SAME_STREAM, run_method
    assert SAME_STREAM["hamopt_budget_no_funnel"] == "hamopt_budget"
    fn = get("rastrigin")

    def history(method):
        problem = CountedProblem.of(fn, 2, 3000)
        x0 = np.array([3.3, -2.2])
        run_method(problem, x0, method, [0, 1, 2])
        return problem.history
    same = history("hamopt_budget")
    assert history("hamopt_budget_no_funnel") == same
    assert history("hamopt_uniform_restarts") != same
