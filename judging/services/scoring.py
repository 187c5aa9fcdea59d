"""Scorecards: a judge saves drafts and submits (locks); only an organizer unlocks."""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.permissions import is_contest_organizer
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from judging.enums import ScorecardStatus
from judging.errors import EditConflict, ScorecardLocked
from judging.models import Assignment, Score, Scorecard
from submissions.selectors import judging_allowed_q

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
    return {
        "status": card.status,
        "comment": card.comment,
        "total": str(card.total),
        "scores": {
            s.criterion.code: str(s.points) for s in card.scores.select_related("criterion")
        },
    }


@transaction.atomic
def scorecard_save(
    *,
    user,
    assignment_id,
    scores: dict,
    comment: str = "",
    submit: bool = False,
    version: int | None = None,
) -> Scorecard:
    try:
        assignment = (
            Assignment.objects.filter(judging_allowed_q("entry__"))
            .select_related("round__contest")
            .get(pk=assignment_id, judge=user, recused_at__isnull=True)
        )
    except (Assignment.DoesNotExist, ValueError) as exc:
        raise NotFound() from exc
    rnd = assignment.round
    criteria = {c.code: c for c in rnd.criteria.all()}
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
    mine = Scorecard.objects.filter(round=rnd, entry_id=assignment.entry_id, judge=user)
    card = mine.select_for_update().first()  # the usual case: a later save of the same card
    if card is None:
        try:
            with transaction.atomic():
                Scorecard.objects.create(round=rnd, entry_id=assignment.entry_id, judge=user)
        except IntegrityError:  # a simultaneous first save created it
            pass
        card = mine.select_for_update().get()
    if card.status == ScorecardStatus.SUBMITTED:
        raise ScorecardLocked()
    if version is not None and version != card.version:
        raise EditConflict(detail={"current_version": card.version})
    before = _snapshot(card)
    stale = [code for code in before["scores"] if code not in parsed]  # scores cleared
    if stale:
        Score.objects.filter(scorecard=card, criterion__code__in=stale).delete()
    if parsed:  # one upsert for every criterion (the unique constraint "score_once")
        Score.objects.bulk_create(
            [
                Score(
                    scorecard=card,
                    criterion=criteria[code],
                    points=points,
                    max_points=criteria[code].max_points,
                )
                for code, points in parsed.items()
            ],
            update_conflicts=True,
            unique_fields=["scorecard", "criterion"],
            update_fields=["points", "max_points"],
        )
    card.total = sum(parsed.values(), Decimal(0))
    card.comment = (comment or "").strip()
    card.version += 1
    if submit:
        card.status = ScorecardStatus.SUBMITTED
        card.submitted_at = timezone.now()
    card.save(update_fields=["total", "comment", "version", "status", "submitted_at", "updated_at"])
    audit_record(
        actor=user,
        action="scorecard.submit" if submit else "scorecard.save",
        target=card,
        contest=rnd.contest,
        before=before,
        after=_snapshot(card),
    )
    return card


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
