"""Before the results go out: the preview the organizer confirms, and a publication scheduled
for the announcement date (DOMAIN §2 "Phases", §8).

* :func:`publication_preview` — exactly the rows publication will freeze (the same
  ``_winners`` the publication writes), how many letters of each kind and e-mails will go out,
  and whether it would come before the announcement date (``Contest.results_at``).
* :func:`publication_schedule` / :func:`publication_schedule_cancel` — publish at the
  announcement date instead of now; cancellable until it runs. The schedule is checked like a
  publication (results review, approved allocation) when it is made and again when it runs.
* :func:`publications_due` — what ``manage.py publish_due`` (cron, every minute) runs: a
  background job (``core.tasks``: in-process without a broker, a Celery worker with one) per
  contest whose time has come, acting as the organizer who scheduled it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.permissions import organizer_required
from contests.phases import Action, kst
from core.actors import actor_get
from core.audit import audit_record
from core.errors import DomainError, ValidationFailed
from core.models import Job
from core.tasks import job_start
from results.models import Allocation
from results.notifications import letters_count, letters_plan
from results.season import season_require
from results.services.publication import _winners, results_publish


@dataclass(frozen=True)
class PublicationPreview:
    contest: Contest
    allocation: Allocation
    winners: list[dict]  # the frozen public rows, as publication will store them
    letters: dict[str, dict[str, int]]  # per kind: entries and e-mails (results.notifications)
    published_at: datetime  # what the public page will say: now, or the scheduled time
    early: bool  # before the announcement date
    results_at: datetime | None
    scheduled_for: datetime | None


def _approved(contest: Contest) -> Allocation:
    allocation = Allocation.objects.filter(contest=contest).first()
    if allocation is None or allocation.approved_at is None:  # season_require said so first
        raise ValidationFailed(
            _("Approve the prize allocation before publishing."), code="allocation_not_approved"
        )
    return allocation


def publication_preview(*, user, contest: Contest, now: datetime | None = None):
    """What publishing now would make public and send; refused as publishing would be."""
    organizer_required(user, contest)
    state = season_require(contest, Action.PUBLISH, now=now)
    allocation = _approved(contest)
    scheduled = contest.publication_scheduled_for
    return PublicationPreview(
        contest=contest,
        allocation=allocation,
        winners=_winners(contest, allocation, public_copies=False),
        letters=letters_count(letters_plan(contest, allocation)),
        published_at=scheduled or state.now,
        early=contest.results_at is not None and state.now < contest.results_at,
        results_at=contest.results_at,
        scheduled_for=scheduled,
    )


@transaction.atomic
def publication_schedule(*, user, contest: Contest, now: datetime | None = None) -> Contest:
    """Publish at the announcement date (``Contest.results_at``) instead of now."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    organizer_required(user, contest)
    state = season_require(contest, Action.PUBLISH, now=now)
    _approved(contest)
    when = contest.results_at
    if when is None:
        raise ValidationFailed(
            _("The contest has no announcement date to schedule the publication for."),
            code="no_announcement_date",
        )
    if when <= state.now:
        raise ValidationFailed(
            _("The announcement date (%(when)s KST) has passed: publish now instead.")
            % {"when": kst(when)},
            code="announcement_date_passed",
        )
    contest.publication_scheduled_for = when
    contest.publication_scheduled_by = user if getattr(user, "is_authenticated", False) else None
    contest.save(update_fields=["publication_scheduled_for", "publication_scheduled_by"])
    audit_record(
        actor=user,
        action="results.schedule",
        target=contest,
        contest=contest,
        after={"scheduled_for": when.isoformat()},
    )
    return contest


@transaction.atomic
def publication_schedule_cancel(*, user, contest: Contest, reason: str = "") -> Contest:
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    organizer_required(user, contest)
    when = contest.publication_scheduled_for
    if when is None:
        raise ValidationFailed(_("No publication is scheduled."), code="not_scheduled")
    contest.publication_scheduled_for, contest.publication_scheduled_by = None, None
    contest.save(update_fields=["publication_scheduled_for", "publication_scheduled_by"])
    audit_record(
        actor=user,
        action="results.schedule_cancel",
        target=contest,
        contest=contest,
        before={"scheduled_for": when.isoformat()},
        reason=(reason or "").strip(),
    )
    return contest


def publications_due(*, now: datetime | None = None) -> list[Job]:
    """One background job per contest whose scheduled publication is due (idempotent: the job
    checks the schedule again and publishes at most once)."""
    now = now or timezone.now()
    jobs = []
    for contest in Contest.objects.filter(publication_scheduled_for__lte=now).select_related(
        "publication_scheduled_by"
    ):
        with transaction.atomic():
            jobs.append(
                job_start(
                    "results.tasks.publication_scheduled",
                    {
                        "contest_id": contest.pk,
                        "user_id": contest.publication_scheduled_by_id,
                        "due": now.isoformat(),
                    },
                    started_by=contest.publication_scheduled_by,
                    contest=contest,
                )
            )
    return jobs


def publication_scheduled_run(*, contest_id: int, user_id: int | None, due: str = "") -> str:
    """The job: publish if the schedule still stands and was due when the job was queued
    (``due``; a cancelled or moved schedule is not); a refusal (the allocation changed, the
    contest was unpublished meanwhile…) cancels the schedule on the record, so the organizer's
    checklist says why nothing went out. Returns what happened."""
    user = actor_get(user_id)
    due_at = datetime.fromisoformat(due) if due else timezone.now()
    try:
        with transaction.atomic():
            contest = Contest.objects.select_for_update().get(pk=contest_id)
            when = contest.publication_scheduled_for
            if when is None or when > due_at:
                return "not_due"
            results_publish(user=user, contest=contest, scheduled=True)
    except DomainError as error:
        with transaction.atomic():
            contest = Contest.objects.select_for_update().get(pk=contest_id)
            when = contest.publication_scheduled_for
            contest.publication_scheduled_for, contest.publication_scheduled_by = None, None
            contest.save(update_fields=["publication_scheduled_for", "publication_scheduled_by"])
            audit_record(
                actor=user,
                action="results.schedule_failed",
                target=contest,
                contest=contest,
                before={"scheduled_for": when.isoformat() if when else None},
                after={"code": error.code},
                reason=str(error.message),
            )
        return error.code
    return "published"
