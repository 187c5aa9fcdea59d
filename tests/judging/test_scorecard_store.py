"""The scorecard store: its one-query read agrees with the judge's queue, its two writers (one
PostgreSQL statement, the ORM elsewhere) leave the same rows, and a stale version writes nothing.
"""

from decimal import Decimal

import pytest
from django.db import connection

from core.models import AuditRecord
from judging import scorecard_store
from judging.models import Assignment, Score, Scorecard
from judging.selectors import judge_assignments
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from submissions.enums import ConsentKind
from submissions.services.entries import consent_withdraw
from tests.conftest import client_for

WRITERS = ["orm", "postgresql"]


@pytest.fixture
def assigned(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])
    return judged


def _use_writer(monkeypatch, name: str) -> None:
    if name == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("the one-statement writer is PostgreSQL's (CI runs it)")
    writer = {"orm": scorecard_store._write_orm, "postgresql": scorecard_store._write_postgresql}
    monkeypatch.setattr(scorecard_store, "_writer", lambda: writer[name])


def _rows(card_id: int) -> dict:
    card = Scorecard.objects.get(pk=card_id)
    return {
        "card": (card.status, card.comment, card.total, card.version, card.submitted_at is None),
        "scores": {
            s.criterion.code: (s.points, s.max_points)
            for s in Score.objects.filter(scorecard=card).select_related("criterion")
        },
        "audit": [
            (r.action, r.actor_id, r.contest_id, r.target_type, r.before, r.after, r.reason)
            for r in AuditRecord.objects.filter(
                target_type="judging.scorecard", target_id=str(card_id)
            ).order_by("pk")
        ],
    }


def test_the_read_finds_exactly_the_assignments_of_the_judges_queue(assigned, organizer):
    judge = assigned["judges"][0]
    mine = list(Assignment.objects.filter(judge=judge))
    drawing = next(a.entry for a in mine)
    consent_withdraw(user=drawing.owner, entry=drawing, kinds=[ConsentKind.GUARDIAN])
    others = list(Assignment.objects.exclude(judge=judge)[:3])
    queue = {a.pk for a in judge_assignments(judge)}
    found = {
        a.pk
        for a in mine + others
        if scorecard_store.scorecard_state(judge_id=judge.pk, assignment_id=a.pk)
    }
    assert found == queue
    assert len(queue) == len(mine) - 1  # the drawing without consent is out of reach


def test_the_read_returns_the_card_and_its_scores(assigned):
    judge = assigned["judges"][0]
    a = judge_assignments(judge).first()
    saved = scorecard_save(user=judge, assignment_id=a.pk, scores={"theme": "12.5"}, comment="메모")
    state = scorecard_store.scorecard_state(judge_id=judge.pk, assignment_id=a.pk)
    assert (state.card_id, state.version, state.status) == (saved.pk, saved.version, "draft")
    assert (state.comment, state.total) == ("메모", Decimal("12.5"))
    assert state.scores == {"theme": Decimal("12.5")}
    assert [c.code for c in state.criteria] == [
        c.code for c in a.round.criteria.order_by("order", "code")
    ]


SAVES = [
    {"scores": {"theme": 10}, "comment": " 첫 초안 "},
    {"scores": {"theme": "12.5", "creativity": 20}, "comment": "둘째"},
    {"scores": {"creativity": 5}, "comment": ""},  # theme cleared
    {"scores": {"theme": 40, "creativity": 30, "technique": 30}, "submit": True},
]


@pytest.mark.parametrize("writer", WRITERS)
def test_a_sequence_of_saves_leaves_these_exact_rows(assigned, monkeypatch, writer):
    _use_writer(monkeypatch, writer)
    judge = assigned["judges"][0]
    a = judge_assignments(judge).first()
    for body in SAVES:
        saved = scorecard_save(user=judge, assignment_id=a.pk, **body)
    rows = _rows(saved.pk)
    assert rows["card"] == ("submitted", "", Decimal("100.00"), 5, False)
    assert rows["scores"] == {
        "theme": (Decimal("40.00"), 40),
        "creativity": (Decimal("30.00"), 30),
        "technique": (Decimal("30.00"), 30),
    }
    contest = assigned["drawing"].pk
    empty = {"status": "draft", "comment": "", "total": "0.00", "scores": {}}
    first = {
        "status": "draft",
        "comment": "첫 초안",
        "total": "10.00",
        "scores": {"theme": "10.00"},
    }
    second = {
        "status": "draft",
        "comment": "둘째",
        "total": "32.50",
        "scores": {"theme": "12.50", "creativity": "20.00"},
    }
    third = {"status": "draft", "comment": "", "total": "5.00", "scores": {"creativity": "5.00"}}
    last = {
        "status": "submitted",
        "comment": "",
        "total": "100.00",
        "scores": {"theme": "40.00", "creativity": "30.00", "technique": "30.00"},
    }
    t = "judging.scorecard"
    assert rows["audit"] == [
        ("scorecard.save", judge.pk, contest, t, empty, first, ""),
        ("scorecard.save", judge.pk, contest, t, first, second, ""),
        ("scorecard.save", judge.pk, contest, t, second, third, ""),
        ("scorecard.submit", judge.pk, contest, t, third, last, ""),
    ]


def _late_change(judge, assignment, saved, *, version: int) -> scorecard_store.ScorecardChange:
    """A change of one point computed from ``version`` of the judge's saved card."""
    state = scorecard_store.scorecard_state(judge_id=judge.pk, assignment_id=assignment.pk)
    first = state.criteria[0]
    return scorecard_store.ScorecardChange(
        card_id=saved.pk,
        round_id=state.round_id,
        entry_id=state.entry_id,
        version=version,
        scores={first.id: (Decimal(1), first.max_points)},
        total=Decimal(1),
        comment="늦은 저장",
        submit=False,
        actor_id=judge.pk,
        contest_id=state.contest_id,
        before={},
        after={},
    )


@pytest.mark.parametrize("writer", WRITERS)
def test_a_stale_version_writes_nothing(assigned, monkeypatch, writer):
    _use_writer(monkeypatch, writer)
    judge = assigned["judges"][0]
    a = judge_assignments(judge).first()
    saved = scorecard_save(user=judge, assignment_id=a.pk, scores={"theme": 10})
    before = _rows(saved.pk)
    change = _late_change(judge, a, saved, version=saved.version - 1)  # a save came between
    assert scorecard_store.scorecard_write(change) is None
    assert _rows(saved.pk) == before


@pytest.mark.parametrize("writer", WRITERS)
def test_a_submitted_card_is_never_written(assigned, monkeypatch, writer):
    _use_writer(monkeypatch, writer)
    judge = assigned["judges"][0]
    a = judge_assignments(judge).first()
    full = {"theme": 40, "creativity": 30, "technique": 30}
    saved = scorecard_save(user=judge, assignment_id=a.pk, scores=full, submit=True)
    before = _rows(saved.pk)
    change = _late_change(judge, a, saved, version=saved.version)  # current, but locked
    assert scorecard_store.scorecard_write(change) is None
    assert _rows(saved.pk) == before


def test_a_draft_save_is_a_token_a_read_and_one_write(assigned, django_assert_num_queries):
    judge = assigned["judges"][0]
    a = judge_assignments(judge).first()
    client = client_for(judge)
    url = f"/api/v1/judging/assignments/{a.pk}/scorecard/"
    assert client.put(url, {"scores": {"theme": 1}}, format="json").status_code == 200
    # PostgreSQL: one statement; elsewhere the ORM's UPDATE, DELETE, upsert and audit INSERT
    # between a SAVEPOINT and its RELEASE (the test itself runs inside a transaction).
    writes = 1 if connection.vendor == "postgresql" else 6
    for points in (2, 3):
        with django_assert_num_queries(2 + writes):
            response = client.put(url, {"scores": {"theme": points}}, format="json")
        assert response.status_code == 200
        assert response.json()["total"] == points
