import pytest

from contests.enums import ContestStatus
from tests.conftest import client_for
from tests.factories import contest_make

pytestmark = pytest.mark.django_db

LIST_FIELDS = {"slug", "title", "title_ko", "title_en", "track", "status", "opens_at", "closes_at"}


def test_list_shape_and_fields(api, wsce):
    response = api.get("/api/v1/contests/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 2
    first = next(c for c in body["results"] if c["slug"] == "wsce2021-smart-city")
    assert set(first) == LIST_FIELDS
    assert first["track"] == "S"
    assert first["title"] == "2021 월드스마트시티엑스포 스마트시티 실증 공모전"
    assert first["closes_at"] == "2021-07-31T23:59:59+09:00"  # ISO 8601 with the KST offset


def test_title_follows_accept_language(api, wsce):
    body = api.get("/api/v1/contests/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {c["title"] for c in body["results"]} == {
        "WSCE 2021 Smart City Demonstration Competition",
        "WSCE 2021 Children's Drawing Contest",
    }


def test_detail_has_the_whole_configuration(api, wsce):
    response = api.get("/api/v1/contests/wsce2021-smart-city/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == LIST_FIELDS | {
        "results_at",
        "budget",
        "prize_total",
        "rules",
        "divisions",
        "rounds",
        "prize_tiers",
    }
    assert body["budget"] == 290_000_000
    assert body["prize_total"] == 290_000_000
    assert body["divisions"][0] == {
        "code": "mobility",
        "name": "모빌리티",
        "birth_year_min": None,
        "birth_year_max": None,
    }
    r1 = body["rounds"][0]
    assert {"id", "code", "name", "judges_per_entry", "method", "rubric"} <= set(r1)
    assert (r1["code"], r1["judges_per_entry"], r1["method"]) == ("r1", 3, "calibrated")
    assert r1["calibration_lambda"] == 3.0
    assert r1["rubric"][0] == {"code": "creativity", "name": "창의성", "max_points": 25}
    assert sum(c["max_points"] for c in r1["rubric"]) == 100
    assert body["prize_tiers"][0] == {
        "code": "grand",
        "name": "대상 (국토교통부 장관상)",
        "count": 1,
        "amount": 50_000_000,
        "total": 50_000_000,
        "division": None,
        "min_score": None,
        "kind": "prize",
    }


def test_drawing_tiers_name_their_division(api, wsce):
    body = api.get("/api/v1/contests/wsce2021-drawing/").json()
    assert {t["division"] for t in body["prize_tiers"]} == {"preschool", "lower", "upper"}
    assert body["prize_total"] == 6_600_000


def test_unknown_contest_is_404_with_error_shape(api, wsce):
    response = api.get("/api/v1/contests/nope/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "찾을 수 없습니다.", "detail": {}}


def test_draft_contest_is_unseen_except_by_its_organizers(api, organizer, student):
    draft = contest_make(status=ContestStatus.DRAFT)
    contest_make()  # a public one
    assert api.get(f"/api/v1/contests/{draft.slug}/").status_code == 404
    assert client_for(student).get(f"/api/v1/contests/{draft.slug}/").status_code == 404
    assert api.get("/api/v1/contests/").json()["count"] == 1
    draft.organizers.add(organizer)
    assert client_for(organizer).get(f"/api/v1/contests/{draft.slug}/").status_code == 200
    assert client_for(organizer).get("/api/v1/contests/").json()["count"] == 2


def test_pagination(api):
    for _ in range(3):
        contest_make()
    body = api.get("/api/v1/contests/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert api.get("/api/v1/contests/?page_size=2&page=2").json()["previous"]


@pytest.mark.parametrize("n", [1, 3])
def test_list_query_count_does_not_grow(api, django_assert_num_queries, n):
    for _ in range(n):
        contest_make()
    with django_assert_num_queries(2):  # count + page
        response = api.get("/api/v1/contests/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_detail_query_count_does_not_grow(api, django_assert_num_queries, n):
    contest = contest_make()
    for i in range(n - 1):
        contest.divisions.create(code=f"extra{i}", name_ko=f"부문{i}")
        contest.prize_tiers.create(code=f"t{i}", name_ko="상", count=1, amount=0, order=i + 1)
    with django_assert_num_queries(5):  # contest, divisions, rounds, criteria, tiers
        response = api.get(f"/api/v1/contests/{contest.slug}/")
    assert len(response.json()["divisions"]) == n
