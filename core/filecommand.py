"""Plumbing shared by the judging commands (``rank_scores``, ``solve_assignment``,
``allocate_prizes``): each reads organizers' tables through :mod:`core.tabular`, calls one
pure engine and writes one CSV — to ``--out`` or to stdout. Summaries go to stderr, so stdout
stays a clean CSV for pipes. A bad table becomes a :class:`CommandError` naming the file, the
column and the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.tabular import TabularError


def _plain(text: str) -> str:
    return text


class FileCommand(BaseCommand):
    """Subclasses implement :meth:`run` instead of ``handle``."""

    # Files in, files out: nothing here depends on the site's configuration, and they run under
    # config/cli.py's minimal settings (no apps, no database), so there is nothing to check.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        try:
            self.run(**options)
        except TabularError as exc:
            raise CommandError(str(exc)) from exc

    def run(self, **options) -> None:
        raise NotImplementedError

    def note(self, message: str) -> None:
        """A line of summary on stderr (uncoloured: it is information, not an error)."""
        self.stderr.write(message, style_func=_plain)

    def emit(self, data: bytes, out: str | None) -> None:
        """Write the CSV to the file ``out``, or to stdout when it is None."""
        if out is None:
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        try:
            Path(out).write_bytes(data)
        except OSError as exc:
            raise CommandError(f"{out}: cannot be written ({exc.strerror})") from exc
        self.note(f"wrote {out}")


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 CSV with "\\n" line ends, quoted only where needed — like ``rank_scores``' output."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def krw(amount: int) -> str:
    return f"{amount:,} KRW"
