"""``manage.py allocate_prizes``: award prize tiers along a final ranking (API.md, DOMAIN §7).

The rules — slots in tier order, minimum scores, tied groups sharing their slots' total — are
:func:`results.prizes.prizes_allocate`'s. This command reads a ranking as ``rank_scores`` writes
it and the tiers in order, and writes ``entry,tier,amount,joint``.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import CommandError

from core.filecommand import FileCommand, csv_bytes, krw
from core.tabular import choices, decimals, integers, read_table, unique
from results.prizes import GRANT, PRIZE, PrizeError, RankedEntry, Tier, prizes_allocate

COLUMNS = ["entry", "tier", "amount", "joint"]


class Command(FileCommand):
    help = (
        "Allocate prize tiers along a ranking. --ranking: CSV/XLSX rank,entry,score (as written "
        "by rank_scores; ties share a rank). --tiers: tier,count,amount[,min_score][,kind]"
        "[,name], best tier first; kind is prize (default) or grant. Writes CSV "
        "entry,tier,amount,joint to --out or stdout; awarded, unallocated and remainder (KRW) go "
        "to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("--ranking", required=True, metavar="FILE", help="rank,entry,score")
        parser.add_argument(
            "--tiers", required=True, metavar="FILE", help="tier,count,amount[,min_score]"
        )
        parser.add_argument("--out", metavar="FILE", help="write the CSV here instead of stdout")

    def run(self, *, ranking, tiers, out, **_):
        ranked = _ranking(ranking)
        tier_list = _tiers(tiers)
        try:
            allocation = prizes_allocate(ranking=ranked, tiers=tier_list)
        except PrizeError as exc:
            raise CommandError(f"{ranking}: {exc.code}: {exc.message}") from exc

        rows = [
            (award.entry, award.tier_code, award.amount, "true" if award.joint else "false")
            for award in allocation.awards
        ]
        self.emit(csv_bytes(COLUMNS, rows), out)
        slots = sum(tier.count for tier in tier_list)
        self.note(f"tiers total {krw(allocation.tiers_total)} in {slots} slots")
        self.note(f"awarded {krw(allocation.awarded_total)} to {len(allocation.awards)} entries")
        self.note(f"unallocated {krw(allocation.unallocated)}")
        self.note(f"remainder {krw(allocation.remainder)}")
        if allocation.unawarded_slots:
            empty = Counter(slot.tier_code for slot in allocation.unawarded_slots)
            self.note(
                "unawarded slots: "
                + ", ".join(f"{code} × {count}" for code, count in empty.items())
            )


def _ranking(path: str) -> list[RankedEntry]:
    frame = read_table(path, required=["rank", "entry", "score"])
    unique(frame, ["entry"], path=path)
    ranks = integers(frame, "rank", path=path, minimum=1)
    scores = decimals(frame, "score", path=path)
    return [
        RankedEntry(entry, rank, score)
        for entry, rank, score in zip(frame["entry"], ranks, scores, strict=True)
    ]


def _tiers(path: str) -> list[Tier]:
    frame = read_table(
        path, required=["tier", "count", "amount"], optional=["min_score", "kind", "name"]
    )
    unique(frame, ["tier"], path=path)
    counts = integers(frame, "count", path=path, minimum=0)
    amounts = integers(frame, "amount", path=path, minimum=0, thousands=True)
    blank = [None] * len(frame)
    minimums = (
        decimals(frame, "min_score", path=path, blank=True)
        if "min_score" in frame.columns
        else blank
    )
    kinds = (
        choices(frame, "kind", [PRIZE, GRANT], path=path, default=PRIZE)
        if "kind" in frame.columns
        else [PRIZE] * len(frame)
    )
    names = frame["name"].tolist() if "name" in frame.columns else blank
    return [
        Tier(code, name or code, count, amount, min_score=minimum, kind=kind)
        for code, name, count, amount, minimum, kind in zip(
            frame["tier"], names, counts, amounts, minimums, kinds, strict=True
        )
    ]
