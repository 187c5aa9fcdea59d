import pytest

from accounts.models import User
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

VALID = {
    "username": "jimin",
    "password": "smart-city-2021!",
    "email": "jimin@example.com",
    "name": "박지민",
    "phone": "010-1234-5678",
    "role": "student",
}


def test_register_student(api):
    response = api.post("/api/v1/auth/register/", VALID)
    assert response.status_code == 201
    user = User.objects.get(username="jimin")
    assert response.json() == {"id": user.id, "username": "jimin", "role": "student"}
    assert user.check_password("smart-city-2021!")
    assert (user.name, user.role, user.is_staff) == ("박지민", "student", False)


def test_register_guardian(api):
    response = api.post("/api/v1/auth/register/", {**VALID, "role": "guardian"})
    assert response.status_code == 201
    assert response.json()["role"] == "guardian"


@pytest.mark.parametrize("role", ["judge", "organizer", "admin", ""])
def test_staff_roles_cannot_self_register(api, role):
    response = api.post("/api/v1/auth/register/", {**VALID, "role": role})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_role"
    assert not User.objects.exists()


def test_duplicate_username_case_insensitive(api, student):
    response = api.post("/api/v1/auth/register/", {**VALID, "username": student.username.upper()})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "username_taken"
    assert "username" in body["detail"]
    assert User.objects.count() == 1


def test_weak_password_and_bad_email_are_named(api):
    response = api.post(
        "/api/v1/auth/register/", {**VALID, "password": "1234", "email": "not-an-email"}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["detail"]) == {"password", "email"}
    assert body["message"] == "표시된 항목을 고쳐 주세요."
    assert not User.objects.exists()


def test_missing_fields_use_the_error_shape(api):
    response = api.post("/api/v1/auth/register/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Please correct the marked fields."
    assert {"username", "password", "email", "name", "role"} <= set(body["detail"])


def test_token_and_me(api, student):
    response = api.post(
        "/api/v1/auth/token/", {"username": student.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json() == {
        "id": student.id,
        "username": student.username,
        "name": student.name,
        "email": student.email,
        "roles": ["student"],
    }


def test_wrong_password(api, student):
    response = api.post("/api/v1/auth/token/", {"username": student.username, "password": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


def test_me_anonymous_is_401_with_error_shape(api):
    response = api.get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Log in to continue.",
        "detail": {},
    }


def test_me_roles_for_each_staff_role(organizer, judge):
    assert client_for(organizer).get("/api/v1/me/").json()["roles"] == ["organizer"]
    assert client_for(judge).get("/api/v1/me/").json()["roles"] == ["judge"]


def test_bad_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token nope")
    response = api.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
