"""Filesystem mode's stand-in for the bucket: receive presigned-POST uploads, serve signed URLs.

Only the zero-setup filesystem backend uses these endpoints; in S3 mode browsers talk to the
bucket directly (app servers never relay file bytes) and both answer 404.

* ``POST /uploads/`` speaks S3's presigned-POST protocol: a multipart form with every field of
  the ticket (``key``, ``Content-Type``, ``policy``), then the ``file`` part. The signed policy
  authorises the request exactly as S3's signature does, so there is no session and no CSRF
  token (a forged cross-site form cannot carry a valid policy). It answers 204 like S3.
* ``GET /files/<token>/`` serves a file named by a signed token that expires after
  ``SIGNED_URL_SECONDS``; a bad or expired token is indistinguishable from a missing file (404).

Errors answer ``{"code", "message", "detail"}`` like the API.
"""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import DomainError, Forbidden, NotFound, ValidationFailed, error_body
from core.storage import objectstore
from core.storage.objectstore import StorageUnavailable

# The form fields of a ticket are tiny; anything above this besides the file is not a ticket.
_FORM_OVERHEAD_BYTES = 64 * 1024


class UploadFileTooLarge(ValidationFailed):
    code = "file_too_large"
    default_message = _("The file is larger than allowed.")


class UploadEmpty(ValidationFailed):
    code = "empty_file"
    default_message = _("The file is empty.")


class UploadFileMissing(ValidationFailed):
    code = "file_missing"
    default_message = _("The request has no file.")


class UploadDenied(Forbidden):
    code = "upload_denied"
    default_message = _("This upload is not allowed. Ask for a new upload link.")


class UploadExpired(Forbidden):
    code = "upload_expired"
    default_message = _("The upload link has expired. Ask for a new one and upload again.")


class UploadExists(DomainError):
    status = 409
    code = "upload_exists"
    default_message = _("A file was already uploaded with this link. Ask for a new one.")


def _error(exc: DomainError) -> JsonResponse:
    return JsonResponse(error_body(exc.code, exc.message, exc.detail), status=exc.status)


class _CeilingUploadHandler(FileUploadHandler):
    """Stops reading an upload past ``objectstore.MAX_UPLOAD_BYTES`` while it streams in.

    The exact limit lives in the signed policy, which Django only hands over once the whole body
    is parsed, so the view re-checks the file's size against it; this handler only makes sure
    nothing bigger than any ticket could allow is ever read or spooled to disk. It also accepts
    exactly one file part, named ``file``.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_large = False
        self.file_parts = 0
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > objectstore.MAX_UPLOAD_BYTES + _FORM_OVERHEAD_BYTES:
            self.too_large = True
            return QueryDict(), MultiValueDict()  # "handled": the body is never read
        return None

    def new_file(self, field_name, *args, **kwargs):
        if field_name != "file":
            raise SkipFile()
        self.file_parts += 1
        if self.file_parts > 1:
            raise SkipFile()
        super().new_file(field_name, *args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > objectstore.MAX_UPLOAD_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=False)  # drain the rest, then answer cleanly
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers build the file


@csrf_exempt  # authorised by the signed policy, like S3's presigned POST (see module docstring)
def upload_receive(request: HttpRequest) -> HttpResponse:
    if objectstore.storage_is_s3():
        return _error(NotFound())
    if request.method != "POST":
        response = _error(
            DomainError(_("This method is not allowed here."), code="method_not_allowed")
        )
        response.status_code = 405
        response["Allow"] = "POST"
        return response

    ceiling = _CeilingUploadHandler(request)
    request.upload_handlers.insert(0, ceiling)
    try:
        form, files = request.POST, request.FILES
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, BadRequest):
        return _error(ValidationFailed(_("The upload could not be read.")))
    if ceiling.too_large:
        return _error(UploadFileTooLarge(detail={"max_bytes": objectstore.MAX_UPLOAD_BYTES}))

    try:
        policy = objectstore.upload_policy_read(policy=form.get("policy", ""))
    except signing.SignatureExpired:
        return _error(UploadExpired())
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return _error(UploadDenied())
    for field, expected in (("key", policy["key"]), ("Content-Type", policy["content_type"])):
        if form.get(field) != expected:
            return _error(UploadDenied(detail={"field": field}))

    if ceiling.file_parts > 1:
        return _error(ValidationFailed(_("Send exactly one file.")))
    file = files.get("file")
    if file is None:
        return _error(UploadFileMissing())
    if file.size < 1:
        return _error(UploadEmpty())
    if file.size > policy["max_bytes"]:
        return _error(UploadFileTooLarge(detail={"max_bytes": policy["max_bytes"]}))

    try:
        stored = objectstore.upload_store(key=policy["key"], file=file)
    except StorageUnavailable as exc:
        return _error(exc)
    finally:
        file.close()
    if not stored:
        return _error(UploadExists())
    return HttpResponse(status=204)


def object_response(*, key: str, filename: str, content_type: str, as_attachment: bool):
    """Filesystem mode: the stored object as a download with the safe headers (no sniffing,
    no caching, a sandbox CSP). Raises ``FileNotFoundError`` for a missing object and
    ``StorageUnavailable`` when the disk fails. Call only after a permission check."""
    stream = objectstore.object_open(key=key)
    response = FileResponse(stream, content_type=content_type)
    response["Content-Disposition"] = objectstore.content_disposition(
        filename=filename,
        as_attachment=objectstore.disposition_for(
            content_type=content_type, as_attachment=as_attachment
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def file_serve(request: HttpRequest, token: str) -> HttpResponse:
    if objectstore.storage_is_s3() or request.method not in {"GET", "HEAD"}:
        return _error(NotFound())
    try:
        grant = objectstore.file_token_read(token=token)
    except (signing.BadSignature, ValueError, KeyError, TypeError):
        return _error(NotFound())  # expired or forged: indistinguishable from missing
    try:
        return object_response(
            key=grant["key"],
            filename=grant["filename"],
            content_type=grant["content_type"],
            as_attachment=grant["as_attachment"],
        )
    except (FileNotFoundError, ValueError):
        return _error(NotFound())
    except StorageUnavailable as exc:
        return _error(exc)
