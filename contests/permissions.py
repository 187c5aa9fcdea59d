"""Named rules about contests. Pure predicates; callers decide 404 vs message."""

from datetime import datetime

from django.utils import timezone

from contests.enums import PUBLIC_STATUSES, ContestStatus
from contests.models import Contest


def is_contest_organizer(user, contest: Contest) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return contest.organizers.filter(pk=user.pk).exists()


def is_contest_public(contest: Contest) -> bool:
    return contest.status in PUBLIC_STATUSES


def submissions_open(contest: Contest, *, now: datetime | None = None) -> bool:
    """Deadlines are enforced to the second: 23:59:59 is in time, 00:00:00 is not.

    ``closes_at`` is the last accepted second, so the current time is truncated to whole
    seconds before comparing.
    """
    now = (now or timezone.now()).replace(microsecond=0)
    if contest.status != ContestStatus.OPEN:
        return False
    return contest.opens_at <= now <= contest.closes_at
