"""The facts the phase rule needs from judging and results, gathered in a fixed number of
queries, and the phase computed with them (``contests.phases`` is the rule; this is its input).

* :func:`season_facts` — each round's ``RoundFacts`` (scorable assignments, who owes which
  scorecards, the latest ranking and its override, the advancement) and the contest's
  ``ResultsFacts`` (final ranking, allocation and approval, the live publication, a schedule).
* :func:`contest_season` — ``contests.phases.contest_phase`` with those facts.
* :func:`season_require` — ``contests.phases.phase_require`` with those facts: what the results
  services (ranking, allocation, approval, publication) call before they write.
"""

from dataclasses import dataclass
from datetime import datetime

from contests.models import Contest, Round
from contests.phases import PhaseState, ResultsFacts, RoundFacts, contest_phase, phase_require
from core.models import AuditRecord
from judging.progress import JudgeOwes, outstanding_pairs, rounds_owed
from results.models import Allocation, Publication, RankingSnapshot


@dataclass(frozen=True)
class SeasonFacts:
    rounds: dict[int, RoundFacts]
    results: ResultsFacts
    owed: dict[int, list[JudgeOwes]]  # per round: each judge's assigned and submitted


def _latest_rankings(contest: Contest) -> dict[int | None, dict]:
    """The latest snapshot of each round (None: the final ranking): id, method, params."""
    latest: dict[int | None, dict] = {}
    rows = (
        RankingSnapshot.objects.filter(contest=contest)
        .order_by("-created_at", "-id")
        .values("id", "round_id", "method", "params", "created_at")
    )
    for row in rows:
        latest.setdefault(row["round_id"], row)
    return latest


def _advanced(contest: Contest) -> dict[int, int]:
    """Entries marked as advancing, per round (the latest ``round.advance`` record)."""
    out: dict[int, int] = {}
    records = (
        AuditRecord.objects.filter(contest=contest, action="round.advance")
        .order_by("-created_at", "-id")
        .values_list("target_id", "after")
    )
    for target, after in records:
        key = int(target) if str(target).isdigit() else None
        if key is not None and key not in out:
            out[key] = int((after or {}).get("advanced", 0))
    return out


def ranked_entry_ids(contest: Contest) -> set[str]:
    """Entries with a score: in the latest ranking of any round (or the final ranking). An
    entry outside all of them was never judged, whatever its status says."""
    ids = list(_latest_rankings(contest).values())
    rows = RankingSnapshot.objects.filter(pk__in=[r["id"] for r in ids]).values_list(
        "rows", flat=True
    )
    return {str(row["entry_id"]) for snapshot_rows in rows for row in snapshot_rows}


def season_facts(contest: Contest) -> SeasonFacts:
    """Five queries, whatever the contest's size."""
    round_ids = [r.pk for r in contest.rounds.all()]
    owed = rounds_owed(round_ids)
    latest = _latest_rankings(contest)
    advanced = _advanced(contest)
    rounds = {}
    for rid in round_ids:
        snap = latest.get(rid)
        override = ((snap or {}).get("params") or {}).get("override") or {}
        rounds[rid] = RoundFacts(
            assigned=sum(j.assigned for j in owed.get(rid, [])),
            outstanding=outstanding_pairs(owed.get(rid, [])),
            ranked=snap is not None,
            override_reason=override.get("reason", ""),
            advanced=advanced.get(rid, 0),
        )
    allocation = (
        Allocation.objects.filter(contest=contest).values("ranking_id", "approved_at").first()
    )
    final = latest.get(None)
    live = Publication.objects.live().filter(contest=contest).values("published_at").first()
    results = ResultsFacts(
        final_ranked=final is not None,
        allocated=allocation is not None,
        approved=bool(
            allocation
            and allocation["approved_at"] is not None
            and final is not None
            and allocation["ranking_id"] == final["id"]
        ),
        published_at=live["published_at"] if live else None,
        scheduled_for=contest.publication_scheduled_for,
    )
    return SeasonFacts(rounds=rounds, results=results, owed=owed)


def contest_season(
    contest: Contest, *, now: datetime | None = None, facts: SeasonFacts | None = None
) -> PhaseState:
    facts = facts or season_facts(contest)
    return contest_phase(contest, now=now, rounds=facts.rounds, results=facts.results)


def season_require(
    contest: Contest,
    action: str,
    *,
    round: Round | None = None,
    now: datetime | None = None,
    override_reason: str = "",
) -> PhaseState:
    """``phase_require`` with every fact of the contest: the guard of the results services."""
    facts = season_facts(contest)
    return phase_require(
        contest,
        action,
        now=now,
        round=round,
        rounds=facts.rounds,
        results=facts.results,
        override_reason=override_reason,
    )
