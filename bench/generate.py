"""Generated judging data for the database benchmarks, written in SQL (PostgreSQL): millions of
rows in seconds, where the ORM would take minutes. Each function takes an open cursor."""

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
