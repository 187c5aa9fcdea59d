"""What the organizer's results page shows, in words: methods, divisions and tiers by their
labels, judges by name and affiliation, the unallocated money with its reasons, the override
of a ranking made without every scorecard. Reads only (the page's view renders them)."""

from dataclasses import dataclass, field

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.models import User
from contests.enums import METHOD_LABELS, Method
from contests.models import Contest, Round
from contests.phases import outstanding_text
from judging.models import Assignment
from results.models import Allocation, RankingSnapshot
from results.services.rankings import latest_ranking
from submissions.enums import EntryStatus
from submissions.models import Entry

ROW_LIMIT = 100  # rows of a ranking shown on the page; the export has them all


def method_label(code: str) -> str:
    if code == "weighted":
        return _("Weighted sum of the rounds")
    try:
        return str(METHOD_LABELS[Method(code)])
    except ValueError:
        return code


def _english() -> bool:
    return (get_language() or "ko").startswith("en")


def judge_names(ids) -> dict[int, str]:
    """Judge id → "name (affiliation)" (one query)."""
    rows = User.objects.filter(pk__in=[i for i in ids if i is not None]).values_list(
        "pk", "name", "username", "affiliation"
    )
    return {
        pk: f"{name or username} ({affiliation})" if affiliation else (name or username)
        for pk, name, username, affiliation in rows
    }


def override_text(snapshot: RankingSnapshot | None) -> str:
    """ "Ranked without 2 scorecards of 1 judge: 김 (2). Reason: …" — or ""."""
    override = (snapshot.params or {}).get("override") if snapshot else None
    if not override:
        return ""
    pairs = [(j["name"], j["outstanding"]) for j in override.get("judges", [])]
    return _("Ranked while %(who)s Reason recorded: %(reason)s") % {
        "who": outstanding_text(pairs).rstrip("."),
        "reason": override.get("reason", ""),
    }


@dataclass
class RoundView:
    round: Round
    snapshot: RankingSnapshot | None
    rows: list[dict] = field(default_factory=list)
    judges: list[dict] = field(default_factory=list)
    method: str = ""  # what the select shows: the latest ranking's method, else the round's
    method_label: str = ""
    override: str = ""
    outstanding: str = ""  # who still owes scorecards (the override form's reason)
    advanced: int = 0
    rank_primary: bool = False  # ranking (or advancing) is the season's one next action
    advance_primary: bool = False


def _advanced_ids(contest: Contest, rnd: Round) -> set[str]:
    """Entries marked as advancing from ``rnd``: assigned in the next round, or advanced."""
    later = Assignment.objects.filter(round__contest=contest, round__order=rnd.order + 1)
    ids = {str(pk) for pk in later.values_list("entry_id", flat=True).distinct()}
    ids |= {
        str(pk)
        for pk in Entry.objects.filter(contest=contest, status=EntryStatus.ADVANCED).values_list(
            "pk", flat=True
        )
    }
    return ids


def round_views(contest: Contest, season) -> list[RoundView]:
    names = {d.code: d.name for d in contest.divisions.all()}
    views = []
    rounds = list(contest.rounds.order_by("order"))
    for rnd in rounds:
        snap = latest_ranking(contest, rnd)
        view = RoundView(round=rnd, snapshot=snap)
        current = season.current.key if season.current else ""
        view.rank_primary = current == f"rank-{rnd.pk}" and snap is None
        view.advance_primary = current == f"rank-{rnd.pk}" and snap is not None
        view.method = (
            snap.method if snap and snap.method in {m.value for m in Method} else rnd.method
        )
        facts = season.facts.rounds.get(rnd.pk)
        if facts is not None and facts.outstanding_total:
            view.outstanding = outstanding_text(facts.outstanding)
        if snap is not None:
            view.method_label = method_label(snap.method)
            view.override = override_text(snap)
            advancing = _advanced_ids(contest, rnd) if rnd is not rounds[-1] else set()
            view.advanced = len(advancing & {r["entry_id"] for r in snap.rows})
            view.rows = [
                {
                    **r,
                    "division_name": names.get(r.get("division"), r.get("division") or "—"),
                    "advanced": r["entry_id"] in advancing,
                }
                for r in snap.rows[:ROW_LIMIT]
            ]
            who = judge_names(j.get("judge") for j in snap.judges)
            view.judges = [
                {
                    **j,
                    "name": who.get(j.get("judge"), "—"),
                    "left": max(0.0, (j.get("mean") or 0) - (j.get("std") or 0)),
                    "width": 2 * (j.get("std") or 0),
                }
                for j in snap.judges
            ]
        views.append(view)
    return views


def final_view(contest: Contest) -> dict | None:
    snap = latest_ranking(contest, None)
    if snap is None or not snap.rows:
        return None
    names = {d.code: d.name for d in contest.divisions.all()}
    rounds = list(contest.rounds.order_by("order"))
    columns = [(r.name, f"score_{r.code}") for r in rounds if f"score_{r.code}" in snap.rows[0]]
    rows = [
        {
            **r,
            "division_name": names.get(r.get("division"), r.get("division") or "—"),
            "round_scores": [r.get(key) for _name, key in columns],
        }
        for r in snap.rows[:ROW_LIMIT]
    ] if snap.rows else []  # fmt: skip
    weights = snap.params.get("weights", {})
    return {
        "snapshot": snap,
        "rows": rows,
        "columns": [name for name, _key in columns],
        "weights": ", ".join(f"{r.name} {weights[r.code]:g}%" for r in rounds if r.code in weights),
        "count": len(snap.rows),
    }


@dataclass
class Unallocated:
    reason: str
    text: str
    amount: int
    slots: int


REASON_TEXT = {
    "too_few_ranked": lambda n: ngettext(
        "too few ranked entries: %(n)d award had no entry left to take it",
        "too few ranked entries: %(n)d awards had no entry left to take them",
        n,
    ),
    "below_minimum": lambda n: ngettext(
        "a minimum score not reached: %(n)d award not given",
        "a minimum score not reached: %(n)d awards not given",
        n,
    ),
}


def unallocated_reasons(allocation: Allocation) -> list[Unallocated]:
    """Why money is unallocated, by reason, from the slots the allocation stored."""
    by_reason: dict[str, list] = {}
    for slot in allocation.unawarded:
        reason = slot[3] if len(slot) > 3 else "below_minimum"  # before reasons were stored
        by_reason.setdefault(reason, []).append(slot)
    out = []
    for reason in ("too_few_ranked", "below_minimum"):
        slots = by_reason.get(reason, [])
        if slots:
            n = len(slots)
            out.append(
                Unallocated(reason, REASON_TEXT[reason](n) % {"n": n}, sum(s[2] for s in slots), n)
            )
    return out


def allocation_view(contest: Contest) -> dict | None:
    allocation = Allocation.objects.filter(contest=contest).first()
    if allocation is None:
        return None
    names = {d.code: d.name for d in contest.divisions.all()}
    english = _english()
    awards = [
        {
            **a,
            "tier_label": (a.get("tier_name_en") if english else a.get("tier_name"))
            or a.get("tier_name"),
            "division_name": names.get(a.get("division"), "") if a.get("division") else "",
        }
        for a in allocation.awards
    ]
    return {
        "allocation": allocation,
        "awards": awards,
        "reasons": unallocated_reasons(allocation),
        "stale": allocation.ranking_id != getattr(latest_ranking(contest, None), "pk", None),
        "approved_by": allocation.approved_by.name or allocation.approved_by.username
        if allocation.approved_by
        else "",
    }
