"""Team members confirm their membership themselves (DOMAIN §3; issue 13, item 7).

Before: a stranger's email typed into one team locked that person out of every other team
(409 ``already_on_team``), and the refusal listed who had entered (``detail.emails``)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import TestCase

from core.models import AuditRecord
from submissions.models import Entry, TeamMember
from submissions.services import members as member_services
from submissions.services.members import member_invitation_token
from tests.submissions.badfiles import good_pdf
from tests.submissions.conftest import client_for, confirm_members, team_of, upload

pytestmark = pytest.mark.django_db
SLUG = "wsce2021-smart-city"
SEOYEON = ("이서연", "seoyeon@kaist.example")
DOYUN = ("김도윤", "doyun@korea.example")


def create(client, payload):
    with TestCase.captureOnCommitCallbacks(execute=True):  # invitations are mailed after commit
        return client.post(f"/api/v1/contests/{SLUG}/entries/", payload, format="json")


def link_for(email: str) -> str:
    """The confirmation link of the latest invitation mailed to ``email``."""
    body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
    return re.search(r"https?://\S+/team/confirm/(\S+?)/", body).group(0)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


# ---- nobody is locked out by a stranger --------------------------------------------------


def test_typing_someones_email_locks_nobody_out(open_wsce, student, other_student):
    first = create(client_for(student), team_of(student, SEOYEON))
    assert first.status_code == 201
    # another team names the same person: accepted, nothing refused, nothing revealed
    second = create(client_for(other_student), team_of(other_student, SEOYEON, DOYUN))
    assert second.status_code == 201, second.json()
    # the person confirms the team they are really on
    token = token_of(link_for(SEOYEON[1]))
    confirmed = client_for(None).post(
        f"/api/v1/team-invitations/{token}/confirm/", {"consent": True}, format="json"
    )
    assert confirmed.status_code == 200
    assert TeamMember.objects.get(email=SEOYEON[1], confirmed_at__isnull=False).entry_id == (
        Entry.objects.get(owner=other_student).pk
    )


def test_a_refusal_names_nobody_and_no_team(open_wsce, student, other_student):
    create(client_for(student), team_of(student, SEOYEON))
    mail.outbox.clear()
    create(client_for(other_student), team_of(other_student, SEOYEON))
    first_link = [m for m in mail.outbox if m.to == [SEOYEON[1]]]
    assert len(first_link) == 1
    # the person confirms the other team first (through the first team's own invitation)
    member = TeamMember.objects.get(entry__owner=student, email=SEOYEON[1])
    member_services.member_confirm(token=member_invitation_token(member), consent=True)
    refused = client_for(None).post(
        f"/api/v1/team-invitations/{token_of(link_for(SEOYEON[1]))}/confirm/",
        {"consent": True},
        format="json",
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "already_on_team" and body["detail"] == {}
    text = refused.content.decode()
    for secret in (student.email, "스마트무브", "자율주행", student.name, other_student.email):
        assert secret not in text


def test_a_leader_confirmed_on_another_team_is_told_about_themself_only(
    open_wsce, student, other_student
):
    create(client_for(other_student), team_of(other_student, (student.name, student.email)))
    member = TeamMember.objects.get(email=student.email)
    member_services.member_confirm(token=member_invitation_token(member), consent=True)
    refused = create(client_for(student), team_of(student, SEOYEON))
    assert refused.status_code == 409
    assert refused.json()["code"] == "already_on_team" and refused.json()["detail"] == {}
    assert other_student.email not in refused.content.decode()
    assert Entry.objects.filter(owner=student).count() == 0


# ---- an entry is submitted when everyone confirmed --------------------------------------


def test_submitting_waits_for_every_member_and_says_so_in_words(open_wsce, student):
    client = client_for(student)
    entry_id = create(client, team_of(student, SEOYEON, DOYUN)).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    refused = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "incomplete_entry"
    assert body["detail"] == {"members": ["팀원 2명 확인 대기 (이서연, 김도윤)"]}
    assert Entry.objects.get(pk=entry_id).status == "draft"
    confirm_members(entry_id)
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").status_code == 200


def test_the_leader_is_confirmed_by_creating_the_entry(open_wsce, student):
    entry_id = create(client_for(student), team_of(student, SEOYEON)).json()["id"]
    leader = TeamMember.objects.get(entry_id=entry_id, is_leader=True)
    assert leader.confirmed_at is not None and leader.invited_at is None
    assert [m.to for m in mail.outbox] == [[SEOYEON[1]]]  # only the member is invited


def test_a_leader_row_with_another_address_is_invited_like_anyone(open_wsce, student):
    team = team_of(student, SEOYEON)
    team["members"][0]["email"] = "someone.else@snu.example"
    entry_id = create(client_for(student), team).json()["id"]
    assert not TeamMember.objects.filter(entry_id=entry_id, confirmed_at__isnull=False).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "seoyeon@kaist.example",
        "someone.else@snu.example",
    ]


def test_confirmations_survive_an_edit_of_the_team(open_wsce, student):
    client = client_for(student)
    team = team_of(student, SEOYEON, DOYUN)
    entry_id = create(client, team).json()["id"]
    confirm_members(entry_id)
    team["members"][1]["department"] = "전기및전자공학부"
    team["members"] = team["members"][:2]  # 김도윤 leaves
    response = client.patch(
        f"/api/v1/entries/{entry_id}/", {"members": team["members"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    rows = TeamMember.objects.filter(entry_id=entry_id)
    assert sorted(rows.values_list("name", flat=True)) == sorted(
        [team["members"][0]["name"], "이서연"]
    )
    assert all(m.confirmed_at is not None for m in rows)
    assert rows.get(name="이서연").department == "전기및전자공학부"


def test_a_submitted_entry_takes_no_unconfirmed_member(open_wsce, student):
    client = client_for(student)
    team = team_of(student, SEOYEON)
    entry_id = create(client, team).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    confirm_members(entry_id)
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").status_code == 200
    team["members"].append({**team["members"][1], "name": "김도윤", "email": DOYUN[1]})
    response = client.patch(
        f"/api/v1/entries/{entry_id}/", {"members": team["members"]}, format="json"
    )
    assert response.status_code == 400
    assert "members" in response.json()["detail"]
    assert TeamMember.objects.filter(entry_id=entry_id).count() == 2


# ---- the confirmation page and API -------------------------------------------------------


def test_the_page_shows_the_team_and_the_privacy_text_and_records_the_consent(
    open_wsce, student, client
):
    entry_id = create(client_for(student), team_of(student, SEOYEON)).json()["id"]
    link = link_for(SEOYEON[1])
    invitation = mail.outbox[-1]
    assert "7일 동안 유효" in invitation.body and "스마트무브" in invitation.subject  # Korean
    page = client.get(path_of(link))  # no account, no login
    assert page.status_code == 200
    html = page.content.decode()
    for shown in ("스마트무브", "자율주행 셔틀 실증", "이서연", "개인정보", "2021-05"):
        assert shown in html
    without = client.post(path_of(link), {})
    assert without.status_code == 400
    assert TeamMember.objects.get(email=SEOYEON[1]).confirmed_at is None
    done = client.post(path_of(link), {"consent": "on"})
    assert done.status_code == 302
    member = TeamMember.objects.get(email=SEOYEON[1])
    assert member.confirmed_at is not None and member.consent_version == "2021-05"
    assert AuditRecord.objects.filter(action="member.confirm", target_id=str(member.pk)).exists()
    assert "확인" in client.get(path_of(link)).content.decode()
    assert Entry.objects.get(pk=entry_id).members.filter(confirmed_at__isnull=True).count() == 0


def test_the_api_shows_and_confirms_an_invitation(open_wsce, student):
    create(client_for(student), team_of(student, SEOYEON))
    token = token_of(link_for(SEOYEON[1]))
    anonymous = client_for(None)
    shown = anonymous.get(f"/api/v1/team-invitations/{token}/").json()
    assert (shown["team_name"], shown["title"], shown["member"]["email"]) == (
        "스마트무브",
        "자율주행 셔틀 실증",
        SEOYEON[1],
    )
    assert shown["privacy"]["text_version"] == "2021-05" and shown["confirmed_at"] is None
    refused = anonymous.post(
        f"/api/v1/team-invitations/{token}/confirm/", {"consent": False}, format="json"
    )
    assert refused.status_code == 400 and "consent" in refused.json()["detail"]
    ok = anonymous.post(
        f"/api/v1/team-invitations/{token}/confirm/", {"consent": True}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["confirmed_at"]
    again = anonymous.post(
        f"/api/v1/team-invitations/{token}/confirm/", {"consent": True}, format="json"
    )
    assert again.status_code == 200  # confirming twice is not an error


def test_forged_expired_and_replaced_links(open_wsce, student):
    entry_id = create(client_for(student), team_of(student, SEOYEON)).json()["id"]
    token = token_of(link_for(SEOYEON[1]))
    anonymous = client_for(None)
    assert anonymous.get(f"/api/v1/team-invitations/{token[:-3]}abc/").status_code == 404
    # a token of another purpose (the same payload, another salt) is not an invitation
    other = signing.loads(token, salt=member_services.INVITATION_SALT)
    assert anonymous.get(f"/api/v1/team-invitations/{signing.dumps(other)}/").status_code == 404
    with mock.patch("django.core.signing.time.time", return_value=9e9):
        expired = anonymous.get(f"/api/v1/team-invitations/{token}/")
    assert expired.status_code == 400 and expired.json()["code"] == "invitation_invalid"
    # the leader sends the invitation again: the old link stops working
    TeamMember.objects.filter(email=SEOYEON[1]).update(
        invited_at=TeamMember.objects.get(email=SEOYEON[1]).invited_at - timedelta(hours=1)
    )
    member_id = TeamMember.objects.get(email=SEOYEON[1]).pk
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = client_for(student).post(f"/api/v1/entries/{entry_id}/members/{member_id}/invite/")
    assert sent.status_code == 202
    replaced = anonymous.get(f"/api/v1/team-invitations/{token}/")
    assert replaced.status_code == 400 and replaced.json()["code"] == "invitation_invalid"
    fresh = token_of(link_for(SEOYEON[1]))
    assert anonymous.get(f"/api/v1/team-invitations/{fresh}/").status_code == 200


# ---- the leader's view -----------------------------------------------------------------


def test_the_leader_sees_each_members_state_and_can_send_again_not_too_often(
    open_wsce, student, other_student, client
):
    entry_id = create(client_for(student), team_of(student, SEOYEON, DOYUN)).json()["id"]
    confirm_members_of = TeamMember.objects.get(email=SEOYEON[1])
    member_services.member_confirm(token=member_invitation_token(confirm_members_of), consent=True)
    client.force_login(student)
    html = client.get(f"/entries/{entry_id}/").content.decode()
    assert "확인됨" in html and "확인 대기" in html
    doyun = TeamMember.objects.get(email=DOYUN[1])
    # too soon after the first invitation: 429 with Retry-After, nothing sent
    mail.outbox.clear()
    api = client_for(student)
    refused = api.post(f"/api/v1/entries/{entry_id}/members/{doyun.pk}/invite/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "too_many_invitations"
    assert 0 < int(refused["Retry-After"]) <= 600
    page = client.post(f"/entries/{entry_id}/members/{doyun.pk}/invite/")
    assert page.status_code == 302 and mail.outbox == []
    TeamMember.objects.filter(pk=doyun.pk).update(
        invited_at=doyun.invited_at - timedelta(minutes=11)
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        page = client.post(f"/entries/{entry_id}/members/{doyun.pk}/invite/")
    assert [m.to for m in mail.outbox] == [[DOYUN[1]]]
    # nobody else may send them
    assert (
        client_for(other_student)
        .post(f"/api/v1/entries/{entry_id}/members/{doyun.pk}/invite/")
        .status_code
        == 404
    )


def test_members_in_the_api_carry_their_state(open_wsce, student):
    client = client_for(student)
    entry_id = create(client, team_of(student, SEOYEON)).json()["id"]
    members = client.get(f"/api/v1/entries/{entry_id}/").json()["members"]
    leader, member = members
    assert leader["confirmed_at"] and leader["invited_at"] is None
    assert member["confirmed_at"] is None and member["invited_at"]
    listed = client.get("/api/v1/entries/").json()["results"][0]["members"]
    assert listed == members
