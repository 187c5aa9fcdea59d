"""DOMAIN §10 "Data": storage down → 503 storage_unavailable with nothing half-saved and the
accepted files intact; a database error mid-submission rolls back with nothing left behind.
The orphan sweeper (``manage.py sweep_uploads``) is pinned by
tests/submissions/test_sweeper.py::test_sweeper_removes_orphans_and_expired_slots_only."""

import hashlib
import time

import pytest
from django.core import mail
from django.db import OperationalError

from core.models import AuditRecord
from submissions.models import Consent, Entry, EntryFile, ReceiptCounter
from submissions.services import entries as entry_services
from tests.s3server import closed_port, s3_storages
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import client_for, drawing_payload, upload, verify_guardian

pytestmark = pytest.mark.django_db
SLUG = "wsce2021-drawing"


def db_state():
    return {
        model.__name__: sorted(map(repr, model.objects.order_by().values_list()))
        for model in (Entry, EntryFile, Consent, ReceiptCounter, AuditRecord)
    }


@pytest.fixture
def accepted(open_wsce, guardian, s3_storage, django_capture_on_commit_callbacks):
    """A guardian's drawing entry with one accepted file in the (moto) bucket."""
    client = client_for(guardian)
    verify_guardian(client)
    entry_id = client.post(
        f"/api/v1/contests/{SLUG}/entries/", drawing_payload(), format="json"
    ).json()["id"]
    image = good_jpeg(1600, 1200)
    with django_capture_on_commit_callbacks(execute=True):
        done = upload(client, entry_id, "drawing", image, content_type="image/jpeg")
    assert done.status_code == 200, done.json()
    return client, entry_id, image


def test_storage_down_answers_503_quickly_and_keeps_accepted_files(accepted, settings, s3_storage):
    client, entry_id, image = accepted
    record = EntryFile.objects.get(entry_id=entry_id, status="accepted")
    keys_before = s3_storage.object_keys()
    # a second slot, asked for while the storage was up: its completion meets the outage
    pending = client.post(
        f"/api/v1/entries/{entry_id}/uploads/",
        {"slot": "drawing", "filename": "b.jpg", "content_type": "image/jpeg", "size": 1000},
        format="json",
    )
    before = db_state()

    settings.STORAGES = s3_storages(endpoint=f"http://127.0.0.1:{closed_port()}", bucket="b")
    started = time.monotonic()
    if pending.status_code == 201:
        response = client.post(
            f"/api/v1/entries/{entry_id}/uploads/{pending.json()['upload_id']}/complete/"
        )
        assert response.status_code == 503, response.json()
        assert response.json()["code"] == "storage_unavailable"
    # Asking for a slot signs a POST policy locally (no request to the storage): it may answer
    # 201, and the completion of that upload then answers 503; either way nothing is saved.
    slot = client.post(
        f"/api/v1/entries/{entry_id}/uploads/",
        {"slot": "drawing", "filename": "c.jpg", "content_type": "image/jpeg", "size": 1000},
        format="json",
    )
    assert slot.status_code in (201, 503), slot.json()
    if slot.status_code == 201:
        late = client.post(
            f"/api/v1/entries/{entry_id}/uploads/{slot.json()['upload_id']}/complete/"
        )
        assert late.status_code == 503
        assert late.json()["code"] == "storage_unavailable"
        EntryFile.objects.filter(pk=slot.json()["upload_id"]).delete()  # compare the rest
    else:
        assert slot.json()["code"] == "storage_unavailable"
    download = client.get(f"/api/v1/entries/{entry_id}/files/{record.pk}/")
    assert download.status_code in (200, 503)  # signing a URL needs no network
    assert time.monotonic() - started < 5  # DOMAIN §10: within seconds
    assert db_state() == before  # nothing half-saved, nothing deleted

    settings.STORAGES = s3_storages(endpoint=s3_storage.endpoint, bucket=s3_storage.bucket)
    assert s3_storage.object_keys() == keys_before  # accepted files (and derivatives) intact
    body = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=record.key)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(image).hexdigest() == record.sha256


def test_a_database_error_mid_submission_rolls_everything_back(
    accepted, monkeypatch, s3_storage, django_capture_on_commit_callbacks
):
    client, entry_id, _image = accepted

    def broken(contest):
        raise OperationalError("database went away while numbering")

    monkeypatch.setattr(entry_services, "_issue_receipt_number", broken)
    before, keys_before = db_state(), s3_storage.object_keys()
    mail.outbox.clear()
    client.raise_request_exception = True
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(OperationalError),
    ):
        client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert callbacks == []  # no mail, no job queued for a submission that did not happen
    assert mail.outbox == []
    assert db_state() == before
    entry = Entry.objects.get(pk=entry_id)
    assert entry.status == "draft" and not entry.receipt_number
    assert s3_storage.object_keys() == keys_before  # no orphaned or lost object

    monkeypatch.undo()  # the database is back: the same request now succeeds
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["receipt_number"]
