"""Ranking engine: submitted scorecards → ranked entries (DOMAIN.md §6).

Pure module — plain data in, plain data out, no Django. Vectorised: labels become integer codes
(`ranking_stats.canonical_labels`) and every step is numpy over those codes.

Choices where the specification leaves room:

* Input: rows `judge, entry, criterion, points` (`score` is accepted for `points`, as in the
  `rank_scores` CSV), or totals `judge, entry, score` when there is no `criterion` column; then
  the tie-break chain is empty. Labels may be any hashable; they are ordered by their string form.
* Exactness: scorecard totals, entry scores and tie-break means are rounded to
  `DECIMALS` (6) decimals *before* they are compared, so floating noise never splits or merges a
  tie. Every computation runs in one canonical row order, so results do not depend on the input
  order at all.
* Standard deviations are population (ddof=0) everywhere: judge statistics, entry spread, and
  the z-score method (each judge's z and the round's overall deviation). z_score results are
  not clipped to 0–100: an outstanding entry may score above 100.
* `calibrated`: quality + judge offset fitted by ridge-penalised least squares
  (`results.calibration`); the judge statistics gain `offset` and `offset_se`. Its
  `calibration_lambda` enters the inputs hash only for this method, so the other methods'
  hashes are unchanged by the setting's existence.
* `rank_sum`: "score" is the sum of the entry's per-judge ranks, and LOWER is better. It is
  refused (`incomplete_panel`) unless every judge of a ranking group scored every entry of it.
* Row order: (division when ranked per division, then) rank, then entry id as a string.
* Refusals raise `RankingRefused(code, reason, detail)`; `reason` is English, the service layer
  translates by `code`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from contests.methods import Method
from results import ranking_stats as stats
from results.calibration import DEFAULT_LAMBDA, calibration_fit
from results.ranking_stats import DECIMALS, exact

METHODS: tuple[str, ...] = tuple(m.value for m in Method)
TRIM_MIN_JUDGES = 5  # trimmed_mean drops the highest and lowest total from 5 judges up
_CAP = 50  # at most this many examples in a refusal's detail


class RankingRefused(Exception):
    """The ranking cannot be computed validly; `code` is stable, `detail` is JSON-ready."""

    def __init__(self, code: str, reason: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.code, self.reason, self.detail = code, reason, detail or {}


@dataclass(frozen=True)
class RankingSettings:
    method: Method
    tie_break: tuple[str, ...] = ()  # criterion codes, higher mean wins, in order
    per_division: bool = False
    min_judge_entries: int = 10  # z_score only
    calibration_lambda: float = DEFAULT_LAMBDA  # calibrated only: ridge penalty on offsets

    def __post_init__(self) -> None:
        object.__setattr__(self, "tie_break", tuple(self.tie_break))
        if self.method not in METHODS:
            raise ValueError(f"unknown ranking method {self.method!r}; use one of {METHODS}")
        if len(set(self.tie_break)) != len(self.tie_break):
            raise ValueError("tie_break lists a criterion twice")
        if self.min_judge_entries < 1:
            raise ValueError("min_judge_entries must be at least 1")
        if not 0 <= self.calibration_lambda < math.inf:
            raise ValueError("calibration_lambda must be a finite number ≥ 0")


@dataclass(frozen=True, eq=False)
class RankingResult:
    """`rows`: rank, entry, division, score, n_judges, mean_<criterion> per tie-break criterion,
    total_min, total_max, total_std (spread of the judges' totals). `judges`: judge, count,
    mean, std of each judge's totals; `calibrated` adds offset and offset_se. Combined rankings
    (`combine_rounds`) have score_<round> columns instead of n_judges/tie-break/spread and no
    judge statistics."""

    rows: pd.DataFrame
    judges: pd.DataFrame
    method: str
    inputs_sha256: str
    settings: RankingSettings | None = None

    def to_csv_bytes(self, columns: Sequence[str] | None = None) -> bytes:
        """The rows (or the given columns) as canonical CSV: UTF-8, "\\n" line ends, floats
        with 6 decimals, a missing value as an empty field. E.g. the `rank_scores` command
        writes `columns=["rank", "entry", "score", "n_judges"]`."""
        rows = self.rows if columns is None else self.rows[list(columns)]
        csv = rows.to_csv(index=False, lineterminator="\n", float_format=f"%.{DECIMALS}f")
        return csv.encode("utf-8")


@dataclass(frozen=True)
class _Scores:
    judges: stats.Labels
    entries: stats.Labels
    criteria: stats.Labels | None  # None: the rows are already scorecard totals
    key: np.ndarray  # sorted, unique: (judge * n_entries + entry) * n_criteria + criterion
    points: np.ndarray  # float64, aligned with key


def _labels(column: pd.Series, name: str) -> stats.Labels:
    try:
        labels = stats.canonical_labels(column)
    except ValueError:
        raise RankingRefused("invalid_scores", f"two {name} labels print alike") from None
    if (labels.codes < 0).any():
        raise RankingRefused("invalid_scores", f"missing {name}", {"column": name})
    return labels


def _read_scores(scores: Any) -> _Scores:
    frame = scores if isinstance(scores, pd.DataFrame) else pd.DataFrame(scores)
    value = "points" if "points" in frame.columns else "score"
    missing = sorted({"judge", "entry", value} - set(frame.columns))
    if missing:
        raise RankingRefused("invalid_scores", "missing columns", {"columns": missing})
    if frame.empty:
        raise RankingRefused("no_scores", "there are no submitted scorecards")
    points = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=np.float64) + 0.0
    if not np.isfinite(points).all():
        bad = int((~np.isfinite(points)).sum())
        raise RankingRefused("invalid_scores", "missing or non-numeric points", {"rows": bad})
    judges, entries = _labels(frame["judge"], "judge"), _labels(frame["entry"], "entry")
    criteria = _labels(frame["criterion"], "criterion") if "criterion" in frame.columns else None
    n_criteria = len(criteria.strings) if criteria else 1
    key = judges.codes * len(entries.strings) + entries.codes
    key = key * n_criteria + (criteria.codes if criteria else 0)
    order = np.argsort(key)
    key, points = key[order], points[order]
    duplicate = np.flatnonzero(key[1:] == key[:-1])
    if len(duplicate):
        card = key[duplicate[:_CAP]] // n_criteria
        rows = [
            {
                "judge": judges.strings[k // len(entries.strings)],
                "entry": entries.strings[k % len(entries.strings)],
            }
            for k in card.tolist()
        ]
        detail = {"count": len(duplicate), "rows": rows}
        raise RankingRefused("duplicate_scores", "a score appears more than once", detail)
    return _Scores(judges, entries, criteria, key, points)


def _card_totals(data: _Scores) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scorecard totals (DOMAIN §6 step 1), in key order: (card key per score row, judge and
    entry code per card, total per card). The key is sorted, so a card's criteria are
    contiguous."""
    n_criteria = len(data.criteria.strings) if data.criteria else 1
    card_key = data.key // n_criteria
    starts = np.flatnonzero(np.r_[True, card_key[1:] != card_key[:-1]])
    totals = exact(np.add.reduceat(data.points, starts))
    n_entries = len(data.entries.strings)
    return card_key, card_key[starts] // n_entries, card_key[starts] % n_entries, totals


def _divisions(entry_strings: list[str], divisions: Any, required: bool) -> stats.Labels:
    if divisions is None:
        if required:
            raise RankingRefused("missing_division", "ranking per division needs divisions")
        return stats.Labels(np.full(len(entry_strings), -1, np.int64), pd.Index([]), [])
    mapping = divisions if isinstance(divisions, pd.Series) else pd.Series(dict(divisions))
    mapping = mapping.set_axis(mapping.index.astype(str))
    if not mapping.index.is_unique:
        raise ValueError("the division mapping names an entry twice")
    labels = stats.canonical_labels(mapping.reindex(entry_strings))
    if required and (labels.codes < 0).any():
        lost = [entry_strings[i] for i in np.flatnonzero(labels.codes < 0)[:_CAP].tolist()]
        detail = {"count": int((labels.codes < 0).sum()), "entries": lost}
        raise RankingRefused("missing_division", "entries without a division", detail)
    return labels


def _z_scores(data: _Scores, card_j, card_e, totals, judge, min_entries: int) -> np.ndarray:
    few = np.flatnonzero(judge.count < min_entries)
    if len(few):
        counts = {data.judges.strings[j]: int(judge.count[j]) for j in few.tolist()}
        detail = {"min_judge_entries": min_entries, "judges": counts}
        raise RankingRefused("too_few_scores", "z_score needs more entries per judge", detail)
    _require_connected(data, card_j, card_e)
    entry_z = np.bincount(card_e, weights=stats.card_z(card_j, totals, judge)) / np.bincount(card_e)
    return totals.mean() + entry_z * totals.std()


def _require_connected(data: _Scores, card_j: np.ndarray, card_e: np.ndarray) -> None:
    n_judges = len(data.judges.strings)
    roots = stats.component_roots(card_j, n_judges + card_e, n_judges + len(data.entries.strings))
    component_ids = np.flatnonzero(roots == np.arange(len(roots)))  # one root per component
    if len(component_ids) > 1:
        judge_roots = roots[:n_judges]
        components = [
            [data.judges.strings[j] for j in np.flatnonzero(judge_roots == r).tolist()]
            for r in component_ids.tolist()
        ]
        detail = {"components": len(components), "judges_by_component": components}
        raise RankingRefused("ranking_disconnected", "judges' entry sets do not overlap", detail)


def _rank_sums(data: _Scores, card_j, card_e, totals, groups, names: list) -> np.ndarray:
    n_entries = len(data.entries.strings)
    card_group = groups[card_e]
    n_groups = int(groups.max()) + 1
    cards = np.bincount(card_group, minlength=n_groups)
    panel = np.unique(card_group * len(data.judges.strings) + card_j) // len(data.judges.strings)
    judges_per_group = np.bincount(panel, minlength=n_groups)
    entries_per_group = np.bincount(groups, minlength=n_groups)
    incomplete = np.flatnonzero(cards != judges_per_group * entries_per_group)
    if len(incomplete):
        detail = [
            {
                "division": names[g],
                "judges": int(judges_per_group[g]),
                "entries": int(entries_per_group[g]),
                "scorecards": int(cards[g]),
            }
            for g in incomplete.tolist()
        ]
        reason = "rank_sum needs every judge to score every entry"
        raise RankingRefused("incomplete_panel", reason, {"groups": detail})
    ranks = stats.descending_average_ranks(card_j, totals)
    return np.bincount(card_e, weights=ranks, minlength=n_entries)


def rank_entries(
    scores: Any,
    settings: RankingSettings,
    *,
    divisions: Mapping[Any, Any] | pd.Series | None = None,
) -> RankingResult:
    """Rank the entries of one round from its submitted scorecards (see the module docstring).

    `divisions` maps entry → division; it is required when `settings.per_division`.
    """
    return _rank_scores(_read_scores(scores), settings, divisions)


def _rank_scores(data: _Scores, settings: RankingSettings, divisions: Any) -> RankingResult:
    """`rank_entries` on scores already read (`results.intervals` reads them once for both)."""
    n_judges, n_entries = len(data.judges.strings), len(data.entries.strings)
    division = _divisions(data.entries.strings, divisions, settings.per_division)
    n_criteria = len(data.criteria.strings) if data.criteria else 1

    # 1. scorecard totals.
    card_key, card_j, card_e, totals = _card_totals(data)
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
        score = _z_scores(data, card_j, card_e, totals, judge, settings.min_judge_entries)
    elif settings.method == "calibrated":
        _require_connected(data, card_j, card_e)
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
        score = _rank_sums(data, card_j, card_e, totals, groups, names)
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
            "division": _division_column(division, order),
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


def _division_column(division: stats.Labels, order: np.ndarray) -> np.ndarray:
    names = np.append(np.asarray(division.labels, dtype=object), None)
    return names[division.codes[order]]  # code -1 picks the trailing None


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
            detail = {"round": code, "count": len(lost), "entries": list(lost[:_CAP])}
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
    division = _divisions(finalists.strings, divisions, divisions is not None)
    groups = np.maximum(division.codes, 0)
    order, ranks = stats.competition_ranks(groups, keys)
    rows = pd.DataFrame(
        {
            "rank": ranks[order],
            "entry": finalists.labels.take(order),
            "division": _division_column(division, order),
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
