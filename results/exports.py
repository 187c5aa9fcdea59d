"""Organizer exports: rankings, scorecards and the payout sheet as CSV or XLSX (DOMAIN §8).

What a reader sees: headers in the active language (Korean by default, English with
``?lang=en``), names instead of codes (rounds, methods, divisions, tiers, kinds, judges), times
in KST, and in XLSX number formats with thousands separators (won) and two decimals (scores).
A ranking computed without every scorecard carries its recorded reason on each of its rows.

Spreadsheet formulas are neutralised: a text cell starting with =, +, -, @ (or a tab or
carriage return) gets a leading apostrophe, so a team named "=HYPERLINK(…)" stays text.
"""

import io
from decimal import Decimal

import pandas as pd
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from contests.models import Contest
from contests.phases import KST
from judging.enums import ScorecardStatus
from judging.models import Score, Scorecard
from results import payouts
from results.models import Allocation
from results.pages import method_label, override_text
from results.services.rankings import latest_ranking
from submissions.models import Entry

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
WON, SCORE = "#,##0", "0.00"  # XLSX number formats

HEADERS = {  # column key → header (lazy: the language active when the file is written)
    "round": gettext_lazy("Round"),
    "method": gettext_lazy("Method"),
    "rank": gettext_lazy("Rank"),
    "entry_code": gettext_lazy("Receipt number"),
    "title": gettext_lazy("Title"),
    "division": gettext_lazy("Division"),
    "score": gettext_lazy("Score"),
    "n_judges": gettext_lazy("Judges"),
    "total_min": gettext_lazy("Lowest judge total"),
    "total_max": gettext_lazy("Highest judge total"),
    "total_std": gettext_lazy("Deviation of judge totals"),
    "rank_low": gettext_lazy("Rank interval (90%): from"),
    "rank_high": gettext_lazy("Rank interval (90%): to"),
    "p_advance": gettext_lazy("Chance to advance"),
    "p_tier": gettext_lazy("Chance of each prize tier or higher"),
    "contested": gettext_lazy("Contested boundary"),
    "override": gettext_lazy("Ranked without every scorecard (reason)"),
    "computed_at": gettext_lazy("Computed at (KST)"),
    "inputs_sha256": gettext_lazy("Inputs (SHA-256)"),
    "judge": gettext_lazy("Judge"),
    "judge_affiliation": gettext_lazy("Affiliation"),
    "total": gettext_lazy("Total"),
    "comment": gettext_lazy("Comment"),
    "submitted_at": gettext_lazy("Submitted at (KST)"),
    "tier": gettext_lazy("Award"),
    "kind": gettext_lazy("Kind"),
    "recipient": gettext_lazy("Recipient"),
    "is_leader": gettext_lazy("Team leader"),
    "gross": gettext_lazy("Gross (KRW)"),
    "taxable": gettext_lazy("Taxable income (KRW)"),
    "income_tax": gettext_lazy("Income tax (KRW)"),
    "local_tax": gettext_lazy("Local income tax (KRW)"),
    "net": gettext_lazy("Net (KRW)"),
}
MONEY = {"gross", "taxable", "income_tax", "local_tax", "net"}
SCORES = {"score", "total", "total_min", "total_max", "total_std"}
KINDS = {"prize": gettext_lazy("Prize money (taxed)"), "grant": gettext_lazy("Grant")}


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def kst_text(when) -> str:
    return timezone.localtime(when, KST).strftime("%Y-%m-%d %H:%M:%S") if when else ""


def _header(key: str, extra: dict[str, str]) -> str:
    return str(extra.get(key) or HEADERS.get(key) or key)


def table_bytes(
    rows: list[dict], columns: list[str], fmt: str, *, headers: dict[str, str] | None = None
) -> bytes:
    """The table as CSV (UTF-8 with a BOM, so Excel reads Korean) or XLSX (formatted)."""
    headers = headers or {}
    labels = [_header(c, headers) for c in columns]
    frame = pd.DataFrame([[neutralise(r.get(c)) for c in columns] for r in rows], columns=labels)
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False)
        sheet = writer.sheets["Sheet1"]
        for i, key in enumerate(columns, start=1):
            number = WON if key in MONEY else SCORE if key in SCORES or key in headers else None
            letter = sheet.cell(row=1, column=i).column_letter
            width = max([len(labels[i - 1]) * 2, *(len(str(r.get(key) or "")) for r in rows[:200])])
            sheet.column_dimensions[letter].width = min(60, max(10, width + 2))
            if number is None:
                continue
            for cell in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                if isinstance(cell[0].value, int | float):
                    cell[0].number_format = number
        sheet.freeze_panes = "A2"
    return out.getvalue()


def _entries(contest: Contest, ids) -> dict[str, Entry]:
    return {
        str(e.pk): e
        for e in Entry.objects.filter(contest=contest, pk__in=list(ids)).select_related("division")
    }


def _certainty(row: dict, tiers: dict[str, str]) -> dict:
    """How sure the row's rank is (DOMAIN §6): its 90 % interval, P(advance) in a round with a
    cut, P(each tier or higher) in the final ranking as "대상 12% · 최우수상 40%", contested."""
    if "rank_low" not in row:
        return {}
    p_tier = row.get("p_tier") or {}
    return {
        "rank_low": row.get("rank_low"),
        "rank_high": row.get("rank_high"),
        "p_advance": row.get("p_advance"),
        "p_tier": " · ".join(f"{tiers.get(c, c)} {round(100 * p)}%" for c, p in p_tier.items()),
        "contested": _("yes") if row.get("contested") else "",
    }


def rankings_rows(contest: Contest) -> tuple[list[dict], list[str], dict[str, str]]:
    rows, round_columns = [], {}
    tiers = {t.code: t.name for t in contest.prize_tiers.all()}
    rounds = list(contest.rounds.order_by("order"))
    for rnd in [*rounds, None]:
        snap = latest_ranking(contest, rnd)
        if snap is None:
            continue
        entries = _entries(contest, (r["entry_id"] for r in snap.rows))
        override = override_text(snap)
        if rnd is None:
            round_columns = {
                f"score_{r.code}": _("Score of %(round)s") % {"round": r.name} for r in rounds
            }
        for r in snap.rows:
            entry = entries.get(r["entry_id"])
            rows.append(
                {
                    **{k: v for k, v in r.items() if k.startswith("score_")},
                    "round": rnd.name if rnd else _("Final ranking"),
                    "method": method_label(snap.method),
                    "rank": r.get("rank"),
                    "entry_code": r.get("entry_code"),
                    "title": entry.title if entry else "",
                    "division": entry.division.name if entry else r.get("division"),
                    "score": r.get("score"),
                    "n_judges": r.get("n_judges"),
                    "total_min": r.get("total_min"),
                    "total_max": r.get("total_max"),
                    "total_std": r.get("total_std"),
                    **_certainty(r, tiers if rnd is None else {}),
                    "override": override,
                    "computed_at": kst_text(snap.created_at),
                    "inputs_sha256": snap.inputs_sha256,
                }
            )
    columns = [
        "round",
        "method",
        "rank",
        "entry_code",
        "title",
        "division",
        "score",
        *round_columns,
        "n_judges",
        "total_min",
        "total_max",
        "total_std",
        "rank_low",
        "rank_high",
        "p_advance",
        "p_tier",
        "contested",
        "override",
        "computed_at",
        "inputs_sha256",
    ]
    return rows, columns, round_columns


def scorecards_rows(contest: Contest) -> tuple[list[dict], list[str], dict[str, str]]:
    cards = (
        Scorecard.objects.filter(round__contest=contest, status=ScorecardStatus.SUBMITTED)
        .select_related("round", "judge", "entry__division")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("round__order", "entry__receipt_number", "judge__name", "judge__username")
    )
    rows, criteria = [], {}
    for card in cards:
        row = {
            "round": card.round.name,
            "entry_code": card.entry.receipt_number,
            "division": card.entry.division.name,
            "judge": card.judge.name or card.judge.username,
            "judge_affiliation": card.judge.affiliation,
            "total": float(card.total),
            "comment": card.comment,
            "submitted_at": kst_text(card.submitted_at),
        }
        for s in card.scores.all():
            key = f"criterion_{s.criterion.code}"
            row[key] = float(s.points)
            criteria.setdefault(key, f"{s.criterion.name} ({s.criterion.max_points})")
        rows.append(row)
    columns = [
        "round",
        "entry_code",
        "division",
        "judge",
        "judge_affiliation",
        *criteria,
        "total",
        "comment",
        "submitted_at",
    ]
    return rows, columns, criteria


def payout_rows(contest: Contest) -> tuple[list[dict], list[str], dict[str, str]]:
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
        return [], columns, {}
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
    english = (get_language() or "ko").startswith("en")  # tier names in the file's language
    awards = []
    for a in allocation.awards:
        e = entries[a["entry_id"]]
        people = [f"{m.name} <{m.email}>" for m in e.members.all()] or [
            f"{e.owner.name or e.owner.username} <{e.owner.email}>"
        ]
        leader = next((f"{m.name} <{m.email}>" for m in e.members.all() if m.is_leader), people[0])
        tier = (a.get("tier_name_en") if english else None) or a["tier_name"]
        for kind, amount in (("prize", a["prize_amount"]), ("grant", a["grant_amount"])):
            if amount:
                awards.append(
                    payouts.PayoutAward(e.receipt_number, tier, amount, kind, people, leader)
                )
    rows = [
        {
            "entry_code": r.entry,
            "tier": r.tier,
            "kind": str(KINDS.get(r.kind, r.kind)),
            "recipient": r.recipient,
            "is_leader": _("yes") if r.is_leader else "",
            "gross": r.gross,
            "taxable": r.taxable,
            "income_tax": r.income_tax,
            "local_tax": r.local_tax,
            "net": r.net,
        }
        for r in payouts.payout_sheet(awards, policy=policy)
    ]
    return rows, columns, {}


EXPORTS = {"rankings": rankings_rows, "scorecards": scorecards_rows, "payouts": payout_rows}


def export_bytes(contest: Contest, name: str, fmt: str) -> bytes:
    """One export as a file, in the active language."""
    rows, columns, headers = EXPORTS[name](contest)
    return table_bytes(rows, columns, fmt, headers=headers)
