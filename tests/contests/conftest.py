"""The season world of the phase tests: a Track S contest with four submitted team entries, a
draft, three judges assigned to every entry, one judge still owing two scorecards; and
``phase_set`` to move it to any phase (the calendar, and the results through the services)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.enums import Role
from contests.enums import ContestStatus, Track
from core.actors import SYSTEM
from judging.enums import ScorecardStatus
from judging.models import Assignment, PanelMember, Score, Scorecard
from results.models import Publication
from results.services import publication, rankings
from results.services.retention import personal_data_purge
from submissions.enums import EntryStatus
from submissions.models import Entry, TeamMember
from tests.factories import contest_make, user_make

# ---- the world --------------------------------------------------------------------------


def team_entry(contest, owner, n: int, status=EntryStatus.SUBMITTED) -> Entry:
    entry = Entry.objects.create(
        contest=contest,
        owner=owner,
        division=contest.divisions.get(),
        status=status,
        title=f"제안 {n}",
        description="요약",
        team_name=f"팀 {n}",
        receipt_number=f"{contest.receipt_prefix}-{n:04d}" if status != "draft" else None,
        blind_code=f"S-TABLE{n:03d}" if status != "draft" else None,
        submitted_at=timezone.now() if status != "draft" else None,
    )
    for i in range(2):
        TeamMember.objects.create(
            entry=entry,
            contest=contest,
            order=i,
            name=f"팀원{n}{i}",
            university=f"대학교{n}",
            department="도시공학과",
            email=f"t{n}-m{i}-{contest.pk}@example.com",
            phone="010-0000-0000",
            is_leader=i == 0,
        )
    return entry


@pytest.fixture
def world(db):
    contest = contest_make(Track.SMART_CITY)
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    contest.organizers.add(organizer)
    rnd = contest.rounds.get()
    students = [user_make(Role.STUDENT) for _ in range(6)]
    entries = [team_entry(contest, students[i], i + 1) for i in range(4)]
    draft = team_entry(contest, students[4], 5, status=EntryStatus.DRAFT)
    judges = [user_make(Role.JUDGE, affiliation=f"연구원{i}") for i in range(3)]
    spare = user_make(Role.JUDGE, affiliation="예비")
    for judge in judges:
        PanelMember.objects.create(round=rnd, judge=judge)
    criteria = list(rnd.criteria.all())
    for e_i, entry in enumerate(entries):
        for j_i, judge in enumerate(judges):
            Assignment.objects.create(round=rnd, entry=entry, judge=judge, queue_order=e_i)
            owes = j_i == 2 and e_i >= 2  # the third judge owes two scorecards
            card = Scorecard.objects.create(
                round=rnd,
                entry=entry,
                judge=judge,
                status=ScorecardStatus.DRAFT if owes else ScorecardStatus.SUBMITTED,
                submitted_at=None if owes else timezone.now(),
                total=sum(c.max_points for c in criteria) - 10 * e_i - j_i,
            )
            for c in criteria:
                points = c.max_points - (10 * e_i + j_i) * c.max_points / 100
                Score.objects.create(
                    scorecard=card, criterion=c, points=points, max_points=c.max_points
                )
    return {
        "contest": contest,
        "round": rnd,
        "organizer": organizer,
        "students": students,
        "entries": entries,
        "draft": draft,
        "judges": judges,
        "spare": spare,
    }


def _calendar(w, *, opens, closes, window):
    now = timezone.now()
    c = w["contest"]
    c.opens_at, c.closes_at = now + opens, now + closes
    c.results_at = now + timedelta(days=60)
    c.save()
    r = w["round"]
    r.judging_opens_at, r.judging_closes_at = now + window[0], now + window[1]
    r.save()


def _in_judging(w):
    Entry.objects.filter(pk__in=[e.pk for e in w["entries"]]).update(status=EntryStatus.IN_JUDGING)


def _all_in(w):
    Scorecard.objects.filter(round=w["round"]).update(
        status=ScorecardStatus.SUBMITTED, submitted_at=timezone.now()
    )


def _approved(w):
    org, contest = w["organizer"], w["contest"]
    rankings.ranking_compute(user=org, round=w["round"], method="mean")
    rankings.final_ranking_compute(user=org, contest=contest)
    publication.allocation_compute(user=org, contest=contest)
    publication.allocation_approve(user=org, contest=contest)


def phase_set(w, phase: str) -> None:
    """Move the world to ``phase`` (inside the test's transaction)."""
    d = timedelta(days=1)
    h = timedelta(hours=1)
    if phase == "draft":
        _calendar(w, opens=-d, closes=d, window=(2 * d, 10 * d))
        w["contest"].status = ContestStatus.DRAFT
        w["contest"].save()
    elif phase == "upcoming":
        _calendar(w, opens=d, closes=10 * d, window=(11 * d, 20 * d))
    elif phase == "open":
        _calendar(w, opens=-d, closes=d, window=(2 * d, 10 * d))
    elif phase == "closed":
        _calendar(w, opens=-10 * d, closes=-h, window=(d, 10 * d))
        _in_judging(w)
    else:
        _calendar(w, opens=-10 * d, closes=-d, window=(-h, 10 * d))
        _in_judging(w)
    if phase in ("review", "approved", "published", "archived"):
        _all_in(w)
    if phase in ("approved", "published", "archived"):
        _approved(w)
    if phase in ("published", "archived"):
        publication.results_publish(user=w["organizer"], contest=w["contest"])
    if phase == "archived":  # the appeal window ended and the daily purge ran
        Publication.objects.filter(contest=w["contest"]).update(
            published_at=timezone.now() - timedelta(days=w["contest"].appeal_window_days + 1)
        )
        personal_data_purge(actor=SYSTEM)
    w["contest"].refresh_from_db()
    w["round"].refresh_from_db()
