"""How sure a ranking is, in the product (DOMAIN §6): every snapshot stores its rank intervals,
the judges' reliability and, for the final ranking, P(tier) and the contested prize boundaries;
the allocation cannot be approved until the organizer has acknowledged those (page and API)."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps

from contests.models import Round
from core.models import AuditRecord
from judging.models import Assignment
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from results.models import Allocation, RankingSnapshot
from tests.conftest import client_for
from tests.results.test_results_api import (  # noqa: F401 (smart: a fixture)
    BASE,
    points,
    score_all,
    smart,
)

pytestmark = pytest.mark.django_db
SLUG = "wsce2021-smart-city"

# Round 2: the judges split on 0001 (95, 65, 95, 70: mean 81.25) and agree on 0002 (82). Final
# 0.3 × 90 + 0.7 × 81.25 = 83.9 against 0.3 × 80 + 0.7 × 82 = 81.4: 0001 ranks first, but a
# resample of its judges that draws the 65 and the 70 twice puts 0002 first — the 대상 boundary
# is contested. 0003 (60) is far below both.
SPLIT = {"WSCE21-S-0001": (0.95, 0.65, 0.95, 0.70), "WSCE21-S-0002": (0.82,) * 4}


def score_split(rnd, judges):
    for a in Assignment.objects.filter(round=rnd).select_related("entry", "judge"):
        shares = SPLIT.get(a.entry.receipt_number, (BASE[a.entry.receipt_number],) * 4)
        share = shares[judges.index(a.judge)]
        scores = {c.code: round(c.max_points * share * 2) / 2 for c in rnd.criteria.all()}
        scorecard_save(user=a.judge, assignment_id=a.pk, scores=scores, submit=True)


@pytest.fixture
def allocated(smart, organizer, judged):  # noqa: F811
    """Track S ranked through both rounds with a contested 대상 boundary, prizes allocated."""
    org = client_for(organizer)
    judges_assign(user=organizer, round=smart["r1"])
    score_all(smart["r1"], points(smart["r1"]))
    r1 = org.post(f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "mean"}, format="json")
    assert r1.status_code == 201
    org.post(f"/api/v1/rounds/{smart['r1'].pk}/advance/")
    judges_assign(user=organizer, round=smart["r2"])
    score_split(smart["r2"], judged["judges"])
    assert org.post(f"/api/v1/rounds/{smart['r2'].pk}/rankings/").status_code == 201
    final = org.post(f"/api/v1/contests/{SLUG}/rankings/final/")
    assert final.status_code == 201
    allocation = org.post(f"/api/v1/contests/{SLUG}/allocation/")
    assert allocation.status_code == 200
    return {**smart, "org": org, "r1_body": r1.json(), "final": final.json(), **allocation.json()}


def test_a_round_ranking_carries_its_intervals_and_judges_reliability(allocated):
    body = allocated["r1_body"]
    rows = {r["entry_code"]: r for r in body["rows"]}
    # every judge gives the same: the intervals are single ranks, nobody is contested
    assert [(r["rank_low"], r["rank_high"], r["contested"]) for r in body["rows"]] == [
        (1, 1, False),
        (2, 2, False),
        (3, 3, False),
    ]
    assert rows["WSCE21-S-0003"]["p_advance"] == 1.0  # top 30 % of 3 teams, rounded up: all 3
    meta = body["certainty"]
    assert meta["n_resamples"] == 1000 and meta["contested"] == 0
    assert meta["offsets"] == "estimated"  # the mean: offsets shown, not applied
    assert {"icc_1", "icc_k", "level_1", "level_k"} <= set(meta["icc"])
    assert all({"offset", "offset_se", "agreement"} <= set(j) for j in body["judges"])
    # the same scorecards: the same seed, the same figures
    again = allocated["org"].post(
        f"/api/v1/rounds/{allocated['r1'].pk}/rankings/", {"method": "mean"}, format="json"
    )
    assert again.json()["certainty"]["seed"] == meta["seed"]
    assert again.json()["rows"] == body["rows"]


def test_the_final_ranking_says_which_prize_boundary_is_contested(allocated):
    rows = {r["entry_code"]: r for r in allocated["final"]["rows"]}
    first, second, third = rows["WSCE21-S-0001"], rows["WSCE21-S-0002"], rows["WSCE21-S-0003"]
    assert (first["rank"], first["rank_low"], first["rank_high"]) == (1, 1, 2)
    assert first["contested"] and second["contested"] and not third["contested"]
    assert first["contested_tiers"] == ["grand"] == second["contested_tiers"]
    assert 0.5 < first["p_tier"]["grand"] < 0.95  # first in most resamples, not in all
    assert second["p_tier"]["grand"] == pytest.approx(1 - first["p_tier"]["grand"])
    assert third["p_tier"] == {"grand": 0.0, "excellence": 1.0, **third["p_tier"]}
    assert allocated["contested_boundaries"] == [
        {
            "division": None,
            "rank": 1,
            "above": "grand",
            "below": "excellence",
            "entries": ["WSCE21-S-0001", "WSCE21-S-0002"],
        }
    ]
    assert allocated["boundaries_acknowledged"] is None


def test_approval_waits_for_the_contested_boundary_to_be_acknowledged(allocated):
    org = allocated["org"]
    refused = org.post(f"/api/v1/contests/{SLUG}/allocation/approve/")
    assert refused.status_code == 409 and refused.json()["code"] == "boundary_unacknowledged"
    assert refused.json()["detail"]["boundaries"][0]["entries"] == [
        "WSCE21-S-0001",
        "WSCE21-S-0002",
    ]
    assert Allocation.objects.get().approved_at is None

    url = f"/api/v1/contests/{SLUG}/allocation/boundaries/"
    for payload in ({"decision": "confirmed", "note": "  "}, {"decision": "maybe", "note": "x"}):
        bad = org.post(url, payload, format="json")
        assert bad.status_code == 400
    assert Allocation.objects.get().boundaries_acknowledged_at is None
    assert not AuditRecord.objects.filter(action="allocation.boundaries").exists()

    note = "두 작품을 심사위원 4명이 다시 검토, 순서 유지"
    done = org.post(url, {"decision": "deliberated", "note": note}, format="json")
    assert done.status_code == 200
    assert done.json()["boundaries_acknowledged"]["decision"] == "deliberated"
    record = AuditRecord.objects.get(action="allocation.boundaries")
    assert record.reason == note and record.after["boundaries"][0]["above"] == "grand"
    assert org.post(f"/api/v1/contests/{SLUG}/allocation/approve/").status_code == 200
    twice = org.post(url, {"decision": "confirmed", "note": "x"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_approved"


def test_a_new_allocation_needs_a_new_acknowledgement(allocated):
    org = allocated["org"]
    url = f"/api/v1/contests/{SLUG}/allocation/boundaries/"
    done = org.post(url, {"decision": "confirmed", "note": "확인"}, format="json")
    assert done.status_code == 200
    org.post(f"/api/v1/contests/{SLUG}/allocation/")  # allocated again: the latest counts
    assert Allocation.objects.count() == 2
    assert Allocation.objects.first().boundaries_acknowledged_at is None
    refused = org.post(f"/api/v1/contests/{SLUG}/allocation/approve/")
    assert refused.status_code == 409 and refused.json()["code"] == "boundary_unacknowledged"


def test_only_the_organizer_acknowledges(allocated, judged, student, client):
    url = f"/api/v1/contests/{SLUG}/allocation/boundaries/"
    for user in (student, judged["judges"][0]):
        answer = client_for(user).post(url, {"decision": "confirmed", "note": "x"}, format="json")
        assert answer.status_code == 404
    page = f"/contests/{SLUG}/manage/results/acknowledge/"
    client.force_login(judged["judges"][0])
    assert client.post(page, {"decision": "confirmed", "note": "x"}).status_code == 404
    assert Allocation.objects.get().boundaries_acknowledged_at is None


def test_the_results_page_charts_the_intervals_and_asks_before_approval(
    allocated, organizer, client
):
    client.force_login(organizer)
    base = f"/contests/{SLUG}/manage/results/"
    page = client.get(base, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert page.count('class="rank-svg"') == 3  # round 1, round 2, the final ranking
    assert "순위는 얼마나 확실한가요?" in page and "수상 순서는 얼마나 확실한가요?" in page
    assert "심사위원 간 일치도" in page
    assert page.count("세 심사위원의 점수가 우연히 일치했다고 해서") == 3  # the spread explained
    assert "경합 중인 시상 경계" in page and 'name="decision"' in page
    assert "WSCE21-S-0001: 1위, 구간 1–2위, 대상 이상일 확률" in page

    refused = client.post(base + "approve/", follow=True).content.decode()
    assert "승인하기 전에 순서를 확정하거나" in refused
    assert "grand" not in refused and "excellence" not in refused  # the detail is for clients
    assert f'href="{base}#boundaries"' in refused  # the checklist's next action: the boundaries
    assert Allocation.objects.get().approved_at is None

    client.post(base + "acknowledge/", {"decision": "confirmed", "note": "순서 유지"})
    page = client.get(base, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "확인함: 계산된 순서를 그대로 확정" in page and 'name="decision"' not in page
    client.post(base + "approve/")
    assert Allocation.objects.get().approved_at is not None


def test_the_rankings_export_carries_the_intervals(allocated):
    org = allocated["org"]
    answer = org.get(f"/api/v1/contests/{SLUG}/exports/rankings.csv", HTTP_ACCEPT_LANGUAGE="ko")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    final = [r for r in rows if r["심사 단계"] == "최종 순위"]
    first = next(r for r in final if r["접수번호"] == "WSCE21-S-0001")
    assert (first["순위 구간 (90%): 시작"], first["순위 구간 (90%): 끝"]) == ("1", "2")
    assert first["경합 경계"] == "예" and first["각 시상 등급 이상일 확률"].startswith("대상 (")
    r1 = [r for r in rows if r["심사 단계"] != "최종 순위" and r["접수번호"] == "WSCE21-S-0003"]
    assert r1[0]["진출 확률"] == "1.0"


def test_without_resamples_nothing_is_contested(smart, organizer, settings):  # noqa: F811
    settings.RANKING_RESAMPLES = 0
    judges_assign(user=organizer, round=smart["r1"])
    score_all(smart["r1"], points(smart["r1"]))
    answer = client_for(organizer).post(
        f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "mean"}, format="json"
    )
    assert answer.json()["certainty"]["n_resamples"] == 0
    assert "rank_low" not in RankingSnapshot.objects.get().rows[0]


MOVE = importlib.import_module("results.migrations.0003_wsce_first_rounds_calibrated")


def test_existing_installs_move_their_unranked_first_rounds_to_calibrated(wsce, organizer):
    track_s, drawing = wsce
    r1, prelim = track_s.rounds.get(code="r1"), drawing.rounds.get(code="prelim")
    Round.objects.filter(pk__in=[r1.pk, prelim.pk]).update(method="z_score")  # the old seed
    RankingSnapshot.objects.create(contest=drawing, round=prelim, method="z_score")  # ranked
    MOVE.forwards(django_apps, None)
    r1.refresh_from_db(), prelim.refresh_from_db()
    assert (r1.method, prelim.method) == ("calibrated", "z_score")  # a ranked round keeps its
    MOVE.backwards(django_apps, None)
    r1.refresh_from_db()
    assert r1.method == "z_score"
