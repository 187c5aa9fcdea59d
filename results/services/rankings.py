"""Rankings of a round, advancement, and the contest's final ranking (DOMAIN §6).

The arithmetic is the pure ``results.ranking``; this module loads submitted scores, stores
each result as a snapshot with the SHA-256 of its inputs, and moves entries on.
"""

import json
import uuid

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import CharField, FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from contests.enums import RoundKind
from contests.models import Contest, Round
from contests.permissions import organizer_required
from contests.phases import Action, RoundFacts
from core.audit import audit_record
from core.errors import ValidationFailed
from core.models import Job
from core.tasks import job_start
from judging.enums import ScorecardStatus
from judging.models import Score, Scorecard
from judging.selectors import round_is_large
from results import ranking as engine
from results.final_intervals import WeightedRound
from results.models import RankingSnapshot
from results.pairwise_ranking import pairwise_method_check, pairwise_ranking_compute
from results.season import season_require
from results.services import certainty
from results.snapshot_store import round_snapshot_store
from submissions.enums import EntryStatus
from submissions.models import Entry

REFUSALS = {  # the engine's reasons are English; the codes are what clients rely on
    "no_scores": _("No submitted scorecards to rank yet."),
    "too_few_scores": _(
        "Each judge must have scored at least 10 entries for z-scores; "
        "choose another method or wait for more scorecards."
    ),
    "ranking_disconnected": _(
        "The judges' entry sets do not overlap (the judge-entry graph is "
        "disconnected), so z-scores cannot be compared."
    ),
    "incomplete_panel": _("Rank sums need every judge to score every entry."),
    "missing_round_score": _("A finalist has no score in an earlier weighted round."),
}


def _fetched(qs) -> list[tuple]:
    """The rows of ``qs`` as the database cursor gives them: the ORM writes the SQL, but 750,000
    rows of plain numbers need none of its per-row work."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def scores_frame(rnd: Round):
    """Every submitted score of the round as a DataFrame: judge, entry, criterion, points.

    The scores travel as numbers only — (judge, scorecard, criterion, points), one query with
    the casts in SQL — and the entry of each of the round's scorecards once (a scorecard's entry
    never changes), joined here: 750,000 rows without a UUID's text each, and a join small
    enough for PostgreSQL to keep in memory (the form with the entry's text on every row took
    twice as long). A scorecard gone between the two reads (a draft is deleted on a recusal;
    a submitted one never is) has no entry, and its scores are left out as they would be now.
    """
    score_rows = _fetched(
        Score.objects.filter(scorecard__round=rnd, scorecard__status=ScorecardStatus.SUBMITTED)
        .order_by()
        .values_list(
            "scorecard__judge_id", "scorecard_id", "criterion_id", Cast("points", FloatField())
        )
    )
    if not score_rows:
        return pd.DataFrame.from_records([], columns=["judge", "entry", "criterion", "points"])
    card_rows = _fetched(
        Scorecard.objects.filter(round=rnd)
        .order_by()
        .values_list("pk", Cast("entry_id", CharField()))
    )
    codes = dict(rnd.criteria.values_list("pk", "code"))
    table = np.array(score_rows, dtype=np.float64)  # ids are exact in a float below 2**53
    judges, card_ids, criterion_ids = table[:, :3].astype(np.int64).T
    points = table[:, 3]
    ids = np.fromiter((row[0] for row in card_rows), dtype=np.int64, count=len(card_rows))
    entries = [row[1] for row in card_rows]
    at = pd.Index(ids).get_indexer(card_ids)  # each score's scorecard
    kept = at >= 0
    if not kept.all():
        judges, criterion_ids, points, at = (
            judges[kept],
            criterion_ids[kept],
            points[kept],
            at[kept],
        )
    # SQLite casts a UUID to 32 hex digits, PostgreSQL to the dashed form that str(UUID) gives:
    # normalise the distinct values (one per entry), not every row, and only when needed.
    entry_codes, uniques = pd.factorize(pd.Series(entries))
    canonical = (
        list(uniques)
        if connection.vendor == "postgresql"
        else [str(uuid.UUID(str(u))) for u in uniques]
    )
    criteria, criterion_at = np.unique(criterion_ids, return_inverse=True)
    return pd.DataFrame(
        {
            "judge": judges,
            "entry": pd.Categorical.from_codes(entry_codes[at], categories=canonical).astype(str),
            "criterion": pd.Categorical.from_codes(
                criterion_at, categories=[codes[c] for c in criteria]
            ).astype(str),
            "points": points,
        }
    )


def _refused(exc: engine.RankingRefused) -> ValidationFailed:
    message = REFUSALS.get(exc.code, exc.reason)
    return ValidationFailed(message, code=exc.code, detail=exc.detail)


def _records(rows: pd.DataFrame, codes: dict[str, str]) -> list[dict]:
    """JSON-ready rows (numpy types and NaN handled by pandas), with the receipt number."""
    rows = json.loads(rows.to_json(orient="records", double_precision=10))
    for row in rows:
        row["entry_id"] = str(row.pop("entry"))
        row["entry_code"] = codes.get(row["entry_id"], row["entry_id"])
    return rows


def _codes(entry_ids) -> dict[str, str]:
    return {
        str(pk): code
        for pk, code in Entry.objects.filter(pk__in=list(entry_ids)).values_list(
            "pk", "receipt_number"
        )
    }


def _settings(rnd: Round, method: str | None) -> engine.RankingSettings:
    try:
        return engine.RankingSettings(
            method=method or rnd.method,
            tie_break=rnd.tie_break,
            per_division=rnd.per_division,
            calibration_lambda=rnd.calibration_lambda,
        )
    except ValueError as exc:
        raise ValidationFailed(str(exc), code="invalid_method") from exc


@transaction.atomic
def ranking_start(
    *, user, round: Round, method: str | None = None, override_reason: str = ""
) -> RankingSnapshot | Job:
    """Rank the round now, or, for a round larger than ``settings.BACKGROUND_THRESHOLD``,
    queue it as a background job of the round's contest (an unknown method, or scorecards
    outstanding without ``override_reason``, is refused at once either way). The page and the
    API both start here."""
    rnd = Round.objects.select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    season_require(rnd.contest, Action.RANK, round=rnd, override_reason=override_reason)
    if rnd.kind == RoundKind.PAIRWISE:
        pairwise_method_check(rnd, method)
    else:
        _settings(rnd, method)
    if round_is_large(rnd):
        return job_start(
            "results.tasks.round_rank",
            {
                "round_id": rnd.pk,
                "user_id": user.pk,
                "method": method,
                **({"override_reason": override_reason} if override_reason else {}),
            },
            started_by=user,
            contest=rnd.contest,
        )
    return ranking_compute(user=user, round=rnd, method=method, override_reason=override_reason)


def _override(facts: RoundFacts, reason: str) -> dict | None:
    """What a ranking with scorecards outstanding records: the reason and who owed what."""
    if not facts.outstanding_total:
        return None
    return {
        "reason": reason.strip(),
        "outstanding": facts.outstanding_total,
        "judges": [{"name": name, "outstanding": n} for name, n in facts.outstanding],
    }


@transaction.atomic
def ranking_compute(
    *, user, round: Round, method: str | None = None, override_reason: str = ""
) -> RankingSnapshot:
    """Rank the round's submitted scorecards. Refused (``scorecards_outstanding``, with the
    count per judge) while a judge owes a scorecard, unless ``override_reason`` says why the
    organizer ranks without it: the snapshot then records the reason and who owed what, and
    every screen and the export show it."""
    rnd = Round.objects.select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    state = season_require(rnd.contest, Action.RANK, round=rnd, override_reason=override_reason)
    if rnd.kind == RoundKind.PAIRWISE:  # ranked from its Bradley–Terry scale
        pairwise_method_check(rnd, method)
        return pairwise_ranking_compute(user=user, round=rnd)
    override = _override(state.round_state(rnd).facts, override_reason)
    frame = scores_frame(rnd)
    if frame.empty:
        raise _refused(engine.RankingRefused("no_scores", "no submitted scorecards"))
    settings = _settings(rnd, method)
    divisions = _divisions(frame) if rnd.per_division else None
    try:  # the ranking, its rank intervals and the judges' reliability (DOMAIN §6)
        ranked = certainty.round_certainty(
            frame=frame, settings=settings, divisions=divisions, round=rnd
        )
    except engine.RankingRefused as exc:
        raise _refused(exc) from exc
    result = ranked.result
    codes = _codes(result.rows["entry"].astype(str))
    return round_snapshot_store(
        user=user,
        rnd=rnd,
        method=settings.method,
        params={
            "method": settings.method,
            "tie_break": list(settings.tie_break),
            "per_division": settings.per_division,
            **_lambda_param(settings),
            **({"override": override} if override else {}),
        },
        inputs_sha256=result.inputs_sha256,
        rows=_records(ranked.rows, codes),
        judges=ranked.judges,
        certainty=ranked.meta,
        audited={"override": override} if override else None,
        reason=override["reason"] if override else "",
    )


def _divisions(frame: pd.DataFrame) -> dict[str, str]:
    """Entry → division code, for the entries of a score frame (one query)."""
    return {
        str(pk): code
        for pk, code in Entry.objects.filter(pk__in=frame["entry"].unique().tolist()).values_list(
            "pk", "division__code"
        )
    }


def _lambda_param(settings: engine.RankingSettings) -> dict:
    """λ belongs to the settings (and the inputs' hash) of a calibrated ranking only."""
    if settings.method != "calibrated":
        return {}
    return {"calibration_lambda": settings.calibration_lambda}


def _weighted_round(rnd: Round, snapshot: RankingSnapshot, weight: float) -> WeightedRound:
    """A weighted round as its stored ranking computed it, for the final ranking's intervals."""
    params = snapshot.params or {}
    settings = engine.RankingSettings(
        method=snapshot.method,
        tie_break=params.get("tie_break", rnd.tie_break),
        per_division=params.get("per_division", rnd.per_division),
        calibration_lambda=params.get("calibration_lambda", rnd.calibration_lambda),
    )
    frame = scores_frame(rnd)
    return WeightedRound(
        code=rnd.code,
        scores=frame,
        settings=settings,
        weight=weight,
        divisions=_divisions(frame) if settings.per_division else None,
        inputs_sha256=snapshot.inputs_sha256,
    )


def latest_ranking(contest: Contest, rnd: Round | None) -> RankingSnapshot | None:
    return RankingSnapshot.objects.filter(contest=contest, round=rnd).first()


@transaction.atomic
def round_advance(*, user, round: Round) -> list[str]:
    """Mark the top N (or top p% per division) of the round's latest ranking as advanced."""

    rnd = Round.objects.select_related("contest").get(pk=round.pk)
    organizer_required(user, rnd.contest)
    season_require(rnd.contest, Action.ADVANCE, round=rnd)
    if rnd.advance_count is None and rnd.advance_percent is None:
        raise ValidationFailed(_("This round has no advancement rule."), code="no_advancement")
    snapshot = latest_ranking(rnd.contest, rnd)
    if snapshot is None:
        raise ValidationFailed(_("Compute the round's ranking first."), code="no_ranking")
    rows = pd.DataFrame(snapshot.rows).rename(columns={"entry_id": "entry"})
    result = engine.RankingResult(
        rows, pd.DataFrame(), snapshot.method, snapshot.inputs_sha256, None
    )
    advancing = engine.advancement(
        result,
        top_n=rnd.advance_count,
        top_percent=float(rnd.advance_percent) if rnd.advance_percent is not None else None,
    )
    ranked = set(rows["entry"])
    Entry.objects.filter(pk__in=list(advancing)).update(status=EntryStatus.ADVANCED)
    Entry.objects.filter(pk__in=list(ranked - set(advancing))).update(status=EntryStatus.ELIMINATED)
    codes = sorted(r["entry_code"] for r in snapshot.rows if r["entry_id"] in advancing)
    audit_record(
        actor=user,
        action="round.advance",
        target=rnd,
        contest=rnd.contest,
        after={
            "ranking": snapshot.pk,
            "advanced": len(codes),
            "eliminated": len(ranked) - len(codes),
        },
    )
    return codes


@transaction.atomic
def final_ranking_compute(*, user, contest: Contest) -> RankingSnapshot:
    """Final score = weighted round scores (e.g. 30 % + 70 %), finalists = the last round's
    entries, ties broken by the last round's tie-break chain, per division if it ranks so."""

    organizer_required(user, contest)
    season_require(contest, Action.FINAL_RANK)
    weighted = [r for r in contest.rounds.order_by("order") if r.weight > 0]
    if not weighted:
        raise ValidationFailed(_("No round carries weight in the final score."), code="no_weights")
    last = weighted[-1]
    snapshots = {}
    for rnd in weighted:
        snap = latest_ranking(contest, rnd)
        if snap is None:
            raise ValidationFailed(
                _("Compute the ranking of %(round)s first.") % {"round": rnd.name},
                code="no_ranking",
                detail={"round": rnd.code},
            )
        snapshots[rnd.code] = snap
    scores = {
        code: pd.Series({r["entry_id"]: r["score"] for r in s.rows})
        for code, s in snapshots.items()
    }
    weights = {r.code: float(r.weight) for r in weighted}
    final_rows = snapshots[last.code].rows
    tie = (
        pd.DataFrame(
            {c: {r["entry_id"]: r.get(f"mean_{c}") for r in final_rows} for c in last.tie_break}
        )
        if last.tie_break and last.kind != RoundKind.PAIRWISE  # a scale has no criteria
        else None
    )
    divisions = {r["entry_id"]: r["division"] for r in final_rows} if last.per_division else None
    try:
        result = engine.combine_rounds(scores, weights, divisions=divisions, tie_break=tie)
        if any(r.kind == RoundKind.PAIRWISE for r in weighted):
            # the final intervals resample judges' scorecards; a round judged in pairs has none
            # (its own ranking carries rank intervals from its scale's standard errors)
            ranked = certainty.Certain(
                result, result.rows, [], {"n_resamples": 0, "unavailable": "pairwise"}
            )
        else:
            ranked = certainty.final_certainty(  # rank intervals, P(tier), contested boundaries
                contest=contest,
                final=result,
                per_division=last.per_division,
                rounds=lambda: [
                    _weighted_round(r, snapshots[r.code], weights[r.code]) for r in weighted
                ],
            )
    except engine.RankingRefused as exc:
        raise _refused(exc) from exc
    snapshot = RankingSnapshot.objects.create(
        contest=contest,
        round=None,
        method="weighted",
        params={
            "weights": weights,
            "tie_break": list(last.tie_break),
            "per_division": last.per_division,
            "rounds": {c: s.inputs_sha256 for c, s in snapshots.items()},
        },
        inputs_sha256=result.inputs_sha256,
        rows=_records(ranked.rows, _codes(result.rows["entry"].astype(str))),
        certainty=ranked.meta,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    audit_record(
        actor=user,
        action="ranking.final",
        target=snapshot,
        contest=contest,
        after={"inputs_sha256": result.inputs_sha256, "entries": len(snapshot.rows)},
    )
    return snapshot
