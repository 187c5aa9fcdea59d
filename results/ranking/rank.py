"""One round's ranking: totals → entry scores by method → tie-break chain → competition ranks,
with the inputs' SHA-256 (see the package docstring for the choices)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np
import pandas as pd

from results import ranking_stats as stats
from results.calibration import calibration_fit
from results.ranking.methods import rank_sums, z_scores
from results.ranking.scores import (
    Scores,
    card_totals,
    divisions_labels,
    read_scores,
    require_connected,
)
from results.ranking.types import TRIM_MIN_JUDGES, RankingRefused, RankingResult, RankingSettings
from results.ranking_stats import DECIMALS, exact


def rank_entries(
    scores: Any,
    settings: RankingSettings,
    *,
    divisions: Mapping[Any, Any] | pd.Series | None = None,
) -> RankingResult:
    """Rank the entries of one round from its submitted scorecards (see the module docstring).

    `divisions` maps entry → division; it is required when `settings.per_division`.
    """
    return rank_scores(read_scores(scores), settings, divisions)


def rank_scores(data: Scores, settings: RankingSettings, divisions: Any) -> RankingResult:
    """`rank_entries` on scores already read (`results.intervals` reads them once for both)."""
    n_judges, n_entries = len(data.judges.strings), len(data.entries.strings)
    division = divisions_labels(data.entries.strings, divisions, settings.per_division)
    n_criteria = len(data.criteria.strings) if data.criteria else 1

    # 1. scorecard totals.
    card_key, card_j, card_e, totals = card_totals(data)
    entry = stats.group_stats(card_e, totals, n_entries)
    judge = stats.group_stats(card_j, totals, n_judges)
    groups = division.codes if settings.per_division else np.zeros(n_entries, dtype=np.int64)

    # 2. entry score by method.
    fit = None
    if settings.method == "mean":
        score = entry.mean
    elif settings.method == "trimmed_mean":
        trimmed = (entry.total - entry.min - entry.max) / np.maximum(entry.count - 2, 1)
        score = np.where(entry.count >= TRIM_MIN_JUDGES, trimmed, entry.mean)
    elif settings.method == "z_score":
        score = z_scores(data, card_j, card_e, totals, judge, settings.min_judge_entries)
    elif settings.method == "calibrated":
        require_connected(data, card_j, card_e)
        fit = calibration_fit(
            card_judge=card_j,
            card_entry=card_e,
            totals=totals,
            n_judges=n_judges,
            n_entries=n_entries,
            lam=settings.calibration_lambda,
        )
        score = fit.quality
    else:
        names = division.strings if settings.per_division else [None]
        score = rank_sums(data, card_j, card_e, totals, groups, names)
    score = exact(score)

    # 3. tie-break chain: higher mean of each listed criterion, in order.
    tie_break: dict[str, np.ndarray] = {}
    row_criterion = data.key % n_criteria
    for code in settings.tie_break if data.criteria else ():
        if code not in data.criteria.strings:
            detail = {"criterion": code, "known": data.criteria.strings}
            raise RankingRefused("unknown_criterion", "tie-break criterion not scored", detail)
        rows = row_criterion == data.criteria.strings.index(code)
        row_entry = card_key[rows] % n_entries
        counted = np.bincount(row_entry, minlength=n_entries)
        with np.errstate(invalid="ignore", divide="ignore"):
            summed = np.bincount(row_entry, weights=data.points[rows], minlength=n_entries)
            tie_break[f"mean_{code}"] = exact(summed / counted)

    # 4. competition ranks, per division or overall.
    primary = score if settings.method == "rank_sum" else -score
    keys = [primary] + [np.nan_to_num(-mean, nan=np.inf) for mean in tie_break.values()]
    order, ranks = stats.competition_ranks(groups, keys)
    rows = pd.DataFrame(
        {
            "rank": ranks[order],
            "entry": data.entries.labels.take(order),
            "division": division_column(division, order),
            "score": score[order],
            "n_judges": entry.count[order],
            **{name: mean[order] for name, mean in tie_break.items()},
            "total_min": entry.min[order],
            "total_max": entry.max[order],
            "total_std": exact(entry.std)[order],
        }
    )
    judges = pd.DataFrame(
        {
            "judge": data.judges.labels,
            "count": judge.count,
            "mean": exact(judge.mean),
            "std": exact(judge.std),
            **({"offset": exact(fit.offset), "offset_se": exact(fit.offset_se)} if fit else {}),
        }
    )
    hashed_settings = asdict(settings)
    if settings.method != "calibrated":
        del hashed_settings["calibration_lambda"]
    digest = stats.sha256_parts(
        b"gongmo.ranking.inputs/v1",
        stats.json_bytes(
            {
                "settings": hashed_settings,
                "decimals": DECIMALS,
                "judges": data.judges.strings,
                "entries": data.entries.strings,
                "criteria": data.criteria.strings if data.criteria else None,
                "divisions": division.strings,
            }
        ),
        data.key.astype("<i8").tobytes(),
        data.points.astype("<f8").tobytes(),
        division.codes.astype("<i8").tobytes(),
    )
    return RankingResult(rows, judges, settings.method, digest, settings)


def division_column(division: stats.Labels, order: np.ndarray) -> np.ndarray:
    names = np.append(np.asarray(division.labels, dtype=object), None)
    return names[division.codes[order]]  # code -1 picks the trailing None
