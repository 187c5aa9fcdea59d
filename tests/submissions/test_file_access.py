"""Who gets which bytes of a file (DOMAIN §10 "Files"; issue 13, items 11 and 14).

Anyone but the owner gets the re-encoded copy of an image, organizers included: a PNG with
HTML appended reaches an organizer as a clean JPEG. Refused uploads leave no empty folders.
"""

import io
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client
from PIL import Image

from contests.models import Contest
from submissions.models import EntryFile
from tests.submissions import badfiles
from tests.submissions.conftest import client_for, drawing_payload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings):
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return None


def fetch(url: str) -> bytes:
    """The bytes behind a file URL: the app's own /files/ endpoint or a presigned S3 URL."""
    if url.startswith("http"):
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, response.text
        return response.content
    response = Client().get(url)
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


@pytest.fixture
def polyglot(open_wsce, guardian, organizer, storage, django_capture_on_commit_callbacks):
    Contest.objects.get(slug="wsce2021-drawing").organizers.add(organizer)
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    data = badfiles.png_with_appended_html()
    with django_capture_on_commit_callbacks(execute=True):
        done = upload(client, entry_id, "drawing", data, content_type="image/png")
    assert done.status_code == 200, done.json()
    return {"entry": entry_id, "file": done.json()["file"]["id"], "bytes": data}


def test_organizers_get_the_re_encoded_copy_never_the_original(polyglot, organizer, client):
    url = f"/api/v1/entries/{polyglot['entry']}/files/{polyglot['file']}/"
    body = client_for(organizer).get(url).json()
    served = fetch(body["url"])
    assert b"<script" not in served and served != polyglot["bytes"]
    assert Image.open(io.BytesIO(served)).format == "JPEG"
    # the entry page's link, the same rule
    client.force_login(organizer)
    page = client.get(f"/entries/{polyglot['entry']}/files/{polyglot['file']}/")
    assert page.status_code == 302
    assert b"<script" not in fetch(page["Location"])


def test_the_owner_still_gets_their_original(polyglot, guardian):
    url = f"/api/v1/entries/{polyglot['entry']}/files/{polyglot['file']}/"
    assert fetch(client_for(guardian).get(url).json()["url"]) == polyglot["bytes"]


def test_before_the_copy_exists_organizers_are_told_to_wait(
    open_wsce, guardian, organizer, storage
):
    Contest.objects.get(slug="wsce2021-drawing").organizers.add(organizer)
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    done = upload(
        client, entry_id, "drawing", badfiles.png_with_appended_html(), content_type="image/png"
    )
    file_id = done.json()["file"]["id"]  # derivatives not made: callbacks not run
    response = client_for(organizer).get(f"/api/v1/entries/{entry_id}/files/{file_id}/")
    assert response.status_code == 409
    assert response.json()["code"] == "copy_not_ready"


def media_folders(entry_id: str) -> list[Path]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "contests"
    return [p for p in root.rglob("*") if p.is_dir() and entry_id in str(p)]


def test_a_refused_upload_leaves_no_empty_folder(
    open_wsce, guardian, django_capture_on_commit_callbacks
):
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, entry_id, "drawing", badfiles.truncated_jpeg(), content_type="image/jpeg"
        )
    assert response.json()["code"] == "corrupt_file"
    assert not EntryFile.objects.exists()
    assert media_folders(entry_id) == []


def test_a_refused_upload_beside_a_kept_file_keeps_the_kept_one(
    open_wsce, guardian, django_capture_on_commit_callbacks
):
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        kept = upload(client, entry_id, "drawing", badfiles.good_jpeg(), content_type="image/jpeg")
        upload(client, entry_id, "drawing", badfiles.truncated_jpeg(), content_type="image/jpeg")
    record = EntryFile.objects.get(pk=kept.json()["file"]["id"])
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    assert (root / record.key).is_file()
    assert [p.name for p in media_folders(entry_id) if p.name != entry_id] == [str(record.pk)]
