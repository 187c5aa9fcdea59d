"""Rank intervals: how sure is the order? (DOMAIN.md §6)

Pure numpy/pandas, no Django. For every entry: a rank interval from resampling its judges, the
probability of advancing and of reaching each prize tier, and whether it is *contested*.

Choices where the specification leaves room:

* Resampling: in each of N resamples (default 1,000) every entry draws as many scorecards as
  it has, with replacement, from its own scorecards (a bootstrap over its judges), all entries
  at once; the round is re-scored and re-ranked exactly as `results.ranking` ranks it (same
  rounding, same tie-break chain — each tie-break mean is recomputed from the drawn cards —
  ties share a rank, per division when the ranking is per division).
* What is held fixed. Only the entry's own judges are redrawn; the judges' calibration is not
  re-estimated in each resample:
  - `mean`, `trimmed_mean`: the drawn totals' mean (trimmed from 5 drawn cards up);
  - `z_score`: each card keeps its z from the full data (its judge's mean and deviation over
    all that judge's entries, and the round's overall mean and deviation are held fixed);
  - `calibrated`: each card keeps its offset-corrected total, total − offset(judge), with the
    offsets fitted once on the full data; the entry's score is the mean of the drawn ones;
  - `rank_sum`: each card keeps its judge's rank of the entry; the score is their sum.
  So the interval shows how much the order depends on *which* judges an entry drew; it does
  not include the uncertainty of the judges' offsets or standardisation themselves.
* Small panels: each entry's spread is shrunk towards the round's. An entry with k = 3 judges
  estimates how much its judges disagree from 3 values (2 degrees of freedom): by chance some
  panels agree closely, and a bootstrap over their own cards alone then gives them intervals
  far too narrow. So each entry's card values are first moved about their mean (which stays
  exactly as it was) so that the bootstrap mean of its k cards has variance v/k, with

      v = (ν·s²_pooled + (k − 1)·s²) / (ν + k − 1),

  s² the entry's own unbiased variance, s²_pooled the round's (Σ squares about each entry's
  mean / Σ (k − 1), over every entry with ≥ 2 cards) and ν = `spread_prior_df` (default
  :data:`SPREAD_PRIOR_DF` = 10: the round's spread weighs as much as 10 more judges' worth of
  disagreement — with 3 judges it dominates, with 30 the entry's own does). ν = 0 is the plain
  bootstrap with the small-sample correction only (values widened by √(k/(k − 1)), which
  makes the variance the unbiased s²/k). An entry whose judges all gave the same value, in a
  round where judges do disagree, draws from k values evenly spaced about its mean with
  variance v. An entry with one judge has nothing to resample. Tie-break criterion means are
  resampled as they are.
  Measured on simulated panels (40 entries, quality N(60, 10), 10 judges of leniency N(0, 5),
  noise N(0, 8); `tests/results/test_intervals.py`), share of entries whose 90% interval holds
  their rank by true quality: 3 judges per entry, mean 0.82 → 0.91 and calibrated 0.80 → 0.88
  (ν = 0 → 10), intervals 12% wider; 5 judges 0.90 → 0.92 and 0.87 → 0.91; with each entry's
  noise varying by a factor e^N(0, 0.6) (heteroscedastic), 3 judges 0.80 → 0.90 (mean) and
  0.78 → 0.89 (calibrated), 9 judges 0.93 → 0.95. The table for ν = 0, 3, 10, 30:
  ``python -m bench.sim_intervals``.
* The interval: rank_low and rank_high are the inverted-CDF percentiles at (1 − level)/2 and
  (1 + level)/2 of the entry's rank over the resamples (default level 0.90: the 5th and 95th),
  i.e. the smallest rank r such that at least 5% (95%) of resamples rank the entry r or better.
  Both are ranks that actually occurred.
* p_advance: the share of resamples in which the entry advances under the same rule as
  `results.ranking.advancement` (top N by rank — overall or per division as the ranking is —
  or the top ceil(p% × size) of its division, everyone sharing the cut rank advancing).
  p_tier_<i>: the share in which its rank is within the i-th cumulative tier boundary
  (`tiers=(1, 3, 10)`: first prize = rank 1, first or second = rank ≤ 3, …).
* contested: the interval crosses the advancement cut (rank_low ≤ cut < rank_high, in the
  rank the cut applies to) or any tier boundary.
* Reproducible: one PCG64 stream of float32 uniforms, seeded with `seed`, or, when not
  given, with the first 64 bits of the ranking's `inputs_sha256`; cards are drawn entry by
  entry in the ranking's row order (judges in label order within) and the stream does not
  depend on the chunking, so the result is byte-identical whatever the input row order or
  `chunk_bytes`.
* Vectorised: resamples are processed in chunks (about `chunk_bytes` of working arrays each);
  only the int32 ranks (N × entries) are kept for the percentiles.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import pairwise
from typing import Any

import numpy as np
import pandas as pd

from results import ranking_stats as stats
from results.calibration import calibration_fit
from results.ranking import RankingResult, RankingSettings, rank_scores
from results.ranking.scores import Scores, card_totals, read_scores
from results.ranking_stats import DECIMALS, exact

DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.90
SPREAD_PRIOR_DF = 10.0  # ν: the round's pooled spread weighs as ν degrees of freedom
TRIM_MIN_JUDGES = 5  # as results.ranking
_CHUNK_BYTES = 8 * 2**20  # small chunks: the allocator reuses the arrays, no page faults


@dataclass(frozen=True, eq=False)
class RankIntervals:
    """`rows`: the ranking's rows (same order) plus rank_low, rank_high, p_advance (when a cut
    was given), p_tier_1… (one per tier boundary) and contested."""

    rows: pd.DataFrame
    ranking: RankingResult
    n_resamples: int
    seed: int
    level: float
    spread_prior_df: float = SPREAD_PRIOR_DF

    def to_csv_bytes(self, columns: Sequence[str] | None = None) -> bytes:
        """As `RankingResult.to_csv_bytes`: UTF-8, "\\n", floats with 6 decimals."""
        rows = self.rows if columns is None else self.rows[list(columns)]
        csv = rows.to_csv(index=False, lineterminator="\n", float_format=f"%.{DECIMALS}f")
        return csv.encode("utf-8")


@dataclass(frozen=True)
class _Panel:
    """The cards, entry by entry in the ranking's row order, and what one resample needs.

    Each entry draws as many times as it has cards, into "slots". When most entries have the
    same number of cards the slots are a padded (entries × width) grid — padding slots draw a
    dummy card worth 0 — so entry sums are `width` strided adds instead of a slower reduceat.
    """

    count: np.ndarray  # per entry: number of cards (int64)
    width: int  # slots per entry in the padded grid, or 0: slots are the cards, use reduceat
    first: np.ndarray  # per entry: its first slot
    slot_first: np.ndarray  # per slot: the first card of its entry (the dummy for padding)
    slot_count: np.ndarray  # per slot: its entry's number of cards, float32 (1 for padding)
    value: np.ndarray  # per card + dummy 0: what is averaged (total, z, corrected total, rank)
    tie: list[np.ndarray]  # per tie-break criterion, per card + dummy 0: points (NaN if none)
    method: str
    z_centre: float
    z_scale: float


def _card_values(data: Scores, settings: RankingSettings) -> tuple[np.ndarray, ...]:
    """(entry code, value, tie-break points…) per card, and the z_score centre and scale."""
    n_judges, n_entries = len(data.judges.strings), len(data.entries.strings)
    card_key, card_j, card_e, totals = card_totals(data)
    value, centre, scale = totals, 0.0, 1.0
    if settings.method == "z_score":
        value = stats.card_z(card_j, totals, stats.group_stats(card_j, totals, n_judges))
        centre, scale = float(totals.mean()), float(totals.std())
    elif settings.method == "calibrated":
        fit = calibration_fit(
            card_judge=card_j,
            card_entry=card_e,
            totals=totals,
            n_judges=n_judges,
            n_entries=n_entries,
            lam=settings.calibration_lambda,
        )
        value = totals - fit.offset[card_j]
    elif settings.method == "rank_sum":
        value = stats.descending_average_ranks(card_j, totals)
    n_criteria = len(data.criteria.strings) if data.criteria else 1
    row_card = np.cumsum(np.r_[True, card_key[1:] != card_key[:-1]]) - 1
    tie = []
    for code in settings.tie_break if data.criteria else ():
        rows = data.key % n_criteria == data.criteria.strings.index(code)
        points = np.full(len(totals), np.nan)
        points[row_card[rows]] = data.points[rows]
        tie.append(points)
    return card_e, value, tie, centre, scale


def _spread(value: np.ndarray, card_e: np.ndarray, n_entries: int, prior_df: float) -> np.ndarray:
    """The card values moved about each entry's mean so that the bootstrap mean of the entry's
    k cards has variance v/k, v its spread shrunk towards the round's (module docstring)."""
    count = np.bincount(card_e, minlength=n_entries)
    mean = np.bincount(card_e, weights=value, minlength=n_entries) / np.maximum(count, 1)
    resid = value - mean[card_e]
    squares = np.bincount(card_e, weights=resid**2, minlength=n_entries)
    df = np.maximum(count - 1, 0)
    pooled = squares.sum() / max(int(df.sum()), 1)
    spread = (prior_df * pooled + squares) / np.maximum(prior_df + df, 1e-300)
    flat = (squares <= 1e-18 * np.maximum(pooled, 1.0)) & (count > 1) & (spread > 0)
    if flat.any():  # the judges agreed exactly: evenly spaced values, −(k − 1)/2 … (k − 1)/2
        order = np.argsort(card_e, kind="stable")
        within = np.empty(len(card_e), dtype=np.int64)
        within[order] = np.arange(len(card_e)) - (np.cumsum(count) - count)[card_e[order]]
        on_flat = flat[card_e]
        resid = np.where(on_flat, within - (count[card_e] - 1) / 2, resid)
        squares = np.where(flat, count * (count**2 - 1) / 12, squares)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.sqrt(spread * count / squares)
    factor = np.where((count > 1) & (squares > 0), factor, 0.0)
    return np.where(count[card_e] > 1, mean[card_e] + factor[card_e] * resid, value)


def _panel(
    data: Scores,
    settings: RankingSettings,
    row_of_code: np.ndarray,
    prior_df: float = SPREAD_PRIOR_DF,
) -> _Panel:
    """`row_of_code`: each entry code's row; −1 leaves the entry out (its cards still count
    for the judges' calibration, which is fitted on all of them, and for the round's spread)."""
    card_e, value, tie, centre, scale = _card_values(data, settings)
    value = _spread(value, card_e, len(row_of_code), prior_df)  # the whole round's spread
    kept = row_of_code[card_e] >= 0
    if not kept.all():
        card_e, value, tie = card_e[kept], value[kept], [points[kept] for points in tie]
    n_entries, n_cards = int(row_of_code.max()) + 1, len(card_e)
    card_row = row_of_code[card_e]
    order = np.argsort(card_row, kind="stable")  # entry by entry, judges in code order within
    count = np.bincount(card_row, minlength=n_entries)
    # Widen each entry's values about their mean by √(n/(n − 1)): the bootstrap mean of n
    # values then has the unbiased variance s²/n instead of s²(n − 1)/n² (module docstring).
    card_first = np.cumsum(count) - count
    width = int(count.max())
    if settings.method == "trimmed_mean" or n_entries * width > 1.5 * n_cards:
        width = 0  # min/max need the exact cards; very uneven panels would pad too much
    if width:
        slot = np.arange(n_entries * width)
        entry, within = slot // width, slot % width
        real = within < count[entry]
        slot_first = np.where(real, card_first[entry], n_cards)
        slot_count = np.where(real, count[entry], 1)
        first = np.arange(n_entries) * width
    else:
        slot_first, slot_count = card_first[card_row[order]], count[card_row[order]]
        first = card_first
    return _Panel(
        count=count,
        width=width,
        first=first,
        slot_first=slot_first,
        slot_count=slot_count.astype(np.float32),
        value=np.r_[value[order], 0.0],
        tie=[np.r_[points[order], 0.0] for points in tie],
        method=settings.method,
        z_centre=centre,
        z_scale=scale,
    )


def _entry_sums(panel: _Panel, drawn: np.ndarray) -> np.ndarray:
    """Per resample and entry, the sum over its slots of `drawn` (r, slots)."""
    if not panel.width:
        return np.add.reduceat(drawn, panel.first, axis=1)
    per_slot = drawn.reshape(drawn.shape[0], -1, panel.width)
    total = per_slot[:, :, 0].copy()
    for i in range(1, panel.width):
        total += per_slot[:, :, i]
    return total


def _resample_keys(panel: _Panel, uniform: np.ndarray) -> list[np.ndarray]:
    """Rank keys (smaller is better) of r resamples: `uniform` is (r, slots) float32 in
    [0, 1) — 24 bits are plenty to pick one of a few cards uniformly."""
    np.multiply(uniform, panel.slot_count, out=uniform)
    draw = uniform.astype(np.int64)  # floor(u × n) ∈ [0, n − 1] …
    np.minimum(draw, panel.slot_count.astype(np.int64) - 1, out=draw)  # … even after rounding
    draw += panel.slot_first
    drawn = panel.value[draw]
    total = _entry_sums(panel, drawn)
    mean = total / panel.count
    if panel.method == "trimmed_mean" and (panel.count >= TRIM_MIN_JUDGES).any():
        low = np.minimum.reduceat(drawn, panel.first, axis=1)
        high = np.maximum.reduceat(drawn, panel.first, axis=1)
        trimmed = (total - low - high) / np.maximum(panel.count - 2, 1)
        mean = np.where(panel.count >= TRIM_MIN_JUDGES, trimmed, mean)
    if panel.method == "z_score":
        mean = panel.z_centre + mean * panel.z_scale
    # a sum of ranks: lower is better; every other score: higher is better
    keys = [exact(total)] if panel.method == "rank_sum" else [-exact(mean)]
    for points in panel.tie:
        picked = points[draw]
        if np.isnan(points).any():  # some cards lack the criterion: average the others
            missing = np.isnan(picked)
            scored = panel.count - _entry_sums(panel, missing.astype(np.float64))
            picked[missing] = 0.0
        else:
            scored = panel.count
        with np.errstate(invalid="ignore", divide="ignore"):
            key = -exact(_entry_sums(panel, picked) / scored)
        keys.append(np.nan_to_num(key, nan=np.inf))  # no mean of this criterion: last
    return keys


_FOLD_LIMIT = 2**62
_MICRO = 10**DECIMALS


def _as_integers(key: np.ndarray) -> tuple[np.ndarray, int]:
    """An order-equivalent int64 key from 0, and its range: the key in millionths (it is exact
    to `DECIMALS`), or its dense rank along each row when it is not finite or too large."""
    finite = np.isfinite(key)
    micro = np.rint(np.where(finite, key, 0.0) * _MICRO)
    if not finite.all() or np.abs(micro).max() > 2**52:
        dense = _ranks_2d([key], dense=True).astype(np.int64)  # +inf: its own last rank
        return dense, key.shape[1]
    low = micro.min()
    return (micro - low).astype(np.int64), int(micro.max() - low) + 1


def _fold(keys: list[np.ndarray]) -> np.ndarray:
    """Several keys, compared in order, folded into one order-equivalent int64 key.

    Keys are appended as mixed-radix digits while the range fits in 62 bits; when it would
    not, the key so far is replaced by its dense rank along each row (one sort; range ≤ row
    width) and folding goes on. Far faster than `np.lexsort`, and exact."""
    width = keys[0].shape[1]
    folded, span = _as_integers(keys[0])
    for key in keys[1:]:
        digits, radix = _as_integers(key)
        if span * radix >= _FOLD_LIMIT:
            folded, span = _ranks_2d([folded], dense=True).astype(np.int64), width
        if span * radix >= _FOLD_LIMIT:
            digits, radix = _ranks_2d([key], dense=True).astype(np.int64), width
        folded = folded * radix + digits
        span *= radix
    return folded


def _ranks_2d(keys: list[np.ndarray], *, dense: bool = False) -> np.ndarray:
    """Competition ranks ("1, 2, 2, 4"), or dense ranks from 0, along each row; keys compared
    in order, smaller first (several are folded into one by `_fold`)."""
    key = keys[0] if len(keys) == 1 else _fold(keys)
    rows, width = key.shape
    order = np.argsort(key, axis=1)
    ordered = np.take_along_axis(key, order, axis=1)
    new_run = np.empty((rows, width), dtype=bool)
    new_run[:, 0] = True
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=new_run[:, 1:])
    if dense:
        start = np.cumsum(new_run, axis=1, dtype=np.int32) - 1
    else:
        position = np.arange(width, dtype=np.int32)
        start = np.maximum.accumulate(np.where(new_run, position, 0), axis=1) + 1
    ranks = np.empty((rows, width), dtype=np.int32)
    np.put_along_axis(ranks, order, start, axis=1)
    return ranks


def _grouped_ranks(keys: list[np.ndarray], members: list[slice | np.ndarray]) -> np.ndarray:
    ranks = np.empty(keys[0].shape, dtype=np.int32)
    for columns in members:
        ranks[:, columns] = _ranks_2d([key[:, columns] for key in keys])
    return ranks


def _members(codes: np.ndarray) -> list[slice | np.ndarray]:
    """The columns of each group (code −1, no division, is a group of its own): slices when
    each group is contiguous (a per-division ranking's rows), else index arrays."""
    start = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    if len(start) == len(np.unique(codes)):
        return [slice(a, b) for a, b in zip(start, np.r_[start[1:], len(codes)], strict=True)]
    return [np.flatnonzero(codes == code) for code in np.unique(codes)]


def _percentile_ranks(ranks: np.ndarray, shares: tuple[Fraction, Fraction]) -> np.ndarray:
    """Inverted-CDF percentiles per column of (N, entries) `ranks` — the ceil(share × N)-th
    smallest — as (2, entries). Partitions `ranks` in place."""
    k = [max(math.ceil(share * ranks.shape[0]), 1) - 1 for share in shares]
    ranks.partition(k, axis=0)
    return ranks[k]


def _crosses(low: np.ndarray, high: np.ndarray, cut: np.ndarray | int) -> np.ndarray:
    return (low <= cut) & (cut < high)


def rank_intervals(
    *,
    scores: Any,
    settings: RankingSettings,
    divisions: Mapping[Any, Any] | pd.Series | None = None,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = None,
    top_n: int | None = None,
    top_percent: float | None = None,
    tiers: Sequence[int] = (),
    level: float = DEFAULT_LEVEL,
    spread_prior_df: float = SPREAD_PRIOR_DF,
    chunk_bytes: int = _CHUNK_BYTES,
) -> RankIntervals:
    """Rank the round (as `results.ranking.rank_entries`, same refusals) and resample its
    judges.

    Give at most one of `top_n` / `top_percent` (the advancement rule) for p_advance; `tiers`
    are cumulative rank boundaries for p_tier_<i>. See the module docstring for the choices.
    """
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if top_n is not None and top_percent is not None:
        raise ValueError("give at most one of top_n and top_percent")
    if top_n is not None and top_n < 0:
        raise ValueError("top_n must be ≥ 0")
    if top_percent is not None and not 0 < top_percent <= 100:
        raise ValueError("top_percent must be in (0, 100]")
    if not 0 <= spread_prior_df < math.inf:
        raise ValueError("spread_prior_df must be a finite number ≥ 0")
    tiers = tuple(int(boundary) for boundary in tiers)
    if any(b < 1 for b in tiers) or any(b >= c for b, c in pairwise(tiers)):
        raise ValueError("tiers are cumulative rank boundaries: increasing integers ≥ 1")

    data = read_scores(scores)
    result = rank_scores(data, settings, divisions)
    n_entries = len(data.entries.strings)
    code_of_row = pd.Index(data.entries.strings).get_indexer(result.rows["entry"].astype(str))
    row_of_code = np.empty(n_entries, dtype=np.int64)
    row_of_code[code_of_row] = np.arange(n_entries)
    panel = _panel(data, settings, row_of_code, spread_prior_df)  # arrays in row order
    division_codes = pd.factorize(result.rows["division"], use_na_sentinel=True)[0]
    rank_members = _members(division_codes if settings.per_division else np.zeros(n_entries))

    # The advancement cut, in the rank it applies to (p% needs ranks within each division).
    division_ranked = top_percent is not None and not settings.per_division
    division_members = _members(division_codes) if division_ranked else []
    cut: np.ndarray | int | None = top_n
    if top_percent is not None:
        share = Fraction(str(top_percent)) / 100
        size = np.bincount(division_codes + 1)[division_codes + 1]  # code −1 → bin 0
        cut = -((-share.numerator * size) // share.denominator)

    seed = int(result.inputs_sha256[:16], 16) if seed is None else seed
    rng = np.random.Generator(np.random.PCG64(seed))
    n_slots = len(panel.slot_first)
    chunk = max(1, min(n_resamples, chunk_bytes // (8 * n_slots)))  # (chunk, slots) float64s
    ranks = np.empty((n_resamples, n_entries), dtype=np.int32)
    cut_ranks = np.empty_like(ranks) if division_ranked else ranks
    advancing = np.zeros(n_entries, dtype=np.int64)
    in_tier = np.zeros((len(tiers), n_entries), dtype=np.int64)
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        keys = _resample_keys(panel, rng.random((stop - start, n_slots), dtype=np.float32))
        chunk_ranks = _grouped_ranks(keys, rank_members)
        ranks[start:stop] = chunk_ranks
        chunk_cut_ranks = chunk_ranks
        if division_ranked:
            chunk_cut_ranks = _grouped_ranks(keys, division_members)
            cut_ranks[start:stop] = chunk_cut_ranks
        if cut is not None:
            advancing += (chunk_cut_ranks <= cut).sum(axis=0)
        for i, boundary in enumerate(tiers):
            in_tier[i] += (chunk_ranks <= boundary).sum(axis=0)

    shares = ((1 - Fraction(str(level))) / 2, (1 + Fraction(str(level))) / 2)
    extra: dict[str, np.ndarray] = {}
    contested = np.zeros(n_entries, dtype=bool)
    if cut is not None:
        extra["p_advance"] = exact(advancing / n_resamples)
        if division_ranked:
            contested |= _crosses(*_percentile_ranks(cut_ranks, shares), cut)
    for i, count in enumerate(in_tier, start=1):
        extra[f"p_tier_{i}"] = exact(count / n_resamples)
    rank_low, rank_high = _percentile_ranks(ranks, shares)
    if cut is not None and not division_ranked:
        contested |= _crosses(rank_low, rank_high, cut)
    for boundary in tiers:
        contested |= _crosses(rank_low, rank_high, boundary)

    rows = result.rows.assign(
        rank_low=rank_low.astype(np.int64),
        rank_high=rank_high.astype(np.int64),
        **extra,
        contested=contested,
    )
    return RankIntervals(rows, result, n_resamples, seed, level, spread_prior_df)
