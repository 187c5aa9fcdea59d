"""DOMAIN §10 "Accounts": login throttling (429 after repeated failures) and upload throttling."""

import logging
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.exceptions import Throttled as DRFThrottled

from api.exceptions import exception_handler
from contests.seed import wsce2021_seed
from core.errors import Throttled
from core.http import DomainErrorMiddleware
from submissions.models import EntryFile
from tests.conftest import client_for
from tests.submissions.conftest import TEAM

PASSWORD = "correct-horse-battery"  # tests/factories.user_make
WRONG = "Wr0ng-pass-SECRET-xyz"


def _api_login(api, username, password, ip="10.0.0.1"):
    return api.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_api_token_answers_429_after_five_failures_and_never_logs_the_password(
    api, student, caplog
):
    caplog.set_level(logging.DEBUG)
    for _ in range(5):
        assert _api_login(api, student.username, WRONG).status_code == 400
    response = _api_login(api, student.username, PASSWORD)  # even the right password now
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"]["retry_after_seconds"] == 900
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    assert "login throttled" in caplog.text


def test_api_throttle_is_per_username_and_ip(api, student, other_student):
    for _ in range(5):
        _api_login(api, student.username, WRONG)
    assert _api_login(api, student.username, PASSWORD).status_code == 429
    # another address, or another account from the same address, is not locked out
    assert _api_login(api, student.username, PASSWORD, ip="10.0.0.2").status_code == 200
    assert _api_login(api, other_student.username, PASSWORD).status_code == 200


def test_success_resets_the_failure_count(api, student):
    for _ in range(4):
        _api_login(api, student.username, WRONG)
    assert _api_login(api, student.username, PASSWORD).status_code == 200
    for _ in range(4):
        _api_login(api, student.username, WRONG)
    assert _api_login(api, student.username, PASSWORD).status_code == 200


def test_html_login_answers_429_after_five_failures(student, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    for _ in range(5):
        response = client.post("/login/", {"username": student.username, "password": WRONG})
        assert response.status_code == 200
    response = client.post("/login/", {"username": student.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session  # not logged in
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    # the page says why, in the user's language
    assert "15" in response.content.decode()


def test_html_login_still_works_below_the_limit(student):
    client = Client()
    for _ in range(4):
        client.post("/login/", {"username": student.username, "password": WRONG})
    response = client.post("/login/", {"username": student.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(student.pk)


@pytest.fixture
def team_entry(wsce, student):

    wsce2021_seed(demo_now=timezone.now())
    client = client_for(student)
    response = client.post("/api/v1/contests/wsce2021-smart-city/entries/", TEAM, format="json")
    assert response.status_code == 201, response.json()
    return client, response.json()["id"]


def _slot(client, entry_id):
    return client.post(
        f"/api/v1/entries/{entry_id}/uploads/",
        {"slot": "proposal", "filename": "p.pdf", "content_type": "application/pdf", "size": 10},
        format="json",
    )


def test_upload_slots_are_throttled_per_user(team_entry, other_student):

    client, entry_id = team_entry
    rates = {"DEFAULT_THROTTLE_RATES": {"uploads": "3/hour"}}

    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
        for _ in range(3):
            assert _slot(client, entry_id).status_code == 201
        before = EntryFile.objects.count()
        response = _slot(client, entry_id)
        assert response.status_code == 429
        assert response.json()["code"] == "throttled"
        assert "retry_after_seconds" in response.json()["detail"]
        assert EntryFile.objects.count() == before  # no slot recorded
        # another user is counted separately (404: not their entry, but not throttled)
        assert _slot(client_for(other_student), entry_id).status_code == 404


def test_admin_login_answers_429_after_five_failures(organizer, caplog):
    caplog.set_level(logging.DEBUG)
    client = Client()
    form = {"username": organizer.username, "next": "/admin/"}
    for _ in range(5):
        response = client.post("/admin/login/", {**form, "password": WRONG}, REMOTE_ADDR="10.0.0.9")
        assert response.status_code == 200
    response = client.post("/admin/login/", {**form, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "15" in response.content.decode()  # the form says why
    assert "_auth_user_id" not in client.session
    assert WRONG not in caplog.text and PASSWORD not in caplog.text
    assert "login throttled" in caplog.text
    # the same counters as /login/: that page is locked for this name and address too
    assert (
        client.post(
            "/login/",
            {"username": organizer.username, "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
        ).status_code
        == 429
    )
    # another address is not locked out, and a success there logs in
    response = client.post("/admin/login/", {**form, "password": PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(organizer.pk)


def test_admin_login_success_resets_the_count_and_get_is_not_counted(organizer):
    client = Client()
    for _ in range(10):
        assert client.get("/admin/login/").status_code == 200
    for _ in range(4):
        client.post("/admin/login/", {"username": organizer.username, "password": WRONG})
    ok = client.post("/admin/login/", {"username": organizer.username, "password": PASSWORD})
    assert ok.status_code == 302
    client.logout()
    for _ in range(4):
        client.post("/admin/login/", {"username": organizer.username, "password": WRONG})
    ok = client.post("/admin/login/", {"username": organizer.username, "password": PASSWORD})
    assert ok.status_code == 302


# ---- every 429 says when to come back (issue 13.14) ---------------------------------------------


def test_the_api_log_in_429_carries_retry_after_counting_down(api, student):
    clock = [1_000_000.0]
    with mock.patch("accounts.throttling.time.time", side_effect=lambda: clock[0]):
        for _ in range(5):
            _api_login(api, student.username, WRONG)
        response = _api_login(api, student.username, PASSWORD)
        assert response.status_code == 429
        assert response["Retry-After"] == "900"
        assert response.json()["detail"]["retry_after_seconds"] == 900
        clock[0] += 600.5  # the window started at the first failure
        response = _api_login(api, student.username, PASSWORD)
        assert response["Retry-After"] == "300"
        assert response.json()["detail"]["retry_after_seconds"] == 300


def test_the_pages_429_count_down_too(student):
    clock = [2_000_000.0]
    client = Client()
    with mock.patch("accounts.throttling.time.time", side_effect=lambda: clock[0]):
        for _ in range(5):
            client.post("/login/", {"username": student.username, "password": WRONG})
        clock[0] += 100
        response = client.post("/login/", {"username": student.username, "password": PASSWORD})
        assert (response.status_code, response["Retry-After"]) == (429, "800")
        response = client.post("/admin/login/", {"username": student.username, "password": WRONG})
        assert (response.status_code, response["Retry-After"]) == (429, "800")


def test_the_upload_throttle_429_carries_retry_after(team_entry):
    client, entry_id = team_entry
    rates = {"DEFAULT_THROTTLE_RATES": {"uploads": "1/hour"}}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
        assert _slot(client, entry_id).status_code == 201
        response = _slot(client, entry_id)
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 3590 <= seconds <= 3600
    assert response.json()["detail"] == {"retry_after_seconds": seconds}


def test_a_drf_throttle_without_a_wait_still_says_retry_after():
    response = exception_handler(DRFThrottled(wait=None), {})
    assert response.status_code == 429 and response["Retry-After"] == "1"
    response = exception_handler(DRFThrottled(wait=0.2), {})
    assert response["Retry-After"] == "1"


def test_a_throttled_page_answers_429_with_retry_after(rf):
    """Any page whose service refuses with Throttled (not handled by the view)."""
    request = rf.get("/me/verify/")
    request.user = AnonymousUser()
    middleware = DomainErrorMiddleware(lambda r: None)
    response = middleware.process_exception(request, Throttled("잠시 후에", retry_after=42))
    assert response.status_code == 429
    assert response["Retry-After"] == "42"
    assert "잠시 후에" in response.content.decode()
    # under /api/ the API's own handler answers (JSON); the middleware leaves it alone
    assert middleware.process_exception(rf.get("/api/v1/me/"), Throttled(retry_after=1)) is None
