"""The ranking of a comparative-judgement round (DOMAIN §5, §6): the scale becomes the round's
score, so advancement, the final ranking and the prizes treat it like any round's.

* **Inputs**: the decisions and entries of :mod:`judging.scale` (decided pairs, minus those of
  a judge since conflicted with an entry; entries judges may see), fitted afresh — not from the
  cache — by :func:`judging.scale.fit_groups`: one Bradley–Terry scale per division when the
  round ranks per division, else one. Same model and defaults as ``manage.py rank_pairs``.
* **Score** 0–100 = ``100 σ(θ)`` (:func:`judging.comparative.scores_from_theta`): the modelled
  chance, in %, that the entry is preferred to an entry of average quality of its scale. A
  score of 50 is average; 73 means preferred about 3 times in 4.
* **Rank**: higher θ first, θ compared at 6 decimals (equal → shared rank, "1, 2, 2, 4"), per
  division when the round ranks per division — the order ``rank_pairs`` writes.
* **Rank interval** (rank_low–rank_high): the 90 % interval of the entry's rank when θ is
  drawn from N(θ, se²), 1,000 draws seeded with 0 (:func:`judging.comparative.rank_intervals`),
  within its division.
* **Reproducible**: the SHA-256 of the inputs covers the decisions (judge, winner, loser, in a
  canonical order), the pool and the settings; the same inputs give the same rows.

The snapshot's ``params`` record the SSR and whether the stopping rule was met when it was
computed; the rows carry ``theta``, ``se``, ``comparisons``, ``wins``, ``infit`` and
``n_judges`` (distinct judges who compared the entry) beside the usual ``score`` and ``rank``.
"""

from __future__ import annotations

import math

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from contests.models import Round
from contests.permissions import organizer_required
from core.errors import ValidationFailed
from judging import comparative
from judging.scale import (
    MIN_COMPARISONS,
    SSR_TARGET,
    Decisions,
    GroupScale,
    Pool,
    decisions_load,
    fit_groups,
    pool_load,
)
from results import ranking_stats as stats
from results.models import RankingSnapshot
from results.snapshot_store import round_snapshot_store

METHOD = "pairwise"
INTERVAL_DRAWS, INTERVAL_SEED, INTERVAL_LEVEL = 1000, 0, 0.9


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(stats.exact(value))


def _distinct_judges(pool: Pool, decisions: Decisions) -> np.ndarray:
    """Per pool position, how many different judges compared it."""
    entry = np.concatenate([decisions.winner, decisions.loser])
    judge = np.concatenate([decisions.judge, decisions.judge])
    if not len(entry):
        return np.zeros(len(pool.ids), dtype=np.int64)
    pairs = np.unique(np.stack([entry, judge]), axis=1)
    return np.bincount(pairs[0], minlength=len(pool.ids))


def _group_rows(g: GroupScale, pool: Pool, judges: np.ndarray) -> list[dict]:
    fit = g.fit
    positions = fit.entries.astype(np.int64)
    theta = stats.exact(fit.theta)
    order, ranks = stats.competition_ranks(np.zeros(len(theta), dtype=np.int64), [-theta])
    low, high = comparative.rank_intervals(
        theta=fit.theta, se=fit.se, draws=INTERVAL_DRAWS, seed=INTERVAL_SEED, level=INTERVAL_LEVEL
    )
    score = stats.exact(comparative.scores_from_theta(theta=fit.theta))
    rows = []
    for i in order.tolist():
        at = int(positions[i])
        rows.append(
            {
                "rank": int(ranks[i]),
                "entry_id": pool.ids[at],
                "entry_code": pool.receipts[at],
                "division": g.code,
                "score": float(score[i]),
                "theta": float(theta[i]),
                "se": _number(fit.se[i]),
                "comparisons": int(fit.comparisons[i]),
                "wins": int(fit.wins[i]),
                "infit": _number(fit.infit[i]),
                "n_judges": int(judges[at]),
                "rank_low": int(low[i]),
                "rank_high": int(high[i]),
            }
        )
    return rows


def _inputs_sha256(rnd: Round, pool: Pool, decisions: Decisions) -> str:
    judge = decisions.judge.astype("<i8")
    winner, loser = decisions.winner.astype("<i8"), decisions.loser.astype("<i8")
    order = np.lexsort((loser, winner, judge))  # the decisions' order does not matter
    return stats.sha256_parts(
        b"gongmo.ranking.pairwise/v1",
        stats.json_bytes(
            {
                "ridge": comparative.RIDGE,
                "per_division": rnd.per_division,
                "decimals": stats.DECIMALS,
                "entries": pool.ids,
                "groups": pool.group_codes,
                "intervals": [INTERVAL_DRAWS, INTERVAL_SEED, INTERVAL_LEVEL],
            }
        ),
        pool.group.astype("<i8").tobytes(),
        judge[order].tobytes(),
        winner[order].tobytes(),
        loser[order].tobytes(),
    )


@transaction.atomic
def pairwise_ranking_compute(*, user, round: Round) -> RankingSnapshot:
    """Rank a pairwise round from its scale and store the snapshot (see the module
    docstring); refused (``no_decisions``) before the first decision."""
    rnd = round
    organizer_required(user, rnd.contest)
    pool = pool_load(rnd)
    decisions = decisions_load(rnd, pool)
    if not len(decisions.judge):
        raise ValidationFailed(
            _("No pair has been decided in this round yet."), code="no_decisions"
        )
    groups = fit_groups(pool, decisions)
    judges = _distinct_judges(pool, decisions)
    rows = [row for g in groups for row in _group_rows(g, pool, judges)]
    judged = [g for g in groups if g.size >= 2]
    complete = bool(judged) and all(g.completion.complete for g in judged)
    ssr = {str(g.code or ""): _number(g.fit.ssr) for g in groups}
    judge_rows = _judge_rows(groups)
    return round_snapshot_store(
        user=user,
        rnd=rnd,
        method=METHOD,
        params={
            "method": METHOD,
            "per_division": rnd.per_division,
            "ridge": comparative.RIDGE,
            "ssr": ssr,
            "complete": complete,
            "decisions": len(decisions.judge),
            "min_comparisons": MIN_COMPARISONS,
            "ssr_target": SSR_TARGET,
        },
        inputs_sha256=_inputs_sha256(rnd, pool, decisions),
        rows=rows,
        judges=judge_rows,
        audited={"ssr": ssr, "complete": complete},
    )


def _judge_rows(groups: list[GroupScale]) -> list[dict]:
    """Per judge (by user id) and division: comparisons, infit, misfit."""
    out = []
    for g in groups:
        fit = g.fit
        for judge, count, infit, misfit in zip(
            fit.judges, fit.judge_comparisons, fit.judge_infit, fit.judge_misfit, strict=True
        ):
            out.append(
                {
                    "judge": int(judge),
                    "division": g.code,
                    "count": int(count),
                    "infit": _number(infit),
                    "misfit": bool(misfit),
                }
            )
    return out


def pairwise_method_check(rnd: Round, method: str | None) -> None:
    """A pairwise round is ranked from its scale: no rubric method applies. The round's own
    configured method (what the results page preselects) or "pairwise" is accepted."""
    if method not in (None, "", METHOD, rnd.method):
        raise ValidationFailed(
            _("This round is judged in pairs: it is ranked from its scale, not by a method."),
            code="invalid_method",
            detail={"method": [_("Leave the method empty for a pairwise round.")]},
        )
