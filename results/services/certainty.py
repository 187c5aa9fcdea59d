"""How sure is the order? (DOMAIN §6) — computed with every ranking, stored with its snapshot,
and acknowledged by the organizer where a prize boundary is contested.

* :func:`round_certainty` — a round's ranking with its rank intervals (``results.intervals``:
  rank_low, rank_high, p_advance for the round's advancement rule, contested) and its judges'
  reliability (``results.reliability``: agreement, offset ± SE, ICC(2,1) and ICC(2,k)).
  ``ranking_compute`` stores the three in the snapshot's rows, judges and ``certainty``.
* :func:`final_certainty` — the final ranking's intervals (``results.final_intervals``: every
  weighted round resampled and recombined with the weights), P(reaching each prize tier), per
  division where the tiers are, and the entries whose interval crosses a tier boundary.
* :func:`contested_boundaries` — the tier boundaries of a final ranking that some entry's
  interval crosses, with those entries: what the allocation step warns about.
* :func:`boundaries_acknowledge` — the organizer confirms the order (or records the judges'
  deliberation) with a note; audited. ``publication.allocation_approve`` refuses
  (``boundary_unacknowledged``) until then: :func:`boundaries_require`.

Resamples: ``settings.RANKING_RESAMPLES`` (1,000), seeded from the ranking's inputs hash, so
the same scorecards and settings store the same figures.
"""

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import pandas as pd
from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, Round
from contests.permissions import organizer_required
from contests.phases import Action
from core.audit import audit_record
from core.errors import Conflict, ValidationFailed
from results import ranking as engine
from results.final_intervals import FinalIntervals, WeightedRound, final_intervals, tier_boundaries
from results.intervals import rank_intervals
from results.models import Allocation, BoundaryDecision, RankingSnapshot
from results.reliability import icc_level, judge_reliability
from results.season import season_require


def resamples() -> int:
    return int(django_settings.RANKING_RESAMPLES)


def _json(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


@dataclass
class Certain:
    """A ranking with what its snapshot stores about its certainty."""

    result: engine.RankingResult
    rows: pd.DataFrame  # the ranking's rows, plus the interval columns
    judges: list[dict] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # the snapshot's ``certainty``


def _advancement(rnd: Round) -> dict:
    if rnd.advance_count is not None:
        return {"top_n": int(rnd.advance_count)}
    if rnd.advance_percent is not None:
        return {"top_percent": float(rnd.advance_percent)}
    return {}


def _judges(result: engine.RankingResult, reliability) -> list[dict]:
    """The ranking's judge statistics (count, mean, std; offset ± SE when calibrated) with the
    reliability's shared, agreement and — for the other methods — the calibrated offset as an
    estimate of the judge's leniency (not applied to their scores)."""
    judges = result.judges.copy()
    extra = reliability.judges.set_index(reliability.judges["judge"].astype(str))
    key = judges["judge"].astype(str)
    for column in ("shared", "agreement", "offset", "offset_se"):
        if column not in judges.columns:
            judges[column] = extra[column].reindex(key).to_numpy()
    return json.loads(judges.to_json(orient="records", double_precision=10))


def _icc(reliability) -> dict:
    icc = reliability.icc
    return {
        "icc_1": _json(icc.icc_1),
        "icc_k": _json(icc.icc_k),
        "k": _json(icc.k),
        "level_1": icc_level(icc=icc.icc_1),
        "level_k": icc_level(icc=icc.icc_k),
    }


def round_certainty(
    *, frame: pd.DataFrame, settings: engine.RankingSettings, divisions, round: Round
) -> Certain:
    """Rank the round (exactly as ``results.ranking.rank_entries``: same refusals, same rows)
    with its intervals and judge reliability. Raises ``RankingRefused``."""
    n = resamples()
    rule = _advancement(round)
    if n:
        intervals = rank_intervals(
            scores=frame, settings=settings, divisions=divisions, n_resamples=n, **rule
        )
        result, rows = intervals.ranking, intervals.rows
        meta = {
            "n_resamples": n,
            "seed": str(intervals.seed),
            "level": intervals.level,
            "spread_prior_df": intervals.spread_prior_df,
        }
        meta["contested"] = int(rows["contested"].sum())
    else:
        result = engine.rank_entries(frame, settings, divisions=divisions)
        rows, meta = result.rows, {"n_resamples": 0}
    reliability = judge_reliability(scores=frame, calibration_lambda=settings.calibration_lambda)
    meta.update(
        advancement=rule,
        cuts=_cuts(rows, rule, settings.per_division) if rule else [],
        icc=_icc(reliability),
        offsets="applied" if settings.method == "calibrated" else "estimated",
        calibration_lambda=settings.calibration_lambda,
    )
    return Certain(result, rows, _judges(result, reliability), meta)


def _cuts(rows: pd.DataFrame, rule: dict, per_division: bool) -> list[dict]:
    """Where the advancement cut falls, as a rank of the ranking (per division when it ranks
    per division): [{division, rank}]. A top p% of an overall ranking cuts each division at its
    own rank within the division, which is no line on the overall ranks: no entry then."""
    if "top_n" in rule:
        groups = rows["division"].dropna().unique().tolist() if per_division else [None]
        return [{"division": g, "rank": rule["top_n"]} for g in groups]
    if not per_division:
        return []
    share = Fraction(str(rule["top_percent"])) / 100  # as results.ranking.advancement
    sizes = rows.groupby("division", sort=False).size()
    return [{"division": d, "rank": math.ceil(share * int(n))} for d, n in sizes.items()]


# ---- the final ranking -------------------------------------------------------------------


def _tiers(contest: Contest) -> tuple[bool, dict[str | None, list[dict]]]:
    """(tiers per division?, group → [{code, name, name_en, count, boundary}]) in tier order."""
    groups: dict[str | None, list[dict]] = {}
    tiers = contest.prize_tiers.select_related("division").order_by("division__order", "order")
    for t in tiers:
        groups.setdefault(t.division.code if t.division else None, []).append(
            {"code": t.code, "name": t.name_ko, "name_en": t.name_en or t.name_ko, "count": t.count}
        )
    per_division = None not in groups
    for group in groups.values():
        group[:] = [t for t in group if t["count"] > 0]
        for t, boundary in zip(group, tier_boundaries([t["count"] for t in group]), strict=True):
            t["boundary"] = boundary
    return per_division, groups


def final_certainty(
    *,
    contest: Contest,
    final: engine.RankingResult,
    per_division: bool,
    rounds: Callable[[], Sequence[WeightedRound]],
) -> Certain:
    """The final ranking with its intervals, P(tier) and contested tier boundaries. When a
    weighted round's scores changed after its ranking, the ranking is stored without intervals
    and ``certainty.unavailable`` says which round to rank again."""
    n = resamples()
    tiers_per_division, groups = _tiers(contest)
    meta: dict = {
        "n_resamples": n,
        "tiers_per_division": tiers_per_division,
        "tiers": [{"division": g, "tiers": ts} for g, ts in groups.items()],
        "method": "rounds_resampled",
    }
    if not n:
        return Certain(final, final.rows, [], meta)
    try:
        found = final_intervals(
            rounds=rounds(),
            final=final,
            per_division=per_division,
            tiers={g: tuple(t["boundary"] for t in ts) for g, ts in groups.items()},
            tiers_per_division=tiers_per_division,
            n_resamples=n,
        )
    except engine.RankingRefused as exc:
        if exc.code != "round_changed":
            raise
        meta.update(n_resamples=0, unavailable="round_changed", round=exc.detail["round"])
        return Certain(final, final.rows, [], meta)
    meta.update(seed=str(found.seed), level=found.level)
    rows = _final_rows(final.rows, found, groups, tiers_per_division)
    meta["contested"] = int(rows["contested"].sum())
    return Certain(final, rows, [], meta)


def _final_rows(
    rows: pd.DataFrame, found: FinalIntervals, groups: dict, tiers_per_division: bool
) -> pd.DataFrame:
    """The final rows with rank_low, rank_high, contested, and p_tier: {tier code: P(this tier
    or a higher one)} for the tiers of the entry's group."""
    out = rows.assign(
        rank_low=found.rows["rank_low"].to_numpy(),
        rank_high=found.rows["rank_high"].to_numpy(),
        contested=found.rows["contested"].to_numpy(),
    )
    p_tier, crossed = [], []
    for i, division in enumerate(rows["division"].tolist()):
        tiers = groups.get(division if tiers_per_division else None, [])
        p_tier.append(
            {t["code"]: float(found.rows[f"p_tier_{j + 1}"].iat[i]) for j, t in enumerate(tiers)}
        )
        crossed.append(
            [t["code"] for j, t in enumerate(tiers) if found.rows[f"crosses_{j + 1}"].iat[i]]
        )
    out["p_tier"], out["contested_tiers"] = p_tier, crossed
    return out


# ---- contested prize boundaries and their acknowledgement ---------------------------------


@dataclass
class Boundary:
    """A tier boundary some entries' intervals cross: between ``above`` (the tier) and
    ``below`` (the next tier, or None: no prize) at ``rank`` of ``division``'s ranking."""

    division: str | None
    rank: int
    above: dict
    below: dict | None
    entries: list[dict]  # the snapshot's rows whose interval crosses it


def contested_boundaries(snapshot: RankingSnapshot | None) -> list[Boundary]:
    """The contested tier boundaries of a final ranking (none without intervals)."""
    if snapshot is None or not (snapshot.certainty or {}).get("n_resamples"):
        return []
    meta = snapshot.certainty
    per_division = meta.get("tiers_per_division", False)
    found = []
    for group in meta.get("tiers", []):
        tiers = group["tiers"]
        members = [
            r
            for r in snapshot.rows
            if r.get("contested") and (not per_division or r.get("division") == group["division"])
        ]
        for i, tier in enumerate(tiers):
            crossing = [r for r in members if tier["code"] in r.get("contested_tiers", ())]
            if crossing:
                below = tiers[i + 1] if i + 1 < len(tiers) else None
                found.append(Boundary(group["division"], tier["boundary"], tier, below, crossing))
    return found


def boundaries_require(allocation: Allocation) -> None:
    """``allocation_approve``'s check: contested boundaries need the organizer's word first."""
    if allocation.boundaries_acknowledged_at is not None:
        return
    contested = contested_boundaries(allocation.ranking)
    if contested:
        raise Conflict(
            _(
                "Some entries' rank intervals cross a prize boundary. Confirm the order, or "
                "record the judges' deliberation, before approving."
            ),
            code="boundary_unacknowledged",
            detail={"boundaries": boundaries_detail(contested)},
        )


def boundaries_detail(contested: list[Boundary]) -> list[dict]:
    """The contested boundaries as data (the refusal's detail, the audit record, the API)."""
    return [
        {
            "division": b.division,
            "rank": b.rank,
            "above": b.above["code"],
            "below": b.below["code"] if b.below else None,
            "entries": [r["entry_code"] for r in b.entries],
        }
        for b in contested
    ]


@transaction.atomic
def boundaries_acknowledge(*, user, contest: Contest, decision: str, note: str) -> Allocation:
    """Record that the organizer has looked at the contested prize boundaries of the current
    allocation and confirms the order (``confirmed``) or had the judges deliberate
    (``deliberated``), with a note saying why. Audited; approval is refused until then."""
    organizer_required(user, contest)
    season_require(contest, Action.APPROVE)
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("ranking")
        .filter(contest=contest)
        .first()
    )
    if allocation is None:
        raise ValidationFailed(_("Allocate the prizes first."), code="no_allocation")
    if allocation.approved_at is not None:
        raise Conflict(_("This allocation is already approved."), code="already_approved")
    latest = RankingSnapshot.objects.filter(contest=contest, round=None).first()
    if allocation.ranking_id != getattr(latest, "pk", None):
        raise Conflict(
            _("The final ranking changed after this allocation; allocate again."),
            code="allocation_stale",
        )
    contested = contested_boundaries(allocation.ranking)
    if not contested:
        raise ValidationFailed(
            _("No prize boundary is contested: there is nothing to acknowledge."),
            code="no_contested_boundaries",
        )
    errors = {}
    if decision not in BoundaryDecision.values:
        errors["decision"] = [_("Choose whether the order stands or the judges deliberated.")]
    if not (note or "").strip():
        errors["note"] = [_("Write down what was decided and why.")]
    if errors:
        raise ValidationFailed(detail=errors)
    allocation.boundaries_decision = decision
    allocation.boundaries_note = note.strip()
    allocation.boundaries_acknowledged_at = timezone.now()
    allocation.boundaries_acknowledged_by = (
        user if getattr(user, "is_authenticated", False) else None
    )
    allocation.save(
        update_fields=[
            "boundaries_decision",
            "boundaries_note",
            "boundaries_acknowledged_at",
            "boundaries_acknowledged_by",
        ]
    )
    audit_record(
        actor=user,
        action="allocation.boundaries",
        target=allocation,
        contest=contest,
        after={
            "decision": decision,
            "ranking": allocation.ranking_id,
            "boundaries": boundaries_detail(contested),
        },
        reason=note.strip(),
    )
    return allocation
