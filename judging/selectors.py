"""Reads for judges (never any entrant identity) and for organizers (progress)."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from contests.models import Criterion, Round
from core.storage.objectstore import object_url
from judging.enums import ScorecardStatus
from judging.models import Assignment, PanelMember, Scorecard
from submissions.enums import FileStatus
from submissions.models import EntryFile
from submissions.selectors import judging_allowed_q


def judge_assignments(user) -> QuerySet[Assignment]:
    """The judge's active assignments in their shuffled order, with what the page shows."""
    return (
        Assignment.objects.filter(judge=user, recused_at__isnull=True)
        .filter(judging_allowed_q("entry__"))  # consent withdrawn: gone from the queue at once
        .select_related("round", "entry")
        .prefetch_related(
            Prefetch("round__criteria", queryset=Criterion.objects.order_by("order", "code")),
            Prefetch(
                "entry__files",
                queryset=EntryFile.objects.filter(status=FileStatus.ACCEPTED).order_by(
                    "slot", "created_at"
                ),
                to_attr="judge_files",
            ),
        )
        .order_by("round__contest_id", "round__order", "queue_order")
    )


def scorecards_by_pair(user, assignments) -> dict[tuple[int, str], Scorecard]:
    """The judge's own scorecards for these assignments (one query for the page)."""
    entries = {a.entry_id for a in assignments}
    cards = Scorecard.objects.filter(judge=user, entry_id__in=entries).prefetch_related(
        "scores__criterion"
    )
    return {(c.round_id, str(c.entry_id)): c for c in cards}


@dataclass(frozen=True)
class JudgeFile:
    slot: str
    url: str
    kind: str  # "image" or "pdf" or "video"


def judge_files(assignment: Assignment) -> list[JudgeFile]:
    """Signed URLs of the copies judges may see: re-encoded images, metadata-free PDFs.
    The file name is the anonymous code, never the entrant's file name."""
    out = []
    code = assignment.entry.blind_code or "entry"
    for n, f in enumerate(getattr(assignment.entry, "judge_files", []), start=1):
        if f.preview_key:
            out.append(
                JudgeFile(
                    f.slot,
                    object_url(
                        key=f.preview_key,
                        filename=f"{code}-{f.slot}-{n}.jpg",
                        as_attachment=False,
                        content_type="image/jpeg",
                    ),
                    "image",
                )
            )
        elif f.judge_key:
            out.append(
                JudgeFile(
                    f.slot,
                    object_url(
                        key=f.judge_key,
                        filename=f"{code}-{f.slot}-{n}.pdf",
                        as_attachment=True,
                        content_type="application/pdf",
                    ),
                    "pdf",
                )
            )
        elif f.content_type == "video/mp4":
            out.append(
                JudgeFile(
                    f.slot,
                    object_url(
                        key=f.key,
                        filename=f"{code}-video.mp4",
                        as_attachment=True,
                        content_type="video/mp4",
                    ),
                    "video",
                )
            )
    return out


@dataclass(frozen=True)
class JudgeProgress:
    judge_id: int
    name: str
    affiliation: str
    max_load: int | None
    assigned: int
    drafted: int
    submitted: int


def round_progress(rnd: Round) -> list[JudgeProgress]:
    """Per judge of the panel: assigned, drafted and submitted counts (three queries)."""
    return rounds_progress([rnd.pk]).get(rnd.pk, [])


def rounds_progress(round_ids) -> dict[int, list[JudgeProgress]]:
    """``round_progress`` of several rounds at once, by round id (three queries)."""
    round_ids = list(round_ids)
    panel = list(
        PanelMember.objects.filter(round_id__in=round_ids)
        .select_related("judge")
        .order_by("judge__name", "judge__username")
    )
    assigned = {
        (r, j): n
        for r, j, n in Assignment.objects.filter(round_id__in=round_ids, recused_at__isnull=True)
        .values("round", "judge")
        .annotate(n=Count("id"))
        .values_list("round", "judge", "n")
    }
    cards = {
        (row["round"], row["judge"]): row
        for row in Scorecard.objects.filter(round_id__in=round_ids)
        .values("round", "judge")
        .annotate(
            drafted=Count("id", filter=Q(status=ScorecardStatus.DRAFT)),
            submitted=Count("id", filter=Q(status=ScorecardStatus.SUBMITTED)),
        )
    }
    out: dict[int, list[JudgeProgress]] = {r: [] for r in round_ids}
    for m in panel:
        key = (m.round_id, m.judge_id)
        out[m.round_id].append(
            JudgeProgress(
                judge_id=m.judge_id,
                name=m.judge.name or m.judge.username,
                affiliation=m.judge.affiliation,
                max_load=m.max_load,
                assigned=assigned.get(key, 0),
                drafted=cards.get(key, {}).get("drafted", 0),
                submitted=cards.get(key, {}).get("submitted", 0),
            )
        )
    return out
