"""Seconds to import hamopt in a fresh process, against its floor.

    python benchmarks/import_cost.py [--repeats 5]

The floor is ``import numpy, numba, scipy.optimize`` (hamopt returns scipy's
OptimizeResult and is built on numba, so it cannot import in less). Each is
timed in a fresh interpreter (``python -c``, start-up included), alternately,
``--repeats`` times; the table gives the medians and their ratio. hamopt is
imported from wherever this interpreter finds it (``PYTHONPATH``).
"""
import argparse
import statistics
import subprocess
import sys
import time

FLOOR = "import numpy, numba, scipy.optimize"
HAMOPT = "import hamopt"


def _seconds(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    _seconds(HAMOPT)  # the first import may fill numba's disk cache: not timed
    floor, hamopt = [], []
    for _ in range(args.repeats):
        floor.append(_seconds(FLOOR))
        hamopt.append(_seconds(HAMOPT))
    a, b = statistics.median(floor), statistics.median(hamopt)
    print(f"Fresh processes, medians of {args.repeats}.\n")
    print("| import | seconds |")
    print("|---|---|")
    print(f"| `{FLOOR}` (the floor) | {a:.3f} |")
    print(f"| `{HAMOPT}` | {b:.3f} |")
    print(f"| ratio | {b / a:.3f} |")


if __name__ == "__main__":
    main()
