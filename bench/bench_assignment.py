"""Benchmark: exact reviewer assignment on a large round (``judging.assignment``).

Instance (seeded): 50 000 entries × 200 judges, k = 3, ~1 % of all pairs conflicted, each entry
with a positive affinity (integer 1..5) to 20 random judges. Three runs, each in a fresh
``spawn`` process so that its peak memory is its own:

* ``exact`` — :func:`judging.assignment.assign`, the value measured;
* ``two_pass`` — :func:`bench.two_pass.assign_two_pass`, the baseline (minimum loads first,
  then the rest), on the same network code;
* ``certify`` — :func:`assign` with ``compress=False``: the full 10 M-arc network without the
  zero-affinity hub, whose optimum certifies the objective of the other two.

Time is the wall time of the call, from plain Python inputs (ids, dicts) to the result. Peak
memory is what the call added to the process: the child resets its high-water mark
(``/proc/self/clear_refs``) after building the instance, so ``VmHWM − VmRSS before`` includes
OR-Tools' C++ allocations, which tracemalloc would not see.

Run: ``python -m bench.bench_assignment`` (or ``python bench/bench_assignment.py``).
"""

import multiprocessing
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench.two_pass import assign_two_pass
from judging.assignment import assign

N_ENTRIES, N_JUDGES, K = 50_000, 200, 3
CONFLICT_SHARE, AFFINE_JUDGES = 0.01, 20
SEED = 20211


def make_instance(seed: int = SEED) -> dict:
    rng = np.random.default_rng(seed)
    entries = [f"E{i:05d}" for i in range(N_ENTRIES)]
    judges = [f"J{j:03d}" for j in range(N_JUDGES)]
    cells = rng.choice(
        N_ENTRIES * N_JUDGES, int(N_ENTRIES * N_JUDGES * CONFLICT_SHARE), replace=False
    )
    conflicts = [(judges[c % N_JUDGES], entries[c // N_JUDGES]) for c in cells.tolist()]
    chosen = np.argpartition(rng.random((N_ENTRIES, N_JUDGES)), AFFINE_JUDGES, axis=1)
    chosen = chosen[:, :AFFINE_JUDGES].tolist()
    values = rng.integers(1, 6, (N_ENTRIES, AFFINE_JUDGES)).tolist()
    affinity = {
        (judges[j], entry): v
        for entry, row, vals in zip(entries, chosen, values, strict=True)
        for j, v in zip(row, vals, strict=True)
    }
    return {"entries": entries, "judges": judges, "k": K, "conflicts": conflicts,
            "affinity": affinity, "seed": seed}  # fmt: skip


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _measure(kind: str) -> dict:
    """Runs in a child process: build the instance, then time one solve and its peak memory."""
    inst = make_instance()
    solve = {"exact": assign, "two_pass": assign_two_pass, "certify": assign}[kind]
    extra = {"compress": False} if kind == "certify" else {}
    rss_before = _status_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # reset VmHWM to the current RSS
    except OSError:
        rss_before = None
    start = time.perf_counter()
    result = solve(**inst, **extra)
    seconds = time.perf_counter() - start
    if rss_before is not None:
        peak_mb = (_status_kb("VmHWM") - rss_before) / 1024
    else:  # no clear_refs: the whole process's peak
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_entry = Counter(e for e, _ in result.pairs)
    conflicts = set(inst["conflicts"])
    valid = (
        len(per_entry) == N_ENTRIES
        and set(per_entry.values()) == {K}
        and len(set(result.pairs)) == len(result.pairs)
        and not any((j, e) in conflicts for e, j in result.pairs)
    )
    return {"seconds": seconds, "peak_mb": peak_mb, "objective": result.total_affinity,
            "min_load": result.min_load, "max_load": result.max_load, "valid": valid}  # fmt: skip


def _ratio(value: float, baseline: float) -> float:
    if baseline == 0:
        return 1.0 if value == 0 else float("inf")
    return value / baseline


def measure_all() -> dict[str, dict]:
    """Each run in its own fresh process, one after the other (the machine has two cores)."""
    context = multiprocessing.get_context("spawn")
    runs = {}
    for kind in ("exact", "two_pass", "certify"):
        with context.Pool(1) as pool:
            runs[kind] = pool.apply(_measure, (kind,))
    return runs


def summarize(runs: dict[str, dict]) -> dict:
    exact, two_pass, optimum = runs["exact"], runs["two_pass"], runs["certify"]["objective"]
    if not (exact["valid"] and two_pass["valid"] and runs["certify"]["valid"]):
        raise AssertionError(f"an assignment broke a rule: {runs}")
    gap, baseline_gap = optimum - exact["objective"], optimum - two_pass["objective"]
    return {
        "assignment_seconds": {"value": exact["seconds"], "unit": "s",
                               "baseline": two_pass["seconds"],
                               "ratio": _ratio(exact["seconds"], two_pass["seconds"]),
                               "target": 5.0, "target_op": "<=", "target_on": "value"},
        "assignment_peak_mb": {"value": exact["peak_mb"], "unit": "MB",
                               "baseline": two_pass["peak_mb"],
                               "ratio": _ratio(exact["peak_mb"], two_pass["peak_mb"]),
                               "target": 1024.0, "target_op": "<=", "target_on": "value"},
        "assignment_objective_gap": {"value": gap, "unit": "affinity below the optimum",
                                     "baseline": baseline_gap, "ratio": _ratio(gap, baseline_gap)},
    }  # fmt: skip


def run() -> dict:
    return summarize(measure_all())


if __name__ == "__main__":
    runs = measure_all()
    metrics = summarize(runs)
    print(f"{N_ENTRIES} entries × {N_JUDGES} judges, k={K}, seed {SEED}")
    print(f"{'run':<10} {'seconds':>8} {'peak MB':>8} {'objective':>10} {'loads':>9}")
    for kind, r in runs.items():
        loads = f"{r['min_load']}–{r['max_load']}"
        print(f"{kind:<10} {r['seconds']:8.2f} {r['peak_mb']:8.0f} {r['objective']:>10} {loads:>9}")
    print()
    print(f"{'metric':<26} {'value':>10} {'baseline':>10} {'ratio':>7}  unit")
    for name, m in metrics.items():
        print(f"{name:<26} {m['value']:10.2f} {m['baseline']:10.2f} {m['ratio']:7.3f}  {m['unit']}")
