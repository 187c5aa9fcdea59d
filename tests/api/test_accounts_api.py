import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

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


# ---- one account per address, real phone numbers (issue 13.14) --------------------------------


def test_an_address_differing_only_in_case_is_taken(api):
    assert api.post("/api/v1/auth/register/", VALID).status_code == 201
    again = {**VALID, "username": "jimin2", "email": "  JiMin@Example.COM "}
    response = api.post("/api/v1/auth/register/", again)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]["email"] == ["이 이메일 주소로 가입한 계정이 이미 있습니다."]
    assert User.objects.count() == 1


def test_the_address_is_stored_lower_case(api):
    response = api.post("/api/v1/auth/register/", {**VALID, "email": " Jimin@EXAMPLE.com "})
    assert response.status_code == 201
    assert User.objects.get().email == "jimin@example.com"


def test_the_database_holds_one_account_per_address_whatever_its_case(student):
    clash = User(username="someone", email=student.email.upper(), role="student")
    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()
    # accounts without an address do not clash with each other
    User.objects.create(username="a1", email="", role="judge")
    User.objects.create(username="a2", email="", role="judge")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("010-1234-5678", "010-1234-5678"),
        ("01012345678", "010-1234-5678"),
        ("010 1234 5678", "010-1234-5678"),
        ("+82 10-1234-5678", "010-1234-5678"),
        ("011-123-4567", "011-123-4567"),
        ("02-123-4567", "02-123-4567"),
        ("0212345678", "02-1234-5678"),
        ("031-123-4567", "031-123-4567"),
        ("(064) 1234-5678", "064-1234-5678"),
        ("070-1234-5678", "070-1234-5678"),
        ("", ""),
    ],
)
def test_korean_phone_numbers_are_stored_one_way(api, given, stored):
    response = api.post("/api/v1/auth/register/", {**VALID, "phone": given})
    assert response.status_code == 201, response.json()
    assert User.objects.get().phone == stored


@pytest.mark.parametrize(
    "given",
    ["010-1", "010-123-4567", "012-1234-5678", "1234", "02-12-3456", "010-1234-56789", "전화"],
)
def test_a_phone_number_that_is_not_korean_is_refused(api, given):
    response = api.post("/api/v1/auth/register/", {**VALID, "phone": given})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"]["phone"] == ["전화번호를 010-1234-5678, 02-123-4567처럼 입력해 주세요."]
    assert not User.objects.exists()


def test_the_sign_up_page_refuses_them_too(client, student):
    data = {
        "role": "guardian",
        "name": "김보호",
        "username": "parent1",
        "email": student.email.upper(),
        "phone": "010-1",
        "password": "smart-city-2021!",
    }
    response = client.post("/register/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "이 이메일 주소로 가입한 계정이 이미 있습니다." in html
    assert "전화번호를 010-1234-5678, 02-123-4567처럼 입력해 주세요." in html
    assert not User.objects.filter(username="parent1").exists()
    data |= {"email": "parent1@example.com", "phone": "01098765432"}
    assert client.post("/register/", data).status_code == 302
    assert User.objects.get(username="parent1").phone == "010-9876-5432"


def test_the_judges_import_refuses_an_address_of_another_account(wsce, organizer, student):
    smart, _ = wsce
    smart.organizers.add(organizer)
    table = f"username,name,email\nnewjudge,심사위원,{student.email.upper()}\n".encode()
    response = client_for(organizer).post(
        f"/api/v1/contests/{smart.slug}/judges/import/",
        {"file": SimpleUploadedFile("judges.csv", table, "text/csv")},
        format="multipart",
    )
    assert response.status_code == 400
    assert "belongs to another account" in response.json()["detail"]["rows"][0]
    assert not User.objects.filter(username="newjudge").exists()
