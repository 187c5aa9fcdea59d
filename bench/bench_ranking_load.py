"""Benchmark: loading 750,000 submitted scores from PostgreSQL into the ranking engine.

50,000 entries × 3 judges × 5 criteria in one round (200 judges), generated in SQL inside a
throwaway database of a unique name (dropped afterwards). Timed:
``results.services.rankings.scores_frame`` (the scores as numbers in one query, each scorecard's
entry in another, casts in SQL) — median of 3 — and the whole ``ranking_compute`` once (load +
rank + store the snapshot).
Baseline: a naive per-entry ORM loop (scorecards of the entry, then each one's scores, summed in
Python) on 500 entries, scaled linearly to 50,000. ratio = value / baseline (< 1: faster).

PostgreSQL comes from ``bench.server.postgres_url`` (DATABASE_URL when it names one, else the
local default, started if stopped). Run: ``.venv/bin/python -m bench.bench_ranking_load``.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server
from bench.generate import (
    UNUSABLE,
    bench_judges_make,
    scorecards_generate,
    throwaway_database,
)

N_ENTRIES, N_JUDGES, K = 50_000, 200, 3
SLICE = 500
CRITERIA = [("c1", 30), ("c2", 25), ("c3", 20), ("c4", 15), ("c5", 10)]


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = server.postgres_url()  # before the settings read it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def _generate(rnd, owner_id: int, division_id: int) -> None:
    from django.db import connection

    bench_judges_make(N_JUDGES)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO submissions_entry (id, contest_id, owner_id, division_id, status,
                receipt_number, blind_code, seal_sha256, title, description, team_name,
                video_url, eligibility_reason, created_at, updated_at)
            SELECT gen_random_uuid(), %s, %s, %s, 'in_judging', 'B-' || g, 'X-' || g, '',
                   'bench', '', '', '', '', now(), now()
            FROM generate_series(1, %s) g""",
            [rnd.contest_id, owner_id, division_id, N_ENTRIES],
        )
        scorecards_generate(
            cur,
            contest_id=rnd.contest_id,
            round_id=rnd.pk,
            per_entry=K,
            judges=N_JUDGES,
        )
        cur.execute("ANALYZE judging_score; ANALYZE judging_scorecard; ANALYZE submissions_entry")


def _naive(rnd, entries) -> float:
    from judging.models import Scorecard

    started = time.perf_counter()
    for entry in entries:
        totals = []
        for card in Scorecard.objects.filter(round=rnd, entry=entry, status="submitted"):
            totals.append(sum(float(s.points) for s in card.scores.all()))
        _ = sum(totals) / len(totals)
    return time.perf_counter() - started


def run() -> dict:
    _setup_django()

    with throwaway_database("gongmo_bench_ranking"):
        from accounts.models import User
        from contests.models import Criterion, Round
        from contests.seed import wsce2021_seed
        from core.actors import SYSTEM
        from results.services.rankings import ranking_compute, scores_frame
        from submissions.models import Entry

        # The 2021 calendar: the deadline has passed, so the round may be ranked (contests.phases).
        _smart, drawing = wsce2021_seed()
        rnd = Round.objects.create(
            contest=drawing,
            code="bench",
            name_ko="벤치",
            order=9,
            judges_per_entry=K,
            method="z_score",
            tie_break=["c1", "c2"],
        )
        for order, (code, points) in enumerate(CRITERIA):
            Criterion.objects.create(
                round=rnd, code=code, name_ko=code, max_points=points, order=order
            )
        owner = User.objects.create(username="bench-owner", role="guardian", password=UNUSABLE)
        started = time.perf_counter()
        _generate(rnd, owner.pk, drawing.divisions.first().pk)
        generated = time.perf_counter() - started
        times = []
        for _ in range(3):
            started = time.perf_counter()
            frame = scores_frame(rnd)
            times.append(time.perf_counter() - started)
        if len(frame) != N_ENTRIES * K * len(CRITERIA):
            raise RuntimeError(f"expected {N_ENTRIES * K * 5} rows, got {len(frame)}")
        load = statistics.median(times)
        started = time.perf_counter()
        ranking_compute(user=SYSTEM, round=rnd)
        whole = time.perf_counter() - started
        entries = list(Entry.objects.filter(contest=drawing).order_by("receipt_number")[:SLICE])
        naive = _naive(rnd, entries) * (N_ENTRIES / SLICE)
    note = (
        f"{len(frame):,} rows from PostgreSQL (generated in {generated:.0f} s); baseline = "
        f"naive per-entry ORM loop on {SLICE} entries ×{N_ENTRIES // SLICE}"
    )
    return {
        "ranking_pg_load_seconds": {
            "value": load,
            "unit": "s",
            "baseline": naive,
            "ratio": load / naive,
            "target": 3.0,
            "target_op": "<=",
            "target_on": "value",
            "note": note,
        },
        "ranking_compute_total_seconds": {
            "value": whole,
            "unit": "s",
            "baseline": naive,
            "ratio": whole / naive,
            "note": "load + rank + store snapshot, once",
        },
    }


if __name__ == "__main__":
    for name, row in run().items():
        print(
            f"{name:<32} {row['value']:8.3f} {row['unit']}  baseline {row['baseline']:8.1f}"
            f"  ratio {row['ratio']:.4f}  ({row['note']})"
        )
