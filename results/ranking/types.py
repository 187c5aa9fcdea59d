"""The ranking engine's vocabulary: settings, result, refusal, and the methods it knows."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from contests.methods import Method
from results.calibration import DEFAULT_LAMBDA
from results.ranking_stats import DECIMALS

METHODS: tuple[str, ...] = tuple(m.value for m in Method)
TRIM_MIN_JUDGES = 5  # trimmed_mean drops the highest and lowest total from 5 judges up
CAP = 50  # at most this many examples in a refusal's detail


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
