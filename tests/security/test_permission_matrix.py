"""The permission matrix (DOMAIN §10, CONVENTIONS "Tests"): every URL pattern × the fixed cast.

For every pattern of ``config.urls`` (HTML and API), each supported method is requested by each
member of the cast; the status must be the one in ``EXPECTED``, and when the request was refused
(or failed validation) the database must be exactly as before. A pattern without a row in
``EXPECTED`` fails ``test_every_url_pattern_has_a_row``: a new endpoint must be added here.

The data is built once per module (inside a transaction rolled back at the end); each request
runs in a savepoint that is rolled back, so an allowed write does not affect the next cell.

Set ``GONGMO_MATRIX_PRINT=1`` to print the observed table instead of asserting (to add rows).

The admin's URLs (``admin:*``) are covered by the sibling ``test_admin_matrix.py``: every
registered model's changelist, add, change, delete and history views × its cast (the organizer
of the other contest, the owner as the control, staff-less members), with forged POSTs and the
database compared before and after. A model registered without a row there fails its
``test_every_registered_model_is_covered``.
"""

import copy
import os
import re
import uuid
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.services import organizer_group
from contests.enums import RoundKind
from contests.models import Round
from core.models import Job
from judging.enums import ConflictKind
from judging.models import Assignment, Conflict, PanelMember
from judging.services.assignment import judges_assign
from judging.services.comparisons import pair_next
from judging.services.scoring import scorecard_save
from submissions.models import Entry, EntryFile
from tests.factories import contest_make, demo_world_make, judging_open, user_make

CAST = [
    "organizer",  # organizer of this contest
    "other_organizer",  # organizer of another contest
    "judge",  # judge assigned to the entry
    "judge_unassigned",  # on the panel, not assigned to this entry
    "judge_conflict",  # on the panel, with a declared conflict on this entry
    "student",  # the entrant (owner of a Track S proposal)
    "other_student",  # another entrant
    "guardian",  # owner of the Track D drawing the URLs point at
    "other_guardian",  # another guardian
    "anonymous",
]

# Expected statuses in CAST order. Keys: (url name, method). Reading guide: 404 = the object is
# not visible to this user (never 403 for an object, so its existence does not leak);
# 401 (API) / 302 (HTML, to the log-in page) = log in first; 403 = visible but not allowed, or
# an action refused by role on a page with no object; 400/409 = allowed but the empty body or
# the state is refused. Admin URLs are covered by ``test_admin_matrix.py`` (see above) and
# ``test_admin_is_for_staff_organizers_only``.
EXPECTED: dict[tuple[str, str], str] = {
    ("home", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("home", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("contest-detail", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("contest-detail", "POST"): "200 200 200 200 200 200 200 200 200 200",
    # results are public only once published
    ("contest-results", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("contest-results", "POST"): "404 404 404 404 404 404 404 404 404 404",
    ("contest-results-drawing", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("contest-results-drawing", "POST"): "405 405 405 405 405 405 405 405 405 405",
    ("login", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("login", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("login", "PUT"): "200 200 200 200 200 200 200 200 200 200",
    ("logout", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("register", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("register", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("landing", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("landing", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("password_reset", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset", "PUT"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset_done", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset_confirm", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset_confirm", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset_confirm", "PUT"): "200 200 200 200 200 200 200 200 200 200",
    ("password_reset_complete", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("my-entries", "GET"): "200 200 200 200 200 200 200 200 200 302",
    ("my-entries", "POST"): "200 200 200 200 200 200 200 200 200 302",
    ("verify", "GET"): "200 200 200 200 200 200 200 200 200 302",
    ("verify", "POST"): "200 200 200 200 200 200 200 200 200 302",
    ("entry-new", "GET"): "200 200 200 200 200 200 200 200 200 302",
    ("entry-new", "POST"): "200 200 200 200 200 200 200 200 200 302",
    ("organizer-entries", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-entries", "POST"): "200 404 404 404 404 404 404 404 404 302",
    # messages to entrants: the contest's organizers only (a POST without a subject: the form)
    ("organizer-messages", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-messages", "POST"): "200 404 404 404 404 404 404 404 404 302",
    ("entry-detail", "GET"): "200 404 404 404 404 404 404 200 404 302",
    ("entry-detail", "POST"): "200 404 404 404 404 404 404 200 404 302",
    ("entry-file", "GET"): "302 404 404 404 404 404 404 302 404 302",
    ("entry-file", "POST"): "302 404 404 404 404 404 404 302 404 302",
    ("entry-edit", "GET"): "302 404 404 404 404 404 404 200 404 302",
    ("entry-edit", "POST"): "302 404 404 404 404 404 404 200 404 302",
    # the printable receipt: the entrant's own page (organizers have the entry's page)
    ("entry-receipt", "GET"): "404 404 404 404 404 404 404 200 404 302",
    ("entry-receipt", "POST"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-submit", "GET"): "405 405 405 405 405 405 405 405 405 302",
    # a refusal of a visible entry's action is a message; "not yours to do" is 404 (as the API)
    ("entry-submit", "POST"): "404 404 404 404 404 404 404 302 404 302",
    ("entry-withdraw", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-withdraw", "POST"): "404 404 404 404 404 404 404 302 404 302",
    ("entry-screen", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-screen", "POST"): "302 404 404 404 404 404 404 404 404 302",
    # a team member's invitation: the signed link is the proof (a forged one here), no login
    ("team-confirm", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("team-confirm", "POST"): "404 404 404 404 404 404 404 404 404 404",
    # re-sending an invitation is the team leader's; this entry has no such member
    ("entry-member-invite", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-member-invite", "POST"): "404 404 404 404 404 404 404 404 404 302",
    ("entry-extension", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-extension", "POST"): "302 404 404 404 404 404 404 302 404 302",
    # judges only; the queue is always their own
    ("judge-queue", "GET"): "404 404 200 200 200 404 404 404 404 302",
    ("judge-queue", "POST"): "404 404 200 200 200 404 404 404 404 302",
    ("judge-assignment", "GET"): "404 404 200 404 404 404 404 404 404 302",
    ("judge-assignment", "POST"): "404 404 302 404 404 404 404 404 404 302",
    # a GET (the address bar after a refused form) goes to the scoring page, which decides
    ("judge-recuse", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("judge-recuse", "POST"): "404 404 302 404 404 404 404 404 404 302",
    # asking for an unlock: the judge's own submitted card; no reason → the field error (200)
    ("judge-unlock-request", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("judge-unlock-request", "POST"): "404 404 200 404 404 404 404 404 404 302",
    # comparative judgement: the pair page of a pairwise round is for its panel's judges; a
    # served pair is decided (or recused from) by the judge it was served to only
    ("judge-pair", "GET"): "404 404 200 404 200 404 404 404 404 302",
    ("judge-pair", "POST"): "405 405 405 405 405 405 405 405 405 302",
    ("judge-pair-decide", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("judge-pair-decide", "POST"): "404 404 302 404 404 404 404 404 404 302",
    ("judge-pair-recuse", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("judge-pair-recuse", "POST"): "404 404 302 404 404 404 404 404 404 302",
    ("organizer-scale", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-scale", "POST"): "405 405 405 405 405 405 405 405 405 302",
    # a judge's link to a copy: signed, re-checked when followed (a forged token here)
    ("judge-file", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("judge-file", "POST"): "404 404 404 404 404 404 404 404 404 404",
    # a pair's image link: signed, re-checked when followed (a forged token here)
    ("judge-pair-image", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("judge-pair-image", "POST"): "405 405 405 405 405 405 405 405 405 405",
    ("organizer-contest", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-contest", "POST"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-round", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-round", "POST"): "404 404 404 404 404 404 404 404 404 302",
    ("organizer-results", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-results", "POST"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-results-action", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("organizer-results-action", "POST"): "302 404 404 404 404 404 404 404 404 302",
    # after publication (DOMAIN §8). The verify page is public (no such serial here: 404, a
    # page saying so); the rest answers only the owner or the organizer, and nothing exists
    # before publication. Without a certificate design the ZIP and preview send the organizer
    # back to the page with a message (302; the API: 400 certificate_design_missing).
    ("certificate-verify-form", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("certificate-verify-form", "POST"): "200 200 200 200 200 200 200 200 200 200",
    ("certificate-verify", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("certificate-verify", "POST"): "404 404 404 404 404 404 404 404 404 404",
    ("certificate-verify-slash", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("certificate-verify-slash", "POST"): "404 404 404 404 404 404 404 404 404 404",
    ("entry-certificate", "GET"): "404 404 404 404 404 404 404 404 404 302",
    ("entry-certificate", "POST"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-appeal", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("entry-appeal", "POST"): "404 404 404 404 404 404 404 302 404 302",
    ("organizer-after", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-after", "POST"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-comments", "GET"): "200 404 404 404 404 404 404 404 404 302",
    ("organizer-comments", "POST"): "404 404 404 404 404 404 404 404 404 302",
    ("organizer-certificates-issue", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("organizer-certificates-issue", "POST"): "302 404 404 404 404 404 404 404 404 302",
    ("organizer-certificates-zip", "GET"): "302 404 404 404 404 404 404 404 404 302",
    ("organizer-certificates-zip", "POST"): "405 405 405 405 405 405 405 405 405 302",
    ("organizer-certificate-preview", "GET"): "302 404 404 404 404 404 404 404 404 302",
    ("organizer-certificate-preview", "POST"): "405 405 405 405 405 405 405 405 405 302",
    ("organizer-certificate-design", "GET"): "405 405 405 405 405 405 405 405 405 302",
    ("organizer-certificate-design", "POST"): "302 404 404 404 404 404 404 404 404 302",
    ("organizer-appeal", "GET"): "404 404 404 404 404 404 404 404 404 302",
    ("organizer-appeal", "POST"): "404 404 404 404 404 404 404 404 404 302",
    # the publication's preview: refused (a message on the results page) before the review
    ("organizer-results-preview", "GET"): "302 404 404 404 404 404 404 404 404 302",
    ("organizer-results-preview", "POST"): "404 404 404 404 404 404 404 404 404 302",
    ("set_language", "GET"): "302 302 302 302 302 302 302 302 302 302",
    ("set_language", "POST"): "302 302 302 302 302 302 302 302 302 302",
    ("api-register", "POST"): "400 400 400 400 400 400 400 400 400 400",
    ("api-token", "POST"): "400 400 400 400 400 400 400 400 400 400",
    ("api-me", "GET"): "200 200 200 200 200 200 200 200 200 401",
    ("api-contest-list", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("api-contest-detail", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("api-verify-send", "POST"): "202 202 202 202 202 202 202 202 202 401",
    ("api-verify-confirm", "POST"): "400 400 400 400 400 400 400 400 400 401",
    # the drawing contest takes guardians only; others: 403 wrong_role (the contest is public);
    # its deadline has passed (judging): guardians 403 submissions_closed
    ("api-contest-entries", "POST"): "403 403 403 403 403 403 403 403 403 401",
    ("api-entry-list", "GET"): "200 200 200 200 200 200 200 200 200 401",
    ("api-entry-detail", "GET"): "200 404 404 404 404 404 404 200 404 401",
    ("api-entry-detail", "PATCH"): "404 404 404 404 404 404 404 403 404 401",
    # organizers see the entry but never upload to it; the owner's: the deadline has passed (403)
    ("api-upload-request", "POST"): "404 404 404 404 404 404 404 403 404 401",
    ("api-upload-complete", "POST"): "404 404 404 404 404 404 404 403 404 401",
    ("api-entry-file", "GET"): "200 404 404 404 404 404 404 200 404 401",
    ("api-entry-file", "DELETE"): "404 404 404 404 404 404 404 403 404 401",
    ("api-entry-submit", "POST"): "404 404 404 404 404 404 404 403 404 401",
    ("api-entry-withdraw", "POST"): "404 404 404 404 404 404 404 403 404 401",
    # screening is the organizer's; this entry is already being judged (409)
    ("api-entry-screen", "POST"): "409 404 404 404 404 404 404 404 404 401",
    ("api-entry-extension", "POST"): "200 404 404 404 404 404 404 404 404 401",
    ("api-entry-member-invite", "POST"): "404 404 404 404 404 404 404 404 404 401",
    ("api-team-invitation", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("api-team-invitation-confirm", "POST"): "404 404 404 404 404 404 404 404 404 404",
    ("api-judge-queue", "GET"): "200 200 200 200 200 200 200 200 200 401",
    ("api-judge-assignment", "GET"): "404 404 200 404 404 404 404 404 404 401",
    ("api-judge-recuse", "POST"): "404 404 409 404 404 404 404 404 404 401",
    ("api-judge-scorecard", "PUT"): "404 404 409 404 404 404 404 404 404 401",
    ("api-scorecard-unlock", "POST"): "200 404 404 404 404 404 404 404 404 401",
    ("api-judge-pair", "GET"): "404 404 200 404 200 404 404 404 404 401",
    ("api-comparison-decide", "POST"): "404 404 200 404 404 404 404 404 404 401",
    ("api-comparison-recuse", "POST"): "404 404 200 404 404 404 404 404 404 401",
    ("api-round-scale", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-round-assignment", "POST"): "200 404 404 404 404 404 404 404 404 401",
    ("api-round-progress", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-round-panel", "POST"): "400 404 404 404 404 404 404 404 404 401",
    ("api-contest-conflicts", "POST"): "201 404 201 201 201 404 404 404 404 401",
    ("api-judges-import", "POST"): "200 404 404 404 404 404 404 404 404 401",
    ("api-round-rankings", "POST"): "409 404 404 404 404 404 404 404 404 401",
    ("api-round-advance", "POST"): "400 404 404 404 404 404 404 404 404 401",
    ("api-final-ranking", "POST"): "409 404 404 404 404 404 404 404 404 401",
    ("api-allocation", "POST"): "409 404 404 404 404 404 404 404 404 401",
    # contested prize boundaries acknowledged: the organizer's (the empty body: 400)
    ("api-allocation-boundaries", "POST"): "400 404 404 404 404 404 404 404 404 401",
    ("api-allocation-approve", "POST"): "409 404 404 404 404 404 404 404 404 401",
    ("api-publish", "POST"): "409 404 404 404 404 404 404 404 404 401",
    ("api-unpublish", "POST"): "400 404 404 404 404 404 404 404 404 401",
    ("api-results", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("api-export", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-contest-audit", "GET"): "200 404 404 404 404 404 404 404 404 401",
    # feedback and appeals: the owner only, after publication (here: before it, so 404, and
    # the guardian's appeal 403 appeal_window_closed); certificates: owner and organizer
    ("api-feedback", "GET"): "404 404 404 404 404 404 404 404 404 401",
    ("api-entry-certificates", "GET"): "200 404 404 404 404 404 404 200 404 401",
    ("api-entry-certificate", "GET"): "404 404 404 404 404 404 404 404 404 401",
    ("api-appeal", "GET"): "404 404 404 404 404 404 404 404 404 401",
    ("api-appeal", "POST"): "404 404 404 404 404 404 404 403 404 401",
    ("api-comments", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-comment", "PATCH"): "400 404 404 404 404 404 404 404 404 401",
    ("api-appeals", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-appeal-decision", "POST"): "404 404 404 404 404 404 404 404 404 401",
    ("api-certificates", "GET"): "200 404 404 404 404 404 404 404 404 401",
    ("api-certificates", "POST"): "400 404 404 404 404 404 404 404 404 401",
    ("api-certificates-zip", "GET"): "400 404 404 404 404 404 404 404 404 401",
    ("api-verify", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("api-schema", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("api-docs", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("storage-upload", "GET"): "405 405 405 405 405 405 405 405 405 405",
    ("storage-upload", "POST"): "403 403 403 403 403 403 403 403 403 403",
    ("storage-file", "GET"): "404 404 404 404 404 404 404 404 404 404",
    ("storage-file", "POST"): "404 404 404 404 404 404 404 404 404 404",
    ("healthz", "GET"): "200 200 200 200 200 200 200 200 200 200",
    ("healthz", "POST"): "405 405 405 405 405 405 405 405 405 405",
    # a job of the contest: whoever started it (the guardian here) and the contest's organizers
    # (contests.selectors.jobs_visible_to), not another contest's (issue 13.13)
    ("job-status", "GET"): "200 404 404 404 404 404 404 200 404 302",
    ("job-status", "POST"): "200 404 404 404 404 404 404 200 404 302",
    ("api-job", "GET"): "200 404 404 404 404 404 404 200 404 401",
}

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Who may change anything at all through a URL: by default only the owners of the objects the
# URLs point at (this contest's organizer, the assigned judge, the entry's guardian). Any
# change by anyone else, whatever the status, fails the test.
OWNERS = {"organizer", "judge", "guardian"}
SELF_SCOPED = set(CAST) - {"anonymous"}  # acts on one's own account only
ALLOWED_WRITES = {
    "api-verify-send": SELF_SCOPED,  # mails oneself a verification code
    "api-verify-confirm": SELF_SCOPED,
    "api-contest-entries": SELF_SCOPED,  # creates one's own entry
    "entry-new": SELF_SCOPED,
    "verify": SELF_SCOPED,
    # judges declare their own conflicts; entrants and other organizers may not
    "api-contest-conflicts": {"organizer", "judge", "judge_unassigned", "judge_conflict"},
    "register": set(CAST),
    "api-register": set(CAST),
    "login": set(CAST),
    "api-token": set(CAST),
    "logout": set(CAST),
    "password_reset": set(CAST),
    "password_reset_confirm": set(CAST),
}
SUCCESS = {200, 201, 202, 204}


# ---- the URL patterns -----------------------------------------------------------------------


def url_patterns():
    """(name, route, callback) of every pattern of config.urls, admin included."""

    def walk(resolver, prefix="", namespace=None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                yield from walk(p, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                yield name, prefix + str(p.pattern), p.callback

    return list(walk(get_resolver()))


def methods_of(callback) -> list[str]:
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        return [
            m.upper()
            for m in ("get", "post", "put", "patch", "delete")
            if hasattr(cls, m) and m in cls.http_method_names
        ]
    return ["GET", "POST"]  # function views: whatever they do with either


# ---- the world ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        data = build_world()
        yield data
        transaction.set_rollback(True)


def build_world() -> dict:
    smart, drawing = demo_world_make(proposals=2, drawings=3)
    judging_open(drawing)  # entered while open; judged after the deadline (contests.phases)
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    smart.organizers.add(organizer)
    drawing.organizers.add(organizer)
    other_organizer = user_make(Role.ORGANIZER, is_staff=True)
    contest_make().organizers.add(other_organizer)
    for user in (organizer, other_organizer):  # as accounts.services.staff_user_create does
        user.groups.add(organizer_group())

    prelim = drawing.rounds.get(code="prelim")
    entry = Entry.objects.filter(contest=drawing, status="submitted").order_by("pk").first()
    proposal = Entry.objects.filter(contest=smart, status="submitted").order_by("pk").first()
    k = prelim.judges_per_entry
    judges = [user_make(Role.JUDGE, affiliation=f"대학교{i}") for i in range(k + 1)]
    for j in judges:
        PanelMember.objects.create(round=prelim, judge=j)
    judge_conflict = judges[-1]
    Conflict.objects.create(
        contest=drawing,
        judge=judge_conflict,
        kind=ConflictKind.values[0],
        entry=entry,
        reason="가족",
        created_by=organizer,
    )
    judges_assign(user=organizer, round=prelim)
    assignment = (
        Assignment.objects.filter(entry=entry, judge__in=judges[:-1], round=prelim)
        .order_by("pk")
        .first()
    )
    judge = assignment.judge
    # a judge on the panel with no assignment on this entry
    judge_unassigned = user_make(Role.JUDGE)
    PanelMember.objects.create(round=prelim, judge=judge_unassigned)
    assert not Assignment.objects.filter(entry=entry, judge=judge_conflict).exists()

    criteria = {c.code: c.max_points // 2 for c in prelim.criteria.all()}
    card = scorecard_save(
        user=judge, assignment_id=assignment.pk, scores=criteria, submit=True, version=None
    )
    users = {
        "organizer": organizer,
        "other_organizer": other_organizer,
        "judge": judge,
        "judge_unassigned": judge_unassigned,
        "judge_conflict": judge_conflict,
        "student": proposal.owner,
        "other_student": user_make(Role.STUDENT),
        "guardian": entry.owner,
        "other_guardian": user_make(Role.GUARDIAN),
        "anonymous": None,
    }
    html, api = {}, {}
    for role, user in users.items():
        html[role], api[role] = Client(), APIClient()
        if user is not None:
            html[role].force_login(user)
            token, _ = Token.objects.get_or_create(user=user)
            api[role].credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    file = EntryFile.objects.filter(entry=entry).first()

    job = Job.objects.create(
        name="submissions.tasks.derivatives_make", started_by=entry.owner, contest=drawing
    )
    # A round judged in pairs (comparative judgement): the two other drawings, advanced, on a
    # panel of the judge and judge_conflict; one pair already served to the judge.
    now = timezone.now()
    pairs = Round.objects.create(
        contest=drawing,
        code="pairs",
        name_ko="비교 심사",
        order=3,
        kind=RoundKind.PAIRWISE,
        weight=0,
        judging_opens_at=now - timedelta(hours=1),
        judging_closes_at=now + timedelta(days=1),
    )
    Entry.objects.filter(contest=drawing, status="in_judging").exclude(pk=entry.pk).update(
        status="advanced"
    )
    for j in (judge, judge_conflict):
        PanelMember.objects.create(round=pairs, judge=j)
    comparison = pair_next(user=judge, round=pairs)[0]
    kwargs = {
        "slug": drawing.slug,
        "entry_id": str(entry.pk),
        "file_id": str(file.pk),
        "upload_id": str(uuid.uuid4()),
        "assignment_id": str(assignment.pk),
        "scorecard_id": str(card.pk),
        "round_id": str(prelim.pk),
        "action": "publish",
        "uidb64": "MQ",
        "token": "not-a-token",
        "name": "rankings",
        "fmt": "csv",
        "job_id": str(job.pk),
        "pairwise_round_id": str(pairs.pk),
        "comparison_id": str(comparison.pk),
        "serial": "WSCE21-C-7KQ2-M9XH-4T0",  # well-formed, never issued
        "appeal_id": "1",
        "member_id": str(proposal.members.order_by("pk").first().pk),
        "publication": "1",
        "n": "0",
        "size": "preview",
    }
    return {"users": users, "html": html, "api": api, "kwargs": kwargs, "entry": entry}


def url_for(route: str, kwargs: dict) -> str:

    if route.startswith("api/v1/^"):  # the exports' regular expression
        return f"/api/v1/contests/{kwargs['slug']}/exports/{kwargs['name']}.{kwargs['fmt']}"
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], route)
    return "/" + path


SNAPSHOT_APPS = ("accounts", "contests", "submissions", "judging", "results", "core", "authtoken")


def snapshot() -> dict:
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in SNAPSHOT_APPS:
            state[model._meta.label] = sorted(map(repr, model.objects.order_by().values_list()))
    return state


# Bodies that pass validation, so that the permission check (not the parser) answers.
BODIES = {
    "api-contest-conflicts": {"institution": "한국대학교", "reason": "졸업"},
    "api-upload-request": {
        "slot": "drawing",
        "filename": "a.jpg",
        "content_type": "image/jpeg",
        "size": 100_000,
    },
    "api-entry-screen": {"eligible": False, "reason": "중복 응모"},
    "api-entry-extension": {"until": "2031-01-01T00:00:00+09:00", "reason": "서버 장애"},
    "api-scorecard-unlock": {"reason": "입력 오류"},
    "api-unpublish": {"reason": "정정"},
    "api-comparison-decide": {"winner": "left"},
    "api-comparison-recuse": {"side": "left", "reason": "아는 아이"},
}


def judges_csv():

    return SimpleUploadedFile(
        "judges.csv", b"username,name,email\nnewjudge,New Judge,new@example.com\n", "text/csv"
    )


def request(world, name: str, route: str, method: str, role: str):
    api_route = route.startswith("api/")
    if api_route:
        client = world["api"][role]
    else:  # a fresh browser with the role's session: a log-out cell must not log out the next
        client = Client()
        client.cookies = copy.deepcopy(world["html"][role].cookies)
    url = url_for(route, world["kwargs"])
    call = getattr(client, method.lower())
    if name == "api-judges-import":
        return call(url, {"file": judges_csv()}, format="multipart")
    if api_route:
        return call(url, BODIES.get(name, {}), format="json") if method != "GET" else call(url)
    return call(url, {}) if method != "GET" else call(url)


class _Rollback(Exception):
    pass


def run_cell(world, name, route, method, role):
    """One request in a savepoint that is rolled back; returns (status, changed?)."""
    cache.clear()  # throttles count per test, not per module
    result = {}
    try:
        with transaction.atomic():
            before = snapshot() if method in WRITE_METHODS else None
            response = request(world, name, route, method, role)
            result["status"] = response.status_code
            result["headers"] = response
            if before is not None:
                result["changed"] = snapshot() != before
            raise _Rollback
    except _Rollback:
        pass
    return result


# ---- the tests ------------------------------------------------------------------------------

PATTERNS = [p for p in url_patterns() if not p[0].startswith("admin:")]


def test_every_url_pattern_has_a_row():
    missing = [
        (name, method)
        for name, _route, callback in PATTERNS
        for method in methods_of(callback)
        if (name, method) not in EXPECTED
    ]
    assert missing == [], "add these to EXPECTED in tests/security/test_permission_matrix.py"
    admin = [p for p in url_patterns() if p[0].startswith("admin:")]
    assert admin, "the admin is covered by test_admin_matrix.py"


@pytest.mark.parametrize(("name", "route", "callback"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_matrix(world, db, name, route, callback):
    printing = os.environ.get("GONGMO_MATRIX_PRINT")
    problems = []
    for method in methods_of(callback):
        observed = []
        for role in CAST:
            cell = run_cell(world, name, route, method, role)
            observed.append(cell["status"])
            if "Content-Security-Policy" not in cell["headers"].headers:
                problems.append(f"{method} {role}: no CSP header")
            response = cell["headers"]
            refused = cell["status"] not in SUCCESS | {302} or (
                cell["status"] == 302 and "/login/" in response.get("Location", "")
            )
            if cell.get("changed") and refused:
                problems.append(f"{method} {role}: refused ({cell['status']}) but wrote")
            if cell.get("changed") and role not in ALLOWED_WRITES.get(name, OWNERS):
                problems.append(f"{method} {role}: may not change anything, but did")
            if cell["status"] >= 500:
                problems.append(f"{method} {role}: {cell['status']}")
        line = " ".join(map(str, observed))
        if printing:
            print(f'    ("{name}", "{method}"): "{line}",')
            continue
        expected = EXPECTED.get((name, method))
        if expected is not None and expected != line:
            problems.append(f"{method}: expected {expected!r}, got {line!r}")
    assert problems == []


def test_admin_is_for_staff_organizers_only(world, db):
    """Every admin URL is behind the admin's own staff check; an organizer's admin lists only
    the contests they run (contests.admin ``get_queryset``); the audit trail there is for
    superusers (organizers read theirs at ``api/v1/contests/{slug}/audit/``)."""
    contest = world["entry"].contest
    index = "/admin/"
    contests = "/admin/contests/contest/"
    change = f"/admin/contests/contest/{contest.pk}/change/"
    audit = "/admin/core/auditrecord/"
    users = "/admin/accounts/user/"
    for role in CAST:
        client = Client()
        client.cookies = copy.deepcopy(world["html"][role].cookies)
        if role not in ("organizer", "other_organizer"):
            for url in (index, contests, change, audit, users):
                response = client.get(url)
                assert response.status_code == 302, (role, url)
                assert "/admin/login/" in response["Location"]
            continue
        assert client.get(index).status_code == 200
        assert client.get(audit).status_code == 403
        listed = client.get(contests).content.decode()
        if role == "organizer":
            assert client.get(change).status_code == 200
            assert contest.slug in listed
        else:
            assert client.get(change).status_code == 302  # not in their queryset
            assert contest.slug not in listed
