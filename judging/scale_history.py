"""SSR over the course of a comparative-judgement round, for the organizer's chart.

The history is recomputed from the decisions in the order they were made: at each checkpoint
the scale is fitted to the first k decisions exactly as :func:`judging.scale.pairwise_scale`
fits all of them (same pool, same exclusions), so the last point is the SSR the organizer
reads today and nothing has to be written while judges work. Checkpoints fall every
``ceil(n / 2)`` decisions — one more comparison per entry on average — doubling the step while
there would be more than :data:`MAX_POINTS`; the current count is always the last point. Each
checkpoint's fit is cached under the round's base version (pool and conflicts) and k: a new
decision appends, it never changes an earlier prefix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache

from contests.models import Round
from judging.scale import CACHE_SECONDS, RoundScale, decisions_load, fit_groups

MAX_POINTS = 16


@dataclass(frozen=True)
class HistoryPoint:
    decisions: int
    per_entry: float  # comparisons per entry on average: 2k / n
    ssr: tuple[float, ...]  # per group, as ``RoundScale.groups``
    at: datetime | None  # when the k-th decision was made


def checkpoints(*, n_entries: int, n_decisions: int) -> list[int]:
    """Decision counts at which to show SSR (see the module docstring)."""
    if n_decisions <= 0 or n_entries <= 0:
        return []
    step = max(1, math.ceil(n_entries / 2))
    while n_decisions / step > MAX_POINTS:
        step *= 2
    points = list(range(step, n_decisions + 1, step))
    if not points or points[-1] != n_decisions:
        points.append(n_decisions)
    return points


def scale_history(*, round: Round, scale: RoundScale) -> list[HistoryPoint]:
    """SSR per group at each checkpoint, the last one being ``scale``'s own."""
    points = checkpoints(n_entries=len(scale.pool.ids), n_decisions=scale.decisions)
    decisions = None
    history = []
    for k in points:
        key = f"gongmo:pairwise-history:{round.pk}:{scale.base}:{k}"
        point = cache.get(key)
        if point is None:
            if decisions is None:
                decisions = decisions_load(round, scale.pool)
            groups = (
                scale.groups if k == scale.decisions else fit_groups(scale.pool, decisions, upto=k)
            )
            point = HistoryPoint(
                decisions=k,
                per_entry=2 * k / max(len(scale.pool.ids), 1),
                ssr=tuple(g.fit.ssr for g in groups),
                at=decisions.decided_at[k - 1] if k <= len(decisions.decided_at) else None,
            )
            cache.set(key, point, CACHE_SECONDS)
        history.append(point)
    return history
