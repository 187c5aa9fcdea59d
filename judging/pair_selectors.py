"""Reads of comparative judgement for judges: their seat on a pairwise round, their pairs as
they may see them (anonymous code, title, the re-encoded image — never a name, school,
receipt number, file name or upload time), their progress.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from contests.enums import RoundKind
from contests.models import Round
from core.errors import NotFound
from core.storage.objectstore import object_url
from judging.enums import DECIDED, ComparisonOutcome
from judging.models import Comparison, PanelMember
from judging.permissions import is_judge
from submissions.enums import FileStatus
from submissions.models import Entry, EntryFile

KST = ZoneInfo("Asia/Seoul")
ANSWERED = (*DECIDED, ComparisonOutcome.SKIP)  # what a judge did with a pair: progress counts


def _round_id(raw) -> int:
    try:
        return int(raw)
    except (ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def pairwise_round_get(user, round_id) -> Round:
    """A pairwise round on whose panel ``user`` sits as a judge; NotFound for anyone else, a
    rubric round, or a malformed id (the same answer: it does not exist for them)."""
    if not is_judge(user):
        raise NotFound()
    rnd = (
        Round.objects.select_related("contest")
        .filter(pk=_round_id(round_id), kind=RoundKind.PAIRWISE, panel__judge=user)
        .first()
    )
    if rnd is None:
        raise NotFound()
    return rnd


def judge_pairwise_rounds(user) -> list[Round]:
    """The pairwise rounds whose panel the judge sits on, for their queue page."""
    if not is_judge(user):
        return []
    return list(
        Round.objects.filter(kind=RoundKind.PAIRWISE, panel__judge=user)
        .select_related("contest")
        .order_by("contest_id", "order")
    )


def judge_comparisons(user) -> QuerySet[Comparison]:
    """The comparisons served to ``user``: the only ones they may act on or see."""
    return Comparison.objects.filter(judge_id=getattr(user, "pk", None)).select_related(
        "round__contest"
    )


def comparison_get(user, comparison_id) -> Comparison:
    """One of the judge's own comparisons; NotFound for anyone else's or a malformed id."""
    if not is_judge(user):
        raise NotFound()
    try:
        return judge_comparisons(user).get(pk=int(comparison_id))
    except (Comparison.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def seat_exists(user, rnd: Round) -> bool:
    return PanelMember.objects.filter(round=rnd, judge=user).exists()


@dataclass(frozen=True)
class PairSide:
    code: str  # the anonymous code, e.g. D-7F3A2C9K
    title: str
    description: str
    image_url: str | None  # the re-encoded preview (no EXIF), a short-lived link named by code


@dataclass(frozen=True)
class ServedPair:
    id: int
    left: PairSide
    right: PairSide
    served_at: datetime


def _image_url(code: str, f: EntryFile | None) -> str | None:
    """The judges' copy of the drawing, named by the anonymous code only."""
    if f is None:
        return None
    return object_url(
        key=f.preview_key,
        filename=f"{code}-drawing.jpg",
        as_attachment=False,
        content_type="image/jpeg",
    )


def served_pairs(comparisons: list[Comparison]) -> list[ServedPair]:
    """What the judge sees of these comparisons (two queries: entries, their images)."""
    ids = {str(c.left_id) for c in comparisons} | {str(c.right_id) for c in comparisons}
    entries = {
        str(e["pk"]): e
        for e in Entry.objects.filter(pk__in=ids).values("pk", "blind_code", "title", "description")
    }
    images: dict = {}
    for f in (
        EntryFile.objects.filter(entry_id__in=ids, status=FileStatus.ACCEPTED)
        .exclude(preview_key="")
        .order_by("created_at", "pk")
        .only("entry_id", "preview_key")
    ):
        images.setdefault(str(f.entry_id), f)

    def side(entry_id) -> PairSide:
        e = entries[str(entry_id)]
        code = e["blind_code"] or "entry"
        image = images.get(str(entry_id))
        return PairSide(code, e["title"], e["description"], _image_url(code, image))

    return [ServedPair(c.pk, side(c.left_id), side(c.right_id), c.served_at) for c in comparisons]


@dataclass(frozen=True)
class JudgeProgress:
    today: int  # pairs the judge answered today (KST), skips included
    total: int  # in the round, skips included
    decided: int  # left or right, in the round


def judge_progress(user, rnd: Round, *, now: datetime | None = None) -> JudgeProgress:
    """The judge's own counts in the round (one query). "Today" is the KST calendar day."""
    now = now or timezone.now()
    midnight = datetime.combine(now.astimezone(KST).date(), time.min, tzinfo=KST)
    counts = Comparison.objects.filter(round=rnd, judge=user, outcome__in=ANSWERED).aggregate(
        total=Count("id"),
        today=Count("id", filter=Q(decided_at__gte=midnight)),
        decided=Count("id", filter=Q(outcome__in=DECIDED)),
    )
    return JudgeProgress(today=counts["today"], total=counts["total"], decided=counts["decided"])
