"""Judge reliability: each judge's agreement with the others, and the round's ICC (DOMAIN §6).

Pure numpy/pandas, no Django. Input: the same score rows as `results.ranking.rank_entries`
(per criterion, or scorecard totals); everything is computed on scorecard totals.

Choices:

* Per judge: `count` (scorecards), `shared` (of those, entries another judge also scored),
  `agreement` = Pearson correlation, over the shared entries, of the judge's total with the
  mean total of the *other* judges of that entry. NaN with fewer than 3 shared entries, or
  when either side does not vary. `offset`, `offset_se`: from the calibrated fit
  (`results.calibration`, penalty `calibration_lambda`); with several connected components
  the offsets sum to 0 within each.
* Per round: ICC(2,1) and ICC(2,k) of Shrout & Fleiss (1979) — two-way random effects,
  absolute agreement; McGraw & Wong's ICC(A,1) and ICC(A,k), pingouin's "ICC2"/"ICC2k" — as
  ratios of variance components of total = μ + entry + judge + residual:

      ICC(2,1) = σ²_entry / (σ²_entry + σ²_judge + σ²_res)
      ICC(2,k) = σ²_entry / (σ²_entry + (σ²_judge + σ²_res) / k)

  The components are Henderson's Method III (fitting-constants) estimates, which work for
  incomplete designs (each judge a different subset) and reduce *exactly* to the ANOVA mean
  squares of Shrout & Fleiss when every judge scored every entry (tested against pingouin):

      σ²_res   = SSE / (N − E − J + C)
      σ²_judge = (R(judge | entry) − (J − C) σ²_res) / (N − E)
      σ²_entry = (R(entry | judge) − (E − C) σ²_res) / (N − J)

  with N scorecards, E entries, J judges, C connected components of the judge–entry graph;
  SSE the residual sum of squares of the additive (entry + judge) least-squares fit;
  R(judge | entry) = SSE(entries only) − SSE, and R(entry | judge) likewise. The estimates
  are not truncated at 0, as in Shrout & Fleiss, so an ICC may be negative. k is the harmonic
  mean of the number of judges per entry (the k of a complete design; for unequal panels
  the one that gives the average error variance of an entry's mean).
* Labels (`icc_level`): Koo & Li (2016), "A Guideline of Selecting and Reporting Intraclass
  Correlation Coefficients for Reliability Research", J. Chiropr. Med. 15(2):155–163:
  below 0.5 poor, 0.5 to 0.75 moderate, 0.75 to 0.9 good, above 0.9 excellent (a value on a
  boundary takes the higher band below 0.9: 0.5 moderate, 0.75 good; 0.9 is good). They
  advise judging by the 95% confidence interval; these labels use the point estimate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from results import ranking_stats as stats
from results.calibration import DEFAULT_LAMBDA, calibration_fit
from results.ranking.scores import card_totals, read_scores
from results.ranking_stats import exact

MIN_SHARED = 3  # fewer shared entries: no agreement
ICC_LEVELS = ("poor", "moderate", "good", "excellent")
ICC_LABELS: dict[str, dict[str, str]] = {
    "poor": {"ko": "낮음", "en": "poor"},
    "moderate": {"ko": "보통", "en": "moderate"},
    "good": {"ko": "높음", "en": "good"},
    "excellent": {"ko": "매우 높음", "en": "excellent"},
    "unknown": {"ko": "알 수 없음", "en": "unknown"},
}


@dataclass(frozen=True)
class IccEstimate:
    icc_1: float  # ICC(2,1): one judge's total
    icc_k: float  # ICC(2,k): the mean of k judges' totals
    k: float  # harmonic mean of judges per entry
    var_entry: float
    var_judge: float
    var_residual: float
    components: int  # connected components of the judge–entry graph


@dataclass(frozen=True, eq=False)
class Reliability:
    judges: pd.DataFrame  # judge, count, shared, agreement, offset, offset_se
    icc: IccEstimate


def icc_level(*, icc: float) -> str:
    """Koo & Li (2016) band of an ICC: poor, moderate, good or excellent ("unknown" if NaN).
    `ICC_LABELS[code]` gives the Korean and English words."""
    if not np.isfinite(icc):
        return "unknown"
    if icc < 0.5:
        return "poor"
    if icc < 0.75:
        return "moderate"
    return "good" if icc <= 0.9 else "excellent"


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else float("nan")


def icc_estimate(
    *,
    card_judge: np.ndarray,
    card_entry: np.ndarray,
    totals: np.ndarray,
    n_judges: int,
    n_entries: int,
) -> IccEstimate:
    """ICC(2,1) and ICC(2,k) by Henderson's Method III (module docstring), one card per
    (judge, entry), every code used."""
    n_cards = len(totals)
    roots = stats.component_roots(card_judge, n_judges + card_entry, n_judges + n_entries)
    components = int((roots == np.arange(len(roots))).sum())
    fit = calibration_fit(
        card_judge=card_judge,
        card_entry=card_entry,
        totals=totals,
        n_judges=n_judges,
        n_entries=n_entries,
        lam=0.0,
    )
    entry = stats.group_stats(card_entry, totals, n_entries)
    judge = stats.group_stats(card_judge, totals, n_judges)
    sse_entries = float((entry.std**2 * entry.count).sum())  # Σ (total − entry mean)²
    sse_judges = float((judge.std**2 * judge.count).sum())
    var_res = _ratio(fit.rss, n_cards - n_entries - n_judges + components)
    var_judge = _ratio(
        sse_entries - fit.rss - (n_judges - components) * var_res, n_cards - n_entries
    )
    var_entry = _ratio(
        sse_judges - fit.rss - (n_entries - components) * var_res, n_cards - n_judges
    )
    k = n_entries / float((1.0 / entry.count).sum())
    icc_1 = _ratio(var_entry, var_entry + var_judge + var_res)
    icc_k = _ratio(var_entry, var_entry + (var_judge + var_res) / k)
    return IccEstimate(icc_1, icc_k, k, var_entry, var_judge, var_res, components)


def _agreement(
    card_judge: np.ndarray, card_entry: np.ndarray, totals: np.ndarray, n_judges: int
) -> tuple[np.ndarray, np.ndarray]:
    """(shared, agreement) per judge: see the module docstring."""
    count = np.bincount(card_entry)
    shared = count[card_entry] > 1
    judge, mine = card_judge[shared], totals[shared]
    entry_sum = np.bincount(card_entry, weights=totals)
    others = (entry_sum[card_entry[shared]] - mine) / (count[card_entry[shared]] - 1)
    n = np.bincount(judge, minlength=n_judges)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = mine - (np.bincount(judge, weights=mine, minlength=n_judges) / n)[judge]
        dy = others - (np.bincount(judge, weights=others, minlength=n_judges) / n)[judge]
        sxy = np.bincount(judge, weights=dx * dy, minlength=n_judges)
        sxx = np.bincount(judge, weights=dx * dx, minlength=n_judges)
        syy = np.bincount(judge, weights=dy * dy, minlength=n_judges)
        r = sxy / np.sqrt(sxx * syy)
    varies = (sxx > 1e-12 * np.maximum(1.0, n)) & (syy > 1e-12 * np.maximum(1.0, n))
    return n, np.where((n >= MIN_SHARED) & varies, np.clip(r, -1.0, 1.0), np.nan)


def judge_reliability(*, scores: Any, calibration_lambda: float = DEFAULT_LAMBDA) -> Reliability:
    """Per-judge agreement and offsets and the round's ICCs from score rows (module docstring).
    Raises `RankingRefused` for malformed scores, as the ranking does."""
    data = read_scores(scores)
    n_judges, n_entries = len(data.judges.strings), len(data.entries.strings)
    _, card_j, card_e, totals = card_totals(data)
    shared, agreement = _agreement(card_j, card_e, totals, n_judges)
    fit = calibration_fit(
        card_judge=card_j,
        card_entry=card_e,
        totals=totals,
        n_judges=n_judges,
        n_entries=n_entries,
        lam=calibration_lambda,
    )
    judges = pd.DataFrame(
        {
            "judge": data.judges.labels,
            "count": np.bincount(card_j, minlength=n_judges),
            "shared": shared,
            "agreement": exact(agreement),
            "offset": exact(fit.offset),
            "offset_se": exact(fit.offset_se),
        }
    )
    icc = icc_estimate(
        card_judge=card_j,
        card_entry=card_e,
        totals=totals,
        n_judges=n_judges,
        n_entries=n_entries,
    )
    return Reliability(judges, icc)
