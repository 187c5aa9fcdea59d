"""core.storage.objectstore and its filesystem endpoints, for real over HTTP.

S3 mode runs against moto's S3 server (tests/s3server.py) and uploads exactly as a browser
would: a multipart POST of every ticket field, then the file. Filesystem mode drives the app's
own ``/uploads/`` and ``/files/<token>/`` endpoints through Django's test client.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import include, path
from storages.backends.s3 import S3Storage

from core.storage import objectstore
from core.storage.objectstore import StorageUnavailable, UploadTicket
from tests.s3server import closed_port, s3_storages

# A tiny URLconf so these tests do not depend on where the root URLconf includes ours.
urlpatterns = [path("", include("core.storage.urls"))]
pytestmark = pytest.mark.urls(__name__)

KEY = "contests/1/entries/0f8e5c1a-7d4b-4c21-9a53-6b2f0c9d1e77/original.png"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # 1032 bytes; content is never decoded here


@contextlib.contextmanager
def clock_shifted(monkeypatch, seconds: float):
    """Everything inside sees ``time.time()`` moved by ``seconds`` (signing uses it)."""
    real = time.time
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real() + seconds)
        yield


def browser_post(ticket: UploadTicket, content: bytes, *, filename: str = "그림.png"):
    """What a browser's form does: every field of the ticket, then the ``file`` part last."""
    return requests.post(
        ticket.url,
        data=ticket.fields,
        files={"file": (filename, content, ticket.fields["Content-Type"])},
        timeout=10,
    )


# -- the s3_storage fixture really switches Django's storage ---------------------------------


def test_s3_fixture_switches_default_storage(s3_storage):
    assert isinstance(default_storage, S3Storage)
    assert default_storage.bucket_name == s3_storage.bucket
    assert objectstore.storage_is_s3()
    assert s3_storage.object_keys() == []


def test_overriding_storages_resets_default_storage_both_ways(moto_endpoint):
    assert isinstance(default_storage, FileSystemStorage)
    with override_settings(STORAGES=s3_storages(endpoint=moto_endpoint, bucket="any")):
        assert isinstance(default_storage, S3Storage)
        assert objectstore.storage_is_s3()
    assert isinstance(default_storage, FileSystemStorage)
    assert not objectstore.storage_is_s3()


# -- S3 mode over HTTP -----------------------------------------------------------------------


def test_s3_ticket_pins_key_type_and_size_range(s3_storage):
    before = datetime.now(UTC)

    ticket = objectstore.upload_ticket(
        key=KEY, content_type="image/png", max_bytes=20_000_000, expires_in=3600
    )

    assert ticket.method == "POST"
    assert ticket.url == f"{s3_storage.endpoint}/{s3_storage.bucket}"
    assert ticket.fields["key"] == KEY
    assert ticket.fields["Content-Type"] == "image/png"
    assert {"policy", "x-amz-signature", "x-amz-credential"} <= set(ticket.fields)
    # asked for an hour, got at most the 10 minutes DOMAIN §10 allows
    assert before < ticket.expires_at <= before + timedelta(seconds=601)
    assert ticket.expires_at.tzinfo is not None
    assert s3_storage.object_keys() == []  # a ticket writes nothing


def test_s3_browser_upload_then_read_serve_and_delete(s3_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    response = browser_post(ticket, PNG)

    assert response.status_code == 204, response.text
    assert s3_storage.object_keys() == [KEY]
    assert objectstore.object_size(key=KEY) == len(PNG)
    assert objectstore.object_head_bytes(key=KEY, n=8) == PNG[:8]
    assert objectstore.object_head_bytes(key=KEY, n=10_000) == PNG  # shorter than asked
    with objectstore.object_open(key=KEY) as f:
        assert f.read() == PNG
        f.seek(4)
        assert f.read(4) == PNG[4:8]

    url = objectstore.object_url(
        key=KEY, filename="그림 1.png", as_attachment=False, content_type="image/png"
    )
    assert parse_qs(urlsplit(url).query)["X-Amz-Expires"] == ["300"]
    served = requests.get(url, timeout=10)
    assert served.status_code == 200
    assert served.content == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Disposition"] == (
        "inline; filename=\"download.png\"; filename*=UTF-8''%EA%B7%B8%EB%A6%BC%201.png"
    )

    objectstore.object_delete(key=KEY)
    objectstore.object_delete(key=KEY)  # idempotent

    assert objectstore.object_size(key=KEY) is None
    assert s3_storage.object_keys() == []


def test_s3_pdf_url_is_always_an_attachment(s3_storage):
    key = "contests/1/entries/0f8e5c1a/proposal.pdf"
    objectstore.object_save(key=key, data=b"%PDF-1.7\n...", content_type="application/pdf")

    url = objectstore.object_url(
        key=key, filename="proposal.pdf", as_attachment=False, content_type="application/pdf"
    )
    served = requests.get(url, timeout=10)

    assert served.status_code == 200
    assert served.headers["Content-Disposition"] == 'attachment; filename="proposal.pdf"'
    assert served.headers["Content-Type"] == "application/pdf"


def test_moto_does_not_enforce_content_length_range(s3_storage):
    """Why confirming an upload re-checks the stored size (DOMAIN §10): moto stores anything.

    Real S3 answers 400 EntityTooLarge here; moto (and so this suite) accepts the object, so a
    confirm step trusting the ticket's range would let an over-size file through.
    """
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=10)

    response = browser_post(ticket, PNG)

    assert response.status_code == 204
    assert objectstore.object_size(key=KEY) == len(PNG) > 10


def test_s3_save_replaces_and_sets_content_type(s3_storage):
    key = "contests/1/entries/0f8e5c1a/preview.webp"

    objectstore.object_save(key=key, data=b"first", content_type="image/webp")
    objectstore.object_save(key=key, data=io.BytesIO(b"second"), content_type="image/webp")

    head = s3_storage.client.head_object(Bucket=s3_storage.bucket, Key=key)
    assert head["ContentType"] == "image/webp"
    assert objectstore.object_head_bytes(key=key, n=100) == b"second"
    assert s3_storage.object_keys() == [key]


def test_s3_missing_object(s3_storage):
    assert objectstore.object_size(key=KEY) is None
    with pytest.raises(FileNotFoundError):
        objectstore.object_open(key=KEY)
    with pytest.raises(FileNotFoundError):
        objectstore.object_head_bytes(key=KEY, n=8)


def test_s3_head_bytes_of_an_empty_object(s3_storage):
    s3_storage.client.put_object(Bucket=s3_storage.bucket, Key=KEY, Body=b"")

    assert objectstore.object_size(key=KEY) == 0
    assert objectstore.object_head_bytes(key=KEY, n=8) == b""


def test_s3_list_keys_older_than(s3_storage):
    objectstore.object_save(key="contests/1/a.png", data=b"a", content_type="image/png")
    objectstore.object_save(key="contests/1/b/c.png", data=b"c", content_type="image/png")
    objectstore.object_save(key="contests/2/d.png", data=b"d", content_type="image/png")
    now = datetime.now(UTC)

    later = objectstore.list_keys_older_than(prefix="contests/1/", before=now + timedelta(hours=1))
    earlier = objectstore.list_keys_older_than(prefix="contests/", before=now - timedelta(hours=1))

    assert sorted(later) == ["contests/1/a.png", "contests/1/b/c.png"]
    assert list(earlier) == []


# -- storage down or failing: 503 storage_unavailable ----------------------------------------


def test_storage_down_raises_storage_unavailable(settings):
    settings.STORAGES = s3_storages(endpoint=f"http://127.0.0.1:{closed_port()}", bucket="b")

    with pytest.raises(StorageUnavailable) as caught:
        objectstore.object_size(key=KEY)
    assert caught.value.code == "storage_unavailable"
    assert caught.value.status == 503
    assert str(caught.value.message)

    with pytest.raises(StorageUnavailable):
        objectstore.object_save(key=KEY, data=b"x", content_type="image/png")


class _Failing(BaseHTTPRequestHandler):
    """An S3 endpoint that answers every request with 503 SlowDown."""

    def _fail(self) -> None:
        body = b"<Error><Code>SlowDown</Code><Message>Please reduce your rate</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _fail

    def log_message(self, *args) -> None:
        pass


def test_storage_5xx_raises_storage_unavailable(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.STORAGES = s3_storages(
            endpoint=f"http://127.0.0.1:{server.server_address[1]}", bucket="b"
        )
        with pytest.raises(StorageUnavailable):
            objectstore.object_size(key=KEY)  # HEAD: no body to read the code from
        with pytest.raises(StorageUnavailable):
            objectstore.object_head_bytes(key=KEY, n=8)
    finally:
        server.shutdown()
        server.server_close()


# -- filesystem mode: the app's own /uploads/ endpoint ---------------------------------------


@pytest.fixture
def fs_storage(settings, tmp_path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    assert not objectstore.storage_is_s3()
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def form_post(client, ticket: UploadTicket, content: bytes | None, **overrides: str):
    data: dict = {**ticket.fields, **overrides}
    if content is not None:
        data["file"] = SimpleUploadedFile("그림.png", content, ticket.fields["Content-Type"])
    return client.post(ticket.url, data)


def test_fs_ticket_has_the_s3_shape(fs_storage):
    before = datetime.now(UTC)

    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    assert ticket.method == "POST"
    assert ticket.url == "/uploads/"
    assert set(ticket.fields) == {"key", "Content-Type", "policy"}
    assert ticket.fields["key"] == KEY
    assert before < ticket.expires_at <= before + timedelta(seconds=601)


@pytest.mark.parametrize(
    "content", [PNG, PNG * 3000], ids=["in-memory", "spooled-to-disk"]
)  # Django keeps uploads up to 2.5 MB in memory and spools bigger ones to a temporary file
def test_fs_upload_happy_path(client, fs_storage, content):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=len(content))

    response = form_post(client, ticket, content)  # exactly the limit is allowed

    assert response.status_code == 204
    assert (fs_storage / KEY).read_bytes() == content
    assert stored_files(fs_storage) == [KEY]
    assert objectstore.object_size(key=KEY) == len(content)
    assert objectstore.object_head_bytes(key=KEY, n=8) == content[:8]
    with objectstore.object_open(key=KEY) as f:
        assert f.read() == content


def assert_refused(response, status: int, code: str, root: Path) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert stored_files(root) == []  # nothing left behind
    return body


def test_fs_upload_policy_older_than_ten_minutes_is_expired(client, fs_storage, monkeypatch):
    with clock_shifted(monkeypatch, -601):
        ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    assert_refused(form_post(client, ticket, PNG), 403, "upload_expired", fs_storage)


def test_fs_upload_past_its_own_expiry_is_expired(client, fs_storage, monkeypatch):
    with clock_shifted(monkeypatch, -120):
        ticket = objectstore.upload_ticket(
            key=KEY, content_type="image/png", max_bytes=5000, expires_in=60
        )

    assert_refused(form_post(client, ticket, PNG), 403, "upload_expired", fs_storage)


def test_fs_upload_with_another_key_is_denied(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    response = form_post(client, ticket, PNG, key="contests/1/entries/other/original.png")

    body = assert_refused(response, 403, "upload_denied", fs_storage)
    assert body["detail"] == {"field": "key"}


def test_fs_upload_with_a_tampered_policy_is_denied(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)
    policy = ticket.fields["policy"]
    forged = policy[:-1] + ("A" if policy[-1] != "A" else "B")

    assert_refused(form_post(client, ticket, PNG, policy=forged), 403, "upload_denied", fs_storage)
    assert_refused(form_post(client, ticket, PNG, policy=""), 403, "upload_denied", fs_storage)


def test_fs_upload_with_another_content_type_is_denied(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    response = form_post(client, ticket, PNG, **{"Content-Type": "text/html"})

    body = assert_refused(response, 403, "upload_denied", fs_storage)
    assert body["detail"] == {"field": "Content-Type"}


def test_fs_upload_empty_file(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    assert_refused(form_post(client, ticket, b""), 400, "empty_file", fs_storage)


def test_fs_upload_without_file_part(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    assert_refused(form_post(client, ticket, None), 400, "file_missing", fs_storage)


def test_fs_upload_one_byte_over_the_limit(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=len(PNG) - 1)

    body = assert_refused(form_post(client, ticket, PNG), 400, "file_too_large", fs_storage)
    assert body["detail"] == {"max_bytes": len(PNG) - 1}


@pytest.mark.parametrize("size", [5_000, 200_000], ids=["cut-while-streaming", "by-length"])
def test_fs_upload_beyond_any_ticket_is_not_read(client, fs_storage, monkeypatch, size):
    monkeypatch.setattr(objectstore, "MAX_UPLOAD_BYTES", 2_000)
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=2_000)

    response = form_post(client, ticket, b"x" * size)

    body = assert_refused(response, 400, "file_too_large", fs_storage)
    assert body["detail"] == {"max_bytes": 2_000}


def test_fs_upload_with_two_files_is_refused(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)
    files = [SimpleUploadedFile(name, PNG, "image/png") for name in ("a.png", "b.png")]

    response = client.post(ticket.url, {**ticket.fields, "file": files})

    assert_refused(response, 400, "invalid", fs_storage)


def test_fs_upload_when_the_disk_fails_is_unavailable(client, settings, tmp_path):
    blocked = tmp_path / "media"
    blocked.write_bytes(b"a file where the media folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)

    response = form_post(client, ticket, PNG)

    assert response.status_code == 503
    assert response.json()["code"] == "storage_unavailable"
    assert [p.name for p in tmp_path.iterdir()] == ["media"]
    assert blocked.read_bytes().startswith(b"a file")


def test_fs_upload_replay_never_overwrites(client, fs_storage):
    ticket = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=5000)
    assert form_post(client, ticket, PNG).status_code == 204

    response = form_post(client, ticket, b"evil replacement")

    assert response.status_code == 409
    assert response.json()["code"] == "upload_exists"
    assert (fs_storage / KEY).read_bytes() == PNG
    assert stored_files(fs_storage) == [KEY]


def test_fs_upload_losing_a_race_keeps_the_winner_and_leaves_nothing(fs_storage, monkeypatch):
    (fs_storage / KEY).parent.mkdir(parents=True)
    (fs_storage / KEY).write_bytes(PNG)
    # The key appears between our existence check and the write: the storage picks another
    # name, which upload_store must remove again.
    storage_class = type(default_storage._wrapped)
    real_exists, calls = storage_class.exists, []

    def exists_late(self, name):  # the first check misses it, every later one sees it
        calls.append(name)
        return len(calls) > 1 and real_exists(self, name)

    monkeypatch.setattr(storage_class, "exists", exists_late)

    stored = objectstore.upload_store(key=KEY, file=io.BytesIO(b"late"))

    assert stored is False
    assert stored_files(fs_storage) == [KEY]
    assert (fs_storage / KEY).read_bytes() == PNG


def test_fs_missing_object(fs_storage):
    assert objectstore.object_size(key=KEY) is None
    with pytest.raises(FileNotFoundError):
        objectstore.object_open(key=KEY)
    with pytest.raises(FileNotFoundError):
        objectstore.object_head_bytes(key=KEY, n=8)


def test_fs_upload_endpoint_accepts_only_post(client, fs_storage):
    response = client.get("/uploads/")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_fs_endpoints_are_closed_in_s3_mode(client, s3_storage):
    assert client.post("/uploads/", {"key": KEY}).status_code == 404
    assert client.get("/files/anything/").status_code == 404


# -- filesystem mode: /files/<token>/ --------------------------------------------------------


@pytest.fixture
def stored_png(fs_storage) -> str:
    objectstore.object_save(key=KEY, data=PNG, content_type="image/png")
    return KEY


def test_fs_file_url_serves_inline_image_with_safe_headers(client, stored_png):
    url = objectstore.object_url(
        key=stored_png, filename="그림 1.png", as_attachment=False, content_type="image/png"
    )

    response = client.get(url)

    assert url.startswith("/files/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Length"] == str(len(PNG))
    assert response["Content-Disposition"] == (
        "inline; filename=\"download.png\"; filename*=UTF-8''%EA%B7%B8%EB%A6%BC%201.png"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_fs_file_url_serves_pdf_as_attachment_even_if_asked_inline(client, fs_storage):
    key = "contests/1/entries/0f8e5c1a/proposal.pdf"
    objectstore.object_save(key=key, data=b"%PDF-1.7\n...", content_type="application/pdf")
    url = objectstore.object_url(
        key=key, filename="proposal.pdf", as_attachment=False, content_type="application/pdf"
    )

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="proposal.pdf"'
    assert response["Content-Type"] == "application/pdf"


def test_fs_file_url_expires_after_signed_url_seconds(client, stored_png, monkeypatch):
    with clock_shifted(monkeypatch, -301):
        url = objectstore.object_url(
            key=stored_png, filename="a.png", as_attachment=False, content_type="image/png"
        )

    response = client.get(url)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_fs_file_url_tampered_or_foreign_token_is_not_found(client, stored_png):
    url = objectstore.object_url(
        key=stored_png, filename="a.png", as_attachment=False, content_type="image/png"
    )
    token = url.removeprefix("/files/").removesuffix("/")
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    # an upload policy is signed with another salt, so it never opens a file
    policy = objectstore.upload_ticket(key=KEY, content_type="image/png", max_bytes=1).fields[
        "policy"
    ]

    assert client.get(f"/files/{forged}/").status_code == 404
    assert client.get(f"/files/{policy}/").status_code == 404


def test_fs_file_url_of_a_deleted_file_is_not_found(client, stored_png):
    url = objectstore.object_url(
        key=stored_png, filename="a.png", as_attachment=False, content_type="image/png"
    )
    objectstore.object_delete(key=stored_png)
    objectstore.object_delete(key=stored_png)  # idempotent

    assert client.get(url).status_code == 404


# -- filesystem mode: writes and the sweeper's listing ---------------------------------------


def test_fs_save_replaces_atomically_and_list_keys_older_than(fs_storage):
    objectstore.object_save(key="contests/1/a.png", data=b"old", content_type="image/png")
    objectstore.object_save(key="contests/1/a.png", data=io.BytesIO(b"new"), content_type="x/y")
    objectstore.object_save(key="contests/1/b/c.png", data=b"c", content_type="image/png")
    objectstore.object_save(key="contests/2/d.png", data=b"d", content_type="image/png")
    day_ago = time.time() - 86_400
    os.utime(fs_storage / "contests/1/b/c.png", (day_ago, day_ago))
    (fs_storage / "contests/1/.tmp-half.part").write_bytes(b"mid-write")  # not a key

    cutoff = datetime.now(UTC) - timedelta(hours=1)

    assert (fs_storage / "contests/1/a.png").read_bytes() == b"new"
    assert list(objectstore.list_keys_older_than(prefix="contests/1/", before=cutoff)) == [
        "contests/1/b/c.png"
    ]
    assert sorted(
        objectstore.list_keys_older_than(prefix="contests/", before=datetime.now(UTC))
    ) == ["contests/1/a.png", "contests/1/b/c.png", "contests/2/d.png"]
    assert list(objectstore.list_keys_older_than(prefix="nothing/", before=cutoff)) == []


# -- keys and headers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key", ["", "/abs/x.png", "../x.png", "a/../x.png", "a//b.png", "a/./b.png", "a/.hidden", "a b"]
)
def test_bad_keys_are_refused(fs_storage, key):
    with pytest.raises(ValueError):
        objectstore.object_size(key=key)


@pytest.mark.parametrize(
    ("filename", "as_attachment", "expected"),
    [
        ("proposal.pdf", True, 'attachment; filename="proposal.pdf"'),
        ('a"b.pdf', True, "attachment; filename=\"ab.pdf\"; filename*=UTF-8''a%22b.pdf"),
        ("x\r\nSet-Cookie: y.png", False, 'inline; filename="xSet-Cookie: y.png"'),
        ("../../etc/passwd", True, 'attachment; filename=".._.._etc_passwd"'),
        ("", True, 'attachment; filename="download"'),
        (
            "제안서.pdf",
            True,
            'attachment; filename="download.pdf"; '
            "filename*=UTF-8''%EC%A0%9C%EC%95%88%EC%84%9C.pdf",
        ),
        ("Café.png", False, "inline; filename=\"Cafe.png\"; filename*=UTF-8''Caf%C3%A9.png"),
    ],
)
def test_content_disposition(filename, as_attachment, expected):
    assert objectstore.content_disposition(filename=filename, as_attachment=as_attachment) == (
        expected
    )


# -- copies (the public gallery's own objects) -------------------------------------------------


@pytest.mark.parametrize("mode", ["filesystem", "s3"])
def test_object_copy_makes_an_independent_object(request, mode):
    if mode == "s3":
        request.getfixturevalue("s3_storage")
    else:
        request.getfixturevalue("fs_storage")
    target = "contests/1/public/5d1c0e2f/preview.jpg"
    objectstore.object_save(key=KEY, data=PNG, content_type="image/png")
    objectstore.object_copy(source=KEY, target=target, content_type="image/jpeg")
    objectstore.object_delete(key=KEY)
    with objectstore.object_open(key=target) as f:
        assert f.read() == PNG
    assert objectstore.object_size(key=KEY) is None
