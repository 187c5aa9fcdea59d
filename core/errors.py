"""The domain's one small exception hierarchy.

Services raise these; the API's exception handler turns them into
``{"code", "message", "detail"}`` and HTML views into a form error or message.
``code`` is stable (clients depend on it); ``message`` is translated (Korean by default).
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(self, message: Any = None, *, code: str | None = None, detail: Any = None):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.detail = detail if detail is not None else {}
        super().__init__(str(self.message))


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You may not do this.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class ServiceUnavailable(DomainError):
    status = 503
    code = "service_unavailable"
    default_message = _("The service is temporarily unavailable. Please try again shortly.")


class PayloadTooLarge(DomainError):
    """413: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``detail.max_bytes``)."""

    status = 413
    code = "request_too_large"

    def __init__(self, message: Any = None, *, code: str | None = None, detail: Any = None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if message is None:
            message = _("The request body is larger than %(limit)s bytes.") % {
                "limit": f"{limit:,}"
            }
        super().__init__(message, code=code, detail=detail or {"max_bytes": limit})


class Throttled(DomainError):
    """429. ``retry_after`` (seconds) becomes the ``Retry-After`` header of every answer, page
    or API, and ``detail.retry_after_seconds`` of the JSON body."""

    status = 429
    code = "throttled"
    default_message = _("Too many requests. Please wait and try again.")

    def __init__(
        self,
        message: Any = None,
        *,
        retry_after: int | None = None,
        code: str | None = None,
        detail: Any = None,
    ):
        detail = dict(detail or {})
        seconds = retry_after if retry_after is not None else detail.get("retry_after_seconds", 60)
        self.retry_after = max(1, int(seconds))
        detail["retry_after_seconds"] = self.retry_after
        super().__init__(message, code=code, detail=detail)


def error_body(code: str, message, detail=None) -> dict:
    """The one error shape of every JSON answer: ``{"code", "message", "detail"}``."""
    return {"code": code, "message": str(message), "detail": detail or {}}
