"""Generated judging data for the database benchmarks, written in SQL (PostgreSQL): millions of
rows in seconds, where the ORM would take minutes. The SQL functions take an open cursor;
:func:`throwaway_database` and :func:`bench_judges_make` need Django set up."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

UNUSABLE = "!bench"  # Django treats a password starting with "!" as unusable

SCORECARDS_SQL = """
    WITH e AS (SELECT id, row_number() OVER (ORDER BY receipt_number) AS n
               FROM submissions_entry WHERE contest_id = %s),
         j AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i
               FROM accounts_user WHERE username LIKE 'bench-judge-%%')
    INSERT INTO judging_scorecard (round_id, entry_id, judge_id, status, comment, total,
                                   version, submitted_at, updated_at, unlock_reason)
    SELECT %s, e.id, j.id, 'submitted', %s, 0, 1, now(), now(), ''
    FROM e CROSS JOIN generate_series(0, %s) k
    JOIN j ON j.i = (e.n * 7 + k * 67) %% %s"""

SCORES_SQL = """
    INSERT INTO judging_score (scorecard_id, criterion_id, points, max_points)
    SELECT s.id, c.id, floor(random() * (c.max_points + 1)), c.max_points
    FROM judging_scorecard s JOIN contests_criterion c ON c.round_id = s.round_id
    WHERE s.round_id = %s"""


def scorecards_generate(
    cur, *, contest_id: int, round_id: int, per_entry: int, judges: int, comment: str = ""
) -> None:
    """Every entry of the contest gets ``per_entry`` submitted scorecards in the round, from
    the ``bench-judge-*`` accounts (``judges`` of them, spread evenly), each with random points
    on every criterion of the round."""
    cur.execute(SCORECARDS_SQL, [contest_id, round_id, comment, per_entry - 1, judges])
    cur.execute(SCORES_SQL, [round_id])


@contextmanager
def throwaway_database(prefix: str) -> Iterator[None]:
    """A migrated database of its own for the benchmark, dropped afterwards. Its name is
    unique: the default test name (test_gongmo) may be a test suite's on a shared PostgreSQL,
    and ``setup_databases`` would refuse it or drop it."""
    from django.db import connections  # noqa: PLC0415 - needs Django set up
    from django.test.utils import setup_databases, teardown_databases  # noqa: PLC0415

    test = connections["default"].settings_dict.setdefault("TEST", {})
    test["NAME"] = f"{prefix}_{uuid.uuid4().hex[:8]}"
    state = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(state, verbosity=0)


def bench_judges_make(n: int) -> list:
    """``n`` judge accounts ``bench-judge-0…`` (the ones the SQL above spreads work over)."""
    from accounts.models import User  # noqa: PLC0415 - needs Django set up

    return User.objects.bulk_create(
        [
            User(username=f"bench-judge-{i}", role="judge", name=f"J{i}", password=UNUSABLE)
            for i in range(n)
        ]
    )
