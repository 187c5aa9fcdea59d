"""Completing uploads at the same time (issue 13, items 8 and 14): one success, the others a
clear 409, and nothing of the losers left behind — neither row nor object."""

from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from submissions.inspection import file_inspect
from submissions.models import EntryFile
from tests.security.test_races import meeting_point, simultaneously
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import client_for, drawing_payload, post_file, request_slot


def stored_originals(entry_id) -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(
        p.parent.name for p in (root / "contests").rglob("original") if entry_id in str(p)
    )


def two_uploads(client):
    """A drawing entry with two uploaded, not yet completed drawings."""
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    urls = []
    for width in (1200, 1000):
        image = good_jpeg(width, 900)
        ticket = request_slot(client, entry_id, size=len(image)).json()
        post_file(ticket, image, "image/jpeg")
        urls.append(f"/api/v1/entries/{entry_id}/uploads/{ticket['upload_id']}/complete/")
    return entry_id, urls


@pytest.mark.django_db
def test_completing_an_upload_twice_is_a_clear_409(open_wsce, guardian):
    client = client_for(guardian)
    entry_id, (url, _other) = two_uploads(client)
    assert client.post(url).status_code == 200
    again = client.post(url)
    assert again.status_code == 409
    assert again.json()["code"] == "upload_completed"
    assert EntryFile.objects.filter(entry_id=entry_id, status="accepted").count() == 1


@pytest.mark.django_db
def test_a_drawing_completed_while_another_completes_loses_cleanly(
    open_wsce, guardian, django_capture_on_commit_callbacks
):
    """The second completion inspects its bytes while the first is accepted: the drawing place
    holds one file, so the second answers 409 and leaves nothing behind (no row, no object).
    Played in one thread, so that it runs on SQLite too."""
    client = client_for(guardian)
    entry_id, (first, second) = two_uploads(client)
    calls = []

    def inspect_while_the_other_completes(**kwargs):
        if not calls:
            calls.append(None)
            calls[0] = client.post(first)  # the other request wins meanwhile
        return file_inspect(**kwargs)

    with (
        mock.patch(
            "submissions.services.files.file_inspect",
            side_effect=inspect_while_the_other_completes,
        ),
        django_capture_on_commit_callbacks(execute=True),  # storage deletes run after commit
    ):
        loser = client.post(second)
    assert calls[0].status_code == 200
    assert loser.status_code == 409, loser.json()
    assert loser.json()["code"] == "upload_conflict"
    kept = EntryFile.objects.get(entry_id=entry_id)
    assert kept.status == "accepted" and first.split("/")[-3] == str(kept.pk)
    assert stored_originals(entry_id) == [str(kept.pk)]


@pytest.mark.django_db(transaction=True)
def test_two_drawings_completed_at_once_one_wins_on_postgresql(open_wsce, guardian):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL (CI)")
    client = client_for(guardian)
    entry_id, urls = two_uploads(client)
    with meeting_point("submissions.services.files.file_inspect"):
        responses = simultaneously(*[lambda u=u: client_for(guardian).post(u) for u in urls])
    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409], [r.content for r in responses]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "upload_conflict"
    kept = EntryFile.objects.get(entry_id=entry_id)
    assert kept.status == "accepted"
    assert stored_originals(entry_id) == [str(kept.pk)]
