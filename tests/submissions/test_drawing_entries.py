"""Track D: a guardian enters one drawing per child."""

import pytest
import requests
from django.core import mail
from django.db import connection

from submissions.models import Child, Consent, Entry, EntryFile
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import (
    client_for,
    drawing_payload,
    submit_at_once,
    upload,
    verify_guardian,
)

pytestmark = pytest.mark.django_db
SLUG = "wsce2021-drawing"


def create(client, payload=None):
    return client.post(
        f"/api/v1/contests/{SLUG}/entries/", payload or drawing_payload(), format="json"
    )


def enter(client, payload=None, *, image=None):
    entry_id = create(client, payload).json()["id"]
    done = upload(
        client,
        entry_id,
        "drawing",
        image or good_jpeg(1200, 900),
        filename="그림.jpg",
        content_type="image/jpeg",
    )
    assert done.status_code == 200, done.json()
    return entry_id


def test_full_flow_with_verified_guardian_consent(
    open_wsce, guardian, django_capture_on_commit_callbacks
):
    client = client_for(guardian)
    response = create(client)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["division"], body["division_name"]) == ("lower", "초등 저학년")  # born 2013
    assert body["consents"]["guardian"]["verified"] is False
    entry_id = body["id"]
    done = upload(
        client,
        entry_id,
        "drawing",
        good_jpeg(1200, 900),
        filename="그림.jpg",
        content_type="image/jpeg",
    )
    assert done.status_code == 200
    assert (done.json()["file"]["width"], done.json()["file"]["height"]) == (1200, 900)

    refused = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert refused.status_code == 400
    assert refused.json()["code"] == "verification_required"

    verify_guardian(client)
    consent = Consent.objects.get(entry_id=entry_id, kind="guardian")
    assert consent.verification_method == "email" and consent.verified_at is not None
    assert consent.given_by == guardian and consent.text_version == "2021-05"

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["receipt_number"] == "WSCE21-D-00001"
    assert "WSCE21-D-00001" in mail.outbox[-1].body


def test_derivatives_are_made_after_commit(open_wsce, guardian, django_capture_on_commit_callbacks):
    client = client_for(guardian)
    entry_id = create(client).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, entry_id, "drawing", good_jpeg(2400, 1600), content_type="image/jpeg")
    record = EntryFile.objects.get(entry_id=entry_id)
    assert record.preview_key.endswith("/preview.jpg")
    assert record.thumbnail_key.endswith("/thumb.jpg")


@pytest.mark.parametrize(
    ("birth_date", "division"),
    [
        ("2017-12-31", "preschool"),
        ("2015-01-01", "preschool"),
        ("2014-12-31", "lower"),
        ("2012-01-01", "lower"),
        ("2011-12-31", "upper"),
        ("2009-01-01", "upper"),
    ],
)
def test_age_division_from_birth_year(open_wsce, guardian, birth_date, division):
    response = create(client_for(guardian), drawing_payload(birth_date=birth_date))
    assert response.status_code == 201
    assert response.json()["division"] == division


@pytest.mark.parametrize("birth_date", ["2018-01-01", "2008-12-31"])
def test_children_outside_the_years_are_refused(open_wsce, guardian, birth_date):
    response = create(client_for(guardian), drawing_payload(birth_date=birth_date))
    assert response.status_code == 400
    assert response.json()["code"] == "ineligible_age"
    assert not Entry.objects.exists() and not Child.objects.exists()


def test_second_drawing_for_the_same_child_is_refused(open_wsce, guardian):
    client = client_for(guardian)
    verify_guardian(client)
    first = enter(client)
    assert client.post(f"/api/v1/entries/{first}/submit/").status_code == 200
    response = create(client)
    assert response.status_code == 409
    assert response.json()["code"] == "already_entered"
    assert Entry.objects.count() == 1


def test_two_drafts_for_one_child_only_one_submits(open_wsce, guardian):
    client = client_for(guardian)
    verify_guardian(client)
    a = enter(client)
    b = enter(client, image=good_jpeg(1000, 800))
    assert client.post(f"/api/v1/entries/{a}/submit/").status_code == 200
    response = client.post(f"/api/v1/entries/{b}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "already_entered"
    assert Entry.objects.get(pk=b).status == "draft"
    assert Entry.objects.get(pk=b).receipt_number is None


def test_same_image_twice_in_a_contest_is_refused(open_wsce, guardian, other_guardian):
    image = good_jpeg(1200, 900)
    enter(client_for(guardian), image=image)
    other = client_for(other_guardian)
    entry_id = create(other, drawing_payload(name="이서윤")).json()["id"]
    response = upload(other, entry_id, "drawing", image, content_type="image/jpeg")
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate_file"
    assert EntryFile.objects.filter(entry_id=entry_id).count() == 0


def test_a_new_drawing_replaces_the_old_one(open_wsce, guardian):
    client = client_for(guardian)
    entry_id = enter(client)
    upload(client, entry_id, "drawing", good_jpeg(1000, 1000), content_type="image/jpeg")
    files = client.get(f"/api/v1/entries/{entry_id}/").json()["files"]
    assert [(f["width"], f["height"]) for f in files] == [(1000, 1000)]


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_for_one_child_one_wins(open_wsce, guardian):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL (CI)")
    client = client_for(guardian)
    verify_guardian(client)
    ids = [enter(client), enter(client, image=good_jpeg(1000, 800))]
    assert submit_at_once(guardian, ids) == [200, 409]
    assert Entry.objects.filter(status="submitted").count() == 1


def test_full_flow_over_http_against_s3(
    open_wsce, guardian, s3_storage, django_capture_on_commit_callbacks
):
    """The same journey with moto's S3 server as the endpoint: the file goes straight to the
    bucket with a presigned POST (never through the app), derivatives land beside it."""
    client = client_for(guardian)
    verify_guardian(client)
    entry_id = create(client).json()["id"]
    image = good_jpeg(1600, 1200)
    with django_capture_on_commit_callbacks(execute=True):
        done = upload(client, entry_id, "drawing", image, content_type="image/jpeg")
    assert done.status_code == 200, done.json()
    record = EntryFile.objects.get(entry_id=entry_id)
    assert sorted(k.rsplit("/", 1)[1] for k in s3_storage.object_keys()) == [
        "original",
        "preview.jpg",
        "thumb.jpg",
    ]
    url = client.get(f"/api/v1/entries/{entry_id}/files/{record.pk}/").json()["url"]
    assert url.startswith(s3_storage.endpoint) and "X-Amz-Expires=300" in url

    assert requests.get(url, timeout=10).content == image
    assert client.post(f"/api/v1/entries/{entry_id}/submit/").json()["receipt_number"] == (
        "WSCE21-D-00001"
    )
