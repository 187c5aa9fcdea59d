"""Calibrated scoring: entry quality and judge leniency fitted together (DOMAIN.md §6).

Pure numpy, no Django (and no scipy: it is a dev-only dependency). The model, for every
submitted scorecard of judge j on entry e:

    total(j, e) = quality(e) + offset(j) + noise,

fitted by penalised least squares:

    minimise  Σ (total − quality(e) − offset(j))²  +  λ · Σ_j offset(j)²

Choices:

* Only the judges' offsets are penalised (a ridge towards 0); entry qualities are free. So for a
  fixed set of offsets each entry's quality is simply the mean of its offset-corrected totals,

      quality(e) = mean over e's judges of (total − offset(j)),

  which is the fitted value and is on the same 0–100 scale as the totals (not clipped).
* Eliminating the qualities exactly (a Schur complement) leaves a J×J symmetric system in the
  offsets, J = number of judges:

      (L + λI) · offset = c,   L = diag(count_j) − Σ_e (1/n_e) · 1_e 1_eᵀ,
                               c_j = Σ_{e scored by j} (total(j, e) − mean total of e),

  where 1_e marks e's judges and n_e is their number. L is the Laplacian of the judge graph
  weighted by shared entries. Building L is linear in the scorecards (one bincount over the
  judge pairs of each entry); solving it is dense O(J³), instant for hundreds of judges and
  fine to a few thousand. This is the same solution as a sparse least-squares solve of the full
  (entries + judges) design, which the tests check against scipy.
* λ is a ratio of variances (noise variance / leniency variance), so it does not depend on the
  score scale. A judge's offset is shrunk roughly by n_eff / (n_eff + λ), where n_eff ≈
  count · (1 − 1/judges per entry) is how much the judge's entries are shared. Few entries →
  offset ≈ 0 → quality ≈ the plain mean; many entries → the judge's leniency is removed.
  λ → ∞ gives exactly the mean. λ = 0 is the unpenalised fixed-effects fit; its offsets are
  identified only up to a constant per connected component, fixed by making them sum to 0
  (for λ > 0 they sum to 0 by themselves: the optimality conditions force it). The solver
  adds P, the projection onto that constant-per-component null space of L, to the system:
  (L + λI + P)⁻¹ equals (L + λI)⁻¹ on offsets summing to 0, and stays well conditioned.
* Standard errors: the offsets' posterior covariance under the Bayesian reading of the ridge
  (flat prior on qualities, offset ~ N(0, σ²/λ)), σ² (L + λI)⁻¹, projected onto offsets that
  sum to 0 per component (what is reported). For λ = 0 this is the usual least-squares
  covariance σ² L⁺. σ² is estimated as RSS / (N − E − tr((L + λI)⁻¹ L)), the residual degrees
  of freedom with the offsets' effective number of parameters; with no residual degrees of
  freedom (e.g. one judge per entry) σ and the errors are NaN.
* The caller checks that the judge–entry graph is connected (the ranking refuses otherwise);
  this module also works per component (qualities are then comparable only within one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from results import ranking_stats as stats

#: Default ridge penalty, chosen by the simulation in `bench/sim_calibration.py`
#: (docs/ranking-calibration.md).
DEFAULT_LAMBDA = 3.0


@dataclass(frozen=True, eq=False)
class CalibrationFit:
    quality: np.ndarray  # per entry, on the totals' scale
    offset: np.ndarray  # per judge: how many points above the consensus the judge gives
    offset_se: np.ndarray  # per judge, NaN when σ cannot be estimated
    sigma: float  # residual standard deviation (NaN without residual degrees of freedom)
    rss: float  # residual sum of squares of the fit
    lam: float


def _judge_system(
    card_judge: np.ndarray,
    card_entry: np.ndarray,
    totals: np.ndarray,
    n_judges: int,
    n_entries: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(L, c, entry count, entry mean total) of the reduced normal equations."""
    count = np.bincount(card_entry, minlength=n_entries)
    entry_mean = np.bincount(card_entry, weights=totals, minlength=n_entries) / np.maximum(count, 1)
    centred = totals - entry_mean[card_entry]
    c = np.bincount(card_judge, weights=centred, minlength=n_judges)

    # Every ordered pair (p, q) of cards on the same entry, including p = q, weighs 1/n_e.
    order = np.argsort(card_entry, kind="stable")
    judge_sorted = card_judge[order]
    n_card = count[card_entry[order]]
    first = np.cumsum(count) - count  # position of each entry's first card in sorted order
    left = np.repeat(np.arange(len(order)), n_card)
    within = np.arange(len(left)) - np.repeat(np.cumsum(n_card) - n_card, n_card)
    right = first[card_entry[order]][left] + within
    pair = judge_sorted[left] * n_judges + judge_sorted[right]
    shared = np.bincount(pair, weights=1.0 / n_card[left], minlength=n_judges * n_judges)
    laplacian = np.diag(np.bincount(card_judge, minlength=n_judges).astype(np.float64))
    laplacian -= shared.reshape(n_judges, n_judges)
    return laplacian, c, count, entry_mean


def _component_projection(
    card_judge: np.ndarray, card_entry: np.ndarray, n_judges: int, n_entries: int
) -> np.ndarray:
    """P = Σ over connected components of 1_c 1_cᵀ / |c| (judges only): the null space of L."""
    roots = stats.component_roots(card_judge, n_judges + card_entry, n_judges + n_entries)
    judge_root = roots[:n_judges]
    same = judge_root[:, None] == judge_root[None, :]
    return same / same.sum(axis=1, keepdims=True)


def calibration_fit(
    *,
    card_judge: np.ndarray,
    card_entry: np.ndarray,
    totals: np.ndarray,
    n_judges: int,
    n_entries: int,
    lam: float,
) -> CalibrationFit:
    """Fit total = quality(entry) + offset(judge) + noise with offsets ridge-shrunk by `lam`.

    One scorecard per (judge, entry) pair: `card_judge`, `card_entry` are integer codes
    (0..n-1), `totals` the scorecard totals. Every entry code must have a scorecard.
    """
    if not lam >= 0 or not np.isfinite(lam):
        raise ValueError("the calibration penalty λ must be a finite number ≥ 0")
    totals = np.asarray(totals, dtype=np.float64)
    laplacian, c, count, entry_mean = _judge_system(
        card_judge, card_entry, totals, n_judges, n_entries
    )
    if (count == 0).any():
        raise ValueError("every entry needs at least one scorecard")
    projection = _component_projection(card_judge, card_entry, n_judges, n_entries)
    # + P changes nothing on the offsets that sum to 0 per component (where c lies and what is
    # reported) and keeps the system well conditioned for λ = 0 or tiny.
    inverse = np.linalg.inv(laplacian + lam * np.eye(n_judges) + projection)
    offset = inverse @ c
    offset -= projection @ offset  # sum 0 per component (already so up to rounding)
    fitted_offset = np.bincount(card_entry, weights=offset[card_judge], minlength=n_entries)
    quality = entry_mean - fitted_offset / count
    residual = totals - quality[card_entry] - offset[card_judge]
    rss = float(residual @ residual)
    dof = len(totals) - n_entries - float(np.trace(inverse @ laplacian))
    sigma = float(np.sqrt(rss / dof)) if dof > 0.5 else float("nan")
    centre = np.eye(n_judges) - projection
    variance = np.einsum("ij,jk,ik->i", centre, inverse, centre) * sigma**2
    offset_se = np.sqrt(np.maximum(variance, 0.0))
    return CalibrationFit(quality, offset, offset_se, sigma, rss, float(lam))
