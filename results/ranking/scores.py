"""Reading scores into integer codes, scorecard totals, divisions, and the connectivity check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from results import ranking_stats as stats
from results.ranking.types import CAP, RankingRefused
from results.ranking_stats import exact


@dataclass(frozen=True)
class Scores:
    judges: stats.Labels
    entries: stats.Labels
    criteria: stats.Labels | None  # None: the rows are already scorecard totals
    key: np.ndarray  # sorted, unique: (judge * n_entries + entry) * n_criteria + criterion
    points: np.ndarray  # float64, aligned with key


def labels_read(column: pd.Series, name: str) -> stats.Labels:
    try:
        labels = stats.canonical_labels(column)
    except ValueError:
        raise RankingRefused("invalid_scores", f"two {name} labels print alike") from None
    if (labels.codes < 0).any():
        raise RankingRefused("invalid_scores", f"missing {name}", {"column": name})
    return labels


def read_scores(scores: Any) -> Scores:
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
    judges, entries = labels_read(frame["judge"], "judge"), labels_read(frame["entry"], "entry")
    criteria = (
        labels_read(frame["criterion"], "criterion") if "criterion" in frame.columns else None
    )
    n_criteria = len(criteria.strings) if criteria else 1
    key = judges.codes * len(entries.strings) + entries.codes
    key = key * n_criteria + (criteria.codes if criteria else 0)
    order = np.argsort(key)
    key, points = key[order], points[order]
    duplicate = np.flatnonzero(key[1:] == key[:-1])
    if len(duplicate):
        card = key[duplicate[:CAP]] // n_criteria
        rows = [
            {
                "judge": judges.strings[k // len(entries.strings)],
                "entry": entries.strings[k % len(entries.strings)],
            }
            for k in card.tolist()
        ]
        detail = {"count": len(duplicate), "rows": rows}
        raise RankingRefused("duplicate_scores", "a score appears more than once", detail)
    return Scores(judges, entries, criteria, key, points)


def card_totals(data: Scores) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Scorecard totals (DOMAIN §6 step 1), in key order: (card key per score row, judge and
    entry code per card, total per card). The key is sorted, so a card's criteria are
    contiguous."""
    n_criteria = len(data.criteria.strings) if data.criteria else 1
    card_key = data.key // n_criteria
    starts = np.flatnonzero(np.r_[True, card_key[1:] != card_key[:-1]])
    totals = exact(np.add.reduceat(data.points, starts))
    n_entries = len(data.entries.strings)
    return card_key, card_key[starts] // n_entries, card_key[starts] % n_entries, totals


def divisions_labels(entry_strings: list[str], divisions: Any, required: bool) -> stats.Labels:
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
        lost = [entry_strings[i] for i in np.flatnonzero(labels.codes < 0)[:CAP].tolist()]
        detail = {"count": int((labels.codes < 0).sum()), "entries": lost}
        raise RankingRefused("missing_division", "entries without a division", detail)
    return labels


def require_connected(data: Scores, card_j: np.ndarray, card_e: np.ndarray) -> None:
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
