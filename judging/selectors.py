"""Reads for judges (never any entrant identity) and for organizers (progress), and what the
assignment reads: a round's entries and the conflicts of interest among them."""

import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from contests.enums import Track
from contests.models import Contest, Criterion, Round
from core.errors import NotFound, ValidationFailed
from judging.enums import ConflictKind, ScorecardStatus
from judging.models import Assignment, Conflict, PanelMember, Scorecard
from judging.permissions import is_judge
from submissions.enums import EntryStatus, FileStatus
from submissions.models import Entry, EntryFile, TeamMember
from submissions.selectors import judging_allowed_q

FIRST_ROUND_STATUSES = (EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE, EntryStatus.IN_JUDGING)


def institution_normalise(name: str) -> str:
    """Compare institutions by letters only: '서울대학교 ', 'Seoul National Univ.' variants of
    spacing, case and punctuation collapse to one key."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    return re.sub(r"[\W_]+", "", text)


def round_entries(rnd: Round) -> QuerySet[Entry]:
    """Round 1 judges every submitted entry that screening did not refuse; later rounds the
    entries that advanced."""
    qs = Entry.objects.filter(contest_id=rnd.contest_id).filter(judging_allowed_q())
    if rnd.order == 1:
        return qs.filter(status__in=FIRST_ROUND_STATUSES)
    return qs.filter(status=EntryStatus.ADVANCED)


def _entrant_institutions(entries: list[Entry], track: str) -> dict[str, set[str]]:
    by_entry: dict[str, set[str]] = {str(e.pk): set() for e in entries}
    if track == Track.SMART_CITY:
        rows = TeamMember.objects.filter(entry__in=entries).values_list("entry_id", "university")
        for entry_id, university in rows:
            by_entry[str(entry_id)].add(institution_normalise(university))
    else:
        for e in entries:
            if e.child is not None and e.child.school:
                by_entry[str(e.pk)].add(institution_normalise(e.child.school))
    return by_entry


def conflict_pairs(contest: Contest, entries: list[Entry], judges: list) -> set[tuple[int, str]]:
    """(judge id, entry id) pairs that may never be assigned: automatic (affiliation equals an
    entrant's university or school), declared (an entry or an institution), and recusals."""
    institutions = _entrant_institutions(entries, contest.track)
    entry_ids = set(institutions)
    pairs: set[tuple[int, str]] = set()
    declared_inst: dict[int, set[str]] = {}
    for c in Conflict.objects.filter(contest=contest, judge__in=judges):
        if c.entry_id is not None:
            if str(c.entry_id) in entry_ids:
                pairs.add((c.judge_id, str(c.entry_id)))
        else:
            declared_inst.setdefault(c.judge_id, set()).add(institution_normalise(c.institution))
    for judge in judges:
        own = {institution_normalise(judge.affiliation)} - {""}
        own |= declared_inst.get(judge.pk, set())
        if not own:
            continue
        for entry_id, theirs in institutions.items():
            if own & theirs:
                pairs.add((judge.pk, entry_id))
    return pairs


@dataclass(frozen=True)
class PendingConflict:
    judge: str  # username
    name: str
    institution: str
    declared_at: object  # datetime
    assignments: int  # the judge's unsubmitted pairs in the round it forbids


def round_pending_conflicts(rnd: Round) -> list[PendingConflict]:
    """Institutions judges declared after this round's assignment that still forbid pairs they
    hold: the organizers' next run of the assignment applies them (DOMAIN §5; a judge's own
    declaration never changes their queue at once). Submitted scorecards stay until unlocked,
    so they are not counted. Five queries, whatever the round's size."""
    held = Assignment.objects.filter(round=rnd, recused_at__isnull=True)
    declared = list(
        Conflict.objects.filter(
            contest_id=rnd.contest_id,
            kind=ConflictKind.INSTITUTION,
            judge__in=held.values("judge_id"),
        )
        .select_related("judge")
        .order_by("created_at", "pk")
    )
    if not declared:
        return []
    pairs = list(
        held.filter(judge__in={c.judge_id for c in declared}).values_list("judge_id", "entry_id")
    )
    submitted = set(
        Scorecard.objects.filter(
            round=rnd, status=ScorecardStatus.SUBMITTED, judge__in={c.judge_id for c in declared}
        ).values_list("judge_id", "entry_id")
    )
    entries = list(Entry.objects.filter(pk__in={e for _j, e in pairs}).select_related("child"))
    institutions = _entrant_institutions(entries, rnd.contest.track)
    out = []
    for c in declared:
        wanted = institution_normalise(c.institution)
        n = sum(
            1
            for j, e in pairs
            if j == c.judge_id and (j, e) not in submitted and wanted in institutions[str(e)]
        )
        if n:
            out.append(
                PendingConflict(
                    judge=c.judge.username,
                    name=c.judge.name or c.judge.username,
                    institution=c.institution,
                    declared_at=c.created_at,
                    assignments=n,
                )
            )
    return out


def round_is_large(rnd: Round) -> bool:
    """More entries than ``settings.BACKGROUND_THRESHOLD``: the round's assignment and ranking
    run as background jobs (the services decide; page and API alike)."""
    return round_entries(rnd).count() > settings.BACKGROUND_THRESHOLD


def scorable_assignments() -> QuerySet[Assignment]:
    """What a judge may see and score, the one definition: an assignment not recused whose
    entry judges may see (``judging_allowed_q``: a withdrawn consent takes a drawing out of
    every queue at once). ``judge_assignments`` adds the judge; the scorecard store compiles
    this queryset into its one-query read."""
    return Assignment.objects.filter(recused_at__isnull=True).filter(judging_allowed_q("entry__"))


def judge_assignments(user) -> QuerySet[Assignment]:
    """The judge's active assignments in their shuffled order, with what the page shows."""
    return (
        scorable_assignments()
        .filter(judge=user)
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


def account_by_username(username: str, *, field: str = "judge") -> User:
    """The account an organizer names by username (panel, conflicts); an unknown name is a
    field error, the same on the page and in the API."""
    user = User.objects.filter(username=(username or "").strip()).first()
    if user is None:
        raise ValidationFailed(detail={field: [_("No account has this username.")]})
    return user


def judge_assignment_get(user, assignment_id) -> Assignment:
    """One of the judge's own active assignments (as ``judge_assignments``); NotFound for
    anyone else's, a recused one, or a malformed id."""
    if not is_judge(user):
        raise NotFound()
    try:
        return judge_assignments(user).select_related("round__contest").get(pk=int(assignment_id))
    except (Assignment.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def scorecards_by_pair(user, assignments) -> dict[tuple[int, str], Scorecard]:
    """The judge's own scorecards for these assignments (one query for the page)."""
    entries = {a.entry_id for a in assignments}
    cards = Scorecard.objects.filter(judge=user, entry_id__in=entries).prefetch_related(
        "scores__criterion"
    )
    return {(c.round_id, str(c.entry_id)): c for c in cards}


# Links to judges' copies are the app's own: signed, short-lived, and re-checked when followed
# (``judge_file_grant``), so that a withdrawn consent or a recusal cuts a link already handed
# out at once. S3 mode then redirects to a presigned URL of at most this many seconds.
JUDGE_FILE_SALT = "gongmo.judging.judge-file"
JUDGE_REDIRECT_SECONDS = 60


@dataclass(frozen=True)
class JudgeFile:
    slot: str
    url: str
    kind: str  # "image" or "pdf" or "video"


@dataclass(frozen=True)
class JudgeFileGrant:
    key: str
    filename: str
    content_type: str
    as_attachment: bool


def _judge_copy(f: EntryFile) -> tuple[str, str, str, bool] | None:
    """(kind, key, content type, attachment?) of what a judge may see of a file: the
    re-encoded image, the PDF rebuilt from its pages, the video; nothing else."""
    if f.preview_key:
        return "image", f.preview_key, "image/jpeg", False
    if f.judge_key:
        return "pdf", f.judge_key, "application/pdf", True
    if f.content_type == "video/mp4":
        return "video", f.key, "video/mp4", True
    return None


def _judge_filename(code: str, slot: str, n: int, kind: str) -> str:
    """Named by the anonymous code, never by the entrant's file name."""
    return {
        "image": f"{code}-{slot}-{n}.jpg",
        "pdf": f"{code}-{slot}-{n}.pdf",
        "video": f"{code}-video.mp4",
    }[kind]


def judge_files(assignment: Assignment) -> list[JudgeFile]:
    """Links to the copies judges may see (re-encoded images, metadata-free PDFs), each naming
    only the assignment, the file's place among the entry's files and the kind of copy: no
    key, no file id, nothing that ties the link to an entrant."""
    out = []
    for n, f in enumerate(getattr(assignment.entry, "judge_files", []), start=1):
        copy = _judge_copy(f)
        if copy is None:
            continue
        token = signing.dumps({"a": assignment.pk, "n": n, "k": copy[0]}, salt=JUDGE_FILE_SALT)
        out.append(JudgeFile(f.slot, reverse("judge-file", args=[token]), copy[0]))
    return out


def judge_file_grant(token: str) -> JudgeFileGrant:
    """What a judge's link serves, checked now: the link is genuine and younger than
    ``SIGNED_URL_SECONDS``, its assignment is still active and its entry may still be judged
    (``scorable_assignments``: a withdrawn consent or a recusal ends it), and the file still has
    that copy. Anything else is NotFound."""
    try:
        payload = signing.loads(token, salt=JUDGE_FILE_SALT, max_age=settings.SIGNED_URL_SECONDS)
        assignment_id, n, kind = int(payload["a"]), int(payload["n"]), str(payload["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise NotFound() from exc
    assignment = scorable_assignments().filter(pk=assignment_id).select_related("entry").first()
    if assignment is None:
        raise NotFound()
    files = list(
        EntryFile.objects.filter(entry_id=assignment.entry_id, status=FileStatus.ACCEPTED).order_by(
            "slot", "created_at"
        )
    )
    if not 1 <= n <= len(files):
        raise NotFound()
    f = files[n - 1]
    copy = _judge_copy(f)
    if copy is None or copy[0] != kind:
        raise NotFound()
    code = assignment.entry.blind_code or "entry"
    return JudgeFileGrant(
        key=copy[1],
        filename=_judge_filename(code, f.slot, n, kind),
        content_type=copy[2],
        as_attachment=copy[3],
    )


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
