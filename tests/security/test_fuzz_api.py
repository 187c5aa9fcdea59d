"""Fuzzing the API from its own OpenAPI schema (issue 8): for every operation and each role,
schemathesis generates requests; none may answer 5xx, and every documented response must match
the schema. Bounded (a few examples per operation) so that it runs in the suite."""

from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token

from accounts.enums import Role
from contests.seed import wsce2021_seed
from tests.factories import user_make

schemathesis = pytest.importorskip("schemathesis")
from schemathesis import checks  # noqa: E402

pytestmark = pytest.mark.django_db

EXAMPLES = 5  # per operation and role
CHECKS = [
    checks.not_a_server_error,
    checks.response_schema_conformance,
    checks.content_type_conformance,
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


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_api_fuzz_per_role(schema, role):
    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    headers = {"Accept-Language": "en"}
    if role is not None:
        user = user_make(role, is_staff=(role == Role.ORGANIZER))
        if role == Role.ORGANIZER:
            smart.organizers.add(user)
            drawing.organizers.add(user)
        headers["Authorization"] = f"Token {Token.objects.create(user=user).key}"

    failures, calls = [], []
    with wsgi_in_test():
        _fuzz(schema, headers, failures, calls)
    assert failures == [], "\n\n".join(failures)
    assert len(calls) > 40, calls  # the operations really ran


def _fuzz(schema, headers, failures, calls):
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            cache.clear()  # throttles would answer 429 long before the fuzzing is done
            calls.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

        try:
            run()
        except Exception as error:
            failures.append(f"{operation.label}: {str(error)[:2000]}")
