"""Guardian verification codes (DOMAIN §3): at most 5 wrong tries per code (then the code is
dead, even with the right digits), at most 5 codes per hour per account (429 with
``Retry-After``), sent only to the account's own address; page and API alike."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from submissions.models import GuardianVerification
from submissions.services.verification import guardian_verified_at
from tests.submissions.conftest import client_for, mailed_code

pytestmark = pytest.mark.django_db
SEND, CONFIRM = "/api/v1/me/verification/", "/api/v1/me/verification/confirm/"


def send(client, **body):
    with TestCase.captureOnCommitCallbacks(execute=True):  # mailed after commit
        return client.post(SEND, body, format="json")


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_five_wrong_tries_kill_the_code_even_for_the_right_digits(guardian):
    client = client_for(guardian)
    assert send(client).status_code == 202
    code = mailed_code()
    for _ in range(5):
        response = client.post(CONFIRM, {"code": wrong(code)}, format="json")
        assert (response.status_code, response.json()["code"]) == (400, "code_invalid")
    # the count survived the refusals (it used to roll back with them)
    assert GuardianVerification.objects.get(user=guardian).attempts == 5
    for _ in range(13):  # the attacker's 18 tries, then the right code
        client.post(CONFIRM, {"code": wrong(code)}, format="json")
    response = client.post(CONFIRM, {"code": code}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "code_attempts_exceeded")
    assert guardian_verified_at(guardian) is None
    assert GuardianVerification.objects.get(user=guardian).attempts == 5


def test_the_right_code_within_five_tries_verifies(guardian):
    client = client_for(guardian)
    send(client)
    code = mailed_code()
    for _ in range(4):
        client.post(CONFIRM, {"code": wrong(code)}, format="json")
    response = client.post(CONFIRM, {"code": code}, format="json")
    assert response.status_code == 200, response.json()
    assert guardian_verified_at(guardian) is not None


def test_at_most_five_codes_an_hour_then_429_with_retry_after(guardian):
    client = client_for(guardian)
    for _ in range(5):
        assert send(client).status_code == 202
    refused = send(client)
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == "too_many_codes"
    wait = int(refused["Retry-After"])
    assert 3500 < wait <= 3600
    assert body["detail"]["retry_after_seconds"] == wait
    # the message says when to try again, in KST words
    at = timezone.localtime(timezone.now() + timedelta(seconds=wait)).strftime("%H:%M")
    assert at in body["message"] and "인증번호" in body["message"]
    assert len(mail.outbox) == 5
    assert GuardianVerification.objects.filter(user=guardian).count() == 5
    # an hour after the first code, one more may be sent
    first = GuardianVerification.objects.filter(user=guardian).order_by("created_at").first()
    GuardianVerification.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timedelta(hours=1, seconds=1)
    )
    assert send(client).status_code == 202


def test_codes_go_only_to_the_accounts_own_address(guardian):
    response = send(client_for(guardian), email="attacker@example.net", destination="x@y.z")
    assert response.status_code == 202
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    assert GuardianVerification.objects.get(user=guardian).destination == guardian.email


def test_a_code_before_requesting_one_says_request_a_code_first(guardian):
    response = client_for(guardian).post(CONFIRM, {"code": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "code_not_requested"
    assert "먼저" in response.json()["message"]


def test_an_expired_code_says_expired(guardian):
    client = client_for(guardian)
    send(client)
    GuardianVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(CONFIRM, {"code": mailed_code()}, format="json")
    assert response.json()["code"] == "code_expired"


# ---- the page -----------------------------------------------------------------------------


def page_send(client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/me/verify/", {"send": "1"})


def test_the_page_keeps_the_count_and_kills_the_code(client, guardian):
    client.force_login(guardian)
    page_send(client)
    code = mailed_code()
    for _ in range(5):
        client.post("/me/verify/", {"code": wrong(code)})
    response = client.post("/me/verify/", {"code": code})
    assert response.status_code == 200
    assert guardian_verified_at(guardian) is None
    text = response.content.decode()
    assert "새 인증번호" in text  # "Too many wrong codes. Ask for a new one."


def test_the_page_limits_codes_per_hour_too(client, guardian):
    client.force_login(guardian)
    for _ in range(5):
        assert page_send(client).status_code == 302
    refused = page_send(client)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3500
    assert re.search(r"\d{2}:\d{2}", refused.content.decode())
    assert len(mail.outbox) == 5


def test_the_page_says_request_a_code_first(client, guardian):
    client.force_login(guardian)
    response = client.post("/me/verify/", {"code": "123456"})
    assert "먼저" in response.content.decode()
