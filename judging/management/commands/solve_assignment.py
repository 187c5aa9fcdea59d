"""``manage.py solve_assignment``: assign k judges to every entry from CSV files (API.md).

The rules are :func:`judging.assignment.assign`'s (balanced loads, conflicts, maximum affinity);
this command reads the tables, checks that every id they mention is known, and writes the pairs.
When no assignment exists it lists the entries that cannot be served on stderr and exits with
status 2 (a bad file or option exits with 1, like every CommandError).
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from django.core.management.base import CommandError

from core.filecommand import FileCommand, csv_bytes
from core.tabular import TabularError, integers, numbers, read_table, unique
from judging.assignment import EntrySpec, JudgeSpec, NoValidAssignment, assign

EXIT_INFEASIBLE = 2


class Command(FileCommand):
    help = (
        "Assign --k judges to every entry: balanced loads, no conflicted judge, the largest total "
        "affinity. Reads CSV/XLSX tables entry[,division]; judge[,max_load][,min_load]; "
        "judge,entry (conflicts); judge,entry,affinity. Writes CSV entry,judge (sorted) to --out "
        "or stdout and a summary to stderr. Exits 2, listing the entries that cannot get k "
        "judges, when no assignment exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", required=True, metavar="FILE", help="entry[,division]")
        parser.add_argument(
            "--judges", required=True, metavar="FILE", help="judge[,max_load][,min_load]"
        )
        parser.add_argument("--conflicts", metavar="FILE", help="judge,entry: never paired")
        parser.add_argument("--affinity", metavar="FILE", help="judge,entry,affinity (≥ 0)")
        parser.add_argument("--k", type=int, required=True, help="judges per entry")
        parser.add_argument(
            "--seed", type=int, default=0, help="chooses among equally good assignments"
        )
        parser.add_argument("--out", metavar="FILE", help="write the CSV here instead of stdout")

    def run(self, *, entries, judges, conflicts, affinity, k, seed, out, **_):
        if k < 1:
            raise CommandError(f"--k must be at least 1 (got {k})")
        entry_list = _entries(entries)
        judge_list = _judges(judges)
        entry_ids = {entry.id for entry in entry_list}
        judge_ids = {judge.id for judge in judge_list}
        conflict_pairs = _conflicts(conflicts, entry_ids, judge_ids) if conflicts else []
        affinities = _affinity(affinity, entry_ids, judge_ids) if affinity else {}

        started = time.perf_counter()
        try:
            result = assign(
                entries=entry_list,
                judges=judge_list,
                k=k,
                conflicts=conflict_pairs,
                affinity=affinities,
                seed=seed,
            )
        except NoValidAssignment as exc:
            self._infeasible(exc, k)
            sys.exit(EXIT_INFEASIBLE)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        seconds = time.perf_counter() - started

        self.emit(csv_bytes(["entry", "judge"], result.pairs), out)
        self.note(
            f"{len(result.pairs):,} pairs: {len(entry_list):,} entries × k={k}, "
            f"{_plural(len(judge_list), 'judge')}, {_plural(len(conflict_pairs), 'conflict')}"
        )
        self.note(f"total affinity {_number(result.total_affinity)}")
        by_load = Counter(result.loads.values())
        spread = ", ".join(
            f"{_plural(count, 'judge')} carr{'y' if count != 1 else 'ies'} {load}"
            for load, count in sorted(by_load.items())
        )
        self.note(f"loads: min {result.min_load}, max {result.max_load}; {spread}")
        if result.widened:
            self.note(
                f"note: conflicts made an even split impossible; loads were allowed to spread "
                f"{result.widened} further than balanced"
            )
        self.note(f"solved in {seconds:.3f} s")

    def _infeasible(self, exc: NoValidAssignment, k: int) -> None:
        self.stderr.write(f"infeasible: {exc.reason}")
        if exc.entries:
            self.stderr.write(
                f"{_plural(len(exc.entries), 'entry')} cannot get k={k} judges "
                "(available = unconflicted judges with room):"
            )
        for entry in exc.entries:
            available = exc.available.get(entry)
            shown = "?" if available is None else str(available)
            self.stderr.write(f"  {entry}: {shown} available")


def _entries(path: str) -> list[EntrySpec]:
    frame = read_table(path, required=["entry"], optional=["division"])
    unique(frame, ["entry"], path=path)
    divisions = frame["division"] if "division" in frame.columns else [""] * len(frame)
    return [
        EntrySpec(entry, division or None)
        for entry, division in zip(frame["entry"], divisions, strict=True)
    ]


def _judges(path: str) -> list[JudgeSpec]:
    frame = read_table(path, required=["judge"], optional=["max_load", "min_load"])
    unique(frame, ["judge"], path=path)
    nothing = [None] * len(frame)
    caps = (
        integers(frame, "max_load", path=path, minimum=0, blank=True)
        if "max_load" in frame.columns
        else nothing
    )
    floors = (
        integers(frame, "min_load", path=path, minimum=0, blank=True)
        if "min_load" in frame.columns
        else nothing
    )
    for row, low, high in zip(frame.index, floors, caps, strict=True):
        if low is not None and high is not None and low > high:
            raise TabularError(
                f"min_load {low} is above max_load {high}", path=path, column="min_load", row=row
            )
    return [
        JudgeSpec(judge, min_load=low, max_load=high)
        for judge, low, high in zip(frame["judge"], floors, caps, strict=True)
    ]


def _known(frame, path: str, entry_ids: set, judge_ids: set) -> None:
    """Every pair must name a known judge and entry: a typo in a conflict list must not pass
    silently (the engine itself ignores unknown ids)."""
    for column, known, source in (
        ("judge", judge_ids, "--judges"),
        ("entry", entry_ids, "--entries"),
    ):
        unknown = ~frame[column].isin(known)
        if unknown.any():
            row = int(frame.index[unknown.to_numpy()][0])
            value = frame.at[row, column]
            raise TabularError(
                f"unknown {column} {value!r} (not in the {source} file)",
                path=path,
                column=column,
                row=row,
            )


def _conflicts(path: str, entry_ids: set, judge_ids: set) -> list[tuple[str, str]]:
    frame = read_table(path, required=["judge", "entry"])
    _known(frame, path, entry_ids, judge_ids)
    return list(dict.fromkeys(zip(frame["judge"], frame["entry"], strict=True)))


def _affinity(path: str, entry_ids: set, judge_ids: set) -> dict[tuple[str, str], float]:
    frame = read_table(path, required=["judge", "entry", "affinity"])
    _known(frame, path, entry_ids, judge_ids)
    unique(frame, ["judge", "entry"], path=path)
    values = numbers(frame, "affinity", path=path)
    negative = (values < 0).nonzero()[0]
    if negative.size:
        row = int(frame.index[negative[0]])
        raise TabularError(
            f"{frame.at[row, 'affinity']!r} is negative; affinities are ≥ 0",
            path=path,
            column="affinity",
            row=row,
        )
    pairs = zip(frame["judge"], frame["entry"], values.tolist(), strict=True)
    return {(judge, entry): value for judge, entry, value in pairs}


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0")


def _plural(count: int, noun: str) -> str:
    if count == 1:
        return f"1 {noun}"
    return f"{count:,} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"
