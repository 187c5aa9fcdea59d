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

from results.ranking.combine import advancement, combine_rounds
from results.ranking.rank import rank_entries, rank_scores
from results.ranking.types import (
    METHODS,
    TRIM_MIN_JUDGES,
    RankingRefused,
    RankingResult,
    RankingSettings,
)

__all__ = [
    "METHODS",
    "TRIM_MIN_JUDGES",
    "RankingRefused",
    "RankingResult",
    "RankingSettings",
    "advancement",
    "combine_rounds",
    "rank_entries",
    "rank_scores",
]
