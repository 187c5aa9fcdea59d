"""Organizer exports: rankings, scorecards and the payout sheet as CSV or XLSX.

Spreadsheet formulas are neutralised: a text cell starting with =, +, -, @ (or a tab or
carriage return) gets a leading apostrophe, so a team named "=HYPERLINK(…)" stays text.
"""

import io
from decimal import Decimal

import pandas as pd
from django.db.models import Prefetch

from contests.models import Contest
from judging.enums import ScorecardStatus
from judging.models import Score, Scorecard
from results import payouts
from results.models import Allocation
from results.services.rankings import latest_ranking
from submissions.models import Entry

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def table_bytes(rows: list[dict], columns: list[str], fmt: str) -> bytes:

    frame = pd.DataFrame(
        [{c: neutralise(r.get(c)) for c in columns} for r in rows], columns=columns
    )
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel reads Korean right
    out = io.BytesIO()
    frame.to_excel(out, index=False, engine="openpyxl")
    return out.getvalue()


def rankings_rows(contest: Contest) -> tuple[list[dict], list[str]]:
    rows = []
    for rnd in [*contest.rounds.order_by("order"), None]:
        snap = latest_ranking(contest, rnd)
        if snap is None:
            continue
        for r in snap.rows:
            rows.append(
                {
                    "round": rnd.code if rnd else "final",
                    "method": snap.method,
                    "inputs_sha256": snap.inputs_sha256,
                    **r,
                }
            )
    base = [
        "round",
        "method",
        "rank",
        "entry_code",
        "division",
        "score",
        "n_judges",
        "total_min",
        "total_max",
        "total_std",
        "inputs_sha256",
    ]
    extra = sorted({k for r in rows for k in r} - set(base) - {"entry_id"})
    return rows, base + extra


def scorecards_rows(contest: Contest) -> tuple[list[dict], list[str]]:
    cards = (
        Scorecard.objects.filter(round__contest=contest, status=ScorecardStatus.SUBMITTED)
        .select_related("round", "judge", "entry")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("round__order", "entry__receipt_number", "judge__username")
    )
    rows, criteria = [], []
    for card in cards:
        row = {
            "round": card.round.code,
            "entry_code": card.entry.receipt_number,
            "judge": card.judge.name or card.judge.username,
            "judge_affiliation": card.judge.affiliation,
            "total": float(card.total),
            "comment": card.comment,
            "submitted_at": card.submitted_at.isoformat(),
        }
        for s in card.scores.all():
            row[s.criterion.code] = float(s.points)
            if s.criterion.code not in criteria:
                criteria.append(s.criterion.code)
        rows.append(row)
    return rows, [
        "round",
        "entry_code",
        "judge",
        "judge_affiliation",
        *criteria,
        "total",
        "comment",
        "submitted_at",
    ]


def payout_rows(contest: Contest) -> tuple[list[dict], list[str]]:
    """Each recipient's gross, withheld taxes and net, from the approved allocation."""
    allocation = Allocation.objects.filter(contest=contest, approved_at__isnull=False).first()
    columns = [
        "entry_code",
        "tier",
        "kind",
        "recipient",
        "is_leader",
        "gross",
        "taxable",
        "income_tax",
        "local_tax",
        "net",
    ]
    if allocation is None:
        return [], columns
    policy = payouts.TaxPolicy(
        expense_rate=Decimal(contest.tax_expense_rate),
        income_tax_rate=Decimal(contest.tax_income_rate),
        local_tax_rate=Decimal(contest.tax_local_rate),
        threshold=contest.tax_threshold,
    )
    entries = {
        str(e.pk): e
        for e in Entry.objects.filter(pk__in=[a["entry_id"] for a in allocation.awards])
        .select_related("owner")
        .prefetch_related("members")
    }
    awards = []
    for a in allocation.awards:
        e = entries[a["entry_id"]]
        people = [f"{m.name} <{m.email}>" for m in e.members.all()] or [
            f"{e.owner.name or e.owner.username} <{e.owner.email}>"
        ]
        leader = next((f"{m.name} <{m.email}>" for m in e.members.all() if m.is_leader), people[0])
        for kind, amount in (("prize", a["prize_amount"]), ("grant", a["grant_amount"])):
            if amount:
                awards.append(
                    payouts.PayoutAward(
                        e.receipt_number, a["tier_name"], amount, kind, people, leader
                    )
                )
    rows = [
        {
            "entry_code": r.entry,
            "tier": r.tier,
            "kind": r.kind,
            "recipient": r.recipient,
            "is_leader": r.is_leader,
            "gross": r.gross,
            "taxable": r.taxable,
            "income_tax": r.income_tax,
            "local_tax": r.local_tax,
            "net": r.net,
        }
        for r in payouts.payout_sheet(awards, policy=policy)
    ]
    return rows, columns


EXPORTS = {"rankings": rankings_rows, "scorecards": scorecards_rows, "payouts": payout_rows}
