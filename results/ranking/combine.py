"""The final ranking (weighted rounds) and advancement to the next round."""

from __future__ import annotations

import math
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from results import ranking_stats as stats
from results.ranking.rank import division_column
from results.ranking.scores import divisions_labels
from results.ranking.types import CAP, RankingRefused, RankingResult
from results.ranking_stats import exact


def combine_rounds(
    round_scores: Mapping[str, pd.Series | pd.DataFrame | RankingResult],
    weights: Mapping[str, float],
    *,
    divisions: Mapping[Any, Any] | pd.Series | None = None,
    tie_break: pd.DataFrame | None = None,
) -> RankingResult:
    """Final score = Σ weight% × round score, over the rounds in the order given.

    `tie_break` (entry-indexed, columns in chain order — the final round's means of its
    tie-break criteria) separates equal final scores, higher mean first; still tied → shared.

    Only entries of the LAST round (the finalists) are ranked; each needs a score in every round
    with a non-zero weight. A round's scores are a Series entry → score, a DataFrame with
    `entry` and `score` columns, or a RankingResult (not rank_sum: there lower is better).
    Ties on the rounded final score share a rank; with `divisions`, ranks are per division.
    """
    if set(round_scores) != set(weights):
        raise ValueError("weights must name exactly the rounds given")
    if any(w < 0 for w in weights.values()) or not math.isclose(sum(weights.values()), 100):
        raise ValueError("weights are percentages ≥ 0 that sum to 100")
    series = {code: _round_series(code, value) for code, value in round_scores.items()}
    finalists = stats.canonical_labels(list(series.values())[-1].index)
    combined = pd.DataFrame(index=finalists.strings)
    combined.index.name = "entry"
    for code, values in series.items():
        values = values.set_axis(values.index.astype(str))
        combined[f"score_{code}"] = exact(values.reindex(combined.index).to_numpy(np.float64))
        lost = combined.index[combined[f"score_{code}"].isna()]
        if weights[code] and len(lost):
            detail = {"round": code, "count": len(lost), "entries": list(lost[:CAP])}
            raise RankingRefused("missing_round_score", "a finalist has no score", detail)
    final = np.zeros(len(combined))
    for code in series:
        if weights[code]:
            final += weights[code] * combined[f"score_{code}"].to_numpy()
    score = exact(final / 100)
    keys = [-score]
    if tie_break is not None:
        chain = tie_break.set_axis(tie_break.index.astype(str)).reindex(combined.index)
        for column in chain.columns:
            values = exact(chain[column].to_numpy(np.float64))
            if np.isnan(values).any():
                raise RankingRefused(
                    "missing_round_score",
                    "a finalist has no tie-break mean",
                    {"criterion": str(column)},
                )
            combined[f"tie_{column}"] = values
            keys.append(-values)
    division = divisions_labels(finalists.strings, divisions, divisions is not None)
    groups = np.maximum(division.codes, 0)
    order, ranks = stats.competition_ranks(groups, keys)
    rows = pd.DataFrame(
        {
            "rank": ranks[order],
            "entry": finalists.labels.take(order),
            "division": division_column(division, order),
            "score": score[order],
            **{name: column.to_numpy()[order] for name, column in combined.items()},
        }
    )
    weight_list = [[code, float(weights[code])] for code in series]
    digest = stats.sha256_parts(
        b"gongmo.ranking.combined/v1",
        stats.json_bytes({"weights": weight_list, "divisions": division.strings}),
        stats.json_bytes(finalists.strings),
        combined.to_numpy(np.float64).astype("<f8").tobytes(),
        division.codes.astype("<i8").tobytes(),
    )
    judges = pd.DataFrame(columns=["judge", "count", "mean", "std"])
    return RankingResult(rows, judges, "weighted", digest, None)


def _round_series(code: str, value: pd.Series | pd.DataFrame | RankingResult) -> pd.Series:
    if isinstance(value, RankingResult):
        if value.method == "rank_sum":
            raise ValueError(f"round {code}: rank sums cannot be weighted (lower is better)")
        value = value.rows
    if isinstance(value, pd.DataFrame):
        value = value.set_index("entry")["score"]
    if not value.index.astype(str).is_unique:
        raise ValueError(f"round {code}: an entry has two scores")
    return value.astype(np.float64)


def advancement(
    result: RankingResult, *, top_n: int | None = None, top_percent: float | None = None
) -> frozenset[Any]:
    """Entries that advance to the next round.

    `top_n`: entries ranked N or better in the result's ranking (overall, or in each division
    when the ranking was per division). `top_percent`: in each division, entries within the
    top ceil(p% × division size) — so every non-empty division advances at least one entry.
    Ties at the cut line: every entry sharing the cut rank advances (so more than N may).
    """
    if (top_n is None) == (top_percent is None):
        raise ValueError("give exactly one of top_n and top_percent")
    rows = result.rows
    if top_n is not None:
        if top_n < 0:
            raise ValueError("top_n must be ≥ 0")
        return frozenset(rows.loc[rows["rank"] <= top_n, "entry"])
    if not 0 < top_percent <= 100:
        raise ValueError("top_percent must be in (0, 100]")
    by_division = rows.groupby("division", dropna=False, sort=False)["rank"]
    rank_in_division = by_division.rank(method="min")  # competition rank within the division
    size = by_division.transform("size").to_numpy()
    share = Fraction(str(top_percent)) / 100  # exact: 10% of 30 is 3, not 3.0000000000000004
    cut = -((-share.numerator * size) // share.denominator)  # ceil(share × size) in integers
    return frozenset(rows.loc[rank_in_division.to_numpy() <= cut, "entry"])
