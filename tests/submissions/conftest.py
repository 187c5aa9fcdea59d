import copy
import io
import re
import threading

import pytest
import requests
from django.core import mail
from django.db import connections
from django.test import Client, TestCase
from django.utils import timezone

from contests.seed import wsce2021_seed
from submissions.models import TeamMember
from submissions.services.members import member_confirm, member_invitation_token
from tests.conftest import client_for

TEAM = {
    "team_name": "스마트무브",
    "theme": "mobility",
    "title": "자율주행 셔틀 실증",
    "abstract": "세종시 BRT 구간에서 자율주행 셔틀을 실증합니다.",
    "members": [
        {
            "name": "박지민",
            "university": "서울대학교",
            "department": "건설환경공학부",
            "email": "jimin@snu.example",
            "phone": "010-1111-2222",
            "is_leader": True,
        },
        {
            "name": "이서연",
            "university": "KAIST",
            "department": "전산학부",
            "email": "seoyeon@kaist.example",
            "phone": "010-3333-4444",
        },
    ],
    "consents": {"privacy": True, "originality": True},
}


def drawing_payload(name="김민수", birth_date="2013-05-02", **extra):
    return {
        "child": {"name": name, "birth_date": birth_date, "school": "한빛초등학교", "grade": "3"},
        "title": "하늘을 나는 버스",
        "description": "미래 도시의 하늘 버스",
        "consents": {"guardian": True, "publish_name": True, "publish_work": False},
        **extra,
    }


@pytest.fixture
def open_wsce(db):
    """Both contests with submissions open now (the demo schedule)."""
    return wsce2021_seed(demo_now=timezone.now())


def request_slot(
    client, entry_id, *, size, slot="drawing", filename="x.jpg", content_type="image/jpeg"
):
    """Step 1 of the upload protocol: ask for a slot (the response, whatever it is)."""
    return client.post(
        f"/api/v1/entries/{entry_id}/uploads/",
        {"slot": slot, "filename": filename, "content_type": content_type, "size": size},
        format="json",
    )


def upload(client, entry_id, slot, data: bytes, *, filename="file.bin", content_type=None):
    """The whole upload protocol as a client performs it: slot → POST to url → complete."""
    content_type = content_type or "application/octet-stream"
    slot_response = request_slot(
        client, entry_id, slot=slot, filename=filename, content_type=content_type, size=len(data)
    )
    if slot_response.status_code != 201:
        return slot_response
    ticket = slot_response.json()
    post_file(ticket, data, content_type)
    return client.post(
        f"/api/v1/entries/{entry_id}/uploads/{ticket['upload_id']}/complete/", format="json"
    )


def post_file(ticket: dict, data: bytes, content_type: str):
    """POST the file like a browser: every field of the ticket, then the file part last."""

    url = ticket["url"].removeprefix("http://testserver")
    if url.startswith("http"):
        response = requests.post(
            url, data=ticket["fields"], files={"file": ("f", data, content_type)}, timeout=10
        )
        assert response.status_code in (200, 201, 204), response.text
        return response

    form = dict(ticket["fields"])
    form["file"] = io.BytesIO(data)
    form["file"].name = "f"
    response = Client().post(url, form)
    assert response.status_code == 204, response.content
    return response


def mailed_code() -> str:
    return re.search(r"(?<!\d)(\d{6})(?!\d)", mail.outbox[-1].body).group(1)


def verify_guardian(client):

    with TestCase.captureOnCommitCallbacks(execute=True):  # the code is mailed after commit
        assert client.post("/api/v1/me/verification/").status_code == 202
    response = client.post(
        "/api/v1/me/verification/confirm/", {"code": mailed_code()}, format="json"
    )
    assert response.status_code == 200, response.json()


def confirm_members(entry_id) -> None:
    """Every member of the team confirms, as they would through their emailed link."""
    for member in TeamMember.objects.filter(entry_id=entry_id, confirmed_at__isnull=True):
        member_confirm(token=member_invitation_token(member), consent=True)


def team_of(student, *others: tuple[str, str]) -> dict:
    """TEAM led by ``student`` (the leader's row names the account's own address, so the
    leader is confirmed by creating the entry), with these (name, email) members."""
    team = copy.deepcopy(TEAM)
    team["members"][0]["email"] = student.email
    team["members"] = team["members"][:1] + [
        {**TEAM["members"][1], "name": name, "email": email} for name, email in others
    ]
    return team


__all__ = [
    "TEAM",
    "client_for",
    "confirm_members",
    "drawing_payload",
    "team_of",
    "upload",
    "verify_guardian",
]


def submit_at_once(user, entry_ids) -> list[int]:
    """Submit the entries from parallel requests released together: their status codes,
    sorted (the races of one child's drawings: one wins, the others 409)."""
    barrier = threading.Barrier(len(entry_ids))
    results: list[int] = []

    def submit(entry_id):
        barrier.wait()
        results.append(client_for(user).post(f"/api/v1/entries/{entry_id}/submit/").status_code)
        connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in entry_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(results)
