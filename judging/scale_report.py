"""What the organizer reads about a comparative-judgement round: SSR over time, comparisons per
entry, the stopping rule, judges' infit by name, and each entry's θ ± se by receipt number.
The page and ``GET rounds/{id}/scale/`` read the same report."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accounts.models import User
from contests.models import Round
from judging import comparative
from judging.scale import (
    MIN_COMPARISONS,
    SSR_TARGET,
    RoundScale,
    decided_count,
    pairwise_scale,
    stopping_text,
)
from judging.scale_history import HistoryPoint, scale_history

LIVE_DECISIONS = 20_000  # up to this many decisions the report refits at every new decision;
LAG = 0.02  # beyond, it reads the last fit while decisions grew by at most this share since
HISTOGRAM_BARS = 30  # comparisons 0 … 29 one bar each, then "30+"
CHART_W, CHART_H, CHART_PAD = 640, 240, 36  # the SSR chart's SVG box


def _finite(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


@dataclass(frozen=True)
class GroupSummary:
    code: str | None
    name: str
    size: int
    ssr: float | None
    min_comparisons: int
    below_minimum: int
    complete: bool
    judged: bool


@dataclass(frozen=True)
class JudgeRow:
    judge_id: int
    username: str
    name: str
    comparisons: int
    infit: float | None
    misfit: bool


@dataclass(frozen=True)
class EntryRow:
    rank: int  # within its group, higher θ first
    receipt: str
    division: str | None
    division_name: str
    theta: float
    se: float | None
    comparisons: int
    wins: int
    infit: float | None
    misfit: bool
    score: float  # 100 σ(θ)


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    height: float  # % of the tallest bar
    short: bool  # below the minimum number of comparisons


@dataclass(frozen=True)
class ChartLine:
    group: int
    name: str
    points: str  # SVG polyline points
    last: float | None


@dataclass(frozen=True)
class ScaleReport:
    round: Round
    scale: RoundScale
    ssr: float | None
    complete: bool
    stopping_rule: str
    groups: list[GroupSummary]
    judges: list[JudgeRow]
    history: list[HistoryPoint]
    lines: list[ChartLine]
    frame: dict  # the SVG's axes: x0, x1 (left, right), y0, y_mid, y1 (SSR 0, 0.5, 1), target_y
    x_ticks: list[tuple[float, str]]
    bars: list[Bar]
    decided_now: int  # decisions in the round now (the scale may be a fit of slightly fewer)

    @property
    def decisions(self) -> int:
        return self.scale.decisions

    @property
    def misfits(self) -> list[JudgeRow]:
        return [j for j in self.judges if j.misfit]


def _groups(scale: RoundScale) -> list[GroupSummary]:
    return [
        GroupSummary(
            code=g.code,
            name=g.name,
            size=g.size,
            ssr=_finite(g.fit.ssr),
            min_comparisons=int(g.fit.comparisons.min()) if g.size else 0,
            below_minimum=g.completion.below_minimum,
            complete=g.completion.complete,
            judged=g.judged,
        )
        for g in scale.groups
    ]


def _judges(scale: RoundScale) -> list[JudgeRow]:
    """Judges by name, the misfitting first, then by infit (one query for the names)."""
    people = {
        u.pk: u for u in User.objects.filter(pk__in=scale.judges.tolist()).only("username", "name")
    }
    rows = []
    for judge, count, infit, misfit in zip(
        scale.judges, scale.judge_comparisons, scale.judge_infit, scale.judge_misfit, strict=True
    ):
        person = people.get(int(judge))
        rows.append(
            JudgeRow(
                judge_id=int(judge),
                username=person.username if person else str(judge),
                name=(person.name or person.username) if person else str(judge),
                comparisons=int(count),
                infit=_finite(infit),
                misfit=bool(misfit),
            )
        )
    return sorted(rows, key=lambda r: (not r.misfit, -(r.infit or 0), r.name))


def entry_rows(scale: RoundScale) -> list[EntryRow]:
    """Every entry on the scale in rank order, group by group (NumPy work, no query)."""
    out = []
    for g in scale.groups:
        fit = g.fit
        theta = np.round(fit.theta, 6) + 0.0
        order = np.lexsort((fit.entries, -theta))
        score = comparative.scores_from_theta(theta=fit.theta)
        rank, previous = 0, None
        for place, i in enumerate(order.tolist(), start=1):
            if previous is None or theta[i] != previous:
                rank, previous = place, theta[i]
            at = int(fit.entries[i])
            out.append(
                EntryRow(
                    rank=rank,
                    receipt=scale.pool.receipts[at],
                    division=g.code,
                    division_name=g.name,
                    theta=float(theta[i]),
                    se=_finite(fit.se[i]),
                    comparisons=int(fit.comparisons[i]),
                    wins=int(fit.wins[i]),
                    infit=_finite(fit.infit[i]),
                    misfit=bool(fit.entry_misfit[i]),
                    score=round(float(score[i]), 2),
                )
            )
    return out


def _bars(scale: RoundScale) -> list[Bar]:
    counts = np.concatenate([g.fit.comparisons for g in scale.groups if g.judged] or [[]])
    if not len(counts):
        return []
    capped = np.minimum(counts.astype(np.int64), HISTOGRAM_BARS)
    heights = np.bincount(capped, minlength=min(int(capped.max()), HISTOGRAM_BARS) + 1)
    top = max(int(heights.max()), 1)
    return [
        Bar(
            label=f"{k}+" if k == HISTOGRAM_BARS else str(k),
            count=int(n),
            height=round(100.0 * n / top, 1),
            short=k < MIN_COMPARISONS,
        )
        for k, n in enumerate(heights.tolist())
    ]


def _chart(history: list[HistoryPoint], groups: list[GroupSummary]):
    """SVG polylines of SSR (clipped to 0–1) against comparisons per entry."""
    width, height, pad = CHART_W, CHART_H, CHART_PAD
    top_x = max([p.per_entry for p in history] + [MIN_COMPARISONS])

    def x(value: float) -> float:
        return round(pad + (width - 2 * pad) * value / top_x, 1)

    def y(value: float) -> float:
        return round(height - pad - (height - 2 * pad) * min(max(value, 0.0), 1.0), 1)

    lines = []
    for i, g in enumerate(groups):
        if not g.judged:
            continue
        points = [
            f"{x(p.per_entry)},{y(p.ssr[i])}"
            for p in history
            if i < len(p.ssr) and not math.isnan(p.ssr[i])
        ]
        last = next((p.ssr[i] for p in reversed(history) if not math.isnan(p.ssr[i])), None)
        lines.append(ChartLine(group=i, name=g.name, points=" ".join(points), last=last))
    step = 5 if top_x > 15 else 2 if top_x > 6 else 1
    ticks = [(x(v), str(v)) for v in range(0, int(top_x) + 1, step)]
    frame = {
        "w": width,
        "h": height,
        "x0": pad,
        "x1": width - pad,
        "y0": y(0.0),
        "y_mid": y(0.5),
        "y1": y(1.0),
        "target_y": y(SSR_TARGET),
        "target_label_y": y(SSR_TARGET) - 4,
        "tick_y": height - pad + 16,
        "title_y": height - 4,
    }
    return lines, frame, ticks


def scale_report(*, round: Round) -> ScaleReport:
    decided = decided_count(round)
    scale = pairwise_scale(round=round, lag=LAG if decided > LIVE_DECISIONS else 0.0)
    groups = _groups(scale)
    history = scale_history(round=round, scale=scale)
    lines, frame, ticks = _chart(history, groups)
    return ScaleReport(
        round=round,
        scale=scale,
        ssr=_finite(scale.ssr),
        complete=scale.complete,
        stopping_rule=stopping_text(scale),
        groups=groups,
        judges=_judges(scale),
        history=history,
        lines=lines,
        frame=frame,
        x_ticks=ticks,
        bars=_bars(scale),
        decided_now=decided,
    )
