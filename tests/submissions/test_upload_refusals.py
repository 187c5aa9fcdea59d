"""Every bad file is refused with its code and leaves nothing behind — no row, no object —
in filesystem mode and over real HTTP against moto's S3 server."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from submissions.models import EntryFile
from tests.submissions import badfiles
from tests.submissions.conftest import (
    TEAM,
    client_for,
    drawing_payload,
    post_file,
    request_slot,
    upload,
)

pytestmark = pytest.mark.django_db

# (generator, slot, declared content type, expected code)
REFUSED = [
    (
        lambda: badfiles.png_header_claiming(10_000, 5_000),
        "drawing",
        "image/png",
        "image_too_large",
    ),
    (badfiles.decompression_bomb_png, "drawing", "image/png", "image_too_large"),
    (badfiles.truncated_jpeg, "drawing", "image/jpeg", "corrupt_file"),
    (badfiles.svg_with_script, "drawing", "image/png", "unsupported_type"),
    (badfiles.exe_named_jpg, "drawing", "image/jpeg", "unsupported_type"),
    (badfiles.html_page, "drawing", "image/jpeg", "unsupported_type"),
    (badfiles.gif_image, "drawing", "image/png", "unsupported_type"),
    (lambda: badfiles.image_with_short_side(1), "drawing", "image/png", "image_too_small"),
    (lambda: badfiles.image_with_short_side(799), "drawing", "image/png", "image_too_small"),
    (badfiles.encrypted_pdf, "proposal", "application/pdf", "invalid_pdf"),
    (lambda: badfiles.pdf_with_pages(31), "proposal", "application/pdf", "invalid_pdf"),
    (badfiles.broken_pdf, "proposal", "application/pdf", "invalid_pdf"),
    (badfiles.zip_named_pdf, "proposal", "application/pdf", "unsupported_type"),
    (lambda: badfiles.good_png(1000, 1000), "proposal", "application/pdf", "unsupported_type"),
]
QUARANTINED = [
    (badfiles.pdf_with_javascript, "javascript"),
    (badfiles.pdf_with_launch_action, "launch_action"),
    (badfiles.pdf_with_embedded_file, "embedded_files"),
]


def stored_keys(s3, entry_id) -> list[str]:
    """Every stored object of this entry (storage deletes run after commit)."""
    if s3 is not None:
        return [k for k in s3.object_keys() if f"/entries/{entry_id}/" in k]
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "contests"
    return [str(p) for p in root.rglob("*") if p.is_file() and f"/entries/{entry_id}/" in str(p)]


@pytest.fixture(params=["filesystem", "s3"])
def storage(request, settings):
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return None


def new_entry(slot, student, guardian):
    if slot == "drawing":
        client = client_for(guardian)
        response = client.post(
            "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
        )
    else:
        client = client_for(student)
        response = client.post("/api/v1/contests/wsce2021-smart-city/entries/", TEAM, format="json")
    return client, response.json()["id"]


@pytest.mark.parametrize(("make", "slot", "content_type", "code"), REFUSED)
def test_bad_files_are_refused_and_nothing_remains(
    open_wsce,
    student,
    guardian,
    storage,
    make,
    slot,
    content_type,
    code,
    django_capture_on_commit_callbacks,
):
    client, entry_id = new_entry(slot, student, guardian)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, entry_id, slot, make(), content_type=content_type)
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == code
    assert not EntryFile.objects.exists()
    assert stored_keys(storage, entry_id) == []


def test_zero_byte_file_is_refused_before_any_slot(open_wsce, guardian, storage):
    client, entry_id = new_entry("drawing", None, guardian)
    response = request_slot(client, entry_id, size=0)
    assert response.status_code == 400 and response.json()["code"] == "empty_file"
    assert not EntryFile.objects.exists()


def test_file_larger_than_declared_is_refused(
    open_wsce, guardian, storage, django_capture_on_commit_callbacks
):
    client, entry_id = new_entry("drawing", None, guardian)
    data = badfiles.good_jpeg(1200, 900)
    ticket = request_slot(client, entry_id, size=100).json()

    post_file(ticket, data, "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/entries/{entry_id}/uploads/{ticket['upload_id']}/complete/"
        )
    assert response.status_code == 400 and response.json()["code"] == "file_too_large"
    assert response.json()["detail"] == {"size": len(data), "declared_size": 100}
    assert not EntryFile.objects.exists()
    assert stored_keys(storage, entry_id) == []


def test_completing_before_the_file_arrives(open_wsce, guardian, storage):
    client, entry_id = new_entry("drawing", None, guardian)
    ticket = request_slot(client, entry_id, size=100).json()
    response = client.post(f"/api/v1/entries/{entry_id}/uploads/{ticket['upload_id']}/complete/")
    assert response.status_code == 400 and response.json()["code"] == "upload_missing"


@pytest.mark.parametrize(("make", "reason"), QUARANTINED)
def test_active_pdfs_are_kept_but_quarantined(open_wsce, student, storage, make, reason):
    client, entry_id = new_entry("proposal", student, None)
    response = upload(client, entry_id, "proposal", make(), content_type="application/pdf")
    assert response.status_code == 200, response.json()
    assert response.json()["file"]["status"] == "quarantined"
    assert response.json()["file"]["quarantine_reason"] == reason


def test_gps_and_orientation_are_gone_from_the_copy_others_see(
    open_wsce, guardian, storage, django_capture_on_commit_callbacks
):
    client, entry_id = new_entry("drawing", None, guardian)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client,
            entry_id,
            "drawing",
            badfiles.jpeg_with_gps_and_orientation6(1200, 900),
            content_type="image/jpeg",
        )
    assert response.status_code == 200
    # The stored pixels are 1200×900 with "rotate 90°" in EXIF: the picture is portrait.
    assert (response.json()["file"]["width"], response.json()["file"]["height"]) == (900, 1200)
    record = EntryFile.objects.get()
    with default_storage.open(record.preview_key) as f:
        preview = Image.open(io.BytesIO(f.read()))
    assert preview.size == (900, 1200)  # orientation 6 applied: upright
    assert not preview.getexif() and "exif" not in preview.info


def test_polyglot_loses_its_payload_in_the_copy(
    open_wsce, guardian, storage, django_capture_on_commit_callbacks
):
    client, entry_id = new_entry("drawing", None, guardian)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            client, entry_id, "drawing", badfiles.png_with_appended_html(), content_type="image/png"
        )
    assert response.status_code == 200, response.json()
    record = EntryFile.objects.get()
    for key in (record.preview_key, record.thumbnail_key):
        with default_storage.open(key) as f:
            assert b"<script" not in f.read()
