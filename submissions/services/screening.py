"""Screening several entries at once (the organizer's entries page): each entry goes through
``entry_screen``, the one rule of screening; an entry that cannot be screened (already being
judged, withdrawn, a draft) is skipped and named, never half-done."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.permissions import organizer_required
from contests.phases import Action, phase_require
from core.errors import ValidationFailed
from submissions.errors import EntryLocked
from submissions.selectors import entries_visible_to
from submissions.services.entries import entry_screen

BULK_LIMIT = 500  # entries a page lists, and so at most screens at once


@dataclass
class ScreeningReport:
    screened: list[str] = field(default_factory=list)  # receipt numbers
    skipped: list[str] = field(default_factory=list)


@transaction.atomic
def entries_screen(
    *, user, contest: Contest, entry_ids: list[str], eligible: bool, reason: str = ""
) -> ScreeningReport:
    organizer_required(user, contest)
    phase_require(contest, Action.ENTRY_SCREEN)
    ids = [str(i) for i in entry_ids][:BULK_LIMIT]
    if not ids:
        raise ValidationFailed(
            _("Choose at least one entry."), code="nothing_chosen", detail={"entries": []}
        )
    report = ScreeningReport()
    entries = entries_visible_to(user, contest).filter(pk__in=ids).order_by("receipt_number")
    for entry in entries:
        try:
            with transaction.atomic():
                entry_screen(user=user, entry=entry, eligible=eligible, reason=reason)
        except EntryLocked:
            report.skipped.append(entry.receipt_number or entry.title)
        else:
            report.screened.append(entry.receipt_number or entry.title)
    return report
