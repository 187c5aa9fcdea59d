"""Named rules about entries."""

from datetime import datetime

from django.utils import timezone

from contests.enums import ContestStatus
from contests.permissions import is_contest_organizer, submissions_open
from submissions.enums import ENTRANT_EDITABLE, WITHDRAWABLE
from submissions.models import Entry


def is_entry_owner(user, entry: Entry) -> bool:
    return getattr(user, "is_authenticated", False) and entry.owner_id == user.pk


def is_entry_organizer(user, entry: Entry) -> bool:
    return is_contest_organizer(user, entry.contest)


def entry_deadline_open(entry: Entry, *, now: datetime | None = None) -> bool:
    """Open when the contest takes submissions, or until this entry's recorded extension."""
    now = (now or timezone.now()).replace(microsecond=0)
    if submissions_open(entry.contest, now=now):
        return True
    return (
        entry.extension_until is not None
        and entry.contest.status in (ContestStatus.OPEN, ContestStatus.CLOSED)
        and now <= entry.extension_until
    )


def entry_editable_by_entrant(entry: Entry) -> bool:
    return entry.status in ENTRANT_EDITABLE


def entry_withdrawable(entry: Entry) -> bool:
    """Withdrawing is possible until judging starts (a withdrawn entry stays withdrawn)."""
    return entry.status in WITHDRAWABLE
