"""One exception handler: every non-2xx answer is {"code", "message", "detail"}.

What escapes a DRF view unhandled, and requests that never reach one (an unknown path, a body
refused before the view), are answered in the same shape by ``core.http``'s error handlers.
"""

import math

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts.authentication import TokenExpired
from core.errors import DomainError, PayloadTooLarge, Throttled, ValidationFailed, error_body

# DRF's own exceptions, mapped to our stable codes and translated messages.
_DRF_CODES = {
    TokenExpired: ("token_expired", lambda: str(TokenExpired.default_detail)),
    drf.NotAuthenticated: ("not_authenticated", lambda: _("Log in to continue.")),
    drf.AuthenticationFailed: (
        "authentication_failed",
        lambda: _("The credentials or token are not valid."),
    ),
    drf.PermissionDenied: ("forbidden", lambda: _("You may not do this.")),
    drf.NotFound: ("not_found", lambda: _("Not found.")),
    drf.MethodNotAllowed: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    drf.NotAcceptable: ("not_acceptable", lambda: _("This response format is not available.")),
    drf.UnsupportedMediaType: (
        "unsupported_media_type",
        lambda: _("Send the request body as JSON."),
    ),
    drf.Throttled: ("throttled", lambda: _("Too many requests. Please wait and try again.")),
    drf.ParseError: ("parse_error", lambda: _("The request body could not be read.")),
    drf.ValidationError: ("invalid", lambda: _("Please correct the marked fields.")),
}


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, SuspiciousOperation):  # too many fields, a malformed header …
        exc = ValidationFailed(_("The request is not valid."), code="bad_request")
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message, exc.detail), status=exc.status)
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code, message = "error", str(exc)
    for cls, (mapped_code, text) in _DRF_CODES.items():
        if isinstance(exc, cls):
            code, message = mapped_code, text()
            break
    detail = exc.detail if isinstance(exc, drf.ValidationError) else {}
    if isinstance(detail, list):
        detail = {"non_field_errors": detail}
    if isinstance(exc, drf.Throttled):  # every 429 says when to come back, in whole seconds
        seconds = max(1, math.ceil(exc.wait or 1))
        detail = {"retry_after_seconds": seconds}
        response["Retry-After"] = str(seconds)
    response.data = error_body(code, message, detail)
    return response
