"""The organizer's contest dashboard: entries per day and division, judging progress and
score distribution per judge for each round — or, for a round judged in pairs, the decisions
per judge. Six queries, whatever the contest's size; seven with a pairwise round."""

import statistics
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils.translation import get_language

from contests.enums import RoundKind
from contests.models import Contest, Round
from judging.enums import DECIDED, ComparisonOutcome, ScorecardStatus
from judging.models import Comparison, Scorecard
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


@dataclass(frozen=True)
class PairProgress:
    """A judge's work in a round judged in pairs."""

    judge_id: int
    name: str
    decided: int  # the left or the right drawing chosen
    skipped: int  # 판단 보류


@dataclass
class RoundPanel:
    round: Round
    progress: list[JudgeProgress] = field(default_factory=list)
    spreads: list[Spread] = field(default_factory=list)
    assigned: int = 0
    submitted: int = 0
    pairwise: bool = False
    pairs: list[PairProgress] = field(default_factory=list)
    decided: int = 0
    skipped: int = 0
    busiest: int = 0  # the most decisions of one judge: the bars' full length


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


def _pair_counts(rounds: list[Round]) -> dict[tuple[int, int], tuple[int, int]]:
    """(round, judge) → (decided, skipped) over the pairwise rounds (one query, if any)."""
    pairwise = [r.pk for r in rounds if r.kind == RoundKind.PAIRWISE]
    if not pairwise:
        return {}
    rows = (
        Comparison.objects.filter(round_id__in=pairwise)
        .values("round_id", "judge_id")
        .annotate(
            decided=Count("id", filter=Q(outcome__in=DECIDED)),
            skipped=Count("id", filter=Q(outcome=ComparisonOutcome.SKIP)),
        )
        .order_by()
    )
    return {(r["round_id"], r["judge_id"]): (r["decided"], r["skipped"]) for r in rows}


def _pair_panel(p: RoundPanel, counts: dict[tuple[int, int], tuple[int, int]]) -> None:
    p.pairwise = True
    mine = [(j, *counts.get((p.round.pk, j.judge_id), (0, 0))) for j in p.progress]
    p.busiest = max((decided for _j, decided, _s in mine), default=0)
    p.pairs = [PairProgress(j.judge_id, j.name, decided, skipped) for j, decided, skipped in mine]
    p.decided = sum(c[0] for (rid, _j), c in counts.items() if rid == p.round.pk)
    p.skipped = sum(c[1] for (rid, _j), c in counts.items() if rid == p.round.pk)


def contest_dashboard(contest: Contest) -> dict:
    """What the organizer's contest page charts (six queries; seven with a pairwise round)."""
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
    pair_counts = _pair_counts(rounds)
    panels = []
    for r in rounds:
        p = RoundPanel(round=r, progress=progress.get(r.pk, []))
        if r.kind == RoundKind.PAIRWISE:
            _pair_panel(p, pair_counts)
            panels.append(p)
            continue
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
