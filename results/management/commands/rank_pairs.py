"""``manage.py rank_pairs FILE``: a comparative-judgement round's scale (API.md "Commands").

The model is :func:`judging.comparative.scale_fit`'s (Bradley–Terry with a small ridge); this
command reads ``judge,winner,loser`` (one row per decision), writes
``rank,entry,theta,se,comparisons,infit`` in rank order — highest θ first, entries whose θ
agree to 6 decimals share a rank (1, 2, 2, 4) and are listed in entry order — and with
``--summary`` a JSON file ``{"ssr", "comparisons", "judges": {judge: {"comparisons",
"infit"}}}`` (floats to 6 decimals; SSR null when θ has no spread). SSR and the judges whose
infit marks them as misfitting go to stderr too.

A decision naming the same entry twice, or a judge comparing the same two entries twice (in
either order), is refused with both rows named: the pairing engine never serves a pair twice
to one judge, so a repeat is a double entry in the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from django.core.management.base import CommandError

from core.filecommand import FileCommand, csv_bytes
from core.tabular import TabularError, read_table
from judging.comparative import ScaleFit, scale_fit
from results.ranking_stats import DECIMALS, competition_ranks, exact

COLUMNS = ["rank", "entry", "theta", "se", "comparisons", "infit"]


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(exact(value))


def _text(value: float) -> str:
    return "" if math.isnan(value) else f"{exact(value):.{DECIMALS}f}"


def ranking_csv(fit: ScaleFit) -> bytes:
    """The CSV rows of :data:`COLUMNS` in rank order."""
    theta = exact(fit.theta)
    order, ranks = competition_ranks(np.zeros(len(theta), dtype=np.int64), [-theta])
    rows = (
        [
            int(ranks[i]),
            str(fit.entries[i]),
            _text(fit.theta[i]),
            _text(fit.se[i]),
            int(fit.comparisons[i]),
            _text(fit.infit[i]),
        ]
        for i in order
    )
    return csv_bytes(COLUMNS, rows)


def summary_json(fit: ScaleFit) -> bytes:
    judges = {
        str(judge): {"comparisons": int(count), "infit": _number(infit)}
        for judge, count, infit in zip(
            fit.judges, fit.judge_comparisons, fit.judge_infit, strict=True
        )
    }
    summary = {"ssr": _number(fit.ssr), "comparisons": fit.decisions, "judges": judges}
    return (json.dumps(summary, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


class Command(FileCommand):
    help = (
        "Scale a comparative-judgement round from a CSV or XLSX of decisions with columns "
        "judge,winner,loser (Bradley–Terry). Writes CSV rank,entry,theta,se,comparisons,infit "
        "in rank order to --out or stdout; --summary writes SSR and per-judge infit as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="decisions, .csv or .xlsx")
        parser.add_argument("--out", metavar="FILE", help="write the CSV here instead of stdout")
        parser.add_argument("--summary", metavar="FILE", help="write the JSON summary here")

    def run(self, *, file: str, out: str | None, summary: str | None, **_):
        frame = read_table(file, required=["judge", "winner", "loser"])
        _check(frame, file)
        fit = scale_fit(
            judges=frame["judge"].to_numpy(),
            winners=frame["winner"].to_numpy(),
            losers=frame["loser"].to_numpy(),
        )
        self.emit(ranking_csv(fit), out)
        if summary is not None:
            try:
                Path(summary).write_bytes(summary_json(fit))
            except OSError as exc:
                raise CommandError(f"{summary}: cannot be written ({exc.strerror})") from exc
            self.note(f"wrote {summary}")
        self.note(
            f"{fit.decisions} decisions, {len(fit.entries)} entries, {len(fit.judges)} judges; "
            f"SSR {fit.ssr:.3f} (standard errors: {fit.se_method})"
        )
        misfits = [
            f"{judge} ({infit:.2f})"
            for judge, infit, flag in zip(
                fit.judges, fit.judge_infit, fit.judge_misfit, strict=True
            )
            if flag
        ]
        self.note(
            "misfitting judges (infit > mean + 2 sd): " + ", ".join(misfits)
            if misfits
            else "no misfitting judge (infit > mean + 2 sd)"
        )
        if not fit.converged:
            self.note(f"warning: the fit stopped after {fit.iterations} steps without converging")


def _check(frame, path: str) -> None:
    """Refuse self-comparisons and a judge's repeated pair, naming the rows."""
    rows = frame.index.tolist()
    seen: dict[tuple[str, str, str], int] = {}
    for row, judge, winner, loser in zip(
        rows, frame["judge"], frame["winner"], frame["loser"], strict=True
    ):
        if winner == loser:
            raise TabularError(
                f"{winner!r} cannot be compared with itself", path=path, column="loser", row=row
            )
        key = (judge, *sorted((winner, loser)))
        if key in seen:
            raise TabularError(
                f"judge {judge!r} already compared {key[1]!r} and {key[2]!r} in row {seen[key]}",
                path=path,
                column="judge,winner,loser",
                row=row,
            )
        seen[key] = row
