"""Reading and writing one scorecard in as few round trips as the database allows.

A judge's draft save is the hottest write of the system (200 judges saving every few seconds on
a deadline day), so ``judging.services.scoring`` keeps the rules and this module keeps the SQL:

* ``scorecard_state`` — ONE query: the assignment (the judge's own, not recused, the entry
  visible to judges), its round's criteria, the scorecard if there is one and its scores, and
  the round's and the contest's dates the phase rule reads (``contests.phases``: scorecards
  are saved only inside the round's judging window).
* ``scorecard_write`` — a compare-and-set on ``version``: the scorecard, its scores and the
  audit record change together or not at all, and only if nobody saved in between (it returns
  ``None`` then, and the service decides: retry or ``edit_conflict``). On PostgreSQL it is ONE
  statement (data-modifying CTEs; a single statement is atomic on its own), elsewhere the same
  steps through the ORM in a transaction. ``tests/judging/test_scorecard_store.py`` runs both
  writers on the same saves and compares every row they leave.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from contests.models import Contest, Criterion, Round
from core.audit import audit_record
from core.models import AuditRecord
from judging.enums import ScorecardStatus
from judging.models import Assignment, Score, Scorecard
from judging.selectors import scorable_assignments

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class CriterionLine:
    id: int
    code: str
    max_points: int


@dataclass
class ScorecardState:
    """What a save needs to know, read in one query."""

    round_id: int
    entry_id: Any
    contest_id: int
    criteria: list[CriterionLine]
    round: Round | None = None  # with its contest: the columns the phase rule reads
    card_id: int | None = None
    version: int = 1  # a card not yet created starts at 1, as the page assumes
    status: str = ScorecardStatus.DRAFT
    comment: str = ""
    total: Decimal = Decimal(0)
    scores: dict[str, Decimal] = field(default_factory=dict)

    def snapshot(self) -> dict:
        return scorecard_snapshot(self.status, self.comment, self.total, self.scores)


def scorecard_snapshot(status: str, comment: str, total, scores: dict) -> dict:
    """The audit record's before/after: amounts as fixed two-decimal strings."""
    return {
        "status": str(status),
        "comment": comment,
        "total": str(Decimal(str(total)).quantize(CENTS)),
        "scores": {code: str(Decimal(str(p)).quantize(CENTS)) for code, p in scores.items()},
    }


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# What the phase rule reads of the round and its contest (``contests.phases.phase_require``).
_ROUND = (
    "id",
    "code",
    "name_ko",
    "name_en",
    "order",
    "kind",
    "judging_opens_at",
    "judging_closes_at",
)
_CONTEST = ("id", "status", "opens_at", "closes_at", "appeal_window_days")


def _loaded(model, names: tuple[str, ...], values) -> Any:
    """An instance with just these columns, converted as the ORM converts them (aware
    datetimes on SQLite too); any other field costs a query."""
    converted = []
    for name, value in zip(names, values, strict=True):
        field = model._meta.get_field(name)
        col = field.get_col(model._meta.db_table)
        for convert in connection.ops.get_db_converters(col) + field.get_db_converters(connection):
            value = convert(value, col, connection)
        converted.append(value)
    attnames = [model._meta.get_field(n).attname for n in names]
    return model.from_db(connection.alias, attnames, converted)


@functools.cache
def _state_sql() -> tuple[str, tuple]:
    """The read's SQL and its fixed parameters. Who may score what is not written here: the
    subquery is ``judging.selectors.scorable_assignments`` compiled by the ORM (cached once
    per process), so the page, the API and this read share one definition."""
    scorable, scorable_params = scorable_assignments().values("pk").query.sql_with_params()
    q = connection.ops.quote_name
    extra = ", ".join([*(f"r.{q(c)}" for c in _ROUND), *(f"co.{q(c)}" for c in _CONTEST)])
    sql = f"""
        SELECT a.round_id, a.entry_id, r.contest_id, c.id, c.code, c.max_points,
               sc.id, sc.version, sc.status, sc.comment, sc.total, s.points, {extra}
          FROM {_t(Assignment)} a
          JOIN {_t(Round)} r ON r.id = a.round_id
          JOIN {_t(Contest)} co ON co.id = r.contest_id
          JOIN {_t(Criterion)} c ON c.round_id = a.round_id
          LEFT JOIN {_t(Scorecard)} sc
                 ON sc.round_id = a.round_id AND sc.entry_id = a.entry_id
                AND sc.judge_id = a.judge_id
          LEFT JOIN {_t(Score)} s ON s.scorecard_id = sc.id AND s.criterion_id = c.id
         WHERE a.id = %s AND a.judge_id = %s AND a.id IN ({scorable})
         ORDER BY c.{connection.ops.quote_name("order")}, c.code
    """  # noqa: S608 (table names from the models; every value is a parameter)
    return sql, tuple(scorable_params)


def scorecard_state(*, judge_id: int, assignment_id: int) -> ScorecardState | None:
    """The judge's view of one assignment for saving, or None when it is not theirs to score."""
    with connection.cursor() as cursor:
        sql, scorable_params = _state_sql()
        cursor.execute(sql, [assignment_id, judge_id, *scorable_params])
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    at = 12 + len(_ROUND)
    rnd = _loaded(Round, _ROUND, first[12:at])
    rnd.contest = _loaded(Contest, _CONTEST, first[at : at + len(_CONTEST)])
    state = ScorecardState(
        round_id=first[0],
        entry_id=first[1],
        contest_id=first[2],
        criteria=[CriterionLine(id=r[3], code=r[4], max_points=r[5]) for r in rows],
        round=rnd,
    )
    if first[6] is not None:
        state.card_id, state.version, state.status = first[6], first[7], first[8]
        state.comment, state.total = first[9], Decimal(str(first[10]))
        state.scores = {r[4]: Decimal(str(r[11])) for r in rows if r[11] is not None}
    return state


@dataclass(frozen=True)
class ScorecardChange:
    """One save: the new values, and the audit record's who and what."""

    card_id: int | None  # None: the judge's first save, which creates the card
    round_id: int
    entry_id: Any
    version: int  # the version the change was computed from (compare-and-set)
    scores: dict[int, tuple[Decimal, int]]  # criterion id → (points, max points)
    total: Decimal
    comment: str
    submit: bool
    actor_id: int
    contest_id: int
    before: dict
    after: dict

    @property
    def action(self) -> str:
        return "scorecard.submit" if self.submit else "scorecard.save"


def scorecard_write(change: ScorecardChange) -> tuple[int, int] | None:
    """Apply the change if the card is still a draft at ``change.version``: (card id, new
    version), or None when somebody saved, submitted or created the card in between (nothing
    was written; read again)."""
    if change.card_id is None:
        return _first_write(change)
    version = _writer()(change)
    return None if version is None else (change.card_id, version)


def _writer():
    return _write_postgresql if connection.vendor == "postgresql" else _write_orm


def _first_write(change: ScorecardChange) -> tuple[int, int] | None:
    """Create the card (version 1) and write the change in one transaction."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                card = Scorecard.objects.create(
                    round_id=change.round_id, entry_id=change.entry_id, judge_id=change.actor_id
                )
        except IntegrityError:  # a simultaneous first save created it
            return None
        return scorecard_write(replace(change, card_id=card.pk, version=card.version))


def _write_orm(change: ScorecardChange) -> int | None:
    now = timezone.now()
    with transaction.atomic():
        updated = Scorecard.objects.filter(
            pk=change.card_id, version=change.version, status=ScorecardStatus.DRAFT
        ).update(
            total=change.total,
            comment=change.comment,
            version=F("version") + 1,
            status=ScorecardStatus.SUBMITTED if change.submit else ScorecardStatus.DRAFT,
            submitted_at=now if change.submit else None,
            updated_at=now,
        )
        if not updated:
            return None
        Score.objects.filter(scorecard_id=change.card_id).exclude(
            criterion_id__in=list(change.scores)
        ).delete()
        if change.scores:
            Score.objects.bulk_create(
                [
                    Score(scorecard_id=change.card_id, criterion_id=c, points=p, max_points=m)
                    for c, (p, m) in change.scores.items()
                ],
                update_conflicts=True,
                unique_fields=["scorecard", "criterion"],
                update_fields=["points", "max_points"],
            )
        audit_record(
            actor=change.actor_id,
            action=change.action,
            target=Scorecard(pk=change.card_id),
            contest=change.contest_id,
            before=change.before,
            after=change.after,
        )
    return change.version + 1


@functools.cache
def _postgresql_sql() -> str:
    return f"""
        WITH card AS (
            UPDATE {_t(Scorecard)}
               SET total = %(total)s, comment = %(comment)s, version = version + 1,
                   status = %(status)s, submitted_at = %(submitted_at)s, updated_at = %(now)s
             WHERE id = %(card)s AND version = %(version)s AND status = %(draft)s
         RETURNING id, version
        ), cleared AS (
            DELETE FROM {_t(Score)}
             WHERE scorecard_id IN (SELECT id FROM card)
               AND NOT (criterion_id = ANY(%(criteria)s::bigint[]))
        ), saved AS (
            INSERT INTO {_t(Score)} (scorecard_id, criterion_id, points, max_points)
            SELECT card.id, s.criterion_id, s.points, s.max_points
              FROM card, unnest(%(criteria)s::bigint[], %(points)s::numeric[],
                                %(maxima)s::smallint[]) AS s(criterion_id, points, max_points)
            ON CONFLICT (scorecard_id, criterion_id)
            DO UPDATE SET points = EXCLUDED.points, max_points = EXCLUDED.max_points
        ), audited AS (
            INSERT INTO {_t(AuditRecord)} (contest_id, actor_id, action, target_type, target_id,
                                            before, after, reason, created_at)
            SELECT %(contest)s, %(actor)s, %(action)s, %(target_type)s, card.id::text,
                   %(before)s::jsonb, %(after)s::jsonb, '', %(now)s
              FROM card
        )
        SELECT version FROM card
    """  # noqa: S608 (table names from the models; every value is a parameter)


def _write_postgresql(change: ScorecardChange) -> int | None:
    now = timezone.now()
    params = {
        "card": change.card_id,
        "version": change.version,
        "draft": ScorecardStatus.DRAFT,
        "status": ScorecardStatus.SUBMITTED if change.submit else ScorecardStatus.DRAFT,
        "submitted_at": now if change.submit else None,
        "now": now,
        "total": change.total,
        "comment": change.comment,
        "criteria": list(change.scores),
        "points": [p for p, _ in change.scores.values()],
        "maxima": [m for _, m in change.scores.values()],
        "contest": change.contest_id,
        "actor": change.actor_id,
        "action": change.action,
        "target_type": Scorecard._meta.label_lower,
        "before": json.dumps(change.before),
        "after": json.dumps(change.after),
    }
    with connection.cursor() as cursor:
        cursor.execute(_postgresql_sql(), params)
        row = cursor.fetchone()
    return row[0] if row else None
