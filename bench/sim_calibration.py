"""Simulation: does `calibrated` rank closer to the truth than `mean` and `z_score`?

Each panel: true quality per entry N(60, 10); each judge a leniency N(0, LENIENCY) and every
scorecard noise N(0, 8); total = quality + leniency + noise, rounded to a whole point and
clipped to 0–100. Judges are assigned at random, 3 distinct judges per entry, judge loads
balanced (as `judging.assignment` balances them); a panel whose judge–entry graph is not
connected is redrawn (z_score and calibrated refuse those). Every method runs through the
real engine (`results.ranking.rank_entries`); the score is compared with the true quality by
Kendall's tau-b, averaged over SEEDS panels (± standard error).

Regimes (WSCE 2021):
* Track S 1차 — 300 teams, 9–15 judges (drawn per panel), ~60–100 entries a judge;
* Track D 예선 — 3 divisions of 2,500–3,500 drawings, each with its own 30–60 judges
  (~150–350 entries a judge); each division is ranked on its own and the taus averaged;
* small subsets — 300 entries, 90 judges of exactly 10 entries each.

Run: .venv/bin/python -m bench.sim_calibration  (about a minute; prints markdown tables)
"""

from __future__ import annotations

import sys
import time
import zlib

import numpy as np
import pandas as pd
from scipy.stats import kendalltau

from results.ranking import RankingSettings, rank_entries
from results.ranking_stats import component_roots

SEEDS = 20
K = 3
NOISE, QUALITY_SD = 8.0, 10.0
LAMBDAS = (0.0, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 100.0)
METHODS = ["mean", "z_score", *(f"calibrated λ={lam:g}" for lam in LAMBDAS)]


def balanced_panels(rng: np.random.Generator, n_entries: int, n_judges: int) -> np.ndarray:
    """(entries, K) judge ids: loads differ by at most one, no judge twice on an entry."""
    while True:
        judges = rng.permutation(np.arange(n_entries * K) % n_judges).reshape(n_entries, K)
        for _ in range(10_000):
            ordered = np.sort(judges, axis=1)
            bad = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
            if not len(bad):
                break
            for row in bad.tolist():  # swap a repeated judge with a random cell: same loads
                values = judges[row].tolist()
                mine = next((c for c in range(K) if values.count(values[c]) > 1), None)
                if mine is None:  # an earlier swap fixed this row
                    continue
                other, col = int(rng.integers(n_entries)), int(rng.integers(K))
                judges[row, mine], judges[other, col] = judges[other, col], judges[row, mine]
        card_judge, card_entry = judges.ravel(), np.repeat(np.arange(n_entries), K)
        roots = component_roots(card_judge, n_judges + card_entry, n_judges + n_entries)
        if (roots == 0).all():
            return judges


def panel_taus(
    rng: np.random.Generator, n_entries: int, n_judges: int, leniency_sd: float
) -> dict[str, float]:
    judges = balanced_panels(rng, n_entries, n_judges)
    quality = rng.normal(60, QUALITY_SD, n_entries)
    leniency = rng.normal(0, leniency_sd, n_judges)
    card_judge, card_entry = judges.ravel(), np.repeat(np.arange(n_entries), K)
    noise = rng.normal(0, NOISE, len(card_judge))
    totals = np.clip(np.round(quality[card_entry] + leniency[card_judge] + noise), 0, 100)
    scores = pd.DataFrame({"judge": card_judge, "entry": card_entry, "score": totals})
    taus = {}
    for method in METHODS:
        if method.startswith("calibrated"):
            lam = float(method.split("=")[1])
            settings = RankingSettings("calibrated", calibration_lambda=lam)
        else:
            settings = RankingSettings(method, min_judge_entries=1)
        rows = rank_entries(scores, settings).rows
        estimate = pd.Series(rows["score"].to_numpy(), index=rows["entry"].to_numpy())
        taus[method] = kendalltau(estimate.sort_index().to_numpy(), quality).statistic
    return taus


def regime(name: str, leniency_sd: float = 5.0) -> pd.DataFrame:
    """One row of Kendall taus per panel (seed), one column per method."""
    results = []
    for seed in range(SEEDS):
        rng = np.random.default_rng([seed, zlib.crc32(name.encode())])  # same panels per sd
        if name == "Track S 1차":
            taus = panel_taus(rng, 300, int(rng.integers(9, 16)), leniency_sd)
        elif name == "Track D 예선":
            divisions = [
                panel_taus(
                    rng, int(rng.integers(2500, 3501)), int(rng.integers(30, 61)), leniency_sd
                )
                for _ in range(3)
            ]
            taus = pd.DataFrame(divisions).mean().to_dict()
        else:  # small subsets: every judge exactly 10 entries
            taus = panel_taus(rng, 300, 90, leniency_sd)
        results.append(taus)
    return pd.DataFrame(results)


def summary(frames: dict[str, pd.DataFrame]) -> str:
    """Markdown table: mean tau ± standard error per regime and method."""
    head = "| regime | " + " | ".join(METHODS) + " |"
    lines = [head, "|" + "---|" * (len(METHODS) + 1)]
    for name, frame in frames.items():
        cells = [
            f"{frame[m].mean():.4f} ± {frame[m].std(ddof=1) / np.sqrt(len(frame)):.4f}"
            for m in METHODS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def paired(frames: dict[str, pd.DataFrame], method: str, against: str) -> str:
    """Mean paired difference in tau (method − against) ± standard error, per regime."""
    parts = []
    for name, frame in frames.items():
        diff = frame[method] - frame[against]
        parts.append(f"{name}: {diff.mean():+.4f} ± {diff.std(ddof=1) / np.sqrt(len(diff)):.4f}")
    return f"{method} − {against}: " + "; ".join(parts)


def main() -> int:
    started = time.perf_counter()
    main_regimes = {name: regime(name) for name in ("Track S 1차", "Track D 예선", "small subsets")}
    print(f"Kendall tau-b against true quality, {SEEDS} panels each, leniency N(0, 5), ")
    print(f"noise N(0, {NOISE:g}), quality N(60, {QUALITY_SD:g}), {K} judges per entry\n")
    print(summary(main_regimes))
    averages = pd.DataFrame({n: f.mean() for n, f in main_regimes.items()}).mean(axis=1)
    best = max(LAMBDAS, key=lambda lam: averages[f"calibrated λ={lam:g}"])
    print(f"\nbest λ averaged over the three regimes: {best:g}")
    for against in ("mean", "z_score"):
        print(paired(main_regimes, f"calibrated λ={best:g}", against))

    print("\nSensitivity to the judges' leniency (Track S 1차 and small subsets):\n")
    sensitivity = {
        f"{name}, leniency sd {sd:g}": regime(name, sd)
        for name in ("Track S 1차", "small subsets")
        for sd in (0.0, 2.0, 10.0)
    }
    print(summary(sensitivity))
    for against in ("mean", "z_score"):
        print(paired(sensitivity, f"calibrated λ={best:g}", against))
    print(f"\n{time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
