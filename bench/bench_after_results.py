"""Benchmark: after the results of a contest of 30,000 drawings (DOMAIN §8, §9).

Generated in SQL inside a throwaway PostgreSQL test database: 30,000 judged drawings (a child
each), 3 submitted scorecards per drawing on 3 criteria (270,000 scores), a comment on every
scorecard shared by the organizer, the round's ranking and an approved allocation of 30
awards. Measured:

* ``publish_with_feedback_seconds`` — ``results_publish`` as a whole, which now also freezes
  every entry's feedback (per-criterion means, rank band, shared comments); baseline: the same
  publication without the feedback freeze (``feedback_freeze`` replaced by a no-op), so the
  ratio is what the feedback adds.
* ``certificates_issued_per_second`` — the issuing job (``certificates_issue``: the font
  check, then one 참가확인서 per drawing and a 상장 per award, chunk by chunk); no PDF is
  rendered (they are made on download: ``bench_certificates`` measures that). Baseline: a
  bare ``bulk_create`` of the same number of certificate rows.
* ``certificates_issue_heap_mb`` — memory flat: the job runs again (after the rows are
  deleted) under ``tracemalloc``; the value is the highest heap peak within any of the last
  ten chunks, the baseline the highest within the first ten (ratio ≈ 1: flat).

PostgreSQL comes from ``bench.server.postgres_url`` (DATABASE_URL when it names one, else the
local default), in a database of its own name, dropped afterwards (like ``bench_ranking_load``).
Run: ``.venv/bin/python -m bench.bench_after_results`` (part of ``make bench``).
"""

import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server
from bench.generate import (
    UNUSABLE,
    bench_judges_make,
    scorecards_generate,
    throwaway_database,
)

N_ENTRIES, N_JUDGES, K, AWARDS = 30_000, 150, 3, 30


def _setup_django() -> None:
    os.environ["DATABASE_URL"] = server.postgres_url()  # before the settings read it
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"  # 30,000 mails
    import django  # noqa: PLC0415 - after the environment is set
    from django.conf import settings  # noqa: PLC0415

    django.setup()
    settings.DEBUG = False  # as in production: no query log growing with every chunk


def _generate(contest, rnd, owner_id: int, division_id: int) -> None:
    from django.db import connection  # noqa: PLC0415

    bench_judges_make(N_JUDGES)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO submissions_child (guardian_id, name, birth_date, school, grade,
                relationship, created_at)
            SELECT %s, '김하' || chr(44032 + (g %% 11172)), DATE '2014-01-01' + (g %% 1000),
                   '세종초등학교', '2', '어머니', now()
            FROM generate_series(1, %s) g""",
            [owner_id, N_ENTRIES],
        )
        cur.execute(
            """
            INSERT INTO submissions_entry (id, contest_id, owner_id, division_id, status,
                receipt_number, blind_code, seal_sha256, title, description, team_name,
                video_url, eligibility_reason, created_at, updated_at, child_id, submitted_at)
            SELECT gen_random_uuid(), %s, %s, %s, 'in_judging', 'B-' || lpad(c.n::text, 6, '0'),
                   'X-' || c.n, '', '하늘을 나는 버스 ' || c.n, '', '', '', '', now(), now(),
                   c.id, now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM submissions_child
                  WHERE guardian_id = %s) c""",
            [contest.pk, owner_id, division_id, owner_id],
        )
        scorecards_generate(
            cur,
            contest_id=contest.pk,
            round_id=rnd.pk,
            per_entry=K,
            judges=N_JUDGES,
            comment="색감이 밝고 이야기가 있는 그림입니다.",
        )
        cur.execute(
            """
            INSERT INTO results_commentshare (scorecard_id, contest_id, status, text, source,
                                              decided_at)
            SELECT id, %s, 'approved', comment, comment, now() FROM judging_scorecard
            WHERE round_id = %s""",
            [contest.pk, rnd.pk],
        )
        cur.execute("ANALYZE")


def _ranked(contest, rnd) -> None:
    """The round's ranking and the final one (same rows), an approved allocation."""
    from django.utils import timezone  # noqa: PLC0415

    from results.models import Allocation, RankingSnapshot  # noqa: PLC0415
    from submissions.models import Entry  # noqa: PLC0415

    ids = list(
        Entry.objects.filter(contest=contest)
        .order_by("receipt_number")
        .values_list("pk", "receipt_number")
    )
    rows = [
        {
            "rank": n,
            "entry_id": str(pk),
            "entry_code": code,
            "division": None,
            "score": 100 - n / 1000,
        }
        for n, (pk, code) in enumerate(ids, start=1)
    ]
    RankingSnapshot.objects.create(
        contest=contest, round=rnd, method="mean", inputs_sha256="0" * 64, rows=rows
    )
    final = RankingSnapshot.objects.create(
        contest=contest, round=None, method="weighted", inputs_sha256="1" * 64, rows=rows
    )
    awards = [
        {
            "tier": "grand" if n == 1 else "merit",
            "tier_name": "대상" if n == 1 else "입선",
            "tier_name_en": "Grand prize" if n == 1 else "Honourable mention",
            "entry_id": row["entry_id"],
            "entry_code": row["entry_code"],
            "amount": 500_000 if n == 1 else 0,
            "joint": False,
            "rank": n,
            "division": None,
            "kind": "prize",
            "prize_amount": 500_000 if n == 1 else 0,
            "grant_amount": 0,
        }
        for n, row in enumerate(rows[:AWARDS], start=1)
    ]
    Allocation.objects.create(
        contest=contest,
        ranking=final,
        awards=awards,
        tiers_total=500_000,
        awarded_total=500_000,
        unallocated=0,
        remainder=0,
        approved_at=timezone.now(),
    )


def _publish(contest, organizer, *, freeze: bool) -> float:
    from results.services import after_publication, publication  # noqa: PLC0415

    original, phases = after_publication.feedback_freeze, publication.season_require
    if not freeze:
        after_publication.feedback_freeze = lambda **_kw: 0
    # the rows are generated, not judged through assignments: the phase rule (every round's
    # scorecards in) is not what is measured, so it is not asked
    publication.season_require = lambda *_a, **_kw: None
    try:
        started = time.perf_counter()
        publication.results_publish(user=organizer, contest=contest)
        return time.perf_counter() - started
    finally:
        after_publication.feedback_freeze, publication.season_require = original, phases


def _issue(contest, organizer, *, traced: bool) -> tuple[float, list[float]]:
    from results.models import CertificateBatch  # noqa: PLC0415
    from results.selectors import publication_live  # noqa: PLC0415
    from results.services import certificates_issue as service  # noqa: PLC0415

    batch = CertificateBatch.objects.create(contest=contest, publication=publication_live(contest))
    peaks: list[float] = []
    original = service.job_progress

    def progress(_percent: int) -> None:
        if traced:
            peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
            tracemalloc.reset_peak()

    service.job_progress = progress
    if traced:
        tracemalloc.start()
    try:
        started = time.perf_counter()
        service.certificates_issue(user=organizer, batch_id=batch.pk)
        seconds = time.perf_counter() - started
    finally:
        service.job_progress = original
        if traced:
            tracemalloc.stop()
    return seconds, peaks


def _bare_rows(contest, n: int) -> float:
    from django.utils import timezone  # noqa: PLC0415

    from results.certificates import serial_generate  # noqa: PLC0415
    from results.models import Certificate  # noqa: PLC0415
    from results.selectors import publication_live  # noqa: PLC0415
    from submissions.models import Entry  # noqa: PLC0415

    live = publication_live(contest)
    ids = list(Entry.objects.filter(contest=contest).values_list("pk", flat=True))
    started = time.perf_counter()
    Certificate.objects.bulk_create(
        (
            Certificate(
                serial=serial_generate(),
                contest=contest,
                publication=live,
                entry_id=ids[i % len(ids)],
                kind="participation",
                recipient_key=f"bare:{i}",
                recipient_name="김하늘",
                recipient_masked="김*늘",
                data={},
                content_sha256="0" * 64,
                issued_on=timezone.localdate(),
            )
            for i in range(n)
        ),
        batch_size=500,
    )
    return time.perf_counter() - started


def run() -> dict:
    _setup_django()
    from django.utils import timezone  # noqa: PLC0415

    with throwaway_database("gongmo_bench_after"):
        from accounts.models import User  # noqa: PLC0415
        from contests.models import Contest  # noqa: PLC0415
        from contests.seed import wsce2021_seed  # noqa: PLC0415
        from results.models import Certificate, EntryFeedback, Publication  # noqa: PLC0415
        from results.services.certificates_issue import certificate_design_save  # noqa: PLC0415
        from results.services.publication import results_unpublish  # noqa: PLC0415

        _smart, drawing = wsce2021_seed(demo_now=timezone.now())
        Contest.objects.filter(pk=drawing.pk).update(status="judging", share_scores=True)
        drawing.refresh_from_db()
        rnd = drawing.rounds.get(code="prelim")
        organizer = User.objects.create(
            username="bench-organizer", role="organizer", is_superuser=True, password=UNUSABLE
        )
        owner = User.objects.create(username="bench-owner", role="guardian", password=UNUSABLE)
        started = time.perf_counter()
        _generate(drawing, rnd, owner.pk, drawing.divisions.first().pk)
        _ranked(drawing, rnd)
        generated = time.perf_counter() - started

        without = _publish(drawing, organizer, freeze=False)
        results_unpublish(user=organizer, contest=drawing, reason="bench")
        with_feedback = _publish(drawing, organizer, freeze=True)
        frozen = EntryFeedback.objects.filter(publication__version=2).count()
        if frozen != N_ENTRIES:
            raise RuntimeError(f"expected {N_ENTRIES} feedback rows, got {frozen}")

        certificate_design_save(
            user=organizer,
            contest=drawing,
            issuer="2021 월드스마트시티엑스포 조직위원회",
            signatory_name="홍길동",
            signatory_title="조직위원장",
        )
        seconds, _ = _issue(drawing, organizer, traced=False)
        issued = Certificate.objects.count()
        Certificate.objects.all().delete()
        _seconds, peaks = _issue(drawing, organizer, traced=True)
        Certificate.objects.all().delete()
        bare = _bare_rows(drawing, issued)
        versions = Publication.objects.count()
    first, last = max(peaks[:10]), max(peaks[-10:])
    note = (
        f"{N_ENTRIES:,} drawings, {N_ENTRIES * K:,} scorecards with shared comments "
        f"(generated in {generated:.0f} s); {versions} publications"
    )
    return {
        "publish_with_feedback_seconds": {
            "value": with_feedback,
            "unit": "s",
            "baseline": without,
            "ratio": with_feedback / without,
            "note": note + "; baseline: the same publication without the feedback freeze",
        },
        "certificates_issued_per_second": {
            "value": issued / seconds,
            "unit": "/s",
            "baseline": issued / bare,
            "ratio": (issued / seconds) / (issued / bare),
            "note": f"{issued:,} certificate rows in {seconds:.1f} s (no PDF rendered); "
            "baseline: a bare bulk_create of as many rows",
        },
        "certificates_issue_heap_mb": {
            "value": last,
            "unit": "MB",
            "baseline": first,
            "ratio": last / first,
            "note": f"tracemalloc peak per chunk of 500 drawings: last ten vs first ten of "
            f"{len(peaks)} (flat ≈ 1)",
        },
    }


if __name__ == "__main__":
    for name, row in run().items():
        print(
            f"{name:<34} {row['value']:10.3f} {row['unit']:<3} baseline {row['baseline']:10.3f}"
            f"  ratio {row['ratio']:.3f}  ({row['note']})"
        )
