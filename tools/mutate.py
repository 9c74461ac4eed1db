"""Mutation testing of the dynamics: small deliberate bugs, and whether a test catches each.

    python tools/mutate.py [--workers 2] [--modules leapfrog,energy,...] [--only 3,17]
                           [--out benchmarks/results/mutation.md]

Why not mutmut itself: mutmut 3 rewrites every function into a trampoline
that dispatches to its mutants at run time, which numba cannot compile, and
most of the dynamics is numba-compiled. This runner does what mutmut 2 did,
one mutant at a time on the source file: it parses a module of
``hamopt/dynamics``, makes one change at one place (an operator swapped, a
comparison loosened, a sign dropped, a constant moved by one, ``and`` for
``or``), writes the module back in a private copy of the repository, and runs
the dynamics tests there (``TESTS``, with the literal-transcription test left
out, so that every kill comes from a test of behaviour) with ``-x``. A
mutant is *killed* if the tests fail or time out, and *survives* if they pass.
Each worker has its own copy and numba cache: every mutant is compiled anew.
"""
import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("leapfrog", "energy", "bounces", "walls", "weight_decay", "adaptive_f0", "step",
           "particle")
TESTS = ["tests/test_kernels.py", "tests/test_equations.py", "tests/test_outcomes.py",
         "tests/test_adaptive_f0.py", "tests/test_dynamics.py", "tests/test_bounds_and_polish.py",
         "tests/test_numba_paths.py::test_jitted_path_equals_python_path",
         "tests/test_numba_paths.py::test_paths_draw_the_same_normals_when_bounces_are_rare",
         "tests/test_numba_paths.py::test_paths_agree_on_stall_bounces",
         "--deselect", "tests/test_dynamics.py::test_matches_literal_transcription_of_the_note"]
TIMEOUT = 240

_SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
          ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv, ast.FloorDiv: ast.Div,
          ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
          ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.And: ast.Or, ast.Or: ast.And}


def _docstring_nodes(tree):
    nodes = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                nodes.add(id(first.value))
    return nodes


def sites(tree):
    """(node index in ast.walk order, kind) of every place a mutant can be made."""
    docstrings = _docstring_nodes(tree)
    found = []
    for i, node in enumerate(ast.walk(tree)):
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in _SWAPS:
            found.append((i, "op"))
        elif isinstance(node, ast.BoolOp):
            found.append((i, "op"))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in _SWAPS:
            found.append((i, "compare"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            found.append((i, "drop unary"))
        elif (isinstance(node, ast.Constant) and id(node) not in docstrings
              and type(node.value) in (int, float)):
            found.append((i, "constant"))
    return found


def mutate(source, site):
    """The source with the mutation at ``site`` (index into ast.walk), and its line number."""
    tree = ast.parse(source)
    index, kind = site
    node = list(ast.walk(tree))[index]
    line = node.lineno
    if kind == "op":
        node.op = _SWAPS[type(node.op)]()
    elif kind == "compare":
        node.ops[0] = _SWAPS[type(node.ops[0])]()
    elif kind == "constant":
        node.value = node.value + 1
    elif kind == "drop unary":
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, node.operand)
                elif isinstance(value, list):
                    for k, item in enumerate(value):
                        if item is node:
                            value[k] = node.operand
    return ast.unparse(tree), line


def _describe(source, mutated, line):
    original = source.splitlines()[line - 1].strip()
    before = ast.unparse(ast.parse(source)).splitlines()
    after = mutated.splitlines()
    changed = [b for a, b in zip(before, after) if a != b]
    return original, changed[0].strip() if changed else "?"


def _run_tests(workdir, cache):
    env = dict(os.environ, PYTHONPATH=str(workdir), NUMBA_CACHE_DIR=str(cache), CI="true",
               PYTHONDONTWRITEBYTECODE="1")
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p",
                               "no:cacheprovider", *TESTS], cwd=workdir, env=env,
                              capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout", ""
    if done.returncode == 0:
        return "survived", ""
    failed = [ln for ln in done.stdout.splitlines() if ln.startswith("FAILED")]
    return "killed", failed[0][7:].split(" - ")[0] if failed else done.stdout[-200:]


def _copy_repository(target):
    shutil.copytree(ROOT, target, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", ".hypothesis", "benchmarks", "build"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modules", default=",".join(MODULES))
    parser.add_argument("--only", default="", help="comma-separated mutant numbers")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    mutants = []
    for name in args.modules.split(","):
        path = ROOT / "hamopt" / "dynamics" / f"{name}.py"
        source = path.read_text()
        for site in sites(ast.parse(source)):
            mutated, line = mutate(source, site)
            mutants.append((f"{name}.py:{line}", path, source, mutated, site))
    chosen = ([mutants[int(k)] for k in args.only.split(",")] if args.only
              else mutants)
    numbers = ([int(k) for k in args.only.split(",")] if args.only
               else list(range(len(mutants))))
    print(f"{len(mutants)} mutants in {args.modules}; running {len(chosen)}", flush=True)

    scratch = Path(tempfile.mkdtemp(prefix="hamopt-mutate-"))
    free = []
    for w in range(args.workers):
        _copy_repository(scratch / f"w{w}")
        (scratch / f"cache{w}").mkdir()
        free.append(w)
    # sanity: the unmutated copy passes
    verdict, _ = _run_tests(scratch / "w0", scratch / "cache0")
    if verdict != "survived":
        sys.exit("the tests fail without any mutant: fix them first")

    lock = threading.Lock()
    rows = []
    started = time.time()

    def one(job):
        number, (where, path, source, mutated, site) = job
        with lock:
            w = free.pop()
        target = scratch / f"w{w}" / path.relative_to(ROOT)
        try:
            target.write_text(mutated)
            verdict, by = _run_tests(scratch / f"w{w}", scratch / f"cache{w}")
        finally:
            target.write_text(ast.unparse(ast.parse(source)))
            with lock:
                free.append(w)
        original, changed = _describe(source, mutated, _line(source, site))
        row = (number, where, site[1], original, changed, verdict, by)
        with lock:
            rows.append(row)
            print(f"[{len(rows)}/{len(chosen)} {time.time() - started:.0f}s] #{number} {where} "
                  f"{verdict} {by}", flush=True)
        return row

    with ThreadPoolExecutor(args.workers) as pool:
        list(pool.map(one, zip(numbers, chosen)))
    shutil.rmtree(scratch, ignore_errors=True)
    rows.sort()
    report = _report(rows, args)
    print(report)
    if args.out:
        Path(args.out).write_text(report)


def _line(source, site):
    return list(ast.walk(ast.parse(source)))[site[0]].lineno


def _report(rows, args):
    counts = {v: sum(r[5] == v for r in rows) for v in ("killed", "timeout", "survived")}
    lines = [f"mutants: {len(rows)}, killed: {counts['killed']}, timed out (killed): "
             f"{counts['timeout']}, survived: {counts['survived']}", "",
             "| # | where | mutation | verdict | first failing test |", "|---|---|---|---|---|"]
    for number, where, kind, original, changed, verdict, by in rows:
        lines.append(f"| {number} | {where} | `{changed}` ({kind}) | {verdict} | {by} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
