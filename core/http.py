"""How domain errors reach an HTML page, in one place (the API has ``api.exceptions``).

* ``NotFound`` from any page is the site's 404 (``DomainErrorMiddleware``): an object you may
  not see does not exist for you, whichever service said so.
* A refused action (any other ``DomainError``) in a view decorated with ``@refusals_to(…)``
  becomes an error message on the page the action belongs to: the message, then every message
  of its detail (``error_text``), so "the entry is incomplete" names what is missing.
"""

import re
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.errors import DomainError, NotFound
from core.models import Job

MACHINE_WORD = re.compile(r"[a-z0-9_]+")  # a code in a detail list ("drawing"), not a sentence


def error_text(error: DomainError) -> str:
    """The refusal as one sentence for a message: its message and its detail's messages (the
    codes a detail lists for clients, such as a missing file's slot, are not for people)."""
    text = str(error.message)
    detail = error.detail if isinstance(error.detail, dict) else {}
    extra = [str(m) for values in detail.values() if isinstance(values, list) for m in values]
    extra = [m for m in extra if m and m != text and not MACHINE_WORD.fullmatch(m)]
    return " ".join([text, *extra]) if extra else text


class DomainErrorMiddleware:
    """NotFound escaping a page becomes Django's 404 (the API's handler does the same in JSON)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, NotFound):
            raise Http404 from exception
        return None


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
