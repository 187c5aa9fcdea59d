"""Benchmark: comparative judgement through the database at Track D scale.

A pairwise round of 50,000 entries and 200 judges with 250,000 decided comparisons (random
pairs, generated in SQL inside a throwaway PostgreSQL test database). Timed:

* ``pairwise_scale_pg_seconds``: :func:`judging.scale.pairwise_scale` with an empty cache —
  the pool, the version, the decisions and conflicts loaded, the fit — median of 3. Baseline:
  loading the same decisions as model instances (``list(Comparison.objects…)``), the obvious
  ORM way, before any fitting.
* ``pairwise_scale_cached_seconds``: the same call again (nothing changed: the pool and the
  version are read, the fit comes from the cache).
* ``pairwise_scale_lag_seconds``: what the organizer's page of a round this large costs
  (``lag=0.02``: the last fit is used while the decisions grew by at most 2 %).
* ``pairwise_serve_p50_ms`` / ``_p95_ms``: a judge's request for the next pair
  (:func:`judging.services.comparisons.pair_next` after a decision: the seat, the comparisons
  served since the last request, the judge's conflicts over 50,000 entries, the engine, the
  eligibility check, the insert), over 40 calls. Baseline: a random pair with no rule at all
  (``order_by("?")[:2]``). Target (issue 16): ≤ 50 ms.
* ``pairwise_serve_rebuild_ms``: the same request when the worker rebuilds its state of the
  round from the database (:data:`judging.services.pairing.REBUILD_SECONDS`).

PostgreSQL as the other database benchmarks find it (``bench.server.postgres_url``: DATABASE_URL
when it is one, else the local cluster, started if stopped), in a database of its own. Run:
    .venv/bin/python -m bench.bench_pairwise_load
"""

import os
import statistics
import time

from bench import server
from bench.generate import UNUSABLE, bench_judges_make, throwaway_database

N_ENTRIES, N_JUDGES, N_DECISIONS = 50_000, 200, 250_000
CALLS, RUNS = 40, 3


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = server.postgres_url()  # before the settings read it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def _generate(rnd, owner_id: int, division_id: int) -> None:
    from django.db import connection

    from judging.models import PanelMember

    judges = bench_judges_make(N_JUDGES)
    PanelMember.objects.bulk_create([PanelMember(round=rnd, judge=j) for j in judges])
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO submissions_entry (id, contest_id, owner_id, division_id, status,
                receipt_number, blind_code, seal_sha256, title, description, team_name,
                video_url, eligibility_reason, created_at, updated_at)
            SELECT gen_random_uuid(), %s, %s, %s, 'advanced', 'P-' || lpad(g::text, 6, '0'),
                   'Y-' || g, '', 'bench', '', '', '', '', now(), now()
            FROM generate_series(1, %s) g""",
            [rnd.contest_id, owner_id, division_id, N_ENTRIES],
        )
        cur.execute(
            """
            WITH e AS (SELECT id, row_number() OVER (ORDER BY receipt_number) - 1 AS n
                       FROM submissions_entry WHERE contest_id = %s AND status = 'advanced'),
                 j AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i
                       FROM accounts_user WHERE username LIKE 'bench-judge-%%'),
                 d AS (SELECT g, floor(random() * %s)::int AS a,
                              (floor(random() * (%s - 1))::int + 1) AS step
                       FROM generate_series(1, %s) g)
            INSERT INTO judging_comparison (round_id, judge_id, left_id, right_id, outcome,
                                            served_at, decided_at)
            SELECT %s, j.id, ea.id, eb.id,
                   CASE WHEN random() < 0.5 THEN 'left' ELSE 'right' END,
                   now(), now() + d.g * interval '1 millisecond'
            FROM d JOIN j ON j.i = d.g %% %s
                   JOIN e ea ON ea.n = d.a
                   JOIN e eb ON eb.n = (d.a + d.step) %% %s
            ON CONFLICT DO NOTHING""",
            [
                rnd.contest_id,
                N_ENTRIES,
                N_ENTRIES,
                N_DECISIONS,
                rnd.pk,
                N_JUDGES,
                N_ENTRIES,
            ],
        )
        cur.execute("ANALYZE judging_comparison; ANALYZE submissions_entry")


def run() -> dict:
    _setup_django()
    from django.core.cache import cache

    with throwaway_database("gongmo_bench_pairwise"):
        from accounts.models import User
        from contests.enums import RoundKind
        from contests.models import Round
        from contests.seed import wsce2021_seed
        from judging.models import Comparison, PanelMember
        from judging.scale import pairwise_scale
        from judging.services.comparisons import comparison_decide, pair_next
        from judging.services.pairing import pairing_forget
        from submissions.models import Entry

        # The 2021 calendar: the deadline has passed, so pairs may be served (contests.phases).
        smart, _drawing = wsce2021_seed()
        rnd = Round.objects.create(
            contest=smart,
            code="bench-pairs",
            name_ko="벤치",
            order=9,
            kind=RoundKind.PAIRWISE,
            weight=0,
        )
        owner = User.objects.create(username="bench-owner", role="student", password=UNUSABLE)
        started = time.perf_counter()
        _generate(rnd, owner.pk, smart.divisions.first().pk)
        generated = time.perf_counter() - started
        decided = Comparison.objects.filter(round=rnd).count()

        cold = []
        for _ in range(RUNS):
            cache.clear()
            started = time.perf_counter()
            scale = pairwise_scale(round=rnd)
            cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        pairwise_scale(round=rnd)
        cached = time.perf_counter() - started
        started = time.perf_counter()
        pairwise_scale(round=rnd, lag=0.02)
        lagging = time.perf_counter() - started
        started = time.perf_counter()
        instances = list(Comparison.objects.filter(round=rnd, outcome__in=["left", "right"]))
        orm = time.perf_counter() - started
        del instances

        judge = PanelMember.objects.filter(round=rnd).select_related("judge").first().judge
        rebuilds = []
        for _ in range(RUNS):  # what one request per worker pays each REBUILD_SECONDS
            pairing_forget(rnd)
            started = time.perf_counter()
            held = pair_next(user=judge, round=rnd)
            rebuilds.append((time.perf_counter() - started) * 1000)
            comparison_decide(user=judge, comparison_id=held[0].pk, winner="left")
        served = []
        for _ in range(CALLS):
            started = time.perf_counter()
            held = pair_next(user=judge, round=rnd)
            served.append((time.perf_counter() - started) * 1000)
            comparison_decide(user=judge, comparison_id=held[0].pk, winner="left")
        naive = []
        pool = Entry.objects.filter(contest=smart, status="advanced")
        for _ in range(CALLS):
            started = time.perf_counter()
            list(pool.order_by("?").values_list("pk", flat=True)[:2])
            naive.append((time.perf_counter() - started) * 1000)

    fit_ssr = scale.ssr
    note = (
        f"{decided:,} decisions over {N_ENTRIES:,} entries, {N_JUDGES} judges, PostgreSQL "
        f"(generated in {generated:.0f} s); SSR {fit_ssr:.3f}"
    )
    p50, p95 = statistics.median(served), sorted(served)[int(0.95 * len(served)) - 1]
    b50, b95 = statistics.median(naive), sorted(naive)[int(0.95 * len(naive)) - 1]
    return {
        "pairwise_scale_pg_seconds": {
            "value": statistics.median(cold),
            "unit": "s",
            "baseline": orm,
            "ratio": statistics.median(cold) / orm,
            "note": note + "; baseline: the decisions as ORM instances, not fitted",
        },
        "pairwise_scale_cached_seconds": {
            "value": cached,
            "unit": "s",
            "note": "the same call again: the pool and the version are read, the fit is cached",
        },
        "pairwise_scale_lag_seconds": {
            "value": lagging,
            "unit": "s",
            "note": "the organizer's page of a round this large: the last fit while the "
            "decisions grew by at most 2 % (judging.scale_report.LAG)",
        },
        "pairwise_serve_p50_ms": {
            "value": p50,
            "unit": "ms",
            "baseline": b50,
            "ratio": p50 / b50,
            "target": 50.0,  # issue 16: the next pair in ≤ 50 ms at 50,000 entries
            "target_op": "<=",
            "target_on": "value",
            "note": f"pair_next after a decision, {CALLS} calls; baseline order_by('?')[:2]",
        },
        "pairwise_serve_p95_ms": {
            "value": p95,
            "unit": "ms",
            "baseline": b95,
            "ratio": p95 / b95,
            "target": 50.0,
            "target_op": "<=",
            "target_on": "value",
            "note": "as p50",
        },
        "pairwise_serve_rebuild_ms": {
            "value": statistics.median(rebuilds),
            "unit": "ms",
            "baseline": p50,
            "ratio": statistics.median(rebuilds) / p50,
            "note": "pair_next when the worker rebuilds the round's state from the database "
            "(once per REBUILD_SECONDS per worker), median of 3; baseline: p50",
        },
    }


if __name__ == "__main__":
    for name, row in run().items():
        baseline = f"{row['baseline']:8.3f}" if "baseline" in row else "       -"
        ratio = f"{row['ratio']:.3f}" if "ratio" in row else "-"
        print(
            f"{name:<30} {row['value']:9.3f} {row['unit']:<2} baseline {baseline}  ratio {ratio}"
            f"  ({row['note']})"
        )
