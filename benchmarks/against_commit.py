"""Run one command against an earlier commit of hamopt and against this one, in turns.

    python benchmarks/against_commit.py REV [--rounds 2] -- COMMAND [ARGS...]

For a refactoring that must not change behaviour or speed: the same command
(any script that uses hamopt's public API, e.g. ``benchmarks/bench_core.py``,
``benchmarks/fingerprint.py`` or ``python -m hamopt bench``) runs with
``import hamopt`` resolved to a checkout of REV (a temporary git worktree, on
PYTHONPATH) and to this work tree, alternately, ``--rounds`` times each, so
that both are measured in one run on the same machine. Each has its own
numba cache, warmed by its first round. Prints every output under a heading.
"""
import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev")
    parser.add_argument("--rounds", type=int, default=2)
    if "--" not in sys.argv:
        parser.error("give the command after --")
    split = sys.argv.index("--")
    args, command = parser.parse_args(sys.argv[1:split]), sys.argv[split + 1:]
    scratch = Path(tempfile.mkdtemp(prefix="hamopt-against-"))
    old = scratch / "old"
    subprocess.run(["git", "worktree", "add", "--detach", str(old), args.rev], cwd=ROOT,
                   check=True, capture_output=True)
    here = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout.strip()
    trees = {f"{args.rev} (earlier)": old, f"{here} (this tree)": ROOT}
    try:
        for round_ in range(1, args.rounds + 1):
            for label, tree in trees.items():
                env = dict(os.environ, PYTHONPATH=str(tree),
                           NUMBA_CACHE_DIR=str(scratch / f"cache-{tree.name}"))
                done = subprocess.run([sys.executable if c == "python" else c for c in command],
                                      env=env, cwd=ROOT, capture_output=True, text=True)
                print(f"## {label}, round {round_}\n")
                print(done.stdout)
                if done.returncode != 0:
                    sys.exit(f"{label}: exit code {done.returncode}\n{done.stderr[-2000:]}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT,
                       capture_output=True)


if __name__ == "__main__":
    main()
