"""Reading organizers' tables (CSV or XLSX) for the judging commands, with errors people can act on.

Every cell is read as text, stripped — so an entry code such as ``007`` stays ``007`` — and the
caller converts the columns it needs with :func:`numbers`, :func:`integers` or :func:`decimals`.
Each failure raises :class:`TabularError` naming the file, and where it applies the column and
the row. Rows are numbered as a spreadsheet shows them: the header is row 1, so the first data
row is row 2 (for CSV: the line the record starts on). The returned DataFrame is indexed by that
row number.

* CSV: comma separated, UTF-8 (a byte-order mark is fine) or CP949, which Excel writes on Korean
  Windows. XLSX: the first worksheet, cached values of formulas.
* Header names are matched without case or surrounding spaces; columns nobody asked for are
  ignored; rows whose cells are all empty are skipped.
* Required columns must have a value in every row; optional columns may be left empty ("").

No Django here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from openpyxl import load_workbook

SUFFIXES = (".csv", ".xlsx")
ENCODINGS = ("utf-8-sig", "cp949")
_SHOWN = 60  # a bad value is quoted up to this many characters
_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+")  # 50,000,000

T = TypeVar("T")


class TabularError(ValueError):
    """A table cannot be used; the message names the file (and the column and row if known)."""

    def __init__(
        self, message: str, *, path: str, column: str | None = None, row: int | None = None
    ) -> None:
        where = ", ".join(
            [path]
            + ([f"row {row}"] if row is not None else [])
            + ([f"column '{column}'"] if column is not None else [])
        )
        super().__init__(f"{where}: {message}")
        self.path, self.column, self.row, self.reason = path, column, row, message


# --- reading -----------------------------------------------------------------------------------


def read_table(
    path: str | Path, *, required: Sequence[str], optional: Sequence[str] = ()
) -> pd.DataFrame:
    """The ``required`` columns and those of ``optional`` present in the file, as text.

    The frame's columns come in the order required + optional (absent optional ones are left
    out); its index, named ``row``, holds each row's number in the file.
    """

    name = str(path)
    header, records = _records(Path(path), name)
    keys = [str(cell).strip().lower() for cell in header]
    wanted = [*required, *optional]
    position: dict[str, int] = {}
    for column in wanted:
        at = [i for i, key in enumerate(keys) if key == column.lower()]
        if len(at) > 1:
            raise TabularError(f"the header names column '{column}' {len(at)} times", path=name)
        if at:
            position[column] = at[0]
    missing = [column for column in required if column not in position]
    if missing:
        found = ", ".join(repr(key) for key in keys if key) or "nothing"
        raise TabularError(
            f"missing column(s) {', '.join(repr(c) for c in missing)} (the header row has {found})",
            path=name,
        )
    columns = [column for column in wanted if column in position]
    width = len(keys)
    rows: list[int] = []
    data: dict[str, list[str]] = {column: [] for column in columns}
    # Column by column: per-row lists would be kept alive and make the garbage collector crawl.
    appends = [(data[column].append, position[column]) for column in columns]
    for row, cells in records:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        elif len(cells) > width and any(cells[width:]):
            extra = next(cell for cell in cells[width:] if cell)
            raise TabularError(
                f"{len(cells)} values but the header names only {width} columns "
                f"(extra: {_show(extra)})",
                path=name,
                row=row,
            )
        if any(cells):
            rows.append(row)
            for append, at in appends:
                append(cells[at])
    for column in required:
        if "" in data[column]:
            row = rows[data[column].index("")]
            raise TabularError("empty; a value is required", path=name, column=column, row=row)
    return pd.DataFrame(data, index=pd.Index(rows, name="row", dtype="int64"), dtype=object)


def _records(path: Path, name: str) -> tuple[list[str], Iterable[tuple[int, list[str]]]]:
    """The header cells and the (row number, stripped cells) of every following row."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        kind = f"'{path.suffix}'" if path.suffix else "no extension"
        hint = " (save it as .xlsx)" if suffix == ".xls" else ""
        raise TabularError(
            f"unsupported file type {kind}{hint}; use {' or '.join(SUFFIXES)}", path=name
        )
    if not path.exists():
        raise TabularError("no such file", path=name)
    if not path.is_file():
        raise TabularError("not a file", path=name)
    rows = _csv_rows(path, name) if suffix == ".csv" else _xlsx_rows(path, name)
    for row, cells in rows:
        if any(cells):
            if row != 1:
                raise TabularError(
                    f"row 1 must be the header; it is empty (the first values are in row {row})",
                    path=name,
                )
            return cells, rows
    raise TabularError("the file is empty: no header row", path=name)


def _csv_rows(path: Path, name: str) -> Iterator[tuple[int, list[str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise TabularError(f"cannot be read ({exc.strerror})", path=name) from exc
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise TabularError("not UTF-8 or CP949 text (save the CSV as UTF-8)", path=name)
    return _csv_records(text, name)


def _csv_records(text: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1  # where the next record starts
    try:
        for cells in reader:
            yield line, [cell.strip() for cell in cells]
            line = reader.line_num + 1
    except csv.Error as exc:
        raise TabularError(f"not valid CSV ({exc})", path=name, row=line) from exc


def _xlsx_rows(path: Path, name: str) -> Iterator[tuple[int, list[str]]]:

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException, ...
        raise TabularError(f"not a readable XLSX workbook ({exc})", path=name) from exc
    sheets = book.worksheets
    if not sheets:
        book.close()
        raise TabularError("the workbook has no worksheet", path=name)
    return _xlsx_records(book, sheets[0])


def _xlsx_records(book: Any, sheet: Any) -> Iterator[tuple[int, list[str]]]:
    try:
        for row, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield row, [_cell_text(value) for value in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 88.0 → "88"; an entry code typed as a number reads "1001"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


# --- converting columns ------------------------------------------------------------------------


def numbers(frame: pd.DataFrame, column: str, *, path: str | Path) -> np.ndarray:
    """The column as finite float64 numbers (vectorised: fine for a million score rows)."""

    text = frame[column]
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        first = int(bad[0])
        more = f" ({bad.size - 1} more row(s) like it)" if bad.size > 1 else ""
        raise TabularError(
            f"{_show(text.iloc[first])} is not a number{more}",
            path=str(path),
            column=column,
            row=int(frame.index[first]),
        )
    return values


def integers(
    frame: pd.DataFrame,
    column: str,
    *,
    path: str | Path,
    minimum: int | None = None,
    blank: bool = False,
    thousands: bool = False,
) -> list[int | None]:
    """The column as whole numbers (``3`` or ``3.0``; with ``thousands``, ``50,000,000`` too).
    Empty cells are None when ``blank``, else an error."""

    def parse(text: str) -> int:
        if thousands and _THOUSANDS.fullmatch(text):
            text = text.replace(",", "")
        number = _decimal(text)
        if number is None or number != number.to_integral_value():
            raise ValueError(f"{_show(text)} is not a whole number")
        if minimum is not None and number < minimum:
            raise ValueError(f"{_show(text)} is below the minimum {minimum}")
        return int(number)

    return _each(frame, column, parse, path=str(path), blank=blank)


def decimals(
    frame: pd.DataFrame, column: str, *, path: str | Path, blank: bool = False
) -> list[Decimal | None]:
    """The column as exact finite decimals (``88.000000`` compares exactly with ``90``)."""

    def parse(text: str) -> Decimal:
        number = _decimal(text)
        if number is None:
            raise ValueError(f"{_show(text)} is not a number")
        return number

    return _each(frame, column, parse, path=str(path), blank=blank)


def choices(
    frame: pd.DataFrame,
    column: str,
    allowed: Sequence[str],
    *,
    path: str | Path,
    default: str,
) -> list[str]:
    """The column's values, each one of ``allowed`` (matched without case); empty → default."""
    lookup = {value.lower(): value for value in allowed}

    def parse(text: str) -> str:
        if text.lower() not in lookup:
            raise ValueError(f"{_show(text)} is not one of {', '.join(allowed)}")
        return lookup[text.lower()]

    values = _each(frame, column, parse, path=str(path), blank=True)
    return [default if value is None else value for value in values]


def unique(frame: pd.DataFrame, columns: Sequence[str], *, path: str | Path) -> None:
    """Raise when two rows have the same values in ``columns`` (naming both rows)."""
    columns = list(columns)
    if not frame.duplicated(subset=columns).any():
        return
    seen: dict[tuple, int] = {}
    for row, values in zip(
        frame.index.tolist(), frame[columns].itertuples(index=False, name=None), strict=True
    ):
        if values in seen:
            shown = ", ".join(_show(value) for value in values)
            raise TabularError(
                f"{shown} repeats row {seen[values]}",
                path=str(path),
                column=",".join(columns),
                row=row,
            )
        seen[values] = row


def _each(
    frame: pd.DataFrame, column: str, parse: Callable[[str], T], *, path: str, blank: bool
) -> list[T | None]:
    out: list[T | None] = []
    for row, text in zip(frame.index.tolist(), frame[column].tolist(), strict=True):
        if not text:
            if not blank:
                raise TabularError("empty; a value is required", path=path, column=column, row=row)
            out.append(None)
            continue
        try:
            out.append(parse(text))
        except ValueError as exc:
            raise TabularError(str(exc), path=path, column=column, row=row) from None
    return out


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "…")
