"""Benchmark: the ranking pipeline on a Track-D-sized preliminary round.

750,000 score rows = 50,000 entries × 3 judges × 5 criteria; 200 judges, each scoring ~750
entries; z_score, tie-break on two criteria, 3 divisions ranked separately. The timed step is
`rank_entries` end to end (labels → codes, totals, connectivity check, z-scores, tie-breaks,
ranks, output frames, inputs hash), median of 5 runs; `to_csv_bytes` is timed separately.

Baseline: a naive per-entry pure-Python loop (dict of lists, mean per entry) run on the first
5,000 entries' rows and scaled linearly ×10 to the full size. It does far less work (no
z-scores, connectivity, tie-breaks, ranks, hash), so ratio = engine / baseline (< 1 = engine
faster) is not a like-for-like speed-up.

Run: .venv/bin/python -m bench.bench_ranking
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

import numpy as np
import pandas as pd

from results.ranking import RankingSettings, rank_entries

N_ENTRIES, N_JUDGES, JUDGES_PER_ENTRY = 50_000, 200, 3
CRITERIA = {"theme": 40, "creativity": 30, "technique": 20, "story": 5, "finish": 5}
BASELINE_ENTRIES = 5_000
RUNS = 5


def make_scores(seed: int = 2021) -> tuple[pd.DataFrame, dict[str, str]]:
    """Score rows in a shuffled order, plus the entry → division mapping."""
    rng = np.random.default_rng(seed)
    # Each entry gets judges base, base + d1, base + d1 + d2 (mod 200), 1 ≤ d1, d2 ≤ 99:
    # always three different judges, ~750 entries per judge, a connected judge-entry graph.
    base = rng.integers(0, N_JUDGES, N_ENTRIES)
    step1, step2 = rng.integers(1, 100, N_ENTRIES), rng.integers(1, 100, N_ENTRIES)
    card_judge = np.stack([base, base + step1, base + step1 + step2], axis=1).ravel() % N_JUDGES
    card_entry = np.repeat(np.arange(N_ENTRIES), JUDGES_PER_ENTRY)
    leniency = rng.normal(0, 0.08, N_JUDGES)  # harsh and lenient judges
    quality = rng.beta(5, 3, N_ENTRIES)
    n_criteria = len(CRITERIA)
    row_judge = np.repeat(card_judge, n_criteria)
    row_entry = np.repeat(card_entry, n_criteria)
    row_criterion = np.tile(np.arange(n_criteria), len(card_judge))
    maximum = np.array(list(CRITERIA.values()))[row_criterion]
    share = quality[row_entry] + leniency[row_judge] + rng.normal(0, 0.1, len(row_entry))
    points = np.clip(np.round(share * maximum), 0, maximum).astype(np.float64)
    order = rng.permutation(len(points))  # scorecards arrive in no particular order
    entry_ids = np.array([f"WSCE21-D-{i + 1:05d}" for i in range(N_ENTRIES)], dtype=object)
    judge_ids = np.array([f"judge-{i + 1:03d}" for i in range(N_JUDGES)], dtype=object)
    codes = np.array(list(CRITERIA), dtype=object)
    scores = pd.DataFrame(
        {
            "judge": judge_ids[row_judge[order]],
            "entry": entry_ids[row_entry[order]],
            "criterion": codes[row_criterion[order]],
            "points": points[order],
        }
    )
    names = np.array(["유아부", "초등 저학년", "초등 고학년"], dtype=object)
    divisions = dict(
        zip(entry_ids.tolist(), names[rng.integers(0, 3, N_ENTRIES)].tolist(), strict=True)
    )
    return scores, divisions


def naive_means(scores: pd.DataFrame) -> dict[str, float]:
    """The baseline: totals per scorecard, then mean per entry, in plain Python."""
    rows = zip(*(scores[column].tolist() for column in scores.columns), strict=True)
    totals: dict[tuple[str, str], float] = defaultdict(float)
    for judge, entry, _criterion, points in rows:
        totals[judge, entry] += points
    per_entry: dict[str, list[float]] = defaultdict(list)
    for (_judge, entry), total in totals.items():
        per_entry[entry].append(total)
    return {entry: sum(values) / len(values) for entry, values in per_entry.items()}


def _median_seconds(action, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> dict:
    scores, divisions = make_scores()
    settings = RankingSettings(
        "z_score", tie_break=("creativity", "theme"), per_division=True, min_judge_entries=10
    )
    result = rank_entries(scores, settings, divisions=divisions)  # warm-up
    if len(result.rows) != N_ENTRIES:
        raise RuntimeError("the benchmark round must rank every entry")
    pipeline = _median_seconds(lambda: rank_entries(scores, settings, divisions=divisions))
    csv = _median_seconds(result.to_csv_bytes)

    subset = scores[scores["entry"] <= f"WSCE21-D-{BASELINE_ENTRIES:05d}"]
    scale = len(scores) / len(subset)
    baseline = _median_seconds(lambda: naive_means(subset)) * scale

    note = (
        f"{len(scores):,} rows, median of {RUNS}; baseline = naive per-entry Python mean on "
        f"{BASELINE_ENTRIES:,} entries scaled ×{scale:.1f}; ratio = value / baseline"
    )
    return {
        "ranking_pipeline_seconds": {
            "value": pipeline,
            "unit": "s",
            "baseline": baseline,
            "ratio": pipeline / baseline,  # as every bench: value / baseline
            "target": 0.5,
            "target_op": "<=",
            "target_on": "value",
            "note": note,
        },
        "ranking_csv_bytes_seconds": {
            "value": csv,
            "unit": "s",
            "note": "to_csv_bytes, 50,000 rows",
        },
    }


if __name__ == "__main__":
    print(f"{'metric':<28} {'value':>10} {'baseline':>10} {'ratio':>7}  note")
    for name, row in run().items():
        baseline = f"{row['baseline']:.3f}" if "baseline" in row else "-"
        ratio = f"{row['ratio']:.1f}" if "ratio" in row else "-"
        print(f"{name:<28} {row['value']:>9.3f}s {baseline:>10} {ratio:>7}  {row['note']}")
