"""Seed a fresh database for the HTTP benchmarks (run in its own process by bench_http/surge).

``python -m bench.http_seed http`` — the WSCE 2021 demo through the real services (entries with
generated files, judges, an assignment), Track S judged to the end and its results published,
plus generated rows for load: bench judges with tokens and assignments in Track D's preliminary
round, 1,000 submitted drawings for the organizer's list, guardians with a draft entry each.
``python -m bench.http_seed surge N`` — the contests and N verified guardians with a draft.
``python -m bench.http_seed prod-like PASSWORD`` — the contests, organizer and four judges.
Prints one JSON line: tokens and ids the load generator needs.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, timedelta

N_SUBMITTED = 1_000  # drawings the organizer's entry list pages through
BENCH_JUDGES, PER_JUDGE = 40, 25  # assignments of the bench judges in Track D's prelim round
PASSWORD = "wsce2021-demo"  # noqa: S105 (the demo password, as `make run` prints it)
UNUSABLE = "!bench"  # an unusable password: bench logins authenticate by token only


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def _tokens(users) -> list[str]:
    from rest_framework.authtoken.models import Token

    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    return list(
        Token.objects.filter(user__in=users).order_by("user_id").values_list("key", flat=True)
    )


def guardians_with_drafts(drawing, n: int, prefix: str) -> list[dict]:
    """n verified guardians, each with a token, one child and a draft drawing entry."""
    from django.utils import timezone

    from accounts.models import User
    from submissions.models import Child, Entry, GuardianVerification

    now = timezone.now()
    division = drawing.divisions.get(code="lower")
    users = User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{i:05d}",
                role="guardian",
                name=f"보호자{i}",
                email=f"{prefix}{i:05d}@bench.gongmo.invalid",
                password=UNUSABLE,
            )
            for i in range(n)
        ]
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    GuardianVerification.objects.bulk_create(
        [
            GuardianVerification(
                user=u,
                channel="email",
                destination=u.email,
                code_hash="!",
                expires_at=now + timedelta(days=1),
                verified_at=now,
            )
            for u in users
        ]
    )
    children = Child.objects.bulk_create(
        [
            Child(guardian=u, name=f"어린이{i}", birth_date=date(2013, 5, 2), school="한빛초")
            for i, u in enumerate(users)
        ]
    )
    entries = Entry.objects.bulk_create(
        [
            Entry(
                contest=drawing,
                owner=u,
                division=division,
                child=c,
                title=f"내가 꿈꾸는 도시 {i}",
                description="bench",
            )
            for i, (u, c) in enumerate(zip(users, children, strict=True))
        ]
    )
    tokens = _tokens(users)
    return [{"token": t, "entry": str(e.pk)} for t, e in zip(tokens, entries, strict=True)]


def _score_all(rnd) -> None:
    from judging.enums import ScorecardStatus
    from judging.models import Assignment, Scorecard
    from judging.services.scoring import scorecard_save

    done = set(
        Scorecard.objects.filter(round=rnd, status=ScorecardStatus.SUBMITTED).values_list(
            "entry_id", "judge_id"
        )
    )
    criteria = list(rnd.criteria.all())
    for n, a in enumerate(Assignment.objects.filter(round=rnd).select_related("judge")):
        if (a.entry_id, a.judge_id) in done:
            continue
        scores = {c.code: c.max_points - (n % 4) for c in criteria}
        scorecard_save(user=a.judge, assignment_id=a.pk, scores=scores, submit=True)


def publish_track_s(smart, organizer) -> None:
    """Track S from scores to published results, through the services the API calls: its
    deadline passes first (contests.phases: nothing is judged while entries come in)."""
    from django.utils import timezone

    from core.actors import SYSTEM
    from demo.calendar import calendar_all_rounds_open
    from judging.models import PanelMember
    from judging.services.assignment import judges_assign
    from results.services import certainty, publication, rankings

    r1, r2 = smart.rounds.get(order=1), smart.rounds.get(order=2)
    calendar_all_rounds_open(smart, now=timezone.now())
    from accounts.models import User

    for i in range(4):  # the first round's panel: three judges per entry, no conflicts
        judge = User.objects.create(
            username=f"bench-r1-{i}", role="judge", affiliation=f"bench r1 {i}", password=UNUSABLE
        )
        PanelMember.objects.create(round=r1, judge=judge)
    judges_assign(user=SYSTEM, round=r1)
    _score_all(r1)
    rankings.ranking_compute(user=organizer, round=r1, method="mean")
    rankings.round_advance(user=organizer, round=r1)
    from accounts.models import User

    for i in range(3):  # the whole panel scores every finalist: judges with no conflict
        judge = User.objects.create(
            username=f"bench-final{i}", role="judge", affiliation=f"bench {i}", password=UNUSABLE
        )
        PanelMember.objects.create(round=r2, judge=judge)
    judges_assign(user=organizer, round=r2)
    _score_all(r2)
    rankings.ranking_compute(user=organizer, round=r2)
    rankings.final_ranking_compute(user=organizer, contest=smart)
    allocation = publication.allocation_compute(user=organizer, contest=smart)
    if certainty.contested_boundaries(allocation.ranking):  # approval asks for a word first
        certainty.boundaries_acknowledge(
            user=organizer, contest=smart, decision="confirmed", note="bench: the order stands"
        )
    publication.allocation_approve(user=organizer, contest=smart)
    publication.results_publish(user=organizer, contest=smart)


def seed_http(guardians: int = 200) -> dict:
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.models import User
    from contests.seed import wsce2021_seed
    from demo.calendar import calendar_in_first_round
    from demo.entries import demo_entries_seed
    from demo.judging import demo_judging_contest
    from demo.users import demo_users_seed
    from judging.models import Assignment
    from submissions.models import Consent, Entry

    now = timezone.now()
    smart, drawing = wsce2021_seed(demo_now=now)
    judged = demo_judging_contest(now=now)  # entries come in to `drawing`; this one is judged
    demo_users_seed(password=PASSWORD, contests=[smart, drawing, judged])
    organizer = User.objects.get(username="organizer")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        demo_entries_seed(smart=smart, drawing=drawing, proposals=4, drawings=6, password=PASSWORD)
        publish_track_s(smart, organizer)
    calendar_in_first_round(judged, now=now)

    # Generated rows for load: the organizer's list and the judges' scorecards in the contest
    # being judged; the guardians' drafts (upload slots) in `drawing`, which takes entries.
    owner = User.objects.create(username="bench-owner", role="guardian", password=UNUSABLE)
    division = judged.divisions.get(code="lower")
    now = timezone.now()
    submitted = Entry.objects.bulk_create(
        [
            Entry(
                contest=judged,
                owner=owner,
                division=division,
                status="in_judging",
                submitted_at=now,
                receipt_number=f"BENCH-{i:05d}",
                blind_code=f"BX{i:05d}",
                title=f"bench drawing {i}",
            )
            for i in range(N_SUBMITTED)
        ]
    )
    Consent.objects.bulk_create(  # judges see a drawing only with the guardian's consent
        [
            Consent(entry=e, kind="guardian", text_version="2021-1", given_by=owner, given_at=now)
            for e in submitted
        ]
    )
    prelim = judged.rounds.get(order=1)
    judges = User.objects.bulk_create(
        [
            User(username=f"bench-judge{j:03d}", role="judge", name=f"J{j}", password=UNUSABLE)
            for j in range(BENCH_JUDGES)
        ]
    )
    judges = list(User.objects.filter(username__startswith="bench-judge").order_by("pk"))
    Assignment.objects.bulk_create(
        [
            Assignment(round=prelim, entry=submitted[j * PER_JUDGE + i], judge=judge, queue_order=i)
            for j, judge in enumerate(judges)
            for i in range(PER_JUDGE)
        ]
    )
    judge_tokens = _tokens(judges)
    by_judge = {}
    for a in Assignment.objects.filter(judge__in=judges).order_by("judge_id", "queue_order"):
        by_judge.setdefault(a.judge_id, []).append(a.pk)
    criteria = list(prelim.criteria.order_by("order").values_list("code", "max_points"))
    return {
        "smart": smart.slug,
        "drawing": judged.slug,  # the organizer's entry list
        "organizer_token": _tokens([organizer])[0],
        "judges": [
            {"token": t, "assignments": by_judge[j.pk]}
            for t, j in zip(judge_tokens, judges, strict=True)
        ],
        "criteria": criteria,
        "guardians": guardians_with_drafts(drawing, guardians, "bench-guardian"),
    }


def seed_surge(n: int) -> dict:
    from django.utils import timezone

    from contests.seed import wsce2021_seed

    _smart, drawing = wsce2021_seed(demo_now=timezone.now())
    return {"guardians": guardians_with_drafts(drawing, n, "surge-guardian")}


def seed_prod_like(password: str) -> dict:
    """make prod-like: the contests, the organizer, four judges on both Track S rounds."""
    from django.utils import timezone

    from accounts.models import User
    from contests.seed import wsce2021_seed
    from demo.users import demo_users_seed
    from judging.models import PanelMember

    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    demo_users_seed(password=password, contests=[smart, drawing])
    r1, r2 = smart.rounds.get(order=1), smart.rounds.get(order=2)
    judges = []
    for i in range(4):
        judge = User(
            username=f"prodlike-judge{i}", role="judge", affiliation=f"prod-like institute {i}"
        )
        judge.set_password(password)
        judge.save()
        PanelMember.objects.create(round=r1, judge=judge)
        PanelMember.objects.create(round=r2, judge=judge)
        judges.append(judge.username)
    return {"smart": smart.slug, "r1": r1.pk, "r2": r2.pk, "judges": judges}


def close_submissions(slug: str) -> dict:
    """make prod-like: time passes — the contest's deadline is over, its rounds are judged."""
    from django.utils import timezone

    from contests.models import Contest
    from demo.calendar import calendar_all_rounds_open

    calendar_all_rounds_open(Contest.objects.get(slug=slug), now=timezone.now())
    return {"closed": slug}


def main(argv: list[str]) -> int:
    _setup()
    if argv[0] == "close-submissions":
        print(json.dumps(close_submissions(argv[1])))
        return 0
    if argv[0] == "prod-like":
        print(json.dumps(seed_prod_like(argv[1])))
        return 0
    result = seed_http() if argv[0] == "http" else seed_surge(int(argv[1]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
