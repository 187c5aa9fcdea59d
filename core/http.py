"""How domain errors reach an HTML page, in one place (the API has ``api.exceptions``).

* ``NotFound`` from any page is the site's 404 (``DomainErrorMiddleware``): an object you may
  not see does not exist for you, whichever service said so.
* A refused action (any other ``DomainError``) in a view decorated with ``@refusals_to(…)``
  becomes an error message on the page the action belongs to: the message, then every message
  of its detail (``error_text``), so "the entry is incomplete" names what is missing.
* Django's error handlers (``handler400/403/404/500`` in ``config/urls.py``) answer every path
  under ``/api/`` in the API's shape ``{"code", "message", "detail"}`` (an unknown path, a body
  refused before any view, an exception no view handled); pages keep Django's pages.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import defaults

from core.errors import DomainError, NotFound, PayloadTooLarge, Throttled, error_body
from core.models import Job

API_PREFIX = "/api/"
MACHINE_WORD = re.compile(r"[a-z0-9_]+")  # a code in a detail list ("drawing"), not a sentence


def error_text(error: DomainError) -> str:
    """The refusal as one sentence for a message: its message and its detail's messages (the
    codes a detail lists for clients, such as a missing file's slot, are not for people)."""
    text = str(error.message)
    detail = error.detail if isinstance(error.detail, dict) else {}
    extra = [
        str(m)
        for values in detail.values()
        if isinstance(values, list)
        for m in values
        if not isinstance(m, dict | list)  # data for clients (contested boundaries), not words
    ]
    extra = [m for m in extra if m and m != text and not MACHINE_WORD.fullmatch(m)]
    return " ".join([text, *extra]) if extra else text


class DomainErrorMiddleware:
    """NotFound escaping a page becomes Django's 404 (the API's handler does the same in JSON);
    Throttled becomes a 429 page saying why, with ``Retry-After``, like every 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, Throttled) and not is_api(request):
            return throttled_page(request, exception)
        return None


def throttled_page(request: HttpRequest, error: Throttled) -> HttpResponse:
    response = render(request, "core/throttled.html", {"message": error.message}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


def refusals_to(target: Callable[..., str]):
    """Decorate a POST action: a refusal becomes an error message on ``target(request, **kw)``
    (a URL). NotFound is left to the middleware (404)."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise
            except DomainError as error:
                messages.error(request, error_text(error))
                return redirect(target(request, *args, **kwargs))

        return wrapped

    return decorate


def job_page(request: HttpRequest, job: Job, back: str) -> HttpResponse:
    """Send the user to a queued job's status page, which returns them to ``back``."""
    messages.info(
        request,
        _("Queued as background job #%(id)d. This page shows its progress.") % {"id": job.pk},
    )
    return redirect(f"{reverse('job-status', args=[job.pk])}?{urlencode({'next': back})}")


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(status: int, code: str, message, detail=None) -> JsonResponse:
    return JsonResponse(error_body(code, message, detail), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 (or 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``) before any view ran."""
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        too_large = PayloadTooLarge()
        return json_error(too_large.status, too_large.code, too_large.message, too_large.detail)
    return json_error(400, "bad_request", _("The request is not valid."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return json_error(403, "forbidden", _("You may not do this."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return json_error(404, "not_found", _("Not found."))


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    return json_error(500, "server_error", _("Something went wrong on our side. Please try again."))
