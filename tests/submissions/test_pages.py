"""The same journeys through the HTML pages (the services are shared with the API)."""

import pytest

from accounts.models import User
from contests.models import Contest
from submissions.models import Entry
from tests.submissions.badfiles import good_pdf
from tests.submissions.conftest import client_for, confirm_members, drawing_payload, upload

pytestmark = pytest.mark.django_db

TEAM_FORM = {
    "team_name": "스마트무브",
    "theme": "energy",
    "title": "태양광 버스정류장",
    "abstract": "정류장 지붕의 태양광으로 전광판을 켭니다.",
    "m0_name": "박지민",
    "m0_university": "서울대학교",
    "m0_department": "건축학과",
    "m0_email": "jimin@snu.example",
    "m0_phone": "010-1111-2222",
    "m1_name": "이서연",
    "m1_university": "KAIST",
    "m1_department": "전산학부",
    "m1_email": "seoyeon@kaist.example",
    "m1_phone": "010-3333-4444",
    "consent_privacy": "on",
    "consent_originality": "on",
}


def test_register_logs_in_and_lands_on_my_entries(client, open_wsce):
    response = client.post(
        "/register/",
        {
            "role": "guardian",
            "name": "최수진",
            "username": "sujin",
            "email": "sujin@example.com",
            "phone": "010-0000-0000",
            "password": "drawing-2021!",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/entries/"
    assert User.objects.get(username="sujin").role == "guardian"
    page = client.get("/me/entries/").content.decode()
    assert "내 작품" in page and "어린이 그림그리기" in page


def test_register_errors_keep_what_was_typed(client, open_wsce):
    response = client.post(
        "/register/",
        {
            "role": "student",
            "name": "박지민",
            "username": "jimin",
            "email": "not-email",
            "password": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="jimin"' in html and 'value="박지민"' in html
    assert "error-summary" in html
    assert not User.objects.exists()


def test_team_entry_through_the_pages(client, open_wsce, student):
    client.force_login(student)
    response = client.post("/contests/wsce2021-smart-city/enter/", TEAM_FORM)
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/entries/{entry.pk}/"
    assert [m.is_leader for m in entry.members.order_by("order")] == [True, False]
    upload(client_for(student), entry.pk, "proposal", good_pdf(), content_type="application/pdf")
    waiting = client.post(f"/entries/{entry.pk}/submit/", follow=True).content.decode()
    assert "팀원 2명 확인 대기" in waiting  # the leader's row names another address here
    confirm_members(entry.pk)
    client.post(f"/entries/{entry.pk}/submit/")
    html = client.get(f"/entries/{entry.pk}/").content.decode()
    assert "WSCE21-S-0001" in html


def test_team_form_errors_are_shown_on_the_fields(client, open_wsce, student):
    client.force_login(student)
    form = {**TEAM_FORM, "m1_email": "jimin@snu.example"}
    response = client.post("/contests/wsce2021-smart-city/enter/", form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and 'value="태양광 버스정류장"' in html
    assert not Entry.objects.exists()


def test_submit_without_file_says_what_is_missing(client, open_wsce, student):
    client.force_login(student)
    client.post("/contests/wsce2021-smart-city/enter/", TEAM_FORM)
    entry = Entry.objects.get()
    response = client.post(f"/entries/{entry.pk}/submit/", follow=True)
    assert "아직 완성되지 않았습니다" in response.content.decode()
    assert Entry.objects.get().status == "draft"


def test_drawing_entry_for_a_child_too_young(client, open_wsce, guardian):
    client.force_login(guardian)
    response = client.post(
        "/contests/wsce2021-drawing/enter/",
        {
            "child_name": "김하늘",
            "child_birth_date": "2019-03-01",
            "title": "우리 동네",
            "consent_guardian": "on",
        },
    )
    assert response.status_code == 200
    assert "2019년생" in response.content.decode()
    assert not Entry.objects.exists()


def test_organizer_sees_entries_with_counts(client, open_wsce, student, organizer):
    Contest.objects.get(slug="wsce2021-smart-city").organizers.add(organizer)
    client.force_login(student)
    client.post("/contests/wsce2021-smart-city/enter/", TEAM_FORM)
    client.force_login(organizer)
    html = client.get("/contests/wsce2021-smart-city/manage/entries/").content.decode()
    assert "태양광 버스정류장" in html
    client.force_login(student)
    assert client.get("/contests/wsce2021-smart-city/manage/entries/").status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_my_entries_page_query_count(client, open_wsce, guardian, django_assert_num_queries, n):

    api = client_for(guardian)
    for i in range(n):
        api.post(
            "/api/v1/contests/wsce2021-drawing/entries/",
            drawing_payload(name=f"아이{i}"),
            format="json",
        )
    client.force_login(guardian)
    # session, user, entries (+ joins), members, consents, files, contests
    with django_assert_num_queries(7):
        assert client.get("/me/entries/").status_code == 200


def test_owner_opens_the_original_through_a_signed_url(client, open_wsce, student, other_student):
    client.force_login(student)
    client.post("/contests/wsce2021-smart-city/enter/", TEAM_FORM)
    entry = Entry.objects.get()
    upload(client_for(student), entry.pk, "proposal", good_pdf(), content_type="application/pdf")
    f = entry.files.get()
    response = client.get(f"/entries/{entry.pk}/files/{f.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/files/")
    served = client.get(response["Location"])
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    client.force_login(other_student)
    assert client.get(f"/entries/{entry.pk}/files/{f.pk}/").status_code == 404
