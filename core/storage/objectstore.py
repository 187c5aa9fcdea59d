"""The one integration module for object storage (DOMAIN §4, §10 "Files" and "Data").

boto3 appears here and nowhere else. Everything in the app that needs more than Django's
``default_storage`` (presigned POST, HEAD, ranged GET, signed GET URLs, listing for the sweeper)
calls these functions, which work the same way on both backends ``config/settings.py`` can load:

* **S3 mode** (``storages.backends.s3.S3Storage``): the client, bucket and key prefix come from
  the configured default storage, so there is one source of configuration. Browsers upload
  straight to the bucket with a presigned POST; downloads are presigned GETs.
* **Filesystem mode** (``FileSystemStorage``, the zero-setup default): the app plays the part of
  the bucket. :func:`upload_ticket` points at the app's own endpoint (``/uploads/``, see
  ``core.storage.endpoint``), which speaks the same multipart protocol as S3's presigned
  POST; :func:`object_url` returns a signed ``/files/<token>/`` URL.

Choices:

* Keys are server-generated and must look like ``contests/1/entries/<uuid>/original.pdf``:
  ASCII letters, digits, ``._-`` and ``/`` separators, no empty or dot segments. A bad key is a
  programming error and raises ``ValueError``.
* The storage being down, slow or failing on its side (connection refused, timeouts, 5xx) raises
  :class:`StorageUnavailable` (503 ``storage_unavailable``). Client errors that mean a bug or a
  misconfiguration (403 on a bucket, a missing bucket) are not disguised: they propagate.
* A missing object is ``None`` from :func:`object_size` and ``FileNotFoundError`` from
  :func:`object_open` / :func:`object_head_bytes`, like ``default_storage.open`` would.
* Neither backend is trusted to enforce a ticket's limits (moto does not; some S3-compatible
  stores are lax): the caller confirming an upload re-checks size and type from the stored bytes.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, BinaryIO
from urllib.parse import quote

import boto3.exceptions
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from storages.backends.s3 import S3Storage

from core.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

MAX_TICKET_SECONDS = 600  # DOMAIN §10: a presigned POST expires in at most 10 minutes
# No ticket may allow more than this; the filesystem endpoint stops reading past it while the
# body streams in (the largest real limit is the 200 MB MP4 video).
MAX_UPLOAD_BYTES = 256 * 1024 * 1024
SPOOL_MAX_MEMORY = 20 * 1024 * 1024  # object_open keeps up to this much in memory, then disk

# Salts of the two kinds of signed tokens the filesystem backend issues (never interchangeable).
UPLOAD_POLICY_SALT = "gongmo.objectstore.upload-policy"
FILE_TOKEN_SALT = "gongmo.objectstore.file-url"  # noqa: S105 (a salt, not a secret)

_KEY_RE = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")


class StorageUnavailable(ServiceUnavailable):
    code = "storage_unavailable"
    default_message = _(
        "File storage is not reachable right now. Nothing was saved; please try again in a moment."
    )


@dataclass(frozen=True)
class UploadTicket:
    """Where and how a browser uploads one file: POST ``fields`` then the ``file`` part last."""

    method: str
    url: str
    fields: dict[str, str]
    expires_at: datetime


# -- backend detection and error translation ----------------------------------------------


def storage_is_s3() -> bool:
    return isinstance(default_storage, S3Storage)


def _check_key(key: str) -> str:
    if not isinstance(key, str) or len(key) > 900 or not _KEY_RE.match(key) or ".." in key:
        raise ValueError(f"not a valid storage key: {key!r}")
    return key


def _s3() -> tuple[Any, str, str]:
    """The boto3 client, bucket and key prefix of the configured default storage."""
    storage = default_storage
    prefix = (storage.location or "").strip("/")
    return storage.connection.meta.client, storage.bucket_name, f"{prefix}/" if prefix else ""


def _status_of(exc: ClientError) -> int:
    return int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)


def _error_code_of(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _unavailable_on_outage(action: str, key: str = "") -> Iterator[None]:
    """Turn "storage down or slow" into StorageUnavailable; let real client errors through."""
    try:
        yield
    except ClientError as exc:
        if _status_of(exc) >= 500 or _error_code_of(exc) in {"SlowDown", "RequestTimeout"}:
            logger.warning("object storage failed during %s %s: %s", action, key, exc)
            raise StorageUnavailable() from exc
        raise
    except (BotoCoreError, boto3.exceptions.S3UploadFailedError) as exc:
        # EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError,
        # ResponseStreamingError, and upload_fileobj's wrapper around all of them.
        logger.warning("object storage unreachable during %s %s: %s", action, key, exc)
        raise StorageUnavailable() from exc


@contextlib.contextmanager
def _unavailable_on_os_error(action: str, key: str = "") -> Iterator[None]:
    """Filesystem mode: a missing file stays FileNotFoundError, any other OSError is an outage."""
    try:
        yield
    except FileNotFoundError:
        raise
    except OSError as exc:
        logger.warning("file storage failed during %s %s: %s", action, key, exc)
        raise StorageUnavailable() from exc


# -- uploads --------------------------------------------------------------------------------


def upload_ticket(
    *, key: str, content_type: str, max_bytes: int, expires_in: int = MAX_TICKET_SECONDS
) -> UploadTicket:
    """A presigned POST pinning the exact key, content type and a 1 B–``max_bytes`` size range."""
    _check_key(key)
    if not 1 <= max_bytes <= MAX_UPLOAD_BYTES:
        raise ValueError(f"max_bytes must be between 1 and {MAX_UPLOAD_BYTES}, not {max_bytes}")
    if not content_type or any(c in content_type for c in "\r\n"):
        raise ValueError(f"not a valid content type: {content_type!r}")
    expires_in = max(1, min(int(expires_in), MAX_TICKET_SECONDS))
    now = time.time()
    expires_at = datetime.fromtimestamp(int(now) + expires_in, tz=UTC)

    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("presign POST", key):
            post = client.generate_presigned_post(
                bucket,
                prefix + key,
                Fields={"Content-Type": content_type},
                Conditions=[
                    {"key": prefix + key},
                    {"Content-Type": content_type},
                    ["content-length-range", 1, max_bytes],
                ],
                ExpiresIn=expires_in,
            )
        return UploadTicket(
            method="POST",
            url=post["url"],
            fields={k: str(v) for k, v in post["fields"].items()},
            expires_at=expires_at,
        )

    policy = signing.dumps(
        {"key": key, "ct": content_type, "max": max_bytes, "exp": int(now) + expires_in},
        salt=UPLOAD_POLICY_SALT,
    )
    return UploadTicket(
        method="POST",
        url=reverse("storage-upload"),
        fields={"key": key, "Content-Type": content_type, "policy": policy},
        expires_at=expires_at,
    )


def upload_policy_read(*, policy: str) -> dict[str, Any]:
    """Filesystem mode: the verified contents of a ticket's ``policy`` field.

    Returns ``{"key", "content_type", "max_bytes"}``. Raises ``signing.SignatureExpired`` when the
    ticket is older than its own expiry (never more than 10 minutes) and ``signing.BadSignature``
    when it was not issued by this server.
    """
    payload = signing.loads(policy, salt=UPLOAD_POLICY_SALT, max_age=MAX_TICKET_SECONDS)
    if time.time() > payload["exp"]:
        raise signing.SignatureExpired("upload policy expired")
    return {"key": payload["key"], "content_type": payload["ct"], "max_bytes": payload["max"]}


def upload_store(*, key: str, file: IO[bytes]) -> bool:
    """Filesystem mode: store an uploaded file under exactly ``key``; never overwrite.

    Returns False (and stores nothing) when the key is already taken.
    """
    _check_key(key)
    with _unavailable_on_os_error("store upload", key):
        if default_storage.exists(key):
            return False
        content = file if isinstance(file, File) else File(file)
        try:
            name = default_storage.save(key, content)
        except FileNotFoundError:  # a prune removed the folder just made (_fs_prune): again
            content.seek(0)
            name = default_storage.save(key, content)
        if name != key:
            # Lost a race: the storage picked another name because ``key`` appeared meanwhile.
            default_storage.delete(name)
            return False
    return True


# -- reads ----------------------------------------------------------------------------------


def object_size(*, key: str) -> int | None:
    """The stored object's size in bytes (HEAD), or None if there is none."""
    _check_key(key)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        try:
            with _unavailable_on_outage("HEAD", key):
                head = client.head_object(Bucket=bucket, Key=prefix + key)
        except ClientError as exc:
            if _status_of(exc) == 404:
                return None
            raise
        return int(head["ContentLength"])
    try:
        with _unavailable_on_os_error("size", key):
            return default_storage.size(key)
    except FileNotFoundError:
        return None


def object_open(*, key: str) -> BinaryIO:
    """The stored object, readable and seekable, positioned at 0. The caller closes it.

    S3: the object is downloaded into a SpooledTemporaryFile (in memory up to 20 MB, then on
    disk), so a slow or dropped connection fails here, not half-way through the caller's parsing.
    """
    _check_key(key)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115
        try:
            with _unavailable_on_outage("GET", key):
                try:
                    response = client.get_object(Bucket=bucket, Key=prefix + key)
                except ClientError as exc:
                    if _status_of(exc) == 404:
                        raise FileNotFoundError(key) from exc
                    raise
                body = response["Body"]
                try:
                    for chunk in body.iter_chunks(chunk_size=1024 * 1024):
                        spool.write(chunk)
                finally:
                    body.close()
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool  # type: ignore[return-value]
    with _unavailable_on_os_error("open", key):
        return default_storage.open(key, "rb")


def object_head_bytes(*, key: str, n: int) -> bytes:
    """The first ``n`` bytes of the stored object (fewer if it is shorter): a ranged GET."""
    _check_key(key)
    if n <= 0:
        return b""
    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("ranged GET", key):
            try:
                response = client.get_object(
                    Bucket=bucket, Key=prefix + key, Range=f"bytes=0-{n - 1}"
                )
            except ClientError as exc:
                if _status_of(exc) == 404:
                    raise FileNotFoundError(key) from exc
                if _status_of(exc) == 416:  # an empty object has no byte 0
                    return b""
                raise
            body = response["Body"]
            try:
                return body.read()[:n]  # a server ignoring Range must not cost us more
            finally:
                body.close()
    with _unavailable_on_os_error("read", key), default_storage.open(key, "rb") as f:
        return f.read(n)


# -- writes ---------------------------------------------------------------------------------


def object_save(*, key: str, data: bytes | BinaryIO, content_type: str) -> None:
    """Write an object the server made (a derivative), replacing any object under ``key``.

    The replacement is atomic on both backends: a reader sees the old or the new bytes, never
    part of them. Tasks that make derivatives may therefore simply run again.
    """
    _check_key(key)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("PUT", key):
            if isinstance(data, bytes | bytearray | memoryview):
                client.put_object(
                    Bucket=bucket, Key=prefix + key, Body=bytes(data), ContentType=content_type
                )
            else:
                client.upload_fileobj(
                    data,
                    bucket,
                    prefix + key,
                    ExtraArgs={"ContentType": content_type},
                    Config=default_storage.transfer_config,
                )
        return
    with _unavailable_on_os_error("save", key):
        try:
            _fs_replace(key, data)
        except FileNotFoundError:  # a prune removed the folder just made (_fs_prune): again
            if not isinstance(data, bytes | bytearray | memoryview):
                data.seek(0)
            _fs_replace(key, data)


def _fs_replace(key: str, data: bytes | BinaryIO) -> None:
    target = Path(default_storage.path(key))  # path() also refuses keys outside the root
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    content = ContentFile(bytes(data)) if isinstance(data, bytes | bytearray | memoryview) else data
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            if hasattr(content, "chunks"):
                for chunk in content.chunks():
                    out.write(chunk)
            else:
                while chunk := content.read(1024 * 1024):
                    out.write(chunk)
        mode = default_storage.file_permissions_mode
        os.chmod(tmp, mode if mode is not None else 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def object_copy(*, source: str, target: str, content_type: str) -> None:
    """A new object under ``target`` with the bytes of ``source`` (a server-side copy in S3
    mode: no bytes through the app). Replaces any object under ``target``."""
    _check_key(source)
    _check_key(target)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("COPY", source):
            client.copy_object(
                Bucket=bucket,
                Key=prefix + target,
                CopySource={"Bucket": bucket, "Key": prefix + source},
                ContentType=content_type,
                MetadataDirective="REPLACE",
            )
        return
    with object_open(key=source) as stream:
        object_save(key=target, data=stream, content_type=content_type)


def object_delete(*, key: str) -> None:
    """Delete the object; deleting a missing object is not an error."""
    _check_key(key)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("DELETE", key):
            client.delete_object(Bucket=bucket, Key=prefix + key)
        return
    with _unavailable_on_os_error("delete", key):
        default_storage.delete(key)
        _fs_prune(key)


# Folders at most this deep ("contests/<id>/entries") are shared by every upload and stay.
_SHARED_DEPTH = 3


def _fs_prune(key: str) -> None:
    """Filesystem mode: remove the folders a deleted object leaves empty (an entry's folder
    after its only upload was refused), deepest first, down to the shared ones. A folder that
    is not empty (another file arrived meanwhile) stops the walk; nothing else is touched."""
    root = Path(default_storage.path(""))
    folder = Path(default_storage.path(key)).parent
    while folder != root and len(folder.relative_to(root).parts) > _SHARED_DEPTH:
        try:
            folder.rmdir()
        except OSError:  # not empty, or already gone
            return
        folder = folder.parent


def objects_delete_after_commit(keys: list[str]) -> None:
    """Delete these objects once the current transaction commits (a rollback keeps them:
    the rows that name them are still there). Empty keys are skipped."""
    keys = [k for k in keys if k]
    if keys:
        transaction.on_commit(lambda: [object_delete(key=k) for k in keys])


# -- serving --------------------------------------------------------------------------------


def disposition_for(*, content_type: str, as_attachment: bool) -> bool:
    """Whether a file must be served as an attachment: only images may ever be inline."""
    return as_attachment or not content_type.lower().startswith("image/")


def content_disposition(*, filename: str, as_attachment: bool) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266 / RFC 5987)."""
    kind = "attachment" if as_attachment else "inline"
    clean = "".join(c for c in filename if unicodedata.category(c)[0] != "C").strip()
    clean = clean.replace("/", "_").replace("\\", "_") or "download"
    name = Path(clean)
    ascii_name = (_ascii(name.stem) or "download") + _ascii(name.suffix)
    if ascii_name == clean:
        return f'{kind}; filename="{ascii_name}"'
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def _ascii(text: str) -> str:
    """ASCII for a quoted-string: accents dropped (Café → Cafe); "" if more would be lost (그림)."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn"
    )
    if not folded.isascii():
        return ""
    return folded.replace('"', "").replace("%", "_").strip()


def object_url(
    *,
    key: str,
    filename: str,
    as_attachment: bool,
    content_type: str,
    expires_in: int | None = None,
) -> str:
    """A short-lived signed URL (≤ ``settings.SIGNED_URL_SECONDS``, or ``expires_in`` if
    shorter) serving the object.

    Issue it only after a permission check. Non-images are always attachments. The URL itself
    carries no personal data beyond ``filename``, so pass a filename the viewer may see.
    """
    _check_key(key)
    seconds = settings.SIGNED_URL_SECONDS
    if expires_in is not None:
        seconds = max(1, min(int(expires_in), seconds))
    as_attachment = disposition_for(content_type=content_type, as_attachment=as_attachment)
    if storage_is_s3():
        client, bucket, prefix = _s3()
        with _unavailable_on_outage("presign GET", key):
            return client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": bucket,
                    "Key": prefix + key,
                    "ResponseContentDisposition": content_disposition(
                        filename=filename, as_attachment=as_attachment
                    ),
                    "ResponseContentType": content_type,
                    "ResponseCacheControl": "private, no-store",
                },
                ExpiresIn=seconds,
            )
    token = signing.dumps(
        {"key": key, "fn": filename, "att": as_attachment, "ct": content_type},
        salt=FILE_TOKEN_SALT,
    )
    return reverse("storage-file", kwargs={"token": token})


def file_token_read(*, token: str) -> dict[str, Any]:
    """Filesystem mode: the verified contents of a ``/files/<token>/`` URL.

    Returns ``{"key", "filename", "as_attachment", "content_type"}``; raises
    ``signing.BadSignature`` (or its subclass ``SignatureExpired``) otherwise.
    """
    payload = signing.loads(token, salt=FILE_TOKEN_SALT, max_age=settings.SIGNED_URL_SECONDS)
    return {
        "key": payload["key"],
        "filename": payload["fn"],
        "as_attachment": disposition_for(content_type=payload["ct"], as_attachment=payload["att"]),
        "content_type": payload["ct"],
    }


# -- the orphan sweeper ---------------------------------------------------------------------


def list_keys_older_than(*, prefix: str, before: datetime) -> Iterator[str]:
    """Keys starting with ``prefix`` whose object was last written before ``before`` (aware)."""
    if before.tzinfo is None:
        raise ValueError("before must be an aware datetime")
    if storage_is_s3():
        yield from _s3_keys_older_than(prefix=prefix, before=before)
    else:
        yield from _fs_keys_older_than(prefix=prefix, before=before)


def _s3_keys_older_than(*, prefix: str, before: datetime) -> Iterator[str]:
    client, bucket, location = _s3()
    pages = client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=location + prefix
    )
    with _unavailable_on_outage("LIST", prefix):
        for page in pages:
            for obj in page.get("Contents", []):
                if obj["LastModified"] < before:
                    yield obj["Key"][len(location) :]


def _fs_keys_older_than(*, prefix: str, before: datetime) -> Iterator[str]:
    root = Path(default_storage.path(""))
    # Walk only the deepest folder the prefix names ("contests/1/ent" walks "contests/1").
    start = root / prefix.rsplit("/", 1)[0] if "/" in prefix else root
    cutoff = before.timestamp()
    with _unavailable_on_os_error("walk", prefix):
        for dirpath, _dirs, files in os.walk(start):
            for name in files:
                path = Path(dirpath) / name
                key = path.relative_to(root).as_posix()
                if not key.startswith(prefix) or not _KEY_RE.match(key):
                    continue  # not ours (e.g. object_save's ".tmp-…" file mid-write)
                try:
                    mtime = path.stat().st_mtime
                except FileNotFoundError:  # deleted while we walked
                    continue
                if mtime < cutoff:
                    yield key


# -- health -----------------------------------------------------------------------------------


def storage_ping() -> bool:
    """Whether the object store answers: HEAD on the bucket (S3) or a writable root (files)."""
    if storage_is_s3():
        client, bucket, _prefix = _s3()
        try:
            client.head_bucket(Bucket=bucket)
        except (ClientError, BotoCoreError) as exc:
            logger.warning("object storage health check failed: %s", exc)
            return False
        return True
    root = Path(default_storage.path(""))
    return root.is_dir() and os.access(root, os.W_OK)
