"""Reads of comparative judgement for judges: their seat on a pairwise round, their pairs as
they may see them (anonymous code, title, the re-encoded image — never a name, school,
receipt number, file name or upload time), their progress.
"""

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from contests.enums import RoundKind
from contests.models import Round
from core.errors import NotFound
from judging.enums import DECIDED, ComparisonOutcome
from judging.models import Comparison, PanelMember
from judging.permissions import is_judge
from judging.selectors import JudgeFileGrant, conflict_pairs, round_entries
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
    image_url: str | None  # the re-encoded preview (no EXIF): a link re-checked when followed


@dataclass(frozen=True)
class ServedPair:
    id: int
    left: PairSide
    right: PairSide
    served_at: datetime


PAIR_IMAGE_SALT = "judging.pair-image"


def _image_url(comparison_id: int, side: str, f: EntryFile | None) -> str | None:
    """The judges' copy of the drawing: a signed link naming the pair and the side only,
    re-checked when followed (:func:`pair_image_grant`), served as ``<code>-drawing.jpg``."""
    if f is None:
        return None
    token = signing.dumps({"c": comparison_id, "s": side}, salt=PAIR_IMAGE_SALT)
    return reverse("judge-pair-image", args=[token])


def _first_image(entry_ids) -> dict:
    images: dict = {}
    for f in (
        EntryFile.objects.filter(entry_id__in=list(entry_ids), status=FileStatus.ACCEPTED)
        .exclude(preview_key="")
        .order_by("created_at", "pk")
        .only("entry_id", "preview_key")
    ):
        images.setdefault(str(f.entry_id), f)
    return images


def pair_image_grant(token: str) -> JudgeFileGrant:
    """What a pair's image link serves, checked now, as the rubric's file links
    (``judging.selectors.judge_file_grant``): the link is genuine and younger than
    ``SIGNED_URL_SECONDS``; the pair was served in a pairwise round to a judge still on its
    panel and was not voided or recused; the drawing is still being judged (a withdrawn consent
    ends it) and is no conflict of that judge's (a recusal ends it). Anything else is
    NotFound."""
    try:
        payload = signing.loads(token, salt=PAIR_IMAGE_SALT, max_age=settings.SIGNED_URL_SECONDS)
        comparison_id, side = int(payload["c"]), str(payload["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotFound() from exc
    c = (
        Comparison.objects.select_related("round__contest", "judge")
        .filter(pk=comparison_id, round__kind=RoundKind.PAIRWISE)
        .exclude(outcome__in=[ComparisonOutcome.VOID, ComparisonOutcome.RECUSED])
        .first()
    )
    if c is None or side not in ("left", "right"):
        raise NotFound()
    if not PanelMember.objects.filter(round_id=c.round_id, judge_id=c.judge_id).exists():
        raise NotFound()
    entry = round_entries(c.round).filter(pk=c.left_id if side == "left" else c.right_id).first()
    if entry is None or conflict_pairs(c.round.contest, [entry], [c.judge]):
        raise NotFound()
    image = _first_image([entry.pk]).get(str(entry.pk))
    if image is None:
        raise NotFound()
    return JudgeFileGrant(
        key=image.preview_key,
        filename=f"{entry.blind_code or 'entry'}-drawing.jpg",
        content_type="image/jpeg",
        as_attachment=False,
    )


def served_pairs(comparisons: list[Comparison]) -> list[ServedPair]:
    """What the judge sees of these comparisons (two queries: entries, their images)."""
    ids = {str(c.left_id) for c in comparisons} | {str(c.right_id) for c in comparisons}
    entries = {
        str(e["pk"]): e
        for e in Entry.objects.filter(pk__in=ids).values("pk", "blind_code", "title", "description")
    }
    images = _first_image(ids)

    def side(c: Comparison, name: str) -> PairSide:
        entry_id = c.left_id if name == "left" else c.right_id
        e = entries[str(entry_id)]
        code = e["blind_code"] or "entry"
        image = images.get(str(entry_id))
        return PairSide(code, e["title"], e["description"], _image_url(c.pk, name, image))

    return [ServedPair(c.pk, side(c, "left"), side(c, "right"), c.served_at) for c in comparisons]


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
