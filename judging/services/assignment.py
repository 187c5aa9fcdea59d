"""Running the assignment engine on a round: who scores which entry.

The rules (exactly k judges, balanced loads, conflicts never violated, maximum expertise
affinity, deterministic, incremental) live in the pure ``judging.assignment``; this module
gathers its inputs from the database and writes its answer.
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import RoundKind
from contests.models import Contest, Round
from contests.permissions import organizer_required
from contests.phases import Action, phase_allows, phase_require
from core.actors import SYSTEM
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from core.models import Job
from core.tasks import job_start
from judging import assignment as engine
from judging.enums import ConflictKind, ScorecardStatus
from judging.errors import AssignmentInfeasible, ScorecardLocked
from judging.models import Assignment, Conflict, JudgeProfile, PanelMember, Scorecard
from judging.selectors import conflict_pairs, round_entries, round_is_large
from submissions.enums import EntryStatus
from submissions.models import Entry


@dataclass(frozen=True)
class AssignmentSummary:
    assigned: int  # pairs written by this run
    total: int  # active pairs of the round after it
    total_affinity: float
    min_load: int
    max_load: int
    short: list[str]  # entries left with fewer than k judges (only after a recusal)
    released: int = 0  # pairs released by declared conflicts before assigning


def queue_order(judge_id: int, entry_id, round_id: int) -> int:
    """A per-judge shuffle that is stable (same judge, entry, round → same place)."""
    digest = hashlib.sha256(f"{round_id}:{judge_id}:{entry_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big")


def _inputs(rnd: Round):
    entries = round_entries(rnd).select_related("child", "division")
    if rnd.order == 1:  # an entry whose own extension still runs is not judged yet
        entries = entries.exclude(extension_until__gt=timezone.now())
    entries = list(entries)
    panel = list(PanelMember.objects.filter(round=rnd).select_related("judge"))
    judges = [m.judge for m in panel]
    conflicts = conflict_pairs(rnd.contest, entries, judges)
    expertise = dict(
        JudgeProfile.objects.filter(user__in=judges).values_list("user_id", "expertise")
    )
    affinity = {
        (j.pk, str(e.pk)): 1
        for j in judges
        for e in entries
        if e.division.code in (expertise.get(j.pk) or [])
    }
    return entries, panel, conflicts, affinity


@transaction.atomic
def assignment_start(*, user, round: Round, seed: int = 0) -> AssignmentSummary | Job:
    """Run the round's assignment now, or, for a round larger than
    ``settings.BACKGROUND_THRESHOLD``, queue it as a background job of the round's contest
    (the job runs ``judges_assign`` as ``user``). The page and the API both start here."""
    rnd = Round.objects.select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    phase_require(rnd.contest, Action.ASSIGN, round=rnd)
    if round_is_large(rnd):
        return job_start(
            "judging.tasks.round_assign",
            {"round_id": rnd.pk, "user_id": user.pk, "seed": seed},
            started_by=user,
            contest=rnd.contest,
        )
    return judges_assign(user=user, round=rnd, seed=seed)


@transaction.atomic
def judges_assign(*, user, round: Round, seed: int = 0) -> AssignmentSummary:
    """The organizer's run of the assignment: first it applies the conflicts declared since
    the last run (the now-conflicted pairs without a submitted scorecard are released, see
    ``judging.services.panel.conflict_declare``), then it assigns judges to every entry of the
    round that lacks them, keeping every other pair.

    A pairwise round's entries belong to its panel as a whole: nothing is assigned (judges are
    served pairs as they go); round 1's entries move into judging all the same."""
    rnd = Round.objects.select_for_update().select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    phase_require(rnd.contest, Action.ASSIGN, round=rnd)
    return _assign(user, rnd, seed, apply_declarations=True)


def _assign(actor, rnd: Round, seed: int, *, apply_declarations: bool) -> AssignmentSummary:
    """Fill the round's places. Only the organizer's run applies pending declarations: a
    reassignment after a judge's recusal must not (the judge's queue would then change in
    response to their own declaration). Until applied, a declared pair stays as it is and
    counts towards its entry's k; no new pair is ever made against a conflict."""
    entries, panel, conflicts, affinity = _inputs(rnd)
    entry_ids = {str(e.pk) for e in entries}
    held = {
        (str(e), j): pk
        for pk, e, j in Assignment.objects.filter(round=rnd, recused_at__isnull=True).values_list(
            "pk", "entry_id", "judge_id"
        )
        if str(e) in entry_ids
    }
    released = 0
    if apply_declarations:
        forbidden = [pk for (e, j), pk in held.items() if (j, e) in conflicts]
        for pair in _release_unsubmitted(actor, forbidden, reason="conflict"):
            del held[pair]
            released += 1
    fixed = list(held)
    conflicts = conflicts - {(j, e) for e, j in fixed}  # declared, not yet applied: kept
    k = rnd.judges_per_entry or len(panel)
    if not entries or not panel:
        raise AssignmentInfeasible(
            _("The round has no entries or no judges on its panel yet."),
            detail={"entries": [], "entries_count": len(entries), "panel_count": len(panel)},
        )
    if rnd.kind == RoundKind.PAIRWISE:  # the panel as a whole compares the entries in pairs
        result = _Pairs([], 0.0, 0, 0)  # (judging.services.comparisons): nothing to assign
    elif rnd.judges_per_entry is None:
        result = _whole_panel(entries, panel, conflicts, affinity)
    else:
        result = _solve(entries, panel, k, conflicts, affinity, fixed, seed)
    have = set(fixed)
    new = [
        Assignment(
            round=rnd,
            entry_id=e,
            judge_id=j,
            queue_order=queue_order(j, e, rnd.pk),
            affinity=affinity.get((j, e), 0),
        )
        for e, j in result.pairs
        if (e, j) not in have
    ]
    Assignment.objects.bulk_create(new, batch_size=5000)
    if rnd.order == 1:  # the entries now assigned are being judged (never before the deadline)
        assigned = Assignment.objects.filter(round=rnd, recused_at__isnull=True).values("entry_id")
        if rnd.kind == RoundKind.PAIRWISE:  # every entry of the round goes to the whole panel
            assigned = [e.pk for e in entries]
        Entry.objects.filter(
            pk__in=assigned,
            status__in=(EntryStatus.SUBMITTED, EntryStatus.ELIGIBLE),
        ).update(status=EntryStatus.IN_JUDGING)
    summary = AssignmentSummary(
        assigned=len(new),
        total=len(result.pairs),
        total_affinity=result.total_affinity,
        min_load=result.min_load,
        max_load=result.max_load,
        short=[],
        released=released,
    )
    audit_record(
        actor=actor,
        action="assignment.run",
        target=rnd,
        contest=rnd.contest,
        after={
            "assigned": summary.assigned,
            "released": summary.released,
            "total": summary.total,
            "seed": seed,
            "total_affinity": summary.total_affinity,
            "min_load": summary.min_load,
            "max_load": summary.max_load,
        },
    )
    return summary


def _release_unsubmitted(actor, assignment_ids, *, reason: str) -> list[tuple[str, int]]:
    """Release these assignments unless their scorecard is submitted (a submitted score stays
    until an organizer unlocks it); returns the released (entry id, judge id) pairs."""
    released = []
    pairs = Assignment.objects.filter(pk__in=assignment_ids).select_related("round__contest")
    for a in pairs:
        if Scorecard.objects.filter(
            round_id=a.round_id,
            entry_id=a.entry_id,
            judge_id=a.judge_id,
            status=ScorecardStatus.SUBMITTED,
        ).exists():
            continue
        _release(actor, a, reason=reason, action="assignment.release")
        released.append((str(a.entry_id), a.judge_id))
    return released


@dataclass(frozen=True)
class _Pairs:
    pairs: list[tuple[str, int]]
    total_affinity: float
    min_load: int
    max_load: int


def _whole_panel(entries, panel, conflicts, affinity) -> _Pairs:
    """Every panel judge scores every entry (e.g. a final presentation round), except where a
    conflict forbids it; an entry no judge may score is reported."""
    pairs = [
        (str(e.pk), m.judge_id)
        for e in entries
        for m in panel
        if (m.judge_id, str(e.pk)) not in conflicts
    ]
    judged = {e for e, _j in pairs}
    orphans = [e for e in entries if str(e.pk) not in judged]
    if orphans:
        raise AssignmentInfeasible(
            detail={
                "entries": [e.receipt_number or str(e.pk) for e in orphans],
                "reason": "every judge of the panel has a conflict with these entries",
                "judges_per_entry": None,
            }
        )
    loads = [sum(1 for _e, j in pairs if j == m.judge_id) for m in panel]
    return _Pairs(
        pairs, float(sum(affinity.get((j, e), 0) for e, j in pairs)), min(loads), max(loads)
    )


def _solve(entries, panel, k, conflicts, affinity, fixed, seed):
    try:
        return engine.assign(
            entries=[engine.EntrySpec(id=str(e.pk), division=e.division.code) for e in entries],
            judges=[engine.JudgeSpec(id=m.judge_id, max_load=m.max_load) for m in panel],
            k=k,
            conflicts=conflicts,
            affinity=affinity,
            fixed=fixed,
            seed=seed,
        )
    except engine.NoValidAssignment as exc:
        codes = {
            str(pk): receipt
            for pk, receipt in Entry.objects.filter(pk__in=exc.entries).values_list(
                "pk", "receipt_number"
            )
        }
        raise AssignmentInfeasible(
            detail={
                "entries": [codes.get(e) or str(e) for e in exc.entries],
                "available": {codes.get(e) or str(e): n for e, n in (exc.available or {}).items()},
                "reason": exc.reason,
                "judges_per_entry": k,
            }
        ) from exc


def _release(actor, assignment: Assignment, *, reason: str, action: str) -> None:
    assignment.recused_at = timezone.now()
    assignment.save(update_fields=["recused_at"])
    Scorecard.objects.filter(
        round_id=assignment.round_id,
        entry_id=assignment.entry_id,
        judge_id=assignment.judge_id,
        status=ScorecardStatus.DRAFT,
    ).delete()
    audit_record(
        actor=actor,
        action=action,
        target=assignment,
        contest=assignment.round.contest,
        reason=reason,
        before={"judge": assignment.judge_id, "entry": str(assignment.entry_id)},
    )


def _reassign(actor, rnd: Round) -> list[str]:
    """Fill the places a recusal or a conflict left; an impossible fill is reported, not raised.
    The system reassigns on behalf of ``actor`` (a judge may recuse, not run the assignment)."""
    rnd = Round.objects.select_for_update().select_related("contest").get(pk=rnd.pk)
    try:
        _assign(SYSTEM.on_behalf_of(actor), rnd, 0, apply_declarations=False)
    except AssignmentInfeasible as exc:
        audit_record(
            actor=actor,
            action="assignment.short",
            target=rnd,
            contest=rnd.contest,
            after=exc.detail,
        )
        return list(exc.detail.get("entries", []))
    return []


@transaction.atomic
def assignment_recuse(*, user, assignment_id, reason: str) -> list[str]:
    """A judge declares a conflict on seeing an entry: the pair goes, another judge comes."""
    try:
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("round__contest")
            .get(pk=assignment_id, judge=user, recused_at__isnull=True)
        )
    except (Assignment.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc
    phase_require(assignment.round.contest, Action.RECUSE, round=assignment.round)
    if Scorecard.objects.filter(
        round_id=assignment.round_id,
        entry_id=assignment.entry_id,
        judge=user,
        status=ScorecardStatus.SUBMITTED,
    ).exists():
        raise ScorecardLocked()
    reason = (reason or "").strip()
    if not reason:  # the organizer reads it when the entry goes to another judge
        raise ValidationFailed(
            detail={"reason": [_("Say why you cannot judge this entry (it is recorded).")]}
        )
    if len(reason) > 2000:
        raise ValidationFailed(detail={"reason": [_("At most %(n)d characters.") % {"n": 2000}]})
    Conflict.objects.create(
        contest=assignment.round.contest,
        judge=user,
        entry_id=assignment.entry_id,
        kind=ConflictKind.RECUSAL,
        reason=reason,
        created_by=user,
    )
    _release(user, assignment, reason=reason, action="assignment.recuse")
    return _reassign(user, assignment.round)


def assignments_release_conflicted(*, actor, contest: Contest, judge) -> None:
    """After a conflict an organizer records (or an entry named), take away the judge's
    unsubmitted assignments it forbids and find other judges for them (only once assignments
    may change: never while submissions are open)."""
    if not phase_allows(contest, Action.ASSIGN):
        return
    for rnd in Round.objects.filter(contest=contest):
        held = Assignment.objects.filter(round=rnd, judge=judge, recused_at__isnull=True)
        if not held.exists():
            continue
        entries = list(Entry.objects.filter(pk__in=held.values("entry_id")).select_related("child"))
        forbidden = {e for j, e in conflict_pairs(contest, entries, [judge])}
        ids = list(held.filter(entry_id__in=forbidden).values_list("pk", flat=True))
        if _release_unsubmitted(actor, ids, reason="conflict"):
            _reassign(actor, rnd)
