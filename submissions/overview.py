"""The organizer's entries page in words: the counts per division and status as a table with
labels, the filters' choices, each row's screening state. Reads only."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from contests.models import Contest
from core.storage.objectstore import object_url
from submissions.enums import EntryStatus
from submissions.selectors import SCREENING_STATUS, entry_counts

SCREENABLE = tuple(SCREENING_STATUS.values())  # where the screening form applies


@dataclass(frozen=True)
class CountsTable:
    statuses: list[tuple[str, str]]  # (code, label) of the columns, in the lifecycle's order
    rows: list[tuple[str, list[int], int]]  # (division name, count per status, total)
    totals: list[int]
    total: int


def counts_table(contest: Contest) -> CountsTable:
    """Entries per division (rows) and status (columns), labelled; only statuses that occur."""
    counts = entry_counts(contest)
    present = {c["status"] for c in counts}
    statuses = [(s.value, str(s.label)) for s in EntryStatus if s.value in present]
    divisions = list(contest.divisions.all())
    by = {(c["division__code"], c["status"]): c["n"] for c in counts}
    rows = []
    for d in divisions:
        cells = [by.get((d.code, code), 0) for code, _label in statuses]
        rows.append((d.name, cells, sum(cells)))
    totals = [sum(r[1][i] for r in rows) for i in range(len(statuses))]
    return CountsTable(statuses=statuses, rows=rows, totals=totals, total=sum(totals))


def screening_choices() -> list[tuple[str, str]]:
    return [
        ("pending", _("Not screened yet")),
        ("eligible", str(EntryStatus.ELIGIBLE.label)),
        ("ineligible", str(EntryStatus.INELIGIBLE.label)),
    ]


@dataclass(frozen=True)
class FilePreview:
    label: str  # the slot, in words
    name: str  # what the entrant called it (display text only)
    kind: str  # "image" (the re-encoded preview) or "pdf" (the judges' copy, a download)
    url: str


def organizer_previews(entry) -> list[FilePreview]:
    """What an organizer sees of an entry's files on its page: the re-encoded preview of a
    drawing (never the original's bytes: anyone but the owner gets the copy), and the
    author-free copy of a PDF the judges get, as a download (PDFs are never shown inline).
    Expects ``entries_with_details`` (``stored_files``); signed URLs live 5 minutes."""
    out = []
    for f in getattr(entry, "stored_files", []):
        if f.preview_key:
            url = object_url(
                key=f.preview_key,
                filename=f"{entry.receipt_number or 'entry'}-{f.slot}.jpg",
                as_attachment=False,
                content_type="image/jpeg",
            )
            out.append(FilePreview(str(f.get_slot_display()), f.display_name, "image", url))
        elif f.judge_key:
            url = object_url(
                key=f.judge_key,
                filename=f"{entry.receipt_number or 'entry'}-{f.slot}.pdf",
                as_attachment=True,
                content_type="application/pdf",
            )
            out.append(FilePreview(str(f.get_slot_display()), f.display_name, "pdf", url))
    return out
