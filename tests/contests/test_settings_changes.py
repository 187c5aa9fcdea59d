"""What may change in a contest's settings, and when (``contests.changes``, DOMAIN §2 "Phases"):
the rule itself, at fixed moments of the WSCE 2021 calendar."""

from datetime import timedelta

import pytest

from contests.changes import settings_change_require
from contests.enums import ContestStatus
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from core.errors import DomainError
from submissions.models import Entry

pytestmark = pytest.mark.django_db


def code_of(**kwargs) -> str | None:
    try:
        settings_change_require(**kwargs)
    except DomainError as error:
        return error.code
    return None


@pytest.fixture
def smart(wsce) -> Contest:
    return wsce[0]


def before_deadline(contest: Contest):
    return contest.closes_at - timedelta(days=1)


def after_deadline(contest: Contest):
    return contest.closes_at + timedelta(days=1)


@pytest.mark.parametrize(
    "model, fields, adding, deleting",
    [
        (Criterion, ["max_points"], False, False),
        (Criterion, [], True, False),
        (Criterion, [], False, True),
        (Division, ["birth_year_min"], False, False),
        (Round, ["judges_per_entry"], False, False),
        (Round, [], True, False),
        (Round, [], False, True),
    ],
)
def test_the_structure_is_fixed_from_the_deadline(smart, model, fields, adding, deleting):
    change = dict(contest=smart, model=model, fields=fields, adding=adding, deleting=deleting)
    assert code_of(**change, now=before_deadline(smart)) is None
    assert code_of(**change, now=after_deadline(smart)) == "submissions_closed"


@pytest.mark.parametrize(
    "model, fields",
    [
        (Criterion, ["name_ko", "description_ko", "order"]),
        (Round, ["method", "tie_break", "advance_count", "weight"]),
        (Round, ["judging_opens_at", "judging_closes_at"]),
        (Division, ["name_ko"]),
        (PrizeTier, ["amount", "count"]),
    ],
)
def test_names_ranking_settings_windows_and_tiers_stay_editable_until_publication(
    smart, model, fields
):
    assert code_of(contest=smart, model=model, fields=fields, now=after_deadline(smart)) is None
    smart.status = ContestStatus.PUBLISHED
    assert code_of(contest=smart, model=model, fields=fields) == "results_published"
    smart.status = ContestStatus.ARCHIVED
    assert code_of(contest=smart, model=model, fields=fields) == "contest_archived"


def test_prize_tiers_come_and_go_until_publication(smart):
    for change in ({"adding": True}, {"deleting": True}):
        assert code_of(contest=smart, model=PrizeTier, now=after_deadline(smart), **change) is None


def test_an_unchanged_form_is_never_refused(smart):
    smart.status = ContestStatus.PUBLISHED
    assert code_of(contest=smart, model=Round, fields=[]) is None


@pytest.mark.parametrize("target", ["published", "archived", "judging", "closed"])
def test_the_status_is_never_set_to_what_an_action_owns(smart, target):
    smart.status = ContestStatus.OPEN
    change = dict(contest=smart, model=Contest, fields=["status"], values={"status": target})
    assert code_of(**change) == "status_by_actions"


def test_a_published_contest_cannot_be_set_back_to_open_by_hand(smart):
    smart.status = ContestStatus.PUBLISHED
    change = dict(contest=smart, model=Contest, fields=["status"], values={"status": "open"})
    assert code_of(**change) == "results_published"


def test_back_to_draft_only_without_entries(smart, student):
    smart.status = ContestStatus.OPEN
    change = dict(contest=smart, model=Contest, fields=["status"], values={"status": "draft"})
    assert code_of(**change) is None
    Entry.objects.create(
        contest=smart, owner=student, division=smart.divisions.first(), title="초안"
    )
    assert code_of(**change) == "contest_has_entries"


def test_the_deadline_moves_until_it_passes_and_only_into_the_future(smart):
    now = before_deadline(smart)
    later = {"closes_at": smart.closes_at + timedelta(days=7)}
    change = dict(contest=smart, model=Contest, fields=["closes_at"])
    assert code_of(**change, values=later, now=now) is None
    past = {"closes_at": now - timedelta(hours=1)}
    assert code_of(**change, values=past, now=now) == "deadline_in_past"
    assert code_of(**change, values=later, now=after_deadline(smart)) == "submissions_closed"


def test_the_opening_time_track_and_receipts_fix_once_submissions_open(smart):
    for name in ("opens_at", "track", "receipt_prefix", "receipt_digits"):
        change = dict(contest=smart, model=Contest, fields=[name])
        assert code_of(**change, now=smart.opens_at - timedelta(hours=1)) is None
        assert code_of(**change, now=smart.opens_at) == "submissions_started"


def test_a_draft_contest_changes_freely(smart):
    smart.status = ContestStatus.DRAFT
    for model, fields in ((Criterion, ["max_points"]), (Contest, ["opens_at", "closes_at"])):
        change = dict(contest=smart, model=model, fields=fields, now=after_deadline(smart))
        assert code_of(**change, values={"closes_at": after_deadline(smart) + timedelta(1)}) is None
