"""A judge asks for an unlock; the organizer grants or declines; the judge is told by mail and
on the queue. Recusal needs a reason, on the page and in the API."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import NotFound, ValidationFailed
from core.models import AuditRecord
from judging.models import Assignment, Conflict, Scorecard, UnlockRequest
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save, scorecard_unlock, unlock_request_grant
from judging.services.unlocks import unlock_request_decline, unlock_request_make

pytestmark = pytest.mark.django_db

FULL = {"theme": "35", "creativity": "20.5", "technique": "25"}


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(judged, organizer):
    """The first judge has submitted the first entry of their queue."""
    judges_assign(user=organizer, round=judged["prelim"])
    judge = judged["judges"][0]
    a = Assignment.objects.filter(judge=judge).order_by("queue_order").first()
    scorecard_save(user=judge, assignment_id=a.pk, scores=dict(FULL), submit=True)
    return {**judged, "judge": judge, "a": a, "card": Scorecard.objects.get(judge=judge)}


def test_asking_needs_a_reason_and_records_nothing_without_one(submitted):
    judge, a = submitted["judge"], submitted["a"]
    with pytest.raises(ValidationFailed) as refused:
        unlock_request_make(user=judge, assignment_id=a.pk, reason="  ")
    assert "reason" in refused.value.detail
    response = browser(judge).post(reverse("judge-unlock-request", args=[a.pk]), {"reason": ""})
    assert response.status_code == 200
    assert 'id="ask-reason-error"' in response.content.decode()
    assert not UnlockRequest.objects.exists()
    assert not AuditRecord.objects.filter(action="scorecard.unlock_request").exists()


def test_a_draft_needs_no_unlock_and_only_one_request_waits(submitted):
    judge = submitted["judge"]
    other = Assignment.objects.filter(judge=judge).exclude(pk=submitted["a"].pk).first()
    with pytest.raises(ValidationFailed) as draft:
        unlock_request_make(user=judge, assignment_id=other.pk, reason="점수 수정")
    assert draft.value.code == "not_submitted"
    unlock_request_make(user=judge, assignment_id=submitted["a"].pk, reason="주제표현 오기")
    with pytest.raises(ValidationFailed) as again:
        unlock_request_make(user=judge, assignment_id=submitted["a"].pk, reason="다시")
    assert again.value.code == "unlock_already_requested"
    assert UnlockRequest.objects.count() == 1


def test_nobody_else_asks_or_answers(submitted, other_judge, student):
    a = submitted["a"]
    for user in (other_judge, student, submitted["judges"][1]):
        with pytest.raises(NotFound):
            unlock_request_make(user=user, assignment_id=a.pk, reason="x")
    request = unlock_request_make(user=submitted["judge"], assignment_id=a.pk, reason="오기")
    for user in (other_judge, student, submitted["judge"]):
        with pytest.raises(NotFound):
            unlock_request_grant(user=user, request_id=request.pk)
        with pytest.raises(NotFound):
            unlock_request_decline(user=user, request_id=request.pk)
    request.refresh_from_db()
    card = Scorecard.objects.get(pk=submitted["card"].pk)
    assert request.status == "pending" and card.status == "submitted"


def test_granted_request_unlocks_and_the_judge_is_told_by_mail_and_on_the_queue(
    submitted, organizer, django_capture_on_commit_callbacks
):
    judge, a = submitted["judge"], submitted["a"]
    client = browser(judge)
    asked = client.post(reverse("judge-unlock-request", args=[a.pk]), {"reason": "주제표현 오기"})
    assert asked.status_code == 302
    request = UnlockRequest.objects.get()
    page = client.get(reverse("judge-assignment", args=[a.pk])).content.decode()
    assert 'id="ask-reason"' not in page  # waiting for the answer: no second form
    round_page = browser(organizer).get(
        reverse("organizer-round", args=[submitted["drawing"].slug, submitted["prelim"].pk])
    )
    assert "주제표현 오기" in round_page.content.decode()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = browser(organizer).post(
            reverse("organizer-round", args=[submitted["drawing"].slug, submitted["prelim"].pk]),
            {"action": "unlock_grant", "request": str(request.pk), "answer": "수정하세요"},
        )
    assert response.status_code == 302
    card = Scorecard.objects.get(pk=submitted["card"].pk)
    request.refresh_from_db()
    assert card.status == "draft" and card.unlocked_at is not None
    assert card.unlock_reason == "수정하세요"
    assert (request.status, request.decided_by) == ("granted", organizer)
    assert AuditRecord.objects.filter(action="scorecard.unlock", reason="수정하세요").exists()
    assert [m.to for m in mail.outbox] == [[judge.email]]
    assert a.entry.blind_code in mail.outbox[0].subject
    assert reverse("judge-assignment", args=[a.pk]) in mail.outbox[0].body
    queue = client.get(reverse("judge-queue")).content.decode()
    assert "수정하세요" in queue and reverse("judge-assignment", args=[a.pk]) in queue
    # submitting again ends the notice
    scorecard_save(user=judge, assignment_id=a.pk, scores=dict(FULL), submit=True)
    assert "수정하세요" not in client.get(reverse("judge-queue")).content.decode()


def test_declined_request_leaves_the_card_locked_and_tells_the_judge(
    submitted, organizer, django_capture_on_commit_callbacks
):
    judge, a = submitted["judge"], submitted["a"]
    request = unlock_request_make(user=judge, assignment_id=a.pk, reason="오기")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unlock_request_decline(user=organizer, request_id=request.pk, answer="마감 후 불가")
    request.refresh_from_db()
    assert request.status == "declined"
    assert Scorecard.objects.get(pk=submitted["card"].pk).status == "submitted"
    assert len(mail.outbox) == 1 and "마감 후 불가" in mail.outbox[0].body
    assert "마감 후 불가" in browser(judge).get(reverse("judge-queue")).content.decode()
    with pytest.raises(ValidationFailed) as answered:
        unlock_request_grant(user=organizer, request_id=request.pk)
    assert answered.value.code == "unlock_request_answered"
    # the judge may ask again
    unlock_request_make(user=judge, assignment_id=a.pk, reason="근거를 덧붙입니다")
    assert UnlockRequest.objects.filter(status="pending").count() == 1


def test_an_unlock_without_a_request_is_told_to_the_judge_too(
    submitted, organizer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        scorecard_unlock(user=organizer, scorecard_id=submitted["card"].pk, reason="이의신청")
    assert [m.to for m in mail.outbox] == [[submitted["judge"].email]]
    assert "이의신청" in mail.outbox[0].body


def test_recusal_without_a_reason_is_refused_by_the_api(submitted):
    judge = submitted["judge"]
    a = Assignment.objects.filter(judge=judge).exclude(pk=submitted["a"].pk).first()
    api = APIClient()
    api.force_authenticate(judge)
    response = api.post(
        f"/api/v1/judging/assignments/{a.pk}/recuse/", {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["detail"]
    a.refresh_from_db()
    assert a.recused_at is None and not Conflict.objects.exists()
