"""Judges, panels and declared conflicts of interest."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest, Round
from contests.permissions import is_contest_organizer, organizer_required
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from judging.enums import ConflictKind
from judging.models import Conflict, JudgeProfile, PanelMember
from judging.services.assignment import assignments_release_conflicted
from submissions.models import Entry


@transaction.atomic
def judge_profile_set(*, judge: User, expertise: list[str]) -> JudgeProfile:
    profile, _created = JudgeProfile.objects.update_or_create(
        user=judge, defaults={"expertise": sorted(set(expertise))}
    )
    return profile


@transaction.atomic
def panel_member_add(
    *, user, round: Round, judge: User, max_load: int | None = None
) -> PanelMember:
    organizer_required(user, round.contest)
    phase_require(round.contest, Action.PANEL_EDIT)
    if judge.role != Role.JUDGE:
        raise ValidationFailed(_("Only judge accounts can sit on a panel."), code="not_a_judge")
    member, created = PanelMember.objects.update_or_create(
        round=round, judge=judge, defaults={"max_load": max_load}
    )
    audit_record(
        actor=user,
        action="panel.add" if created else "panel.update",
        target=member,
        contest=round.contest,
        after={"judge": judge.username, "max_load": max_load},
    )
    return member


@transaction.atomic
def conflict_declare(
    *,
    user,
    contest: Contest,
    judge: User,
    entry: Entry | None = None,
    institution: str = "",
    reason: str = "",
    kind: str | None = None,
) -> Conflict:
    """A judge declares (for themself) or an organizer records a conflict of interest.

    Recorded by an organizer, a conflict with entries the judge already holds takes those
    assignments away at once and finds other judges (as ``assignment_recuse`` does).

    Declared by the judge, it never changes their own queue (DOMAIN §5): dropping a school's
    entries at once would tell the judge which entries that school wrote. The declaration is
    shown to the organizers (``judging.selectors.round_pending_conflicts``, on the round page
    and in its progress) and applied by their next run of the assignment (``judges_assign``).
    It keeps the judge from new assignments to that institution's entries at once: those are
    never shown to them, so nothing is revealed. A recusal of one entry stays immediate.
    """
    by_organizer = user.pk != judge.pk or is_contest_organizer(user, contest)
    if user.pk != judge.pk:
        organizer_required(user, contest)
    elif judge.role != Role.JUDGE and not is_contest_organizer(user, contest):
        raise NotFound()  # only judges declare their own conflicts (entrants: nothing here)
    phase_require(contest, Action.CONFLICT_RECORD)
    if entry is None and not institution.strip():
        raise ValidationFailed(detail={"institution": [_("Name an entry or an institution.")]})
    if entry is not None and entry.contest_id != contest.pk:
        raise NotFound()
    conflict = Conflict.objects.create(
        contest=contest,
        judge=judge,
        entry=entry,
        institution=institution.strip(),
        reason=reason.strip(),
        created_by=user,
        kind=kind or (ConflictKind.ENTRY if entry else ConflictKind.INSTITUTION),
    )
    audit_record(
        actor=user,
        action="conflict.declare",
        target=conflict,
        contest=contest,
        after={
            "judge": judge.username,
            "entry": str(entry.pk) if entry else None,
            "institution": conflict.institution,
            "kind": conflict.kind,
        },
        reason=conflict.reason,
    )
    if by_organizer or entry is not None:  # naming an entry reveals nothing: as a recusal
        assignments_release_conflicted(actor=user, contest=contest, judge=judge)
    return conflict
