"""The phase table (DOMAIN §2 "Phases"): every entrant, judge and organizer action × every
phase of a contest → allowed, or refused with its code and nothing changed in the database.

The services are the one way in (pages, API, admin, commands and jobs all call them), so the
table calls the services. Each phase is built on one world (a Track S contest: four submitted
team entries, a draft, three judges assigned to every entry, one judge still owing two
scorecards) by moving the calendar and, for the later phases, running the results through the
services; each cell runs in a savepoint that is rolled back. "ok" means the phase let the
action through: it may still be refused for another reason (an entry already being judged
cannot be screened), never with a phase's code.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from judging.enums import ScorecardStatus
from judging.models import Assignment, Scorecard
from judging.services.assignment import assignment_recuse, assignment_start
from judging.services.panel import conflict_declare, panel_member_add
from judging.services.reminders import round_reminders_send
from judging.services.scoring import scorecard_save, scorecard_unlock
from results.services import announcement, publication, rankings
from submissions.models import Entry
from submissions.services.entries import (
    EntryInput,
    MemberInput,
    entry_create,
    entry_extension_grant,
    entry_screen,
    entry_submit,
    entry_update,
    entry_withdraw,
)
from submissions.services.files import upload_request
from tests.contests.conftest import phase_set

PHASE_CODES = {
    "submissions_open",
    "submissions_closed",
    "judging_window_closed",
    "scorecards_outstanding",
    "judging_incomplete",
    "allocation_not_approved",
    "results_published",
    "contest_archived",
    "already_published",
    "not_published",
}
PHASES = [
    "draft",
    "upcoming",
    "open",
    "closed",
    "judging",
    "review",
    "approved",
    "published",
    "archived",
]

# action → its expected outcome in each phase, in PHASES order ("ok": the phase allows it).
ENTRANT = "submissions_closed submissions_closed ok submissions_closed submissions_closed "
ENTRANT += "submissions_closed submissions_closed submissions_closed contest_archived"
BEFORE_RESULTS = "ok ok ok ok ok ok ok results_published contest_archived"
WAITS = "submissions_open submissions_open submissions_open"
REVIEW_ONLY = f"{WAITS} scorecards_outstanding scorecards_outstanding ok ok results_published "
REVIEW_ONLY += "contest_archived"
TABLE: dict[str, str] = {
    # entrants
    "entry_create": ENTRANT,
    "entry_edit": ENTRANT,
    "entry_upload": ENTRANT,
    "entry_submit": ENTRANT,
    "entry_withdraw": ENTRANT,
    # organizers, before the results
    "entry_screen": BEFORE_RESULTS,
    "extension_grant": BEFORE_RESULTS,
    "panel_add": BEFORE_RESULTS,
    "conflict_record": BEFORE_RESULTS,
    "judge_declares_conflict": BEFORE_RESULTS,
    # after the deadline
    "assignment": f"{WAITS} ok ok ok ok results_published contest_archived",
    "recusal": f"{WAITS} ok ok ok ok results_published contest_archived",
    "scoring": f"{WAITS} judging_window_closed ok ok ok ok contest_archived",
    "unlock": f"{WAITS} ok ok ok ok ok contest_archived",
    "reminders": f"{WAITS} ok ok ok ok results_published contest_archived",
    "ranking": f"{WAITS} scorecards_outstanding scorecards_outstanding ok ok ok contest_archived",
    "ranking_with_reason": f"{WAITS} ok ok ok ok ok contest_archived",
    "advancement": f"{WAITS} ok ok ok ok results_published contest_archived",
    # the results review
    "final_ranking": REVIEW_ONLY,
    "allocation": REVIEW_ONLY,
    "approval": REVIEW_ONLY,
    "preview": REVIEW_ONLY.replace("ok ok", "allocation_not_approved ok"),
    "schedule": REVIEW_ONLY.replace("ok ok", "allocation_not_approved ok"),
    "publish": f"{WAITS} scorecards_outstanding scorecards_outstanding allocation_not_approved ok "
    "already_published already_published",
    "unpublish": "not_published " * 7 + "ok contest_archived",
}


def _snapshot() -> dict:
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in ("contests", "submissions", "judging", "results", "core"):
            state[model._meta.label] = sorted(map(repr, model.objects.order_by().values_list()))
    return state


# ---- the actions ------------------------------------------------------------------------


def _draft_or_entry(w):
    entry = w["draft"]
    entry.refresh_from_db()
    return entry


def _owed(w):
    return Assignment.objects.get(round=w["round"], judge=w["judges"][2], entry=w["entries"][3])


def _submitted_card(w):
    return Scorecard.objects.filter(round=w["round"], status=ScorecardStatus.SUBMITTED).first()


ACTIONS = {
    "entry_create": lambda w: entry_create(
        user=w["students"][5],
        contest=w["contest"],
        data=EntryInput(
            team_name="새 팀",
            theme="main",
            title="새 제안",
            description="요약",
            members=[
                MemberInput("가", "대학", "학과", "new-a@example.com", "010", is_leader=True),
                MemberInput("나", "대학", "학과", "new-b@example.com", "010"),
            ],
            consents={"privacy": True, "originality": True},
        ),
    ),
    "entry_edit": lambda w: entry_update(
        user=w["students"][0],
        entry=Entry.objects.get(pk=w["entries"][0].pk),
        data=EntryInput(title="고친 제목"),
        fields={"title"},
    ),
    "entry_upload": lambda w: upload_request(
        user=w["students"][4],
        entry=_draft_or_entry(w),
        slot="proposal",
        filename="p.pdf",
        content_type="application/pdf",
        size=1000,
    ),
    "entry_submit": lambda w: entry_submit(user=w["students"][4], entry=_draft_or_entry(w)),
    "entry_withdraw": lambda w: entry_withdraw(
        user=w["students"][1], entry=Entry.objects.get(pk=w["entries"][1].pk)
    ),
    "entry_screen": lambda w: entry_screen(
        user=w["organizer"], entry=Entry.objects.get(pk=w["entries"][0].pk), eligible=True
    ),
    "extension_grant": lambda w: entry_extension_grant(
        user=w["organizer"],
        entry=Entry.objects.get(pk=w["entries"][0].pk),
        until=w["contest"].closes_at + timedelta(days=2),
        reason="서버 장애",
    ),
    "panel_add": lambda w: panel_member_add(
        user=w["organizer"], round=w["round"], judge=w["spare"]
    ),
    "conflict_record": lambda w: conflict_declare(
        user=w["organizer"],
        contest=w["contest"],
        judge=w["judges"][0],
        institution="어느 대학교",
        reason="졸업",
    ),
    "judge_declares_conflict": lambda w: conflict_declare(
        user=w["judges"][1], contest=w["contest"], judge=w["judges"][1], institution="다른 대학교"
    ),
    "assignment": lambda w: assignment_start(user=w["organizer"], round=w["round"]),
    "recusal": lambda w: assignment_recuse(
        user=w["judges"][2], assignment_id=_owed(w).pk, reason="아는 팀"
    ),
    "scoring": lambda w: scorecard_save(
        user=w["judges"][2],
        assignment_id=_owed(w).pk,
        scores={c.code: 10 for c in w["round"].criteria.all()},
    ),
    "unlock": lambda w: scorecard_unlock(
        user=w["organizer"], scorecard_id=_submitted_card(w).pk, reason="입력 오류"
    ),
    "reminders": lambda w: round_reminders_send(user=w["organizer"], round=w["round"]),
    "ranking": lambda w: rankings.ranking_start(user=w["organizer"], round=w["round"]),
    "ranking_with_reason": lambda w: rankings.ranking_start(
        user=w["organizer"], round=w["round"], method="mean", override_reason="심사위원 입원"
    ),
    "advancement": lambda w: rankings.round_advance(user=w["organizer"], round=w["round"]),
    "final_ranking": lambda w: rankings.final_ranking_compute(
        user=w["organizer"], contest=w["contest"]
    ),
    "allocation": lambda w: publication.allocation_compute(
        user=w["organizer"], contest=w["contest"]
    ),
    "approval": lambda w: publication.allocation_approve(user=w["organizer"], contest=w["contest"]),
    "preview": lambda w: announcement.publication_preview(
        user=w["organizer"], contest=w["contest"]
    ),
    "schedule": lambda w: announcement.publication_schedule(
        user=w["organizer"], contest=w["contest"]
    ),
    "publish": lambda w: publication.results_publish(user=w["organizer"], contest=w["contest"]),
    "unpublish": lambda w: publication.results_unpublish(
        user=w["organizer"], contest=w["contest"], reason="정정"
    ),
}


class _Rollback(Exception):
    pass


def run_cell(w, action: str) -> tuple[str, bool, str]:
    """(outcome, changed the database?, message): "ok" or the code of the refusal."""
    outcome, changed, message = "ok", False, ""
    try:
        with transaction.atomic():
            before = _snapshot()
            try:
                with transaction.atomic():
                    ACTIONS[action](w)
            except DomainError as error:
                if error.code in PHASE_CODES:
                    outcome, message = error.code, str(error.message)
            changed = _snapshot() != before
            raise _Rollback
    except _Rollback:
        pass
    return outcome, changed, message


def test_every_action_has_a_row():
    assert set(TABLE) == set(ACTIONS)
    assert all(len(row.split()) == len(PHASES) for row in TABLE.values()), {
        a: len(r.split()) for a, r in TABLE.items()
    }


@pytest.mark.parametrize("phase", PHASES)
def test_phase_table(world, phase, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        phase_set(world, phase)
    at = PHASES.index(phase)
    problems = []
    for action in TABLE:
        expected = TABLE[action].split()[at]
        with django_capture_on_commit_callbacks(execute=False):
            outcome, changed, message = run_cell(world, action)
        if outcome != expected:
            problems.append(f"{action}: expected {expected}, got {outcome} {message}")
        if outcome != "ok" and changed:
            problems.append(f"{action}: refused ({outcome}) but changed the database")
        if outcome != "ok" and not message.strip():
            problems.append(f"{action}: refused ({outcome}) without a message")
    assert problems == []


def test_a_refusal_names_what_is_missing(world):
    """The messages a user reads: the deadline in KST, the judge who owes, the window."""
    phase_set(world, "open")
    _outcome, _changed, message = run_cell(world, "assignment")
    deadline = timezone.localtime(world["contest"].closes_at).strftime("%Y-%m-%d %H:%M:%S")
    assert deadline in message
    phase_set(world, "judging")
    _outcome, _changed, message = run_cell(world, "ranking")
    assert world["judges"][2].name in message and "(2)" in message
    phase_set(world, "closed")
    _outcome, _changed, message = run_cell(world, "scoring")
    opens = timezone.localtime(world["round"].judging_opens_at).strftime("%Y-%m-%d %H:%M:%S")
    assert opens in message
