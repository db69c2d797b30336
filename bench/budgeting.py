"""Participatory-budgeting rules: time and peak memory of greedy, MES with add-one completion and
MES with greedy completion, on each Pabulib sample file and on a synthetic budget.

Prints figures; it is not a test. Needs no database, Redis or server: the rules are plain Python
(council/budgeting/rules). Each measurement runs in a fresh Python process (this script with
--one), which reports its wall time for the rule alone (the file or the synthetic ballots are read
or made before the clock starts) and its peak resident memory (getrusage ru_maxrss, so the
interpreter, numpy and the ballots themselves count too); three runs each, the median is shown.

The synthetic budget (fixed seed, made with numpy's default generator): 100 projects with costs
log-uniform between 10,000 and 500,000 (rounded to the unit), a budget of 20 % of their total
cost, 100,000 approval ballots of 1 to 10 projects (the length uniform), projects drawn without
replacement with Zipf-like popularity (weight 1/rank, drawn with the Gumbel-top-k trick). While
MES with add-one runs on it, its progress (each run of MES) is printed on stderr.

    .venv/bin/python bench/budgeting.py                  # everything, 3 runs each (~5 min)
    .venv/bin/python bench/budgeting.py --runs 1 --only synthetic
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "data" / "pabulib"
RULES = ["greedy", "mes_add_one", "mes_greedy_completion"]
SEED = 20261203


def synthetic():
    import numpy as np

    from council.budgeting.rules import Instance
    from council.budgeting.rules import Profile

    rng = np.random.default_rng(SEED)
    m, voters = 100, 100_000
    costs = np.rint(np.exp(rng.uniform(np.log(10_000), np.log(500_000), size=m))).astype(int)
    budget = int(costs.sum()) // 5
    popularity = 1 / np.arange(1, m + 1)
    popularity /= popularity.sum()
    order = rng.permutation(m)  # which project gets which popularity rank
    lengths = rng.integers(1, 11, size=voters)
    # k draws without replacement, each in proportion to popularity among those left: the k
    # largest of log(popularity) + Gumbel noise (the Gumbel-top-k trick), for every ballot at once
    keys = np.log(popularity) + rng.gumbel(size=(voters, m))
    ranked = np.argsort(-keys, axis=1)
    ballots = [[str(order[j]) for j in ranked[v, :k]] for v, k in enumerate(lengths.tolist())]
    instance = Instance.of(budget, {str(j): int(costs[j]) for j in range(m)})
    return instance, Profile.approval(ballots)


def load(case: str):
    if case == "synthetic":
        return synthetic()
    from council.budgeting.pabulib import read_pb_file

    pb = read_pb_file(SAMPLES / case)
    return pb.instance(), pb.profile()


def one(case: str, rule: str) -> None:
    """In the child process: prepare, run the rule once, print one JSON line."""
    sys.path.insert(0, str(ROOT))
    from council.budgeting import rules

    instance, profile = load(case)
    progress = None
    if case == "synthetic" and rule == "mes_add_one":

        def progress(p):
            print(
                f"  … run {p.runs}: +{p.increment} per voter, {float(p.spent):,.0f} of {float(p.budget):,.0f}",
                file=sys.stderr,
                flush=True,
            )

    start = time.perf_counter()
    if rule == "greedy":
        selected = rules.greedy(instance, profile)
        extra = {}
    elif rule == "mes_add_one":
        result = rules.mes_add_one(instance, profile, progress=progress)
        selected = result.selected
        extra = {"runs": result.runs, "increment": result.increment}
    else:
        selected = rules.mes_greedy_completion(instance, profile).selected
        extra = {}
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": peak_kib / 1024, "selected": len(selected), **extra}))


def measure(case: str, rule: str, runs: int) -> dict:
    figures = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--one", case, rule], cwd=ROOT, capture_output=False, stdout=subprocess.PIPE,
            text=True, check=True,
        ).stdout
        figures.append(json.loads(out.strip().splitlines()[-1]))
    seconds = [f["seconds"] for f in figures]
    return {**figures[-1], "seconds": statistics.median(seconds), "all": seconds,
            "peak_mib": statistics.median(f["peak_mib"] for f in figures)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["samples", "synthetic"])
    parser.add_argument("--one", nargs=2, metavar=("CASE", "RULE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one)
        return
    cases = []
    if args.only != "synthetic":
        cases += [path.name for path in sorted(SAMPLES.glob("*.pb"))]
    if args.only != "samples":
        cases.append("synthetic")
    print(f"{'case':<58} {'rule':<22} {'median s':>9} {'peak MiB':>9} {'selected':>8}  runs of MES / +units")
    for case in cases:
        for rule in RULES:
            f = measure(case, rule, args.runs)
            tail = f"{f['runs']} / +{f['increment']}" if "runs" in f else ""
            print(f"{case[:58]:<58} {rule:<22} {f['seconds']:>9.3f} {f['peak_mib']:>9.0f} {f['selected']:>8}  {tail}",
                  flush=True)


if __name__ == "__main__":
    main()
