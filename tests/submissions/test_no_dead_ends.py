"""Issue 19: the entrants' journeys without dead ends, through the pages (the browser walks
them in tests/e2e): the way to sign-up and back to the form, what is left to do, the child's
details corrected, the printable receipt, and the organizers' messages to entrants."""

import pytest
from django.core import mail
from django.test import TestCase

from contests.models import Contest
from core.errors import NotFound
from core.models import AuditRecord
from submissions.models import EntrantMessage, Entry
from submissions.services.messages import entrant_message_send
from tests.submissions.conftest import client_for, drawing_payload, verify_guardian
from tests.submissions.test_pages import TEAM_FORM

pytestmark = pytest.mark.django_db

DRAWING = "/contests/wsce2021-drawing"
SMART = "/contests/wsce2021-smart-city"


def drawing_form(**extra) -> dict:
    return {
        "child_name": "김민수",
        "child_birth_date": "2013-05-02",
        "child_school": "한빛초등학교",
        "title": "하늘을 나는 버스",
        "consent_guardian": "on",
        **extra,
    }


def drawing_of(guardian, name="김민수") -> Entry:
    response = client_for(guardian).post(
        f"/api/v1{DRAWING}/entries/", drawing_payload(name=name), format="json"
    )
    assert response.status_code == 201, response.json()
    return Entry.objects.get(pk=response.json()["id"])


# ---- sign-up and back ------------------------------------------------------------------------


def test_enter_when_logged_out_offers_sign_up_and_comes_back_to_the_form(client, open_wsce):
    to_login = client.get(f"{DRAWING}/enter/")
    assert to_login.status_code == 302
    login_page = client.get(to_login["Location"]).content.decode()
    # the log-in page links the sign-up, keeping where the parent was going and who they are
    assert "/register/?next=%2Fcontests%2Fwsce2021-drawing%2Fenter%2F&amp;role=guardian" in (
        login_page
    )
    response = client.post(
        "/register/?role=guardian",
        {
            "role": "guardian",
            "name": "최수진",
            "username": "sujin",
            "email": "sujin@example.com",
            "phone": "010-0000-0000",
            "password": "drawing-2021!",
            "next": f"{DRAWING}/enter/",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{DRAWING}/enter/"


def test_sign_up_never_sends_anyone_to_another_site(client, open_wsce):
    page = client.get("/register/?next=https://evil.example/&role=judge").content.decode()
    form = page.split('class="form narrow"')[1].split("</form>")[0]
    assert 'name="next" value=""' in form  # (the language switch keeps its own next, checked)
    assert 'href="/login/"' in page


def test_sign_up_lead_speaks_to_entrants(client, open_wsce):
    page = client.get("/register/").content.decode()
    lead = page.split('class="lead"')[1].split("</p>")[0]
    assert "대학생" in lead and "심사위원" not in lead


# ---- what is left to do ----------------------------------------------------------------------


def test_drawing_entry_page_says_what_is_left(client, open_wsce, guardian):
    entry = drawing_of(guardian)
    client.force_login(guardian)
    html = client.get(f"/entries/{entry.pk}/").content.decode()
    todo = html.split('class="todo')[1].split("</section>")[0]
    assert "<li>이메일 주소 인증</li><li>그림 올리기</li>" in todo
    verify_guardian(client_for(guardian))
    todo = client.get(f"/entries/{entry.pk}/").content.decode().split('class="todo')[1]
    assert "<ul><li>그림 올리기</li></ul>" in todo.split("</section>")[0]


def test_drawing_form_offers_the_verification_before_the_entry(client, open_wsce, guardian):
    client.force_login(guardian)
    html = client.get(f"{DRAWING}/enter/").content.decode()
    assert 'name="send"' in html and 'name="code"' in html
    assert "저장하고 그림 올리기" in html


def test_code_before_asking_for_one_says_to_ask_first(client, open_wsce, guardian):
    client.force_login(guardian)
    response = client.post(
        "/me/verify/", {"code": "123456", "back": f"{DRAWING}/enter/"}, follow=True
    )
    html = response.content.decode()
    assert "만료" not in html
    assert "인증번호 받기" in html or "먼저" in html


def test_team_entry_page_lists_members_to_confirm_and_the_proposal(client, open_wsce, student):
    client.force_login(student)
    client.post(f"{SMART}/enter/", TEAM_FORM)
    entry = Entry.objects.get()
    todo = client.get(f"/entries/{entry.pk}/").content.decode().split('class="todo')[1]
    todo = todo.split("</section>")[0]
    assert "팀원 2명 확인" in todo and "제안서" in todo


def test_my_entries_opens_the_teams_entry_instead_of_a_new_form(client, open_wsce, student):
    client.force_login(student)
    before = client.get("/me/entries/").content.decode()
    assert f"{SMART}/enter/" in before
    client.post(f"{SMART}/enter/", TEAM_FORM)
    entry = Entry.objects.get()
    after = client.get("/me/entries/").content.decode()
    assert f"{SMART}/enter/" not in after
    assert f"/entries/{entry.pk}/" in after


def test_team_form_prefills_the_leader_from_the_account(client, open_wsce, student):
    client.force_login(student)
    html = client.get(f"{SMART}/enter/").content.decode()
    assert f'value="{student.email}"' in html


def test_team_of_one_says_the_team_size_rule(client, open_wsce, student):
    client.force_login(student)
    form = {k: v for k, v in TEAM_FORM.items() if not k.startswith("m1_")}
    html = client.post(f"{SMART}/enter/", form).content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert "총 2~5명" in summary  # the team-size rule, in words
    assert 'href="#id_m1_name"' in summary  # marked where the next member goes
    assert 'class="member-row has-error"' in html
    assert not Entry.objects.exists()


# ---- the child's details ---------------------------------------------------------------------


def test_child_details_are_corrected_until_the_deadline_and_audited(client, open_wsce, guardian):
    entry = drawing_of(guardian)
    client.force_login(guardian)
    response = client.post(
        f"/entries/{entry.pk}/edit/", drawing_form(child_name="김민서", child_school="새빛초등학교")
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.child.name, entry.child.school) == ("김민서", "새빛초등학교")
    assert AuditRecord.objects.filter(action="entry.child_correct").exists()


def test_correcting_to_a_child_already_entered_links_that_entry(client, open_wsce, guardian):
    first = submitted_drawing(guardian)  # one drawing per child: the submitted one counts
    second = drawing_of(guardian, name="김지우")
    client.force_login(guardian)
    response = client.post(f"/entries/{second.pk}/edit/", drawing_form(child_name="김민수"))
    assert response.status_code == 200
    assert f'href="/entries/{first.pk}/"' in response.content.decode()
    second.refresh_from_db()
    assert second.child.name == "김지우"


def test_a_new_drawing_for_an_entered_child_links_the_existing_entry(client, open_wsce, guardian):
    first = submitted_drawing(guardian)
    client.force_login(guardian)
    response = client.post(f"{DRAWING}/enter/", drawing_form())
    assert f'href="/entries/{first.pk}/"' in response.content.decode()
    assert Entry.objects.count() == 1


def test_wrong_birth_year_is_said_once_with_the_allowed_years(client, open_wsce, guardian):
    client.force_login(guardian)
    html = client.post(
        f"{DRAWING}/enter/", drawing_form(child_birth_date="2019-03-01")
    ).content.decode()
    summary = html.split('id="error-summary"')[1].split("</div>")[0]
    assert summary.count("<li>") == 1 and summary.count("2019년생") == 1
    assert "2015–2017 (유아부)" in summary  # the years the divisions take
    assert not Entry.objects.exists()


# ---- the receipt -----------------------------------------------------------------------------


def submitted_drawing(guardian) -> Entry:
    entry = drawing_of(guardian)
    Entry.objects.filter(pk=entry.pk).update(status="submitted", receipt_number="WSCE21-D-00001")
    return Entry.objects.get(pk=entry.pk)


def test_printable_receipt_for_its_owner_only(client, open_wsce, guardian, other_guardian):
    entry = submitted_drawing(guardian)
    client.force_login(guardian)
    html = client.get(f"/entries/{entry.pk}/receipt/").content.decode()
    assert "WSCE21-D-00001" in html and "하늘을 나는 버스" in html and "data-print" in html
    client.force_login(other_guardian)
    assert client.get(f"/entries/{entry.pk}/receipt/").status_code == 404


def test_no_receipt_before_submission(client, open_wsce, guardian):
    entry = drawing_of(guardian)
    client.force_login(guardian)
    assert client.get(f"/entries/{entry.pk}/receipt/").status_code == 404


# ---- messages from the organizers ------------------------------------------------------------


@pytest.fixture
def drawing_contest(open_wsce, organizer):
    contest = Contest.objects.get(slug="wsce2021-drawing")
    contest.organizers.add(organizer)
    return contest


def test_a_message_to_every_entrant_is_mailed_and_shown(
    client, drawing_contest, organizer, guardian, other_guardian
):
    mine, theirs = drawing_of(guardian), drawing_of(other_guardian, name="박하늘")
    client.force_login(organizer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"{DRAWING}/manage/messages/", {"subject": "시상식 안내", "body": "9월 10일입니다."}
        )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted([guardian.email, other_guardian.email])
    assert all("시상식 안내" in m.subject and "/entries/" in m.body for m in mail.outbox)
    for owner, entry in ((guardian, mine), (other_guardian, theirs)):
        client.force_login(owner)
        assert "9월 10일입니다." in client.get(f"/entries/{entry.pk}/").content.decode()
    assert AuditRecord.objects.filter(action="message.send").count() == 1


def test_a_message_to_one_entry_by_receipt_number(
    client, drawing_contest, organizer, guardian, other_guardian
):
    mine = submitted_drawing(guardian)
    theirs = drawing_of(other_guardian, name="박하늘")
    client.force_login(organizer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            f"{DRAWING}/manage/messages/",
            {"receipt": "WSCE21-D-00001", "subject": "파일 확인", "body": "다시 올려 주세요."},
        )
    assert [m.to for m in mail.outbox] == [[guardian.email]]
    client.force_login(guardian)
    assert "다시 올려 주세요." in client.get(f"/entries/{mine.pk}/").content.decode()
    client.force_login(other_guardian)
    assert "다시 올려 주세요." not in client.get(f"/entries/{theirs.pk}/").content.decode()


def test_only_the_contests_organizers_send_messages(
    drawing_contest, guardian, other_guardian, judge
):
    entry = drawing_of(guardian)
    for outsider in (other_guardian, guardian, judge):
        with pytest.raises(NotFound):
            entrant_message_send(
                user=outsider, contest=drawing_contest, subject="x", body="y", entry=entry
            )
    assert not EntrantMessage.objects.exists() and not mail.outbox


def test_an_empty_message_is_refused_on_its_fields(client, drawing_contest, organizer):
    client.force_login(organizer)
    response = client.post(f"{DRAWING}/manage/messages/", {"subject": "", "body": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not EntrantMessage.objects.exists()


@pytest.mark.parametrize("n", [1, 3])
def test_messages_page_query_count(
    client, drawing_contest, organizer, n, django_assert_num_queries
):
    for i in range(n):
        entrant_message_send(user=organizer, contest=drawing_contest, subject=f"s{i}", body="b")
    client.force_login(organizer)
    with django_assert_num_queries(6):
        assert client.get(f"{DRAWING}/manage/messages/").status_code == 200


@pytest.mark.parametrize(
    ("url", "name"), [(f"{SMART}/enter/", "abstract"), (f"{DRAWING}/enter/", "description")]
)
def test_long_texts_are_counted_not_cut(client, open_wsce, student, guardian, url, name):
    client.force_login(student if url.startswith(SMART) else guardian)
    html = client.get(url).content.decode()
    textarea = html.split(f'name="{name}"')[1].split(">")[0]
    assert "data-limit" in textarea and "maxlength" not in textarea
    assert f'id="id_{name}-count"' in html
