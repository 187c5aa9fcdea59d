"""Named rules about entries."""

from datetime import datetime

from contests.permissions import is_contest_organizer
from contests.phases import entry_window_open, outcome_visible, phase_require
from submissions.enums import ENTRANT_EDITABLE, WITHDRAWABLE, EntryStatus
from submissions.models import Entry

# What only publication reveals to the entrant (DOMAIN §2): before it they read "in judging".
OUTCOME_STATUSES = (
    EntryStatus.ADVANCED,
    EntryStatus.ELIMINATED,
    EntryStatus.AWARDED,
    EntryStatus.NOT_AWARDED,
)


def is_entry_owner(user, entry: Entry) -> bool:
    return getattr(user, "is_authenticated", False) and entry.owner_id == user.pk


def is_entry_organizer(user, entry: Entry) -> bool:
    return is_contest_organizer(user, entry.contest)


def entry_deadline_open(entry: Entry, *, now: datetime | None = None) -> bool:
    """Open when the contest takes submissions, or until this entry's recorded extension
    (``contests.phases``: deadlines to the second, 23:59:59 in time, 00:00:00 not)."""
    return entry_window_open(entry.contest, extension_until=entry.extension_until, now=now)


def entry_deadline_require(entry: Entry, action: str, *, now: datetime | None = None) -> None:
    """The entrant's change waits for nothing but the deadline: refused ``submissions_closed``
    after it (and after the entry's own extension), with the time in the message."""
    phase_require(entry.contest, action, extension_until=entry.extension_until, now=now)


def entrant_status(entry: Entry) -> str:
    """The status the entrant sees: advancement and awards only from publication on."""
    if entry.status in OUTCOME_STATUSES and not outcome_visible(entry.contest):
        return EntryStatus.IN_JUDGING
    return entry.status


def entry_editable_by_entrant(entry: Entry) -> bool:
    return entry.status in ENTRANT_EDITABLE


def entry_withdrawable(entry: Entry) -> bool:
    """Withdrawing is possible until the deadline (or the entry's extension): judging starts
    after it. A withdrawn entry stays withdrawn."""
    return entry.status in WITHDRAWABLE and entry_deadline_open(entry)
