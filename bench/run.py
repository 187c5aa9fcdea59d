"""`make bench`: every benchmark, each beside a baseline measured in the same run.

Prints a table and writes bench/results.json as {"name": {"value", "unit", "baseline",
"ratio", ...}}. Benchmarks are modules in this folder exposing run() -> dict.
"""

import importlib
import json
import sys
import time
from pathlib import Path

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
]


def main() -> int:
    results: dict[str, dict] = {}
    for name in BENCHES:
        started = time.perf_counter()
        print(f"running {name} …", flush=True)
        results.update(importlib.import_module(name).run())
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    print()
    print(f"{'benchmark':<34} {'value':>12} {'unit':<5} {'baseline':>12} {'ratio':>8}")
    for key, row in results.items():
        print(
            f"{key:<34} {row['value']:>12.4g} {row['unit']:<5} "
            f"{row.get('baseline', float('nan')):>12.4g} {row.get('ratio', float('nan')):>8.3g}"
        )
    out = Path(__file__).with_name("results.json")
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
