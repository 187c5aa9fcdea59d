"""Fuzzing the API from its own OpenAPI schema (issue 8, issue 13): for every operation and each
role — anonymous, student, guardian, judge, organizer, each with its API token — schemathesis
generates requests; none may answer 5xx, every answer must be a status the schema documents
for the operation, with the documented content type, headers and body (errors included: the
``ErrorBody`` component).

The world is real: both WSCE 2021 contests with demo entries, a judged preliminary round, and
each role's own objects. Half the generated requests have their path parameters replaced by ids
of that world (the role's own entry, assignment, round …), so the fuzzing reaches the services
and not only the "not found" answers. Bounded (``FUZZ_EXAMPLES`` per operation and role, 5 by
default) so that it runs in the suite: about 30 s for the five roles on one core.
"""

import os
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from accounts.enums import Role
from core.models import Job
from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from submissions.models import Entry, EntryFile
from tests.factories import demo_world_make, judging_open, user_make

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import checks  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 5))  # per operation and role
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
    checks.status_code_conformance,
    checks.response_headers_conformance,
]
ROLES = ["organizer", "judge", "student", "guardian", None]


@contextmanager
def wsgi_in_test():
    """Call the WSGI app as Django's test client does: without closing the test's connection
    at each request (``close_old_connections`` would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock(), wsgi_in_test():
        return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the five roles; each role's requests are rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict:
    smart, drawing = demo_world_make(proposals=2, drawings=3)
    judging_open(smart, drawing)  # the deadline passed: judging may start (phases)
    organizer = user_make(Role.ORGANIZER, is_staff=True)
    smart.organizers.add(organizer)
    drawing.organizers.add(organizer)
    prelim = drawing.rounds.get(code="prelim")
    judges = [user_make(Role.JUDGE, affiliation=f"대학교{i}") for i in range(4)]
    for judge in judges:
        PanelMember.objects.create(round=prelim, judge=judge)
    judges_assign(user=organizer, round=prelim)
    assignment = Assignment.objects.filter(round=prelim).order_by("pk").first()
    card = scorecard_save(
        user=assignment.judge,
        assignment_id=assignment.pk,
        scores={c.code: c.max_points // 2 for c in prelim.criteria.all()},
    )
    drawing_entry = Entry.objects.filter(contest=drawing).order_by("pk").first()
    proposal = Entry.objects.filter(contest=smart).order_by("pk").first()
    users = {
        "organizer": organizer,
        "judge": assignment.judge,
        "student": proposal.owner,
        "guardian": drawing_entry.owner,
        None: None,
    }
    entries = [drawing_entry, proposal]
    files = list(EntryFile.objects.filter(entry__in=entries).order_by("pk"))
    job = Job.objects.create(
        name="submissions.tasks.derivatives_make", started_by=drawing_entry.owner, contest=drawing
    )
    known = {
        "slug": [drawing.slug, smart.slug],
        "entry_id": [str(e.pk) for e in entries],
        "file_id": [str(f.pk) for f in files] or ["00000000-0000-0000-0000-000000000000"],
        "upload_id": [str(f.pk) for f in files] or ["00000000-0000-0000-0000-000000000000"],
        "assignment_id": [assignment.pk],
        "scorecard_id": [card.pk],
        "round_id": [r.pk for r in (*drawing.rounds.all(), *smart.rounds.all())],
        "job_id": [job.pk],
    }
    tokens = {}
    for role, user in users.items():
        if user is not None:
            tokens[role] = Token.objects.get_or_create(user=user)[0].key
    return {"users": users, "tokens": tokens, "known": known}


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_api_fuzz_per_role(schema, world, db, role):
    headers = {"Accept-Language": "en"}
    if role is not None:
        headers["Authorization"] = f"Token {world['tokens'][role]}"
    failures, calls = [], []
    with wsgi_in_test():
        _fuzz(schema, headers, world["known"], failures, calls)
    assert failures == [], "\n\n".join(failures)
    assert len(calls) > 100, len(calls)  # the operations really ran
    assert any(200 <= status < 300 for status in calls)  # and got past "not found"


def _fuzz(schema, headers, known, failures, calls):
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(), data=st.data())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case, data):
            cache.clear()  # throttles would answer 429 long before the fuzzing is done
            if case.path_parameters and data.draw(st.booleans(), label="real ids"):
                for name in list(case.path_parameters):
                    if name in known:
                        case.path_parameters[name] = data.draw(st.sampled_from(known[name]))
            calls.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:2000]}")
