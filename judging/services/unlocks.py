"""A judge asks for a submitted scorecard to be unlocked; the organizer grants or declines.

Only an organizer unlocks (DOMAIN §5, ``judging.services.scoring.scorecard_unlock``): the
judge's request is a message with a reason, shown on the round's page. Whoever unlocks (on a
request or of their own accord), the judge is told by mail and on their queue; a declined
request is told the same way.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contests.permissions import organizer_required
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from core.tasks import run_after_commit
from judging.enums import ScorecardStatus, UnlockRequestStatus
from judging.models import Assignment, Scorecard, UnlockRequest
from judging.selectors import judge_assignment_get

REASON_MAX = 2000


def _reason(raw: str, field: str, message: str) -> str:
    text = (raw or "").strip()
    if not text:
        raise ValidationFailed(detail={field: [message]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(detail={field: [_("At most %(n)d characters.") % {"n": REASON_MAX}]})
    return text


@transaction.atomic
def unlock_request_make(*, user, assignment_id, reason: str) -> UnlockRequest:
    """The judge asks to change a scorecard they submitted. One request waits at a time."""
    a = judge_assignment_get(user, assignment_id)
    text = _reason(reason, "reason", _("Say what you want to change and why."))
    card = (
        Scorecard.objects.select_for_update()
        .filter(round_id=a.round_id, entry_id=a.entry_id, judge=user)
        .first()
    )
    if card is None or card.status != ScorecardStatus.SUBMITTED:
        raise ValidationFailed(
            _("Only a submitted scorecard can be unlocked: this one can still be changed."),
            code="not_submitted",
        )
    phase_require(a.round.contest, Action.UNLOCK, round=a.round)
    if card.unlock_requests.filter(status=UnlockRequestStatus.PENDING).exists():
        raise ValidationFailed(
            _("You already asked for this scorecard to be unlocked. The organizer will answer."),
            code="unlock_already_requested",
        )
    request = UnlockRequest.objects.create(scorecard=card, reason=text)
    audit_record(
        actor=user,
        action="scorecard.unlock_request",
        target=card,
        contest=a.round.contest,
        reason=text,
    )
    return request


def unlock_request_pending(*, user, request_id) -> UnlockRequest:
    try:
        request = (
            UnlockRequest.objects.select_for_update()
            .select_related("scorecard__round__contest")
            .get(pk=int(request_id))
        )
    except (UnlockRequest.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    organizer_required(user, request.scorecard.round.contest)
    if request.status != UnlockRequestStatus.PENDING:
        raise ValidationFailed(
            _("This request has been answered already."), code="unlock_request_answered"
        )
    return request


@transaction.atomic
def unlock_request_decline(*, user, request_id, answer: str = "") -> UnlockRequest:
    """The organizer says no (the answer, if any, goes to the judge)."""
    request = unlock_request_pending(user=user, request_id=request_id)
    request.status = UnlockRequestStatus.DECLINED
    request.answer = (answer or "").strip()[:REASON_MAX]
    request.decided_by = user
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "answer", "decided_by", "decided_at"])
    audit_record(
        actor=user,
        action="scorecard.unlock_decline",
        target=request.scorecard,
        contest=request.scorecard.round.contest,
        reason=request.answer,
    )
    run_after_commit("judging.services.unlocks.unlock_mail_send", request_id=request.pk)
    return request


def unlock_requests_settle(*, user, card: Scorecard, reason: str) -> None:
    """Part of ``scorecard_unlock`` (inside its transaction): the card's waiting request is
    granted, and the judge is told."""
    UnlockRequest.objects.filter(scorecard=card, status=UnlockRequestStatus.PENDING).update(
        status=UnlockRequestStatus.GRANTED,
        answer=reason,
        decided_by=user,
        decided_at=timezone.now(),
    )
    run_after_commit("judging.services.unlocks.unlock_mail_send", scorecard_id=card.pk)


def unlock_mail_send(*, scorecard_id: int | None = None, request_id: int | None = None) -> None:
    """Tell the judge, in Korean, that their scorecard was unlocked (``scorecard_id``) or that
    their request was declined (``request_id``). Idempotent enough: a second run sends the
    same news again, and changes nothing."""
    if request_id is not None:
        request = UnlockRequest.objects.select_related(
            "scorecard__round__contest", "scorecard__entry", "scorecard__judge"
        ).get(pk=request_id)
        card, declined, answer = request.scorecard, True, request.answer
    else:
        card = Scorecard.objects.select_related("round__contest", "entry", "judge").get(
            pk=scorecard_id
        )
        declined, answer = False, card.unlock_reason
    assignment = Assignment.objects.filter(
        round_id=card.round_id, entry_id=card.entry_id, judge_id=card.judge_id
    ).first()
    link = settings.SITE_URL + (
        reverse("judge-assignment", args=[assignment.pk]) if assignment else reverse("judge-queue")
    )
    facts = {
        "code": card.entry.blind_code,
        "round": card.round.name,
        "contest": card.round.contest.title,
        "answer": answer or "—",
        "link": link,
    }
    with translation.override("ko"):
        if declined:
            subject = _("[gongmo] Unlock declined: %(code)s") % facts
            body = (
                _(
                    "The organizer of %(contest)s declined to unlock your scorecard for %(code)s "
                    "(%(round)s). Their answer: %(answer)s\n\n%(link)s"
                )
                % facts
            )
        else:
            subject = _("[gongmo] Scorecard unlocked: %(code)s") % facts
            body = (
                _(
                    "The organizer of %(contest)s unlocked your scorecard for %(code)s "
                    "(%(round)s). Reason: %(answer)s\nChange it and submit it again: %(link)s"
                )
                % facts
            )
    if card.judge.email:
        send_mail(subject, body, None, [card.judge.email])
