"""Storing a round's ranking: one snapshot and one audit record, whichever way it was ranked
(scorecards: ``results.services.rankings``; pairs: ``results.pairwise_ranking``)."""

from __future__ import annotations

from contests.models import Round
from core.audit import audit_record
from results.models import RankingSnapshot


def round_snapshot_store(
    *,
    user,
    rnd: Round,
    method: str,
    params: dict,
    inputs_sha256: str,
    rows: list[dict],
    judges: list[dict],
    certainty: dict | None = None,
    audited: dict | None = None,
    reason: str = "",
) -> RankingSnapshot:
    """Create the round's snapshot and audit it as ``ranking.compute`` (round, method, inputs'
    hash and entries, plus ``audited``)."""
    snapshot = RankingSnapshot.objects.create(
        contest=rnd.contest,
        round=rnd,
        method=method,
        params=params,
        inputs_sha256=inputs_sha256,
        rows=rows,
        judges=judges,
        **({"certainty": certainty} if certainty is not None else {}),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(
        actor=user,
        action="ranking.compute",
        target=snapshot,
        contest=rnd.contest,
        after={
            "round": rnd.code,
            "method": method,
            "inputs_sha256": inputs_sha256,
            "entries": len(rows),
            **(audited or {}),
        },
        reason=reason,
    )
    return snapshot
