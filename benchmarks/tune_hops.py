"""How the hop search's design and defaults were chosen: solved runs over the whole suite.

    python benchmarks/tune_hops.py [--starts 5] [--seed 1] [--only NAME,...] [--rotated]

Every benchmark case (15 functions, n = 2, 10, 30), ``--starts`` random starts,
10,000 evaluations each, restarts as in ``hamopt bench``; a run is solved when
F - F* <= 1e-6. Each variant changes one keyword of ``hamopt.minimize`` from
the defaults (the flights' ``dt`` as a fraction of the domain's width: the
default ``dt`` is 0.1 of it and the flights' 0.02).
Results in benchmarks/results/tune_hops.md. Seed 1 is not the seed of the
reported comparison (0). ``--rotated``: every function turned about its
minimizer (``hamopt.testfunctions.rotated``; Schwefel and Michalewicz left out).
"""
import argparse
from concurrent.futures import ProcessPoolExecutor

VARIANTS = {
    "defaults": {},
    "axis directions": {"hop_directions": "axes"},
    "axis directions hop_steps=50": {"hop_directions": "axes", "hop_steps": 50},
    "curvature directions hop_steps=50": {"hop_directions": "curvature", "hop_steps": 50},
    "curvature directions": {"hop_directions": "curvature"},
    "random directions": {"hop_directions": "random"},
    "hops=0 (trajectory + polish)": {"hops": 0},
    "hop_gap r = 0.01": {"hop_gap": 0.01},
    "hop_gap r = 0.3": {"hop_gap": 0.3},
    "flight dt = 0.1 dt": {"hop_dt_per_width": 0.01},
    "flight dt = 0.4 dt": {"hop_dt_per_width": 0.04},
    "hop_steps=50": {"hop_steps": 50},
    "hop_steps=200": {"hop_steps": 200},
    "hop_patience=2": {"hop_patience": 2},
    "hop_patience=5": {"hop_patience": 5},
    "trajectory_steps=0": {"trajectory_per_dim": 0},
    "trajectory_steps=10 n": {"trajectory_per_dim": 10},
}


def _solved(task):
    from hamopt.bench.compare import run_one
    function, dim, start, settings, seed, rotated = task
    run = run_one(function, dim, "hamopt", start, 10_000, seed=seed, settings=dict(settings),
                  rotated=rotated)
    return run.to_target[1e-6] is not None


def main():
    from hamopt.bench.compare import cases
    from hamopt.testfunctions import FUNCTIONS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated variant names")
    parser.add_argument("--rotated", action="store_true")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else list(VARIANTS)
    all_cases = cases(list(FUNCTIONS), [2, 10, 30], rotated=args.rotated)
    print(f"{len(all_cases)} cases{' (rotated)' if args.rotated else ''} x {args.starts} "
          f"starts, seed {args.seed}\n")
    print("| variant | solved | cases not solved every time |\n|---|---|---|")
    for name in names:
        tasks = [(f, n, k, VARIANTS[name], args.seed, args.rotated) for f, n in all_cases
                 for k in range(args.starts)]
        with ProcessPoolExecutor(2) as pool:
            solved = list(pool.map(_solved, tasks, chunksize=2))
        misses = []
        for i, (f, n) in enumerate(all_cases):
            got = sum(solved[i * args.starts:(i + 1) * args.starts])
            if got < args.starts:
                misses.append(f"{f}-{n} {got}")
        print(f"| {name} | {sum(solved)}/{len(tasks)} | {', '.join(misses)} |", flush=True)


if __name__ == "__main__":
    main()
