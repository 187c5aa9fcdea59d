"""API tokens expire, and a changed or reset password ends every other session and every API
token of the account (issue 13.9, DOMAIN §10 "Accounts")."""

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.enums import Role
from tests.factories import user_make

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests/factories.user_make
NEW = "a-new-Pass-for-2021"


def token_for(user) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def me(key: str, **headers):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/me/", **headers)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def still_logged_in(client: Client) -> bool:
    return client.get("/api/v1/me/").status_code == 200


def test_a_token_says_when_it_expires(student, settings):
    before = timezone.now()
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": student.username, "password": PASSWORD}
    )
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    token = Token.objects.get(key=body["token"])
    assert token.created >= before
    expected = token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert body["expires_at"] == expected.astimezone(timezone.get_current_timezone()).isoformat()
    assert settings.API_TOKEN_TTL_DAYS == 14


def test_an_expired_token_answers_401_token_expired_and_is_gone(student, settings):
    key = token_for(student)
    assert me(key).status_code == 200
    Token.objects.filter(key=key).update(
        created=timezone.now() - timedelta(days=settings.API_TOKEN_TTL_DAYS, seconds=1)
    )
    response = me(key)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "token_expired"
    assert body["message"] == "API 토큰이 만료되었습니다. 다시 로그인해 새 토큰을 받으세요."
    assert response["WWW-Authenticate"] == "Token"
    assert not Token.objects.filter(key=key).exists()
    english = me(key, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["code"] == "authentication_failed"  # deleted now: an unknown token
    # logging in again gives a new token that works
    fresh = token_for(student)
    assert fresh != key and me(fresh).status_code == 200


def test_the_lifetime_is_configurable_and_an_expired_token_is_replaced_on_log_in(student, settings):
    settings.API_TOKEN_TTL_DAYS = 1
    key = token_for(student)
    assert token_for(student) == key  # a living token is handed out again
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(hours=25))
    assert me(key).json()["code"] == "token_expired"
    Token.objects.filter(user=student).update(created=timezone.now() - timedelta(days=3))
    replaced = token_for(student)  # the stale one is not handed out again
    assert replaced != key and me(replaced).status_code == 200


def test_an_expired_token_in_english(student, settings):
    key = token_for(student)
    Token.objects.filter(key=key).update(created=timezone.now() - timedelta(days=30))
    body = me(key, HTTP_ACCEPT_LANGUAGE="en").json()
    assert body == {
        "code": "token_expired",
        "message": "Your API token has expired. Log in again for a new one.",
        "detail": {},
    }


def test_a_password_reset_ends_every_session_and_token(student):
    key = token_for(student)
    browser = logged_in(student)
    assert still_logged_in(browser)
    uid = urlsafe_base64_encode(force_bytes(student.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(student)}/"
    resetter = Client()
    form = resetter.get(link, follow=True)
    assert form.status_code == 200
    done = resetter.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"].endswith("/accounts/reset/done/")
    assert me(key).status_code == 401
    assert not Token.objects.filter(user=student).exists()
    assert not still_logged_in(browser)
    # the new password works, for a new token
    login = APIClient().post("/api/v1/auth/token/", {"username": student.username, "password": NEW})
    assert login.status_code == 200 and me(login.json()["token"]).status_code == 200


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others():
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    key = token_for(organizer)
    here, elsewhere = logged_in(organizer), logged_in(organizer)
    response = here.post(
        "/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert still_logged_in(here)
    assert not still_logged_in(elsewhere)
    assert me(key).status_code == 401


def test_a_superuser_setting_someones_password_ends_their_tokens(judge):
    key = token_for(judge)
    superuser = user_make(Role.ORGANIZER, is_staff=True, is_superuser=True)
    response = logged_in(superuser).post(
        f"/admin/accounts/user/{judge.pk}/password/",
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert me(key).status_code == 401


def test_any_code_that_sets_a_password_ends_the_tokens(guardian):
    """The rule sits where Django reports every password change (AbstractBaseUser.save)."""
    key = token_for(guardian)
    other = token_for(user_make(Role.GUARDIAN))
    guardian.set_password(NEW)
    guardian.save()
    assert me(key).status_code == 401
    assert me(other).status_code == 200  # nobody else's
    guardian.name = "이름만 바꿈"
    guardian.save()  # no new password: a new token lives
    assert me(token_for_password(guardian, NEW)).status_code == 200


def token_for_password(user, password) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": password}
    )
    return response.json()["token"]


def test_the_new_password_form_says_so():
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    page = logged_in(organizer).get("/admin/password_change/").content.decode()
    assert "새 비밀번호를 정하면 다른 곳의 로그인과 API 토큰이 모두 끝납니다." in page
