"""`make bench`: every benchmark, each beside a baseline measured in the same run.

``python -m bench.run`` runs them all; ``python -m bench.run bench.bench_http …`` runs some and
keeps the other figures of bench/results.json. Benchmarks are modules in this folder exposing
run() -> {figure: {...}}. bench/results.json holds one entry per figure:

    {"value", "unit", "baseline", "ratio",           # ratio = value ÷ baseline, as each defines it
     "target", "target_op", "target_on", "met",      # where a target exists ("<=" / ">=" on
                                                     #   "value" or "ratio"); met is computed here
     "module", "measured_at", "load_avg", ...}       # the 1/5/15-minute load average before and
                                                     #   after the module ran (a shared machine)

The database benchmarks need PostgreSQL (``bench.server.postgres_url``: started when it is
installed but stopped); without it they are recorded as skipped, with the reason and the
commands to install it, and the others still run. Then the README's Scale table is regenerated
from the file (``bench.readme``).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import readme, server

BENCHES = [
    "bench.bench_assignment",
    "bench.bench_ranking",
    "bench.bench_intervals",
    "bench.bench_ranking_load",
    "bench.bench_pairwise",
    "bench.bench_pairwise_load",
    "bench.bench_http",
    "bench.bench_cpu",
    "bench.bench_surge",
    "bench.bench_certificates",
    "bench.bench_after_results",
]
NEEDS_POSTGRES = {
    "bench.bench_ranking_load",
    "bench.bench_pairwise_load",
    "bench.bench_http",
    "bench.bench_cpu",
    "bench.bench_surge",
    "bench.bench_after_results",
}
RESULTS = Path(__file__).with_name("results.json")
_OPS = {"<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def _load_avg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def normalize(figure: dict) -> dict:
    """Every figure with value, unit, baseline and ratio (None when it has none), and ``met``
    where it has a target."""
    row = {"value": None, "unit": "", "baseline": None, "ratio": None, **figure}
    for key in ("value", "baseline", "ratio"):
        if isinstance(row[key], float) and not math.isfinite(row[key]):
            row[key] = None
    if row.get("target") is not None:
        measured = row[row.get("target_on", "value")]
        row["met"] = measured is not None and _OPS[row.get("target_op", "<=")](
            measured, row["target"]
        )
    return row


def postgres_status() -> str | None:
    """None when PostgreSQL is ready for the benchmarks, else why not (printed once)."""
    try:
        url = server.postgres_url()
    except server.PostgresUnavailable as exc:
        print(f"PostgreSQL: unavailable — the database benchmarks are skipped.\n{exc}\n")
        return str(exc).splitlines()[0]
    print(f"PostgreSQL: {url.rsplit('@', 1)[-1]}")
    return None


def run_one(name: str, missing_postgres: str | None) -> dict[str, dict]:
    started, load_before = time.perf_counter(), _load_avg()
    print(f"running {name} …  (load average {load_before[0]:.2f})", flush=True)
    if name in NEEDS_POSTGRES and missing_postgres:
        print(f"  skipped: {missing_postgres}")
        return {name: {"module": name, "skipped": missing_postgres, "load_avg": [load_before]}}
    try:
        figures = importlib.import_module(name).run()
    except server.PostgresUnavailable as exc:
        reason = str(exc).splitlines()[0]
        print(f"  skipped: {reason}")
        return {name: {"module": name, "skipped": reason, "load_avg": [load_before]}}
    load_after = _load_avg()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())  # Django sets TZ to KST
    print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    return {
        key: normalize(
            {**row, "module": name, "measured_at": stamp, "load_avg": [load_before, load_after]}
        )
        for key, row in figures.items()
    }


def main(argv: list[str]) -> int:
    chosen = argv or BENCHES
    unknown = [name for name in chosen if name not in BENCHES]
    if unknown:
        print(f"unknown benchmarks: {unknown}; choose from {BENCHES}")
        return 2
    missing = postgres_status() if NEEDS_POSTGRES & set(chosen) else None
    kept = json.loads(RESULTS.read_text()) if RESULTS.exists() and argv else {}
    kept = {k: v for k, v in kept.items() if v.get("module") not in chosen}
    fresh: dict[str, dict] = {}
    for name in chosen:
        fresh.update(run_one(name, missing))
    results: dict[str, dict] = {}  # module by module, each in its own order
    for name in BENCHES:
        source = fresh if name in chosen else kept
        results.update({k: v for k, v in source.items() if v.get("module") == name})

    print()
    print(f"{'figure':<36} {'value':>12} {'unit':<6} {'baseline':>12} {'ratio':>8}  target")
    for key, row in fresh.items():
        if "skipped" in row:
            print(f"{key:<36} skipped: {row['skipped']}")
            continue
        target = ""
        if row.get("target") is not None:
            target = f"{row['target_op']} {row['target']:g} {'✓' if row['met'] else '✗'}"
        print(
            f"{key:<36} {_num(row['value']):>12} {row['unit'][:6]:<6} "
            f"{_num(row['baseline']):>12} {_num(row['ratio']):>8}  {target}"
        )
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nwritten {RESULTS}")
    readme.main([])
    return 0


def _num(x) -> str:
    return "-" if x is None else f"{x:.4g}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
