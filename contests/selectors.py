"""Reads of contest configuration, and who may see which contest, round, audit record and
background job. Every organizer page and endpoint finds its contest or round here."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from contests.enums import PUBLIC_STATUSES
from contests.models import Contest, Criterion, PrizeTier, Round
from contests.permissions import is_contest_organizer, organizes_q
from core.actors import is_system
from core.errors import NotFound
from core.models import AuditRecord, Job


def contests_visible_to(user) -> QuerySet[Contest]:
    """Public contests (any status but draft), plus drafts the user organizes."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return Contest.objects.all()
    visible = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        visible |= organizes_q(user)
    return Contest.objects.filter(visible).distinct()


def contest_managed_get(user, slug: str, queryset: QuerySet[Contest] | None = None) -> Contest:
    """The contest ``slug`` if ``user`` organizes it; NotFound otherwise (drafts and other
    organizers' contests alike). ``queryset`` may add prefetches."""
    qs = queryset if queryset is not None else Contest.objects.all()
    contest = qs.filter(slug=slug).first() if isinstance(slug, str) else None
    if contest is None or not is_contest_organizer(user, contest):
        raise NotFound()
    return contest


def round_managed_get(user, round_id) -> Round:
    """The round ``round_id`` if ``user`` organizes its contest; NotFound otherwise, also for a
    malformed id."""
    try:
        rnd = Round.objects.select_related("contest").get(pk=int(round_id))
    except (Round.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    if not is_contest_organizer(user, rnd.contest):
        raise NotFound()
    return rnd


def contest_round_get(contest: Contest, round_id) -> Round:
    """A round of ``contest`` (one already found with ``contest_managed_get``); NotFound for a
    round of another contest or a malformed id."""
    try:
        rnd = contest.rounds.get(pk=int(round_id))
    except (Round.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc
    rnd.contest = contest
    return rnd


def audit_records_visible_to(user, contest: Contest) -> QuerySet[AuditRecord]:
    """A contest's audit trail, newest first: its organizers only."""
    if not is_contest_organizer(user, contest):
        return AuditRecord.objects.none()
    return (
        AuditRecord.objects.filter(contest=contest)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def jobs_visible_to(user) -> QuerySet[Job]:
    """Background jobs: the person who started one, and the organizers of its contest."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return Job.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Job.objects.none()
    return Job.objects.filter(Q(started_by=user) | organizes_q(user, "contest")).distinct()


def job_get_visible(user, job_id) -> Job:
    try:
        return jobs_visible_to(user).get(pk=int(job_id))
    except (Job.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFound() from exc


def contest_detail_queryset(user) -> QuerySet[Contest]:
    """Visible contests with their whole configuration prefetched (a fixed query count)."""
    return contests_visible_to(user).prefetch_related(
        "divisions",
        Prefetch(
            "rounds",
            queryset=Round.objects.order_by("order").prefetch_related(
                Prefetch("criteria", queryset=Criterion.objects.order_by("order", "code"))
            ),
        ),
        Prefetch(
            "prize_tiers",
            queryset=PrizeTier.objects.select_related("division").order_by(
                "division__order", "order"
            ),
        ),
    )


def contest_schedule(contest: Contest) -> list[tuple[str, datetime, datetime | None]]:
    """The contest's dates in order: submissions, each round's judging, the announcement.

    Expects rounds prefetched (``contest_detail_queryset``).
    """
    rows: list[tuple[str, datetime, datetime | None]] = [
        (_("Submissions"), contest.opens_at, contest.closes_at)
    ]
    for rnd in contest.rounds.all():
        if rnd.judging_opens_at:
            rows.append((rnd.name, rnd.judging_opens_at, rnd.judging_closes_at))
    if contest.results_at:
        rows.append((_("Results announced"), contest.results_at, None))
    return rows


def prize_total(contest: Contest) -> int:
    """Sum of every tier's count × amount (expects prize_tiers prefetched)."""
    return sum(tier.total for tier in contest.prize_tiers.all())
