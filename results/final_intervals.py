"""Rank intervals of a final ranking: how sure is the order of the prizes? (DOMAIN.md §6)

Pure numpy/pandas, no Django. A finalist's final score is Σ weight% × its score in each
weighted round (``results.ranking.combine_rounds``). Its interval comes from resampling every
weighted round as ``results.intervals`` resamples one round, and recombining:

* In each of N resamples, every finalist draws, in every weighted round, as many of its own
  scorecards as it has, with replacement (each entry's spread shrunk towards the round's,
  the judges' calibration held fixed — both estimated once on the *whole* round, not only on
  the finalists: see ``results.intervals``). Its round scores are recombined with the
  weights, rounded as the final ranking rounds them, and the finalists re-ranked — per
  division when the final ranking is, ties broken by the last round's resampled tie-break
  means, tied entries sharing a rank.
* Only the finalists are resampled. Each weighted round has its own random stream: PCG64 with
  the seed (by default the first 64 bits of the final ranking's inputs hash), jumped i times
  for the i-th round (the first round: not jumped). So the result does not depend on the
  chunking, and a final ranking of one round weighted 100 % gives exactly that round's
  ``rank_intervals`` with the same seed.
* Tiers: cumulative rank boundaries (tier counts 1, 2, 3 → boundaries 1, 3, 6), either for the
  whole ranking or per tier group (each division, when the prize tiers are per division: the
  rank then counts within the division, as the allocation walks it). ``p_tier_<i>``: the share
  of resamples in which the entry's rank in its tier group is within the i-th boundary of its
  group (NaN when its group has fewer tiers). ``contested``: the 90 % interval of that rank
  crosses one of its group's boundaries (rank_low ≤ boundary < rank_high).
* A round whose scores no longer give the inputs hash its ranking was stored with is refused
  (``round_changed``): the final ranking was combined from the stored scores, and resampling
  different ones would describe another ranking.
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

from results.intervals import (  # the one-round engine's building blocks, reused as they are
    _CHUNK_BYTES,
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    _crosses,
    _grouped_ranks,
    _members,
    _panel,
    _percentile_ranks,
    _resample_keys,
)
from results.ranking import RankingRefused, RankingResult, RankingSettings, rank_scores
from results.ranking.scores import read_scores
from results.ranking_stats import exact


@dataclass(frozen=True)
class WeightedRound:
    code: str
    scores: Any  # the round's score rows, as `results.ranking.rank_entries` reads them
    settings: RankingSettings  # those its stored ranking was computed with
    weight: float  # percent
    divisions: Mapping[Any, Any] | None = None  # entry → division, when ranked per division
    inputs_sha256: str | None = None  # its stored ranking's: refused when the scores differ


@dataclass(frozen=True, eq=False)
class FinalIntervals:
    """`rows`: per finalist, in the final ranking's row order: rank_low, rank_high, p_tier_<i>
    and crosses_<i> (whether its interval crosses the i-th boundary of its tier group) for as
    many boundaries as the largest group has, and contested (any crossed)."""

    rows: pd.DataFrame
    n_resamples: int
    seed: int
    level: float


def tier_boundaries(counts: Sequence[int]) -> tuple[int, ...]:
    """Cumulative rank boundaries of tiers of these sizes, without empty tiers."""
    return tuple(int(b) for b in np.cumsum([c for c in counts if c > 0]))


def _group_codes(labels: pd.Series) -> np.ndarray:
    return pd.factorize(labels, use_na_sentinel=True)[0]


def final_intervals(
    *,
    rounds: Sequence[WeightedRound],
    final: RankingResult,
    per_division: bool,
    tiers: Mapping[Any, Sequence[int]],
    tiers_per_division: bool,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int | None = None,
    level: float = DEFAULT_LEVEL,
    chunk_bytes: int = _CHUNK_BYTES,
) -> FinalIntervals:
    """Resample the weighted `rounds` (in the final ranking's order, the last one the tie-break
    round) and re-rank `final`'s finalists. `tiers`: tier group → cumulative boundaries; the
    group is the division when `tiers_per_division`, else the key None."""
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    if not 0 < level < 1:
        raise ValueError("level must be between 0 and 1")
    if not rounds:
        raise ValueError("a final ranking needs at least one weighted round")
    for boundaries in tiers.values():
        if any(b < 1 for b in boundaries) or any(b >= c for b, c in pairwise(boundaries)):
            raise ValueError("tiers are cumulative rank boundaries: increasing integers ≥ 1")
    finalists = pd.Index(final.rows["entry"].astype(str))
    n_entries = len(finalists)

    panels = []
    for rnd in rounds:
        if rnd.settings.method == "rank_sum":
            raise ValueError(f"round {rnd.code}: rank sums cannot be weighted")
        data = read_scores(rnd.scores)
        result = rank_scores(data, rnd.settings, rnd.divisions)
        if rnd.inputs_sha256 is not None and result.inputs_sha256 != rnd.inputs_sha256:
            reason = "the round's scores changed after its ranking"
            raise RankingRefused("round_changed", reason, {"round": rnd.code})
        row_of_code = finalists.get_indexer(pd.Index(data.entries.strings))
        present = np.bincount(row_of_code[row_of_code >= 0], minlength=n_entries)
        if (present == 0).any():
            detail = {"round": rnd.code, "count": int((present == 0).sum())}
            raise RankingRefused("missing_round_score", "a finalist has no score", detail)
        panels.append(_panel(data, rnd.settings, row_of_code))

    divisions = _group_codes(final.rows["division"])
    rank_members = _members(divisions if per_division else np.zeros(n_entries, np.int64))
    tier_separate = tiers_per_division != per_division
    tier_members = (
        _members(divisions if tiers_per_division else np.zeros(n_entries, np.int64))
        if tier_separate
        else rank_members
    )
    group = final.rows["division"].to_numpy() if tiers_per_division else [None] * n_entries
    width = max((len(b) for b in tiers.values()), default=0)
    boundary = np.full((width, n_entries), -1, dtype=np.int64)  # −1: no such tier
    for j, key in enumerate(group):
        mine = tiers.get(key, ())
        boundary[: len(mine), j] = mine

    seed = int(final.inputs_sha256[:16], 16) if seed is None else seed
    streams = [np.random.Generator(np.random.PCG64(seed).jumped(i)) for i in range(len(rounds))]
    widest = max(len(p.slot_first) for p in panels)
    chunk = max(1, min(n_resamples, chunk_bytes // (8 * widest)))
    ranks = np.empty((n_resamples, n_entries), dtype=np.int32)
    tier_ranks = np.empty_like(ranks) if tier_separate else ranks
    in_tier = np.zeros((width, n_entries), dtype=np.int64)
    weights = [float(rnd.weight) for rnd in rounds]
    for start in range(0, n_resamples, chunk):
        stop = min(start + chunk, n_resamples)
        total = np.zeros((stop - start, n_entries))
        keys: list[np.ndarray] = []
        for panel, stream, weight in zip(panels, streams, weights, strict=True):
            slots = len(panel.slot_first)
            keys = _resample_keys(panel, stream.random((stop - start, slots), dtype=np.float32))
            if weight:
                total += weight * -keys[0]  # keys[0] is −(the round score, exact)
        final_keys = [-exact(total / 100), *keys[1:]]  # the last round's tie-break means
        chunk_ranks = _grouped_ranks(final_keys, rank_members)
        ranks[start:stop] = chunk_ranks
        chunk_tier_ranks = chunk_ranks
        if tier_separate:
            chunk_tier_ranks = _grouped_ranks(final_keys, tier_members)
            tier_ranks[start:stop] = chunk_tier_ranks
        for i in range(width):
            in_tier[i] += (chunk_tier_ranks <= boundary[i]).sum(axis=0)

    shares = ((1 - Fraction(str(level))) / 2, (1 + Fraction(str(level))) / 2)
    contested = np.zeros(n_entries, dtype=bool)
    rank_low, rank_high = _percentile_ranks(ranks, shares)
    tier_low, tier_high = (
        _percentile_ranks(tier_ranks, shares) if tier_separate else (rank_low, rank_high)
    )
    extra: dict[str, np.ndarray] = {}
    for i in range(width):
        has = boundary[i] >= 1
        crosses = has & _crosses(tier_low, tier_high, boundary[i])
        contested |= crosses
        extra[f"p_tier_{i + 1}"] = np.where(has, exact(in_tier[i] / n_resamples), math.nan)
        extra[f"crosses_{i + 1}"] = crosses
    rows = pd.DataFrame(
        {
            "entry": final.rows["entry"].to_numpy(),
            "rank_low": rank_low.astype(np.int64),
            "rank_high": rank_high.astype(np.int64),
            **extra,
            "contested": contested,
        }
    )
    return FinalIntervals(rows, n_resamples, seed, level)
