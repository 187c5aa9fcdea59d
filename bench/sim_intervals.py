"""Simulation: how often does the 90% rank interval hold the rank it should, and how wide is it?

Panels as in ``tests/results/test_intervals.py``: 40 entries of true quality N(60, 10), 10
judges with leniency N(0, 5), noise N(0, 8) per scorecard — times e^N(0, UNEVEN) per entry in
the heteroscedastic rows (some entries divide their judges more) — k judges per entry.
Coverage: the share of entries whose interval holds their rank by true quality, averaged over
SEEDS panels. "full panel": 24 entries all scored by 9 judges (leniency N(0, 4), noise N(0, 6)),
3 of them kept per entry, the target being the rank by the mean of all 9 (the shape of a
check on real panels). Each row is run for several values of the prior degrees of freedom ν
that shrink an entry's spread towards the round's (``results.intervals.SPREAD_PRIOR_DF``).

Run: .venv/bin/python -m bench.sim_intervals  (a few seconds; prints a markdown table)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from results.intervals import rank_intervals
from results.ranking import RankingSettings

SEEDS = 30
RESAMPLES = 400
PRIORS = (0.0, 3.0, 10.0, 30.0)
UNEVEN = 0.6


def _covered(rows: pd.DataFrame, rank_of: np.ndarray) -> tuple[float, float]:
    truth = rank_of[rows["entry"].to_numpy()]
    held = (rows["rank_low"] <= truth) & (truth <= rows["rank_high"])
    return float(held.mean()), float((rows["rank_high"] - rows["rank_low"]).mean())


def true_rank_panel(seed: int, k: int, method: str, uneven: float, prior: float):
    rng = np.random.default_rng(seed)
    judges = np.array([rng.choice(10, k, replace=False) for _ in range(40)])
    entry = np.repeat(np.arange(40), k)
    quality, leniency = rng.normal(60, 10, 40), rng.normal(0, 5, 10)
    noise = rng.normal(0, 8, len(entry)) * np.exp(rng.normal(0, uneven, 40))[entry]
    totals = quality[entry] + leniency[judges.ravel()] + noise
    scores = pd.DataFrame({"judge": judges.ravel(), "entry": entry, "score": totals.round(1)})
    rows = rank_intervals(
        scores=scores,
        settings=RankingSettings(method),
        n_resamples=RESAMPLES,
        seed=seed,
        spread_prior_df=prior,
    ).rows
    return _covered(rows, (-quality).argsort().argsort() + 1)


def full_panel(seed: int, k: int, method: str, uneven: float, prior: float):
    rng = np.random.default_rng(1000 + seed)
    n, n_judges = 24, 9
    quality, leniency = rng.normal(60, 10, n), rng.normal(0, 4, n_judges)
    full = quality[:, None] + leniency[None, :] + rng.normal(0, 6, (n, n_judges))
    judges = np.array([rng.choice(n_judges, k, replace=False) for _ in range(n)])
    entry = np.repeat(np.arange(n), k)
    scores = pd.DataFrame(
        {"judge": judges.ravel(), "entry": entry, "score": full[entry, judges.ravel()].round(2)}
    )
    rows = rank_intervals(
        scores=scores,
        settings=RankingSettings(method, min_judge_entries=1),
        n_resamples=RESAMPLES,
        seed=seed,
        spread_prior_df=prior,
    ).rows
    return _covered(rows, (-full.mean(axis=1)).argsort().argsort() + 1)


CASES = [
    ("true rank, 3 judges", true_rank_panel, 3, "mean", 0.0),
    ("true rank, 3 judges", true_rank_panel, 3, "calibrated", 0.0),
    ("true rank, 5 judges", true_rank_panel, 5, "mean", 0.0),
    ("true rank, 5 judges", true_rank_panel, 5, "calibrated", 0.0),
    ("true rank, 3 judges, uneven", true_rank_panel, 3, "mean", UNEVEN),
    ("true rank, 3 judges, uneven", true_rank_panel, 3, "calibrated", UNEVEN),
    ("true rank, 9 judges, uneven", true_rank_panel, 9, "mean", UNEVEN),
    ("full panel of 9, 3 kept", full_panel, 3, "mean", 0.0),
    ("full panel of 9, 3 kept", full_panel, 3, "calibrated", 0.0),
]


def main() -> None:
    header = " | ".join(f"ν = {p:g}" for p in PRIORS)
    print(f"| panels | method | {header} |")
    print("|---|---|" + "---|" * len(PRIORS))
    for name, simulate, k, method, uneven in CASES:
        cells = []
        for prior in PRIORS:
            runs = [simulate(seed, k, method, uneven, prior) for seed in range(SEEDS)]
            coverage, width = np.mean(runs, axis=0)
            cells.append(f"{coverage:.3f} (width {width:.1f})")
        print(f"| {name} | {method} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
