"""What the organizer's round page offers to pick and read, by name: judge accounts (usernames
are shown nowhere, so a page asks for a person, not a login), each entry's assignment, the
panel's expertise in words. Reads only."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest, Round
from judging.enums import ScorecardStatus
from judging.models import Assignment, JudgeProfile, PanelMember, Scorecard
from judging.selectors import round_entries
from submissions.models import Entry

ENTRY_LIST_LIMIT = 200  # entries listed with their judges; a search narrows the rest


def judge_label(user: User) -> str:
    name = user.name or user.username
    return f"{name} ({user.affiliation})" if user.affiliation else name


@dataclass(frozen=True)
class JudgeChoice:
    id: int
    label: str
    on_panel: bool


def judge_choices(rnd: Round) -> list[JudgeChoice]:
    """Every judge account, by name, marking those already on the round's panel."""
    on_panel = set(PanelMember.objects.filter(round=rnd).values_list("judge_id", flat=True))
    judges = User.objects.filter(role=Role.JUDGE, is_active=True).order_by("name", "username")
    return [JudgeChoice(u.pk, judge_label(u), u.pk in on_panel) for u in judges]


def contest_judges(contest: Contest) -> list[JudgeChoice]:
    """The judges on any panel of the contest (whom a conflict of interest concerns)."""
    ids = PanelMember.objects.filter(round__contest=contest).values("judge_id")
    judges = User.objects.filter(pk__in=ids).order_by("name", "username")
    return [JudgeChoice(u.pk, judge_label(u), True) for u in judges]


def judge_pick(judge_id, *, allowed: list[JudgeChoice]) -> User | None:
    """The judge chosen in a form, among those offered (anything else is no choice)."""
    try:
        pk = int(judge_id)
    except (TypeError, ValueError):
        return None
    if pk not in {c.id for c in allowed}:
        return None
    return User.objects.get(pk=pk)


def expertise_labels(contest: Contest, judge_ids) -> dict[int, str]:
    """Judge id → their expertise as the contest's division names ("모빌리티, 에너지")."""
    names = {d.code: d.name for d in contest.divisions.all()}
    rows = JudgeProfile.objects.filter(user_id__in=list(judge_ids)).values_list(
        "user_id", "expertise"
    )
    return {
        uid: ", ".join(names.get(code, code) for code in (codes or []) if code in names)
        for uid, codes in rows
    }


@dataclass(frozen=True)
class EntryAssignment:
    receipt: str
    division: str
    status: str
    judges: list[tuple[str, bool]]  # (judge, submitted?)


def entries_with_judges(rnd: Round, search: str = "") -> tuple[list[EntryAssignment], int]:
    """The round's entries with their assigned judges (by name) and whether each has
    submitted: a per-entry view of the assignment. (rows, how many entries match)."""
    entries: QuerySet[Entry] = round_entries(rnd).select_related("division")
    if search:
        entries = entries.filter(receipt_number__icontains=search)
    total = entries.count()
    active = Assignment.objects.filter(round=rnd, recused_at__isnull=True).select_related("judge")
    rows = list(
        entries.order_by("receipt_number").prefetch_related(
            Prefetch("assignments", queryset=active.order_by("judge__name"), to_attr="active")
        )[:ENTRY_LIST_LIMIT]
    )
    done = set(
        Scorecard.objects.filter(
            round=rnd, status=ScorecardStatus.SUBMITTED, entry__in=[e.pk for e in rows]
        ).values_list("entry_id", "judge_id")
    )
    return [
        EntryAssignment(
            receipt=e.receipt_number or "—",
            division=e.division.name,
            status=e.get_status_display(),
            judges=[(judge_label(a.judge), (e.pk, a.judge_id) in done) for a in e.active],
        )
        for e in rows
    ], total


def scorecards_submitted(rnd: Round, search: str, limit: int) -> list[Scorecard]:
    """Submitted scorecards of the round, newest first; the search matches a receipt number
    or a judge's name."""
    qs = Scorecard.objects.filter(round=rnd, status=ScorecardStatus.SUBMITTED).select_related(
        "judge", "entry"
    )
    if search:
        qs = qs.filter(
            Q(entry__receipt_number__icontains=search) | Q(judge__name__icontains=search)
        )
    return list(qs.order_by("-submitted_at", "-pk")[:limit])
