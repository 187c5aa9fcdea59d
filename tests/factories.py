"""Plain factory functions for tests: explicit, no magic."""

from datetime import timedelta
from itertools import count

from django.core import mail
from django.test import TestCase
from django.test.utils import override_settings
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from contests.enums import ContestStatus, Track
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.seed import wsce2021_seed
from demo.calendar import calendar_all_rounds_open
from demo.entries import demo_entries_seed
from demo.users import demo_users_seed

_seq = count(1)


def user_make(role: str = Role.STUDENT, **fields) -> User:
    n = next(_seq)
    fields.setdefault("username", f"{role}{n}")
    fields.setdefault("email", f"{role}{n}@example.com")
    fields.setdefault("name", f"{role.title()} {n}")
    user = User(role=role, **fields)
    user.set_password("correct-horse-battery")
    user.save()
    return user


def contest_make(track: str = Track.SMART_CITY, **fields) -> Contest:
    n = next(_seq)
    now = timezone.now()
    fields.setdefault("slug", f"contest-{n}")
    fields.setdefault("title_ko", f"공모전 {n}")
    fields.setdefault("title_en", f"Contest {n}")
    fields.setdefault("status", ContestStatus.OPEN)
    fields.setdefault("opens_at", now - timedelta(days=1))
    fields.setdefault("closes_at", now + timedelta(days=1))
    fields.setdefault("budget", 1_000_000)
    fields.setdefault("receipt_prefix", f"T{n}-{track}")
    contest = Contest.objects.create(track=track, **fields)
    Division.objects.create(contest=contest, code="main", name_ko="일반", name_en="General")
    rnd = Round.objects.create(
        contest=contest, code="r1", name_ko="1차", name_en="Round 1", judges_per_entry=3
    )
    Criterion.objects.create(
        round=rnd, code="quality", name_ko="완성도", name_en="Quality", max_points=60, order=0
    )
    Criterion.objects.create(
        round=rnd, code="idea", name_ko="창의성", name_en="Idea", max_points=40, order=1
    )
    PrizeTier.objects.create(
        contest=contest, code="grand", name_ko="대상", name_en="Grand", count=1, amount=1_000_000
    )
    return contest


def demo_world_make(*, proposals: int, drawings: int):
    """Both contests open now with demo entries made through the real services (receipts
    mailed and then cleared, derivatives made): the starting point of judging tests."""

    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    demo_users_seed(password="pw-demo-2021", contests=[])
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        TestCase.captureOnCommitCallbacks(execute=True),
    ):
        demo_entries_seed(
            smart=smart,
            drawing=drawing,
            proposals=proposals,
            drawings=drawings,
            password="pw-demo-2021",
        )
    mail.outbox.clear()  # the demo entries' receipts are not what the tests read
    return smart, drawing


def judging_open(*contests: Contest) -> None:
    """Move the contests' calendars on: submissions closed an hour ago and every round's judging
    window open (``contests.phases``: no assignment or scoring while entries come in)."""
    now = timezone.now()
    for contest in contests:
        calendar_all_rounds_open(contest, now=now)


def submissions_reopen(*contests: Contest) -> None:
    """The contests take entries again (deadline tomorrow), e.g. for a test that enters a new
    entry into a contest already being judged; ``judging_open`` moves them on again."""
    now = timezone.now()
    for contest in contests:
        Contest.objects.filter(pk=contest.pk).update(
            opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=1)
        )
        contest.refresh_from_db()
