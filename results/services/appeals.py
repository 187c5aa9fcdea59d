"""Appeals (이의신청, DOMAIN §8): an entrant files one per entry during the appeal window; the
organizer accepts (re-examines: unlocks scorecards for re-scoring, then re-ranks and
re-allocates on the results page) or rejects, always with a reason. A changed outcome is
published by unpublishing and republishing: the new version resolves the accepted appeals
(``appeals_resolve_on_publish``). An accepted appeal that changes nothing is closed with a
reason. Every step is audited and mailed.

Decided here: no attachments — an appeal is a reason in words (≤ 2,000 characters); the
entry's own sealed files are what was judged, and anything else the organizer needs they ask
for by e-mail (the upload protocol is tied to an entry's sealed file slots).
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.permissions import organizer_required
from core.audit import audit_record
from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.tasks import run_after_commit
from judging.enums import ScorecardStatus
from judging.models import Scorecard
from judging.services.scoring import scorecard_unlock
from results.enums import AppealStatus
from results.models import Appeal, Publication
from results.selectors import publication_live
from results.selectors_after import APPEALABLE, appeal_managed_get, appeal_window_open
from submissions.models import Entry

REASON_MAX = 2000
DECISIONS = ("accept", "reject", "close")


def _reason(text: str, *, field: str = "reason") -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(detail={field: [_("Write the reason.")]})
    if len(text) > REASON_MAX:
        raise ValidationFailed(detail={field: [_("At most %(n)d characters.") % {"n": REASON_MAX}]})
    return text


def _state(appeal: Appeal) -> dict:
    return {"status": appeal.status}


@transaction.atomic
def appeal_file(*, user, entry: Entry, reason: str) -> Appeal:
    """File the entry's one appeal (its owner, while the results are published and the
    appeal window runs)."""
    if not (getattr(user, "is_authenticated", False) and entry.owner_id == user.pk):
        raise NotFound()
    entry = Entry.objects.select_for_update().select_related("contest").get(pk=entry.pk)
    contest = entry.contest
    live = publication_live(contest)
    if live is None or not appeal_window_open(contest):
        raise Forbidden(
            _(
                "Appeals can be filed only while the results are published, within the "
                "appeal window."
            ),
            code="appeal_window_closed",
        )
    if entry.status not in APPEALABLE:
        raise ValidationFailed(
            _("Only an entry that was screened or judged can be appealed."), code="not_appealable"
        )
    text = _reason(reason)
    if Appeal.objects.filter(entry=entry).exists():
        raise Conflict(_("This entry already has an appeal."), code="already_appealed")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(
                contest=contest, entry=entry, filed_by=user, publication=live, reason=text
            )
    except IntegrityError as exc:  # a second filing raced the first
        raise Conflict(_("This entry already has an appeal."), code="already_appealed") from exc
    audit_record(
        actor=user,
        action="appeal.file",
        target=appeal,
        contest=contest,
        after={"entry": entry.receipt_number, "publication": live.version},
        reason=text,
    )
    run_after_commit("results.notifications_after.appeal_mail", appeal_id=appeal.pk, step="filed")
    return appeal


@transaction.atomic
def appeal_decide(
    *, user, contest, appeal_id, decision: str, reason: str, unlock: list | None = None
) -> Appeal:
    """The organizer's decision: ``accept`` (optionally unlocking some of the entry's
    scorecards for re-scoring, each unlock recorded with the reason), ``reject``, or
    ``close`` an accepted appeal that changes nothing."""
    organizer_required(user, contest)
    appeal = appeal_managed_get(contest, appeal_id)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if decision not in DECISIONS:
        raise ValidationFailed(detail={"decision": [_("Accept, reject or close.")]})
    text = _reason(reason)
    before = _state(appeal)
    now = timezone.now()
    if decision in ("accept", "reject") and appeal.status != AppealStatus.FILED:
        raise Conflict(_("This appeal has been decided already."), code="appeal_decided")
    if decision == "close" and appeal.status != AppealStatus.ACCEPTED:
        raise Conflict(_("Only an accepted appeal can be closed."), code="appeal_not_accepted")
    if decision == "accept":
        ids = _unlockable(appeal, unlock or [])
        for pk in ids:
            scorecard_unlock(
                user=user,
                scorecard_id=pk,
                reason=_("Appeal of %(receipt)s: %(reason)s")
                % {"receipt": appeal.entry.receipt_number, "reason": text},
            )
        appeal.status, appeal.unlocked = AppealStatus.ACCEPTED, ids
    elif decision == "reject":
        appeal.status = AppealStatus.REJECTED
    else:
        appeal.status, appeal.resolved_at = AppealStatus.RESOLVED, now
        appeal.resolution, appeal.outcome_changed = text, False
    if decision in ("accept", "reject"):
        appeal.decided_at, appeal.decision_reason = now, text
        appeal.decided_by = user if getattr(user, "is_authenticated", False) else None
    appeal.save()
    audit_record(
        actor=user,
        action=f"appeal.{decision}",
        target=appeal,
        contest=contest,
        before=before,
        after={**_state(appeal), "unlocked": appeal.unlocked},
        reason=text,
    )
    run_after_commit("results.notifications_after.appeal_mail", appeal_id=appeal.pk, step=decision)
    return appeal


def _unlockable(appeal: Appeal, ids: list) -> list[int]:
    """The scorecard ids to unlock: submitted scorecards of the appealed entry only."""
    try:
        wanted = sorted({int(pk) for pk in ids})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(detail={"unlock": [_("Choose scorecards of this entry.")]}) from exc
    found = set(
        Scorecard.objects.filter(
            entry=appeal.entry, pk__in=wanted, status=ScorecardStatus.SUBMITTED
        ).values_list("pk", flat=True)
    )
    if found != set(wanted):
        raise ValidationFailed(detail={"unlock": [_("Choose submitted scorecards of this entry.")]})
    return wanted


def _award_of(publication: Publication | None, entry_id: str):
    if publication is None:
        return None
    for a in publication.allocation.awards:
        if str(a["entry_id"]) == entry_id:
            return (a["tier"], a["amount"])
    return None


def appeals_resolve_on_publish(*, user, publication: Publication) -> int:
    """A new version of the results resolves every accepted appeal of the contest; each says
    whether the entry's outcome changed (its award against the version it replaced)."""
    earlier = publication.supersedes
    resolved = 0
    accepted = Appeal.objects.select_for_update().filter(
        contest=publication.contest, status=AppealStatus.ACCEPTED
    )
    for appeal in accepted:
        entry_id = str(appeal.entry_id)
        appeal.outcome_changed = _award_of(earlier, entry_id) != _award_of(publication, entry_id)
        appeal.status, appeal.resolved_at, appeal.resolved_in = (
            AppealStatus.RESOLVED,
            publication.published_at,
            publication,
        )
        appeal.resolution = _("Reflected in version %(v)d of the results.") % {
            "v": publication.version
        }
        appeal.save(
            update_fields=["status", "resolved_at", "resolved_in", "resolution", "outcome_changed"]
        )
        audit_record(
            actor=user,
            action="appeal.resolve",
            target=appeal,
            contest=publication.contest,
            before={"status": AppealStatus.ACCEPTED},
            after={
                "status": AppealStatus.RESOLVED,
                "publication": publication.version,
                "outcome_changed": appeal.outcome_changed,
            },
        )
        run_after_commit(
            "results.notifications_after.appeal_mail", appeal_id=appeal.pk, step="resolved"
        )
        resolved += 1
    return resolved
