"""The aggregation methods that need more than a mean: z-scores and rank sums (DOMAIN §6).
``calibrated`` lives in ``results.calibration``."""

from __future__ import annotations

import numpy as np

from results import ranking_stats as stats
from results.ranking.scores import Scores, require_connected
from results.ranking.types import RankingRefused


def z_scores(data: Scores, card_j, card_e, totals, judge, min_entries: int) -> np.ndarray:
    few = np.flatnonzero(judge.count < min_entries)
    if len(few):
        counts = {data.judges.strings[j]: int(judge.count[j]) for j in few.tolist()}
        detail = {"min_judge_entries": min_entries, "judges": counts}
        raise RankingRefused("too_few_scores", "z_score needs more entries per judge", detail)
    require_connected(data, card_j, card_e)
    entry_z = np.bincount(card_e, weights=stats.card_z(card_j, totals, judge)) / np.bincount(card_e)
    return totals.mean() + entry_z * totals.std()


def rank_sums(data: Scores, card_j, card_e, totals, groups, names: list) -> np.ndarray:
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
