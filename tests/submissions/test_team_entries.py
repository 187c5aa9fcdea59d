"""Track S: a student team enters a proposal (filesystem storage, the embedded default)."""

import copy
import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from contests.models import Contest
from core.models import AuditRecord
from submissions.errors import AlreadyOnTeam
from submissions.models import Entry, EntryFile, TeamMember
from submissions.services.members import member_confirm, member_invitation_token
from tests.submissions.badfiles import good_pdf
from tests.submissions.conftest import (
    TEAM,
    client_for,
    confirm_members,
    drawing_payload,
    request_slot,
    upload,
)

pytestmark = pytest.mark.django_db
SLUG = "wsce2021-smart-city"


def create(client, payload=None, *, confirmed=True):
    """A team entry; by default every member then confirms (as from their emailed links)."""
    response = client.post(f"/api/v1/contests/{SLUG}/entries/", payload or TEAM, format="json")
    if confirmed and response.status_code == 201:
        confirm_members(response.json()["id"])
    return response


def test_full_flow_create_upload_submit_receipt(
    open_wsce, student, django_capture_on_commit_callbacks
):
    client = client_for(student)
    response = create(client)
    assert response.status_code == 201, response.json()
    entry = response.json()
    assert (entry["status"], entry["division"], entry["receipt_number"]) == (
        "draft",
        "mobility",
        None,
    )
    assert [m["name"] for m in entry["members"]] == ["박지민", "이서연"]
    assert entry["consents"]["privacy"]["text_version"] == "2021-05"

    pdf = good_pdf(pages=3)
    done = upload(
        client,
        entry["id"],
        "proposal",
        pdf,
        filename="../제안서.pdf",
        content_type="application/pdf",
    )
    assert done.status_code == 200, done.json()
    stored = done.json()["file"]
    assert stored["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert (stored["slot"], stored["size"], stored["content_type"], stored["pages"]) == (
        "proposal",
        len(pdf),
        "application/pdf",
        3,
    )
    assert stored["filename"] == "제안서.pdf"  # display text only, path stripped
    record = EntryFile.objects.get(pk=stored["id"])
    assert record.key.startswith(f"contests/{record.contest_id}/entries/{entry['id']}/")
    assert "제안서" not in record.key

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"/api/v1/entries/{entry['id']}/submit/")
    assert submitted.status_code == 200, submitted.json()
    body = submitted.json()
    assert body["status"] == "submitted"
    assert body["receipt_number"] == "WSCE21-S-0001"
    assert len(body["seal_sha256"]) == 64
    assert len(mail.outbox) == 1 and "WSCE21-S-0001" in mail.outbox[0].body
    assert mail.outbox[0].to == [student.email]
    assert AuditRecord.objects.filter(action="entry.submit", target_id=entry["id"]).exists()


def test_submit_twice_is_idempotent(open_wsce, student):
    client = client_for(student)
    entry_id = create(client).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    first = client.post(f"/api/v1/entries/{entry_id}/submit/").json()
    second = client.post(f"/api/v1/entries/{entry_id}/submit/").json()
    assert first["receipt_number"] == second["receipt_number"] == "WSCE21-S-0001"


def test_submit_without_proposal_or_consents_names_what_is_missing(open_wsce, student):
    client = client_for(student)
    payload = {**TEAM, "consents": {"privacy": True}}
    entry_id = create(client, payload).json()["id"]
    response = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "incomplete_entry"
    assert body["detail"] == {"files": ["proposal"], "consents": ["originality"]}
    assert Entry.objects.get(pk=entry_id).status == "draft"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"members": TEAM["members"][:1]}, "members"),  # a leader alone is not a team
        ({"members": [{**m, "is_leader": True} for m in TEAM["members"]]}, "members"),
        ({"theme": "space"}, "theme"),
        ({"abstract": "가" * 1001}, "abstract"),
        ({"team_name": ""}, "team_name"),
    ],
)
def test_invalid_team_entries_are_refused_and_nothing_is_saved(open_wsce, student, change, field):
    response = create(client_for(student), {**TEAM, **change})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    assert not Entry.objects.exists() and not TeamMember.objects.exists()


def test_a_person_is_on_one_team_per_contest(open_wsce, student, other_student):
    """Once confirmed on one team, a person cannot confirm a second one (the database holds
    it); the second team is not refused at creation, which would tell its leader who entered
    elsewhere: it just cannot be submitted until that member is replaced."""
    assert create(client_for(student)).status_code == 201
    other = copy.deepcopy(TEAM)
    other["members"][0]["email"] = "new.leader@snu.example"
    other["members"][1]["email"] = "JIMIN@snu.example"  # the same person, other spelling
    response = create(client_for(other_student), other, confirmed=False)
    assert response.status_code == 201
    again = TeamMember.objects.get(entry_id=response.json()["id"], email="jimin@snu.example")
    with pytest.raises(AlreadyOnTeam):
        member_confirm(token=member_invitation_token(again), consent=True)
    assert (
        TeamMember.objects.filter(email="jimin@snu.example", confirmed_at__isnull=False).count()
        == 1
    )


def test_withdrawing_frees_members_and_keeps_the_receipt_number(open_wsce, student, other_student):
    client = client_for(student)
    entry_id = create(client).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    client.post(f"/api/v1/entries/{entry_id}/submit/")
    response = client.post(f"/api/v1/entries/{entry_id}/withdraw/")
    assert response.json()["status"] == "withdrawn"
    assert response.json()["receipt_number"] == "WSCE21-S-0001"
    assert not EntryFile.objects.filter(entry_id=entry_id).exists()
    # The same people may now form a new team, which gets the next number.
    other = client_for(other_student)
    new_id = create(other).json()["id"]
    upload(other, new_id, "proposal", good_pdf(pages=2), content_type="application/pdf")
    assert other.post(f"/api/v1/entries/{new_id}/submit/").json()["receipt_number"] == (
        "WSCE21-S-0002"
    )


def test_edit_until_the_deadline_then_closed(open_wsce, student):
    client = client_for(student)
    entry_id = create(client).json()["id"]
    response = client.patch(f"/api/v1/entries/{entry_id}/", {"title": "새 제목"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "새 제목"
    Contest.objects.filter(slug=SLUG).update(closes_at=timezone.now() - timedelta(seconds=1))
    response = client.patch(f"/api/v1/entries/{entry_id}/", {"title": "늦은 제목"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "submissions_closed"
    assert Entry.objects.get(pk=entry_id).title == "새 제목"
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").json()["code"] == (
        "submissions_closed"
    )


def test_organizer_extension_lets_one_entry_submit_late(open_wsce, student, organizer):
    smart = Contest.objects.get(slug=SLUG)
    smart.organizers.add(organizer)
    client = client_for(student)
    entry_id = create(client).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    Contest.objects.filter(pk=smart.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").status_code == 403
    until = (timezone.now() + timedelta(hours=2)).isoformat()
    granted = client_for(organizer).post(
        f"/api/v1/entries/{entry_id}/extension/",
        {"until": until, "reason": "서버 장애 증빙 확인"},
        format="json",
    )
    assert granted.status_code == 200, granted.json()
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").status_code == 200
    record = AuditRecord.objects.get(action="entry.extension")
    assert record.reason == "서버 장애 증빙 확인" and record.actor == organizer


def test_extension_needs_a_reason_and_an_organizer(open_wsce, student, organizer):
    client = client_for(student)
    entry_id = create(client).json()["id"]
    until = (timezone.now() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/api/v1/entries/{entry_id}/extension/",
        {"until": until, "reason": "제가 줍니다"},
        format="json",
    )
    assert response.status_code == 404  # the entrant is not an organizer
    Contest.objects.get(slug=SLUG).organizers.add(organizer)
    response = client_for(organizer).post(
        f"/api/v1/entries/{entry_id}/extension/", {"until": until, "reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert Entry.objects.get(pk=entry_id).extension_until is None


def test_screening_by_organizer(open_wsce, student, organizer):
    Contest.objects.get(slug=SLUG).organizers.add(organizer)
    client = client_for(student)
    entry_id = create(client).json()["id"]
    upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    client.post(f"/api/v1/entries/{entry_id}/submit/")
    org = client_for(organizer)
    refused = org.post(f"/api/v1/entries/{entry_id}/screen/", {"eligible": False}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["detail"]
    response = org.post(
        f"/api/v1/entries/{entry_id}/screen/",
        {"eligible": False, "reason": "재학 증명 미제출"},
        format="json",
    )
    assert response.json()["status"] == "ineligible"
    assert client.get(f"/api/v1/entries/{entry_id}/").json()["eligibility_reason"] == (
        "재학 증명 미제출"
    )
    assert (
        client.post(
            f"/api/v1/entries/{entry_id}/screen/", {"eligible": True}, format="json"
        ).status_code
        == 404
    )


def test_students_cannot_enter_the_drawing_contest(open_wsce, student):

    response = client_for(student).post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "wrong_role"


def test_full_flow_over_http_against_s3(open_wsce, student, s3_storage):
    client = client_for(student)
    entry_id = create(client).json()["id"]
    ticket = request_slot(
        client,
        entry_id,
        slot="proposal",
        filename="p.pdf",
        content_type="application/pdf",
        size=len(good_pdf()),
    ).json()
    assert ticket["url"] == f"{s3_storage.endpoint}/{s3_storage.bucket}"  # straight to storage
    assert ticket["fields"]["Content-Type"] == "application/pdf"
    done = upload(client, entry_id, "proposal", good_pdf(), content_type="application/pdf")
    assert done.status_code == 200
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").json()["status"] == "submitted"
