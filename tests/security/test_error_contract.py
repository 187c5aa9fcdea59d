"""Every answer under /api/v1/ is JSON in the contract ``{"code", "message", "detail"}``, and no
bad input answers 5xx (issue 13.8 and 13.12, DOMAIN §10 "No request answers 5xx for bad input").

Deeply nested or oversized bodies, ids past 64 bits in paths, bodies and query strings, unknown
paths and methods, and an exception no view handled; the OpenAPI schema documents each
operation's error answers with the one ``ErrorBody`` component.
"""

import json
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from core.converters import IdConverter
from judging.models import PanelMember
from tests.conftest import client_for
from tests.security.test_permission_matrix import snapshot, url_patterns

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"  # 20 digits: past a 64-bit id
BIGINT = str(2**63)  # 19 digits, one past the largest id


def contract(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "detail"}, body
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["detail"], dict)
    if code is not None:
        assert body["code"] == code, body
    return body


def raw_client(user=None) -> Client:
    client = client_for(user) if user is not None else Client()
    client.raise_request_exception = False  # as a real server: a crash is a 500 answer
    return client


# ---- bodies ---------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_a_400_parse_error_and_nothing_is_saved():
    body = "[" * 100_000 + "]" * 100_000
    users = User.objects.count()
    response = raw_client().post("/api/v1/auth/register/", body, content_type="application/json")
    contract(response, 400, "parse_error")
    assert User.objects.count() == users


def test_json_nested_just_beyond_the_limit_is_refused_and_within_it_is_read():
    deep = {"username": "x"}
    for _ in range(40):
        deep = {"a": deep}
    contract(
        raw_client().post("/api/v1/auth/register/", deep, content_type="application/json"),
        400,
        "parse_error",
    )
    shallow = {"username": "x", "extra": [[[["fine"]]]]}
    body = contract(
        raw_client().post("/api/v1/auth/register/", shallow, content_type="application/json"), 400
    )
    assert body["code"] == "invalid"  # read, then refused for its fields


def test_not_json_is_a_400_in_korean_and_english():
    ko = raw_client().post("/api/v1/auth/register/", "{nope", content_type="application/json")
    assert contract(ko, 400, "parse_error")["message"] == "요청 본문이 올바른 JSON이 아닙니다."
    en = raw_client().post(
        "/api/v1/auth/register/",
        "{nope",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert contract(en, 400, "parse_error")["message"] == "The request body is not valid JSON."


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded"])
def test_a_body_over_2_5_mb_is_413(content_type, settings):
    payload = {"username": "u" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}
    body = (
        json.dumps(payload) if content_type == "application/json" else f"username={'u' * 3_000_000}"
    )
    response = raw_client().post("/api/v1/auth/register/", body, content_type=content_type)
    detail = contract(response, 413, "request_too_large")["detail"]
    assert detail == {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}


def test_a_multipart_field_over_2_5_mb_is_413_not_an_html_page(organizer, wsce):
    smart, _ = wsce
    smart.organizers.add(organizer)
    response = raw_client(organizer).post(
        f"/api/v1/contests/{smart.slug}/judges/import/",
        {
            "file": SimpleUploadedFile("j.csv", b"username,name,email\n", "text/csv"),
            "note": "x" * 3_000_000,
        },
        format="multipart",
    )
    contract(response, 413, "request_too_large")


# ---- ids ------------------------------------------------------------------------------------


ID_ROUTES = [
    (name, route) for name, route, _cb in url_patterns() if "<id:" in route or "<int:" in route
]
VALUES = {"slug": "wsce2021-drawing", "entry_id": "00000000-0000-0000-0000-000000000000"}


def test_no_route_takes_an_unbounded_int():
    """Every id in a path goes through ``<id:…>`` (core/converters.py)."""
    unbounded = [route for _name, route in ID_ROUTES if "<int:" in route]
    assert unbounded == []
    assert len(ID_ROUTES) >= 14  # the API's and the pages' (judging, jobs)


@pytest.mark.parametrize(("name", "route"), ID_ROUTES, ids=[n for n, _r in ID_ROUTES])
@pytest.mark.parametrize("value", [HUGE, BIGINT])
def test_an_id_past_64_bits_is_404_on_every_route(name, route, value, judge, organizer, wsce):
    path = "/" + re.sub(
        r"<(\w+):(\w+)>",
        lambda m: value if m.group(1) in ("id", "int") else VALUES.get(m.group(2), "x"),
        route,
    )
    for user in (judge, organizer):
        client = raw_client(user)
        for method in ("get", "post", "put"):
            response = getattr(client, method)(path, {}, content_type="application/json")
            assert response.status_code == 404, (method, path, response.status_code)
            if route.startswith("api/"):
                contract(response, 404, "not_found")


def test_the_largest_id_itself_is_an_ordinary_404(judge):
    client = raw_client(judge)
    contract(client.put(f"/api/v1/judging/assignments/{2**63 - 1}/scorecard/", {}), 404)


@pytest.mark.parametrize("value", ["9999999999999999999", HUGE, "abc", "-1", "0"])
def test_an_out_of_range_id_in_a_query_string_is_a_400(judge, value):
    response = raw_client(judge).get(f"/api/v1/judging/assignments/?round={value}")
    assert "round" in contract(response, 400, "invalid")["detail"]


def test_an_out_of_range_number_in_an_assignment_body_is_a_400(judged, organizer):
    prelim, client = judged["prelim"], raw_client(organizer)
    before = snapshot()
    for value in (2**70, -1):
        response = client.post(
            f"/api/v1/rounds/{prelim.pk}/assignment/",
            {"seed": value},
            content_type="application/json",
        )
        assert "seed" in contract(response, 400, "invalid")["detail"], value
    assert snapshot() == before


def test_an_out_of_range_max_load_or_version_is_a_400(judged, organizer):
    prelim, judge = judged["prelim"], judged["judges"][0]
    response = raw_client(organizer).post(
        f"/api/v1/rounds/{prelim.pk}/panel/",
        {"judge": judge.username, "max_load": 2**70},
        content_type="application/json",
    )
    assert "max_load" in contract(response, 400, "invalid")["detail"]
    assert PanelMember.objects.get(round=prelim, judge=judge).max_load is None
    response = raw_client(judge).put(
        "/api/v1/judging/assignments/1/scorecard/",
        {"scores": {}, "version": 2**70},
        content_type="application/json",
    )
    assert "version" in contract(response, 400, "invalid")["detail"]


def test_an_out_of_range_upload_size_is_a_400(guardian, open_wsce):
    response = raw_client(guardian).post(
        "/api/v1/entries/00000000-0000-0000-0000-000000000000/uploads/",
        {"slot": "drawing", "filename": "a.jpg", "content_type": "image/jpeg", "size": 2**70},
        content_type="application/json",
    )
    assert response.status_code in (400, 404)
    contract(response, response.status_code)


# ---- paths, methods, crashes ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_an_unknown_api_path_is_a_json_404(method):
    contract(getattr(raw_client(), method)("/api/v1/no-such-thing/"), 404, "not_found")
    contract(getattr(raw_client(), method)("/api/v2/contests/"), 404, "not_found")


def test_a_path_without_its_slash_is_a_json_404_not_a_redirect_or_a_500():
    contract(raw_client().get("/api/v1/contests"), 404, "not_found")
    contract(raw_client().post("/api/v1/auth/token", {}), 404, "not_found")


def test_a_page_outside_the_api_keeps_its_html_404():
    response = raw_client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_wrong_method_is_a_json_405():
    contract(raw_client().delete("/api/v1/contests/"), 405, "method_not_allowed")


def test_an_unhandled_exception_is_a_json_500_without_a_trace():
    with mock.patch("api.views.contests.ContestListView.get", side_effect=RuntimeError("boom")):
        response = raw_client().get("/api/v1/contests/")
    body = contract(response, 500, "server_error")
    assert "boom" not in json.dumps(body) and "Traceback" not in response.content.decode()


# ---- the schema -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return Client().get("/api/v1/schema/?format=json").json()


def test_the_schema_documents_every_operations_errors_with_the_error_body(schema):
    error_body = schema["components"]["schemas"]["ErrorBody"]
    assert set(error_body["required"]) == {"code", "message", "detail"}
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {s: r for s, r in operation["responses"].items() if s >= "400"}
            assert errors, (method, path)
            for status, response in errors.items():
                assert response["content"]["application/json"]["schema"] == ref, (path, status)
            if "{" in path:
                assert "404" in errors, (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "413"} <= set(errors), (method, path)
            if operation.get("security") and {} not in operation["security"]:
                assert "401" in errors, (method, path)


def test_the_schema_documents_429_with_retry_after_where_requests_are_throttled(schema):
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/entries/{entry_id}/uploads/",
        "/api/v1/me/verification/",
    ):
        response = schema["paths"][path]["post"]["responses"]["429"]
        assert "Retry-After" in response["headers"], path


def test_the_schema_declares_ids_as_64_bit_and_null_where_the_api_answers_null(schema):
    parameter = schema["paths"]["/api/v1/judging/assignments/{assignment_id}/scorecard/"]["put"][
        "parameters"
    ][0]
    assert parameter["schema"]["type"] == "integer"
    assert parameter["schema"]["maximum"] == 2**63 - 1
    conflict = schema["paths"]["/api/v1/contests/{slug}/conflicts/"]["post"]["responses"]["201"]
    name = conflict["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][name]["properties"]["entry"]["nullable"] is True


def test_the_converter_refuses_past_64_bits():
    converter = IdConverter()
    assert converter.to_python(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(ValueError):
        converter.to_python(str(2**63))
