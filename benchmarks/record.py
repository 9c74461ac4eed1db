"""Run a benchmark command and keep its output as a results file that says how it was made.

    python benchmarks/record.py benchmarks/results/NAME.md -- COMMAND [ARGS...]

Writes the file with a header naming the command, the commit it ran at (and
whether the work tree had uncommitted changes outside benchmarks/results/,
which would make the figures unreproducible), the date and the wall time,
then the command's standard output. The command's standard error is passed
through. Fails, writing nothing, if the command fails.
"""
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()


def main(argv):
    if len(argv) < 3 or argv[1] != "--":
        sys.exit(__doc__)
    target, command = Path(argv[0]), argv[2:]
    commit = _git("rev-parse", "--short=12", "HEAD")
    # Results files written by earlier runs of a batch are not code changes.
    dirty = bool(_git("status", "--porcelain", "--untracked-files=no", "--", ".",
                      ":(exclude)benchmarks/results"))
    started = time.time()
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {done.returncode}")
    shown = " ".join(("python" if word == sys.executable else word) for word in command)
    header = (f"<!-- made by: python benchmarks/record.py {target} -- {shown} -->\n"
              f"Command: `{shown}`  \n"
              f"Commit: {commit}{' (with uncommitted changes)' if dirty else ''}, "
              f"{datetime.now(timezone.utc):%Y-%m-%d}, {time.time() - started:.0f} s wall "
              f"on this machine\n\n")
    target.write_text(header + done.stdout)
    print(f"wrote {target}")


if __name__ == "__main__":
    main(sys.argv[1:])
