"""Every API list answers in the same number of queries at 10 rows and at 1,000 rows.

Rows are made with bulk_create, each with what its list row shows (team members, stored files,
judge copies, scorecards with scores), so a query per row would show as a different count.
The counts are literals: a change in them is a change worth a look.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.enums import Role
from contests.enums import ContestStatus, Track
from contests.models import Contest
from judging.models import Assignment, Score, Scorecard
from submissions.models import Entry, EntryFile, TeamMember
from tests.conftest import client_for
from tests.factories import contest_make, user_make

pytestmark = pytest.mark.django_db

SIZES = [10, 1_000]


def entries_make(contest, owner, n: int) -> list[Entry]:
    now = timezone.now()
    division = contest.divisions.get()
    entries = Entry.objects.bulk_create(
        [
            Entry(
                contest=contest,
                owner=owner,
                division=division,
                status="submitted",
                submitted_at=now,
                receipt_number=f"{contest.receipt_prefix}-{i:05d}",
                blind_code=f"{contest.pk}Q{i:05d}",
                title=f"entry {i}",
                team_name=f"team {i}",
            )
            for i in range(n)
        ]
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                entry=e,
                contest=contest,
                name=f"member {i}",
                university="KAIST",
                department="CS",
                email=f"m{i}@example.com",
                phone="010-0000-0000",
                is_leader=True,
            )
            for i, e in enumerate(entries)
        ]
    )
    EntryFile.objects.bulk_create(
        [
            EntryFile(
                entry=e,
                contest=contest,
                slot="proposal",
                status="accepted",
                key=f"contests/{contest.pk}/entries/{e.pk}/f/original",
                display_name="proposal.pdf",
                declared_type="application/pdf",
                declared_size=1000,
                size=1000,
                content_type="application/pdf",
                sha256=f"{i:064x}",
                expires_at=now,
                judge_key=f"contests/{contest.pk}/copies/{i:08d}/judge.pdf",
            )
            for i, e in enumerate(entries)
        ]
    )
    return entries


def judge_queue_make(rnd, judge, entries) -> None:
    Assignment.objects.bulk_create(
        [Assignment(round=rnd, entry=e, judge=judge, queue_order=i) for i, e in enumerate(entries)]
    )
    cards = Scorecard.objects.bulk_create(
        [Scorecard(round=rnd, entry=e, judge=judge, total=Decimal(30)) for e in entries]
    )
    criteria = list(rnd.criteria.all())
    Score.objects.bulk_create(
        [
            Score(scorecard=c, criterion=k, points=Decimal(15), max_points=k.max_points)
            for c in cards
            for k in criteria
        ]
    )


def contests_make(n: int) -> None:
    now = timezone.now()
    Contest.objects.bulk_create(
        [
            Contest(
                slug=f"bulk-{i:05d}",
                title_ko=f"공모전 {i}",
                title_en=f"Contest {i}",
                track=Track.SMART_CITY,
                status=ContestStatus.OPEN,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=1),
                budget=1_000_000,
                receipt_prefix=f"B{i:05d}",
            )
            for i in range(n)
        ]
    )


@pytest.mark.parametrize("n", SIZES)
def test_entry_list_queries_do_not_grow(n, django_assert_num_queries):
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    contest = contest_make()
    contest.organizers.add(organizer)
    entries_make(contest, user_make(Role.STUDENT), n)
    client = client_for(organizer)
    # token, count, page, then one prefetch each: members, consents, stored files
    with django_assert_num_queries(6):
        response = client.get("/api/v1/entries/?page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] == n
    assert len(response.json()["results"]) == min(n, 200)


@pytest.mark.parametrize("n", SIZES)
def test_judge_queue_queries_do_not_grow(n, django_assert_num_queries):
    judge = user_make(Role.JUDGE)
    contest = contest_make()
    entries = entries_make(contest, user_make(Role.STUDENT), n)
    judge_queue_make(contest.rounds.get(), judge, entries)
    client = client_for(judge)
    # token, count, page, rubric criteria, judge copies, scorecards, scores, their criteria
    with django_assert_num_queries(8):
        response = client.get("/api/v1/judging/assignments/?page_size=200")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == n
    assert len(body["results"]) == min(n, 200)
    assert all(r["scorecard"] and r["files"] for r in body["results"])


@pytest.mark.parametrize("n", SIZES)
def test_contest_list_queries_do_not_grow(n, django_assert_num_queries):
    contests_make(n)
    with django_assert_num_queries(2):  # count, page (anonymous: no token)
        response = client_for(None).get("/api/v1/contests/?page_size=200")
    assert response.status_code == 200
    assert response.json()["count"] == n
