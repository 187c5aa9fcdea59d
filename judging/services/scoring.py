"""Scorecards: a judge saves drafts and submits (locks); only an organizer unlocks."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from contests.permissions import is_contest_organizer
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from judging.enums import ScorecardStatus
from judging.errors import EditConflict, ScorecardLocked
from judging.models import Scorecard
from judging.scorecard_store import (
    ScorecardChange,
    ScorecardState,
    scorecard_snapshot,
    scorecard_state,
    scorecard_write,
)

STEP = Decimal("0.5")  # judges may give half points


def _parse_points(raw, criterion) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise ValueError(_("Enter a number.")) from exc
    if not value.is_finite():
        raise ValueError(_("Enter a number."))
    if value < 0 or value > criterion.max_points:
        raise ValueError(_("Between 0 and %(max)d points.") % {"max": criterion.max_points})
    if value % STEP != 0:
        raise ValueError(_("Use whole or half points."))
    return value


def _snapshot(card: Scorecard) -> dict:
    scores = {s.criterion.code: s.points for s in card.scores.select_related("criterion")}
    return scorecard_snapshot(card.status, card.comment, card.total, scores)


def _validate(state: ScorecardState, scores: dict, comment: str, submit: bool) -> dict:
    """criterion code → points, or ValidationFailed naming every bad field."""
    criteria = {c.code: c for c in state.criteria}
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal] = {}
    for code, raw in (scores or {}).items():
        if code not in criteria:
            errors[code] = [_("Not a criterion of this round.")]
            continue
        if raw is None or raw == "":
            continue
        try:
            parsed[code] = _parse_points(raw, criteria[code])
        except ValueError as exc:
            errors[code] = [str(exc)]
    if submit:
        for code in criteria:
            if code not in parsed and code not in errors:
                errors[code] = [_("Score every criterion before submitting.")]
    if len(comment or "") > 2000:
        errors["comment"] = [_("At most %(n)d characters.") % {"n": 2000}]
    if errors:
        raise ValidationFailed(
            _("Some scores are not valid."), code="invalid_scores", detail=errors
        )
    return parsed


@dataclass(frozen=True)
class SavedScorecard:
    pk: int
    status: str
    total: Decimal
    version: int


ATTEMPTS = 5  # a save without a version reads again when another save slipped in between


def scorecard_save(
    *,
    user,
    assignment_id,
    scores: dict,
    comment: str = "",
    submit: bool = False,
    version: int | None = None,
) -> SavedScorecard:
    """Save a draft (or submit and lock). ``version`` is what the judge's page last loaded: a
    different current version is an ``edit_conflict``; without it the save applies to whatever
    is current (recorded as its "before"), never to a submitted card.

    Two queries in the usual case (``judging.scorecard_store``): one read, then one write that
    changes scores, total and audit record together, and only if the card did not change
    meanwhile; a save without a version that lost that race reads again.
    """
    try:
        key = int(assignment_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    for _attempt in range(ATTEMPTS):
        state = scorecard_state(judge_id=user.pk, assignment_id=key)
        if state is None:
            raise NotFound()
        rnd = state.round
        phase_require(rnd.contest, Action.SCORE, round=rnd, round_list=[rnd])  # its window
        parsed = _validate(state, scores, comment, submit)
        if state.status == ScorecardStatus.SUBMITTED:
            raise ScorecardLocked()
        if version is not None and version != state.version:
            raise EditConflict(detail={"current_version": state.version})
        criteria = {c.code: c for c in state.criteria}
        total = sum(parsed.values(), Decimal(0))
        text = (comment or "").strip()
        status = ScorecardStatus.SUBMITTED if submit else ScorecardStatus.DRAFT
        saved = scorecard_write(
            ScorecardChange(
                card_id=state.card_id,
                round_id=state.round_id,
                entry_id=state.entry_id,
                version=state.version,
                scores={criteria[c].id: (p, criteria[c].max_points) for c, p in parsed.items()},
                total=total,
                comment=text,
                submit=submit,
                actor_id=user.pk,
                contest_id=state.contest_id,
                before=state.snapshot(),
                after=scorecard_snapshot(status, text, total, parsed),
            )
        )
        if saved is not None:
            card_id, new_version = saved
            return SavedScorecard(pk=card_id, status=status, total=total, version=new_version)
    raise EditConflict(detail={"current_version": state.version})


@transaction.atomic
def scorecard_unlock(*, user, scorecard_id, reason: str) -> Scorecard:
    try:
        card = (
            Scorecard.objects.select_for_update()
            .select_related("round__contest")
            .get(pk=scorecard_id)
        )
    except (Scorecard.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc
    if not is_contest_organizer(user, card.round.contest):
        raise NotFound()
    phase_require(card.round.contest, Action.UNLOCK, round=card.round)
    if not (reason or "").strip():
        raise ValidationFailed(detail={"reason": [_("Record why the scorecard is unlocked.")]})
    if card.status != ScorecardStatus.SUBMITTED:
        raise ValidationFailed(
            _("Only a submitted scorecard can be unlocked."), code="not_submitted"
        )
    before = _snapshot(card)
    card.status = ScorecardStatus.DRAFT
    card.submitted_at = None
    card.version += 1
    card.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    audit_record(
        actor=user,
        action="scorecard.unlock",
        target=card,
        contest=card.round.contest,
        before=before,
        after=_snapshot(card),
        reason=reason.strip(),
    )
    return card
