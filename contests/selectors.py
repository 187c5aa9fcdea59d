"""Reads of contest configuration, and who may see which contest."""

from datetime import datetime

from django.db.models import Prefetch, Q, QuerySet

from contests.enums import PUBLIC_STATUSES
from contests.models import Contest, Criterion, PrizeTier, Round


def contests_visible_to(user) -> QuerySet[Contest]:
    """Public contests (any status but draft), plus drafts the user organizes."""
    visible = Q(status__in=PUBLIC_STATUSES)
    if getattr(user, "is_authenticated", False):
        if user.is_superuser:
            return Contest.objects.all()
        visible |= Q(organizers=user)
    return Contest.objects.filter(visible).distinct()


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
    from django.utils.translation import gettext as _

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
    return sum(tier.count * tier.amount for tier in contest.prize_tiers.all())
