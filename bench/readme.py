"""The README's Scale tables, regenerated from bench/results.json (``make bench`` runs this).

``python -m bench.readme`` rewrites what lies between the markers in README.md:

    <!-- bench:figures -->  … every figure: value, baseline (same run), ratio, target, load
    <!-- bench:cpu -->      … CPU per request of the app worker and of PostgreSQL

Figures this module has no label for are listed under their key, and benchmarks that were
skipped say so, with the reason: nothing measured is left out, nothing missing is hidden.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).with_name("results.json")
README = ROOT / "README.md"

# figure → (what was measured, what its baseline is)
LABELS: dict[str, tuple[str, str]] = {
    "assignment_seconds": ("assignment 50,000 × 200 × k=3, seconds", "two-pass"),
    "assignment_peak_mb": ("assignment peak memory", "two-pass"),
    "assignment_objective_gap": ("assignment objective below the optimum", "two-pass"),
    "ranking_pipeline_seconds": ("ranking pipeline, 750,000 scores", "naive mean"),
    "ranking_csv_bytes_seconds": ("ranking CSV export, 50,000 rows", ""),
    "intervals_seconds": ("rank intervals, 1,000 resamples × 50,000 entries", "pandas loop"),
    "intervals_peak_mb": ("rank intervals peak memory", "before the call"),
    "calibrated_fit_seconds": ("calibrated ranking, 750,000 scores", "mean"),
    "ranking_pg_load_seconds": (
        "ranking: load 750,000 scores from PostgreSQL",
        "per-entry ORM loop",
    ),
    "ranking_compute_total_seconds": (
        "ranking_compute whole (load, rank, store)",
        "per-entry ORM loop",
    ),
    "pairwise_fit_seconds": ("comparative judgement fit, 250,000 decisions", "scipy L-BFGS-B"),
    "pairwise_refit_warm_seconds": ("comparative judgement refit, +2,500 decisions", ""),
    "pairwise_next_pair_p50_ms": ("next pair to judge, p50", "random valid pair"),
    "pairwise_next_pair_p95_ms": ("next pair to judge, p95", "random valid pair"),
    "pairwise_scale_pg_seconds": (
        "comparative scale from PostgreSQL, 250,000 decisions",
        "decisions as ORM instances",
    ),
    "pairwise_scale_cached_seconds": ("comparative scale, cached", ""),
    "pairwise_scale_lag_seconds": ("comparative organizer page's scale (2 % lag)", ""),
    "pairwise_serve_p50_ms": ("next pair through the database (pair_next), p50", "random pair"),
    "pairwise_serve_p95_ms": ("next pair through the database (pair_next), p95", "random pair"),
    "pairwise_serve_rebuild_ms": ("next pair when the worker rebuilds its state", "p50"),
    "http_bare_read_rps": ("HTTP bare read: token + one small query", "itself"),
    "http_bare_write_rps": ("HTTP bare write: token + one INSERT + commit", "itself"),
    "http_scorecard_submit_rps": ("HTTP judge scorecard save (PUT, draft)", "bare write"),
    "http_upload_slot_rps": ("HTTP upload-slot request (POST)", "bare write"),
    "http_entry_list_rps": ("HTTP entry list (organizer, page of 50 of 1,200)", "bare read"),
    "http_public_results_rps": ("HTTP public results (published, from the cache)", "bare read"),
    "http_ceiling_rps": ("HTTP ceiling: 2 bytes without Django, same gunicorn", "bare read"),
    "surge_errors": ("surge: 1,000 × (slot → 1 MB POST to S3 → confirm), 16 at a time", ""),
    "surge_uploads_per_second": ("surge: completed uploads per second (last 750)", "first 250"),
    "surge_app_cpu_per_upload_ms": ("surge: app CPU per completed upload", "first 250"),
    "surge_slot_p95_ms": ("surge p95 slot (last 750)", "first 250"),
    "surge_upload_p95_ms": ("surge p95 upload to S3 (last 750)", "first 250"),
    "surge_confirm_p95_ms": ("surge p95 confirm (last 750)", "first 250"),
    "surge_app_peak_rss_mb": ("surge: app's peak memory (largest worker VmHWM)", "after 250"),
    "certificates_zip_per_second": ("certificates into a ZIP, per second", "one-line page"),
    "certificates_zip_peak_rss_mb": ("certificates peak memory, last 200 vs first", "first"),
    "publish_with_feedback_seconds": (
        "publish 30,000 drawings, feedback frozen",
        "same publication without the freeze",
    ),
    "certificates_issued_per_second": ("certificates issued (rows, no PDF), per second", "bare"),
    "certificates_issue_heap_mb": ("certificate issuing heap, last 10 chunks vs first", "first"),
}
MODULE_NAMES = {
    "bench.bench_ranking_load": "ranking load from PostgreSQL",
    "bench.bench_http": "HTTP throughput (gunicorn, PostgreSQL)",
    "bench.bench_cpu": "CPU per request (gunicorn, PostgreSQL)",
    "bench.bench_surge": "the deadline surge (S3, PostgreSQL)",
    "bench.bench_after_results": "after the results (PostgreSQL)",
}
CPU_ENDPOINTS = {
    "bare_read": "bare read (baseline of the reads)",
    "bare_write": "bare write (baseline of the writes)",
    "scorecard_submit": "scorecard save",
    "upload_slot": "upload slot",
    "entry_list": "entry list (page of 50)",
    "public_results": "public results (cached)",
}
_OPS = {"<=": "≤", ">=": "≥"}


def number(value, unit: str = "", row: dict | None = None) -> str:
    if value is None:
        return "–"
    row = row or {}
    if unit == "req/s":
        text = f"{value:,.0f} req/s"
        return text + (f", p95 {row['p95_ms']:.0f} ms" if row.get("p95_ms") is not None else "")
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "1/s":
        return f"{value:,.0f}/s" if value >= 100 else f"{value:,.1f}/s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit not in ("s", "ms") and float(value).is_integer():  # a count of something
        return f"{value:,.0f}"
    digits = 3 if abs(value) < 1 else 2 if abs(value) < 100 else 0
    return f"{value:,.{digits}f} {unit}".rstrip()


def ratio(value) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if abs(value) < 0.1 else f"{value:.2f}"


def target(row: dict) -> str:
    if row.get("target") is None:
        return ""
    on_ratio = row.get("target_on") == "ratio"
    amount = f"{row['target']:g} ×" if on_ratio else number(row["target"], row["unit"])
    return f"{_OPS.get(row.get('target_op'), '')} {amount} {'✓' if row.get('met') else '✗'}"


def load(row: dict) -> str:
    spans = row.get("load_avg") or []
    return "–".join(f"{span[0]:.1f}" for span in spans)


def figures_table(results: dict) -> str:
    lines = [
        "| benchmark | value | baseline (same run) | ratio | target | load |",
        "|---|---|---|---|---|---|",
    ]
    for key, row in results.items():
        if key.startswith("cpu_"):  # the CPU table's
            continue
        if "skipped" in row:
            name = MODULE_NAMES.get(row.get("module"), key)
            lines.append(f"| {name} | skipped: {row['skipped']} | | | | {load(row)} |")
            continue
        label, base_label = LABELS.get(key, (f"`{key}`", ""))
        base = ""
        if row.get("baseline") is not None and base_label != "itself":
            base = number(row["baseline"], row["unit"], {"p95_ms": row.get("baseline_p95_ms")})
            base += f" ({base_label})" if base_label else ""
        lines.append(
            f"| {label} | {number(row['value'], row['unit'], row)} | {base} | "
            f"{ratio(row.get('ratio'))} | {target(row)} | {load(row)} |"
        )
    return "\n".join(lines)


def cpu_table(results: dict) -> str:
    lines = [
        "| CPU per request | app worker | ratio | PostgreSQL | ratio |",
        "|---|---|---|---|---|",
    ]
    for name, label in CPU_ENDPOINTS.items():
        app, pg = results.get(f"cpu_{name}_app_ms"), results.get(f"cpu_{name}_pg_ms")
        if app is None or pg is None:
            continue
        lines.append(
            f"| {label} | {app['value']:.2f} ms | {ratio(app['ratio'])} | "
            f"{pg['value']:.2f} ms | {ratio(pg['ratio'])} |"
        )
    if "bench.bench_cpu" in results:
        lines.append(f"| skipped: {results['bench.bench_cpu']['skipped']} | | | | |")
    return "\n".join(lines)


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- bench:{name} -->).*?(<!-- /bench:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no <!-- bench:{name} --> … <!-- /bench:{name} --> block")
    return pattern.sub(lambda m: f"{m.group(1)}\n{body}\n{m.group(2)}", text)


def main(argv: list[str]) -> int:
    results = json.loads(RESULTS.read_text())
    text = README.read_text()
    text = replace_block(text, "figures", figures_table(results))
    text = replace_block(text, "cpu", cpu_table(results))
    README.write_text(text)
    print(f"regenerated the Scale tables of {README.name} from {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
