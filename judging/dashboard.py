"""The organizer's contest dashboard: entries per day and division, judging progress and
score distribution per judge for each round. Six queries, whatever the contest's size."""

import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils.translation import get_language

from contests.models import Contest, Round
from judging.enums import ScorecardStatus
from judging.models import Scorecard
from judging.selectors import JudgeProgress, rounds_progress
from submissions.models import Entry

KST = ZoneInfo("Asia/Seoul")


def _pct(part, whole) -> float:
    return round(100.0 * float(part) / float(whole), 1) if whole else 0.0


@dataclass(frozen=True)
class DayBar:
    division: str
    n: int
    width: float  # % of the busiest day-and-division


@dataclass(frozen=True)
class Day:
    day: object  # datetime.date in KST
    total: int
    bars: list[DayBar]


@dataclass(frozen=True)
class Spread:
    """A judge's submitted scorecard totals (0–100): five-number summary."""

    judge_id: int
    name: str
    n: int
    min: float
    q1: float
    median: float
    q3: float
    max: float
    mean: float

    @property
    def box(self) -> float:
        """The interquartile box's width on the 0–100 scale of the chart."""
        return round(self.q3 - self.q1, 2)


@dataclass
class RoundPanel:
    round: Round
    progress: list[JudgeProgress] = field(default_factory=list)
    spreads: list[Spread] = field(default_factory=list)
    assigned: int = 0
    submitted: int = 0


def _division_name(ko: str, en: str) -> str:
    return en if (get_language() or "ko").startswith("en") and en else ko


def entries_per_day(contest: Contest) -> list[Day]:
    """Submitted entries by submission date (KST) and division, oldest day first (one query)."""
    rows = (
        Entry.objects.filter(contest=contest, submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=KST))
        .values(
            "day", "division__order", "division__code", "division__name_ko", "division__name_en"
        )
        .annotate(n=Count("id"))
        .order_by("day", "division__order", "division__code")
    )
    rows = list(rows)
    top = max((r["n"] for r in rows), default=0)
    days: dict = {}
    for r in rows:
        name = _division_name(r["division__name_ko"], r["division__name_en"])
        days.setdefault(r["day"], []).append(DayBar(name, r["n"], _pct(r["n"], top)))
    return [Day(d, sum(b.n for b in bars), bars) for d, bars in days.items()]


def spread_of(judge_id: int, name: str, totals: list[float]) -> Spread:
    values = sorted(totals)
    if len(values) > 1:
        q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    else:
        q1 = median = q3 = values[0]
    return Spread(
        judge_id=judge_id,
        name=name,
        n=len(values),
        min=round(values[0], 2),
        q1=round(q1, 2),
        median=round(median, 2),
        q3=round(q3, 2),
        max=round(values[-1], 2),
        mean=round(statistics.fmean(values), 2),
    )


def contest_dashboard(contest: Contest) -> dict:
    """What the organizer's contest page charts (six queries)."""
    days = entries_per_day(contest)
    rounds = list(Round.objects.filter(contest=contest).order_by("order", "pk"))
    progress = rounds_progress([r.pk for r in rounds])
    totals: dict[tuple[int, int], list[float]] = {}
    names: dict[int, str] = {}
    cards = Scorecard.objects.filter(
        round__contest=contest, status=ScorecardStatus.SUBMITTED
    ).values_list("round_id", "judge_id", "judge__name", "judge__username", "total")
    for round_id, judge_id, name, username, total in cards:
        totals.setdefault((round_id, judge_id), []).append(float(total))
        names[judge_id] = name or username
    panels = []
    for r in rounds:
        p = RoundPanel(round=r, progress=progress.get(r.pk, []))
        p.assigned = sum(j.assigned for j in p.progress)
        p.submitted = sum(j.submitted for j in p.progress)
        order = [j.judge_id for j in p.progress]
        order += sorted(j for (rid, j) in totals if rid == r.pk and j not in order)
        p.spreads = [
            spread_of(j, names[j], totals[(r.pk, j)]) for j in order if (r.pk, j) in totals
        ]
        panels.append(p)
    return {
        "days": days,
        "entries_total": sum(d.total for d in days),
        "rounds": panels,
    }
