"""Named rules about contests. Predicates answer yes or no; ``*_required`` raise NotFound
(an object you may not manage does not exist for you)."""

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from contests.enums import PUBLIC_STATUSES, ContestStatus
from contests.models import Contest
from core.actors import is_system
from core.errors import NotFound


def organizes_q(user, path: str = "") -> Q:
    """The rows whose contest ``user`` organizes, as a filter; ``path`` leads from the model to
    its contest ("" for Contest itself, "contest" for a Round, "round__contest" …). The one
    rule of who organizes what, in the database's terms; :func:`is_contest_organizer` is the
    same rule for one contest in hand."""
    if is_system(user) or getattr(user, "is_superuser", False):
        return Q()
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    prefix = f"{path}__" if path else ""
    return Q(**{f"{prefix}organizers": user})


def is_contest_organizer(user, contest: Contest) -> bool:
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return contest.organizers.filter(pk=user.pk).exists()


def organizer_required(user, contest: Contest) -> None:
    """The guard every organizer service starts with: NotFound unless ``user`` runs it."""
    if not is_contest_organizer(user, contest):
        raise NotFound()


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
