"""What an entrant still has to do, in words, and where they are in the steps of entering
(issue 19): "남은 일: 팀원 2명 확인, 제안서 올리기". The rule of what is missing is the
submit service's own (``entry_missing``); this only says it for people."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contests.enums import Track
from submissions.enums import ConsentKind, EntryStatus
from submissions.models import Entry
from submissions.services.entries import entry_missing


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current" or ""


def entry_todo(entry: Entry, *, verified: bool) -> list[str]:
    """What is left before the entry can be submitted (empty: it can be)."""
    missing = entry_missing(entry)
    items = []
    if entry.contest.track == Track.DRAWING and not verified:
        items.append(_("Verify your email address"))
    waiting = [m.name for m in entry.members.all() if m.active and m.confirmed_at is None]
    if waiting:
        items.append(
            ngettext(
                "%(n)d team member to confirm (%(names)s)",
                "%(n)d team members to confirm (%(names)s)",
                len(waiting),
            )
            % {"n": len(waiting), "names": ", ".join(waiting)}
        )
    if missing.get("files"):
        items.append(
            _("Upload the proposal (PDF)")
            if entry.contest.track == Track.SMART_CITY
            else _("Upload the drawing")
        )
    if missing.get("abstract"):
        items.append(_("Write the abstract"))
    for kind in missing.get("consents", []):
        items.append(_("Give the consent: %(what)s") % {"what": ConsentKind(kind).label})
    return items


def entry_steps(entry: Entry | None, *, track: str, verified: bool) -> list[Step]:
    """The steps of entering, the current one marked: a progress indicator for the form and
    the entry page. A drawing: verify the email, the child and the drawing's details, upload
    the drawing, submit; a team: the team's details, the proposal and the members'
    confirmations, submit."""
    if track == Track.DRAWING:
        labels = [
            _("Verify your email"),
            _("Child and drawing"),
            _("Upload the drawing"),
            _("Submit"),
        ]
    else:
        labels = [_("Team and proposal details"), _("Files and members"), _("Submit")]
    if entry is None:
        current = 0 if track == Track.DRAWING and not verified else len(labels) - 3
    elif entry.status != EntryStatus.DRAFT:
        current = len(labels)  # everything done
    else:
        missing = entry_missing(entry)
        if track == Track.DRAWING and not verified:
            current = 0
        elif missing.get("files") or missing.get("members"):
            current = len(labels) - 2
        else:
            current = len(labels) - 1
    return [
        Step(str(label), "done" if i < current else "current" if i == current else "")
        for i, label in enumerate(labels)
    ]
