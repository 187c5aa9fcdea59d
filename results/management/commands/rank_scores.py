"""``manage.py rank_scores FILE``: rank entries from a table of scores (API.md "Commands").

The rules are :func:`results.ranking.rank_entries`'; this command only reads the file and writes
``rank,entry,score,n_judges`` in rank order (ties share a rank: 1, 2, 2, 4). With
``--intervals N`` it adds ``rank_low,rank_high`` from :func:`results.intervals.rank_intervals`
(N resamples of each entry's judges, seeded by ``--seed`` or by the inputs' hash).
"""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from core.filecommand import FileCommand
from core.tabular import TabularError, numbers, read_table, unique
from results.intervals import rank_intervals
from results.ranking import METHODS, RankingRefused, RankingSettings, rank_entries

COLUMNS = ["rank", "entry", "score", "n_judges"]
INTERVAL_COLUMNS = ["rank_low", "rank_high"]
_DETAIL = 400  # characters of a refusal's detail shown


class Command(FileCommand):
    help = (
        "Rank entries from a CSV or XLSX of scores with columns judge,entry,criterion,score (one "
        "row per criterion) or judge,entry,score (scorecard totals). Writes CSV "
        "rank,entry,score,n_judges in rank order to --out or stdout (with --intervals N, also "
        "rank_low,rank_high); the method, counts and inputs SHA-256 go to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="scores, .csv or .xlsx")
        parser.add_argument("--method", choices=METHODS, default="mean")
        parser.add_argument(
            "--tie-break",
            default="",
            metavar="C1,C2",
            help="criterion codes, in order: the higher mean of each breaks a tie",
        )
        parser.add_argument(
            "--min-judge-entries",
            type=int,
            default=None,
            metavar="N",
            help="z_score: each judge must have scored at least N entries (default: the engine's)",
        )
        parser.add_argument(
            "--intervals",
            type=int,
            default=None,
            metavar="N",
            help="also write rank_low,rank_high: the 5th and 95th percentile of each entry's "
            "rank over N resamples of its judges",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            metavar="S",
            help="with --intervals: the random seed (default: derived from the inputs' hash)",
        )
        parser.add_argument("--out", metavar="FILE", help="write the CSV here instead of stdout")

    def run(
        self,
        *,
        file: str,
        method: str,
        tie_break: str,
        min_judge_entries,
        intervals,
        seed,
        out,
        **_,
    ):
        tie_codes = tuple(code.strip() for code in tie_break.split(",") if code.strip())
        options = {} if min_judge_entries is None else {"min_judge_entries": min_judge_entries}
        try:
            settings = RankingSettings(method=method, tie_break=tie_codes, **options)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if seed is not None and intervals is None:
            raise CommandError("--seed needs --intervals N")
        if intervals is not None and intervals < 1:
            raise CommandError("--intervals N needs N ≥ 1")

        frame = read_table(file, required=["judge", "entry", "score"], optional=["criterion"])
        has_criteria = "criterion" in frame.columns
        if tie_codes and not has_criteria:
            raise TabularError(
                "--tie-break needs per-criterion scores: the file has no 'criterion' column",
                path=file,
            )
        if has_criteria:
            blank = frame.index[frame["criterion"] == ""]
            if len(blank):
                raise TabularError(
                    "empty; give every row a criterion, or drop the column for totals",
                    path=file,
                    column="criterion",
                    row=int(blank[0]),
                )
        unique(frame, ["judge", "entry", *(["criterion"] if has_criteria else [])], path=file)
        scores = frame.assign(score=numbers(frame, "score", path=file)).reset_index(drop=True)

        columns, spread = COLUMNS, None
        try:
            if intervals is None:
                result = rank_entries(scores, settings)
            else:
                spread = rank_intervals(
                    scores=scores, settings=settings, n_resamples=intervals, seed=seed
                )
                result, columns = spread.ranking, COLUMNS + INTERVAL_COLUMNS
        except RankingRefused as exc:
            detail = json.dumps(exc.detail, ensure_ascii=False, default=str)
            if len(detail) > _DETAIL:
                detail = detail[:_DETAIL] + "…"
            raise CommandError(
                f"{file}: ranking refused ({exc.code}): {exc.reason}; detail {detail}"
            ) from exc

        self.emit((spread or result).to_csv_bytes(columns=columns), out)
        shape = "per-criterion scores" if has_criteria else "scorecard totals"
        self.note(
            f"method {result.method}; {len(result.rows)} entries, {len(result.judges)} judges, "
            f"{len(frame)} rows of {shape}"
            + (f"; tie-break {', '.join(tie_codes)}" if tie_codes else "")
        )
        self.note(f"inputs sha256 {result.inputs_sha256}")
        if spread is not None:
            self.note(f"rank intervals: {spread.n_resamples} resamples, seed {spread.seed}")
