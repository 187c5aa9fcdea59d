"""Rankings → advancement → final ranking → allocation → approval → publication, via the API."""

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.test import TestCase
from django.utils import translation

from core.models import AuditRecord
from judging.models import Assignment, PanelMember, Scorecard
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save, scorecard_unlock
from results.exports import neutralise
from submissions.models import Entry
from tests.conftest import client_for
from tests.factories import user_make

pytestmark = pytest.mark.django_db


def score_all(rnd, points_for):
    """Every judge submits every assignment: points_for(entry) → {criterion: points}."""
    for a in Assignment.objects.filter(round=rnd, recused_at__isnull=True).select_related(
        "entry", "judge"
    ):
        scorecard_save(user=a.judge, assignment_id=a.pk, scores=points_for(a.entry), submit=True)


@pytest.fixture
def smart(judged, organizer):
    """Track S: 3 submitted teams, a panel of 4 judges on both rounds."""
    contest = judged["smart"]
    r1, r2 = contest.rounds.get(code="r1"), contest.rounds.get(code="r2")
    for j in judged["judges"]:
        PanelMember.objects.create(round=r1, judge=j)
        PanelMember.objects.create(round=r2, judge=j)
    entries = sorted(
        Entry.objects.filter(contest=contest, status="submitted"), key=lambda e: e.receipt_number
    )
    return {"contest": contest, "r1": r1, "r2": r2, "entries": entries}


# Receipt 0001 is strongest, 0003 weakest, in both rounds.
BASE = {"WSCE21-S-0001": 0.9, "WSCE21-S-0002": 0.8, "WSCE21-S-0003": 0.6}


def points(rnd):
    def give(entry):
        share = BASE[entry.receipt_number]
        return {c.code: round(c.max_points * share * 2) / 2 for c in rnd.criteria.all()}

    return give


def test_track_s_end_to_end(smart, organizer, judged):
    org = client_for(organizer)
    judges_assign(user=organizer, round=smart["r1"])
    score_all(smart["r1"], points(smart["r1"]))

    refused = org.post(
        f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "z_score"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "too_few_scores"

    r1 = org.post(f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "mean"}, format="json")
    assert r1.status_code == 201, r1.json()
    body = r1.json()
    # round 1 totals: 90 (0.9 × 100), 80, 60 — every judge gives the same
    assert [(r["rank"], r["entry_code"], r["score"], r["n_judges"]) for r in body["rows"]] == [
        (1, "WSCE21-S-0001", 90.0, 3),
        (2, "WSCE21-S-0002", 80.0, 3),
        (3, "WSCE21-S-0003", 60.0, 3),
    ]
    again = org.post(
        f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "mean"}, format="json"
    ).json()
    assert again["inputs_sha256"] == body["inputs_sha256"] and again["rows"] == body["rows"]

    advanced = org.post(f"/api/v1/rounds/{smart['r1'].pk}/advance/").json()["advanced"]
    assert advanced == ["WSCE21-S-0001", "WSCE21-S-0002", "WSCE21-S-0003"]  # top 30 of 3

    judges_assign(user=organizer, round=smart["r2"])  # the whole panel scores every finalist
    assert Assignment.objects.filter(round=smart["r2"]).count() == 12
    score_all(smart["r2"], points(smart["r2"]))
    assert org.post(f"/api/v1/rounds/{smart['r2'].pk}/rankings/").status_code == 201
    final = org.post("/api/v1/contests/wsce2021-smart-city/rankings/final/").json()
    # 0.3 × 90 + 0.7 × 90 = 90; 0.3 × 80 + 0.7 × 80 = 80; 0.3 × 60 + 0.7 × 60 = 60
    assert [(r["rank"], r["entry_code"], r["score"]) for r in final["rows"]] == [
        (1, "WSCE21-S-0001", 90.0),
        (2, "WSCE21-S-0002", 80.0),
        (3, "WSCE21-S-0003", 60.0),
    ]

    allocation = org.post("/api/v1/contests/wsce2021-smart-city/allocation/").json()
    assert [(a["tier"], a["entry_code"], a["amount"]) for a in allocation["awards"]] == [
        ("grand", "WSCE21-S-0001", 50_000_000),
        ("excellence", "WSCE21-S-0002", 30_000_000),
        ("excellence", "WSCE21-S-0003", 30_000_000),
    ]
    assert (allocation["awarded_total"], allocation["unallocated"], allocation["remainder"]) == (
        110_000_000,
        180_000_000,
        0,
    )

    assert org.get("/api/v1/contests/wsce2021-smart-city/results/").status_code == 404
    not_yet = org.post("/api/v1/contests/wsce2021-smart-city/publish/")
    assert not_yet.status_code == 400 and not_yet.json()["code"] == "allocation_not_approved"
    assert org.post("/api/v1/contests/wsce2021-smart-city/allocation/approve/").status_code == 200
    assert org.post("/api/v1/contests/wsce2021-smart-city/publish/").status_code == 200
    twice = org.post("/api/v1/contests/wsce2021-smart-city/publish/")
    assert twice.status_code == 409 and twice.json()["code"] == "already_published"

    public = client_for(None).get("/api/v1/contests/wsce2021-smart-city/results/").json()
    first = public["winners"][0]
    leader = smart["entries"][0].members.get(is_leader=True)
    assert first == {
        "tier": "대상 (국토교통부 장관상)",
        "division": "모빌리티",
        "name": smart["entries"][0].team_name,
        "title": smart["entries"][0].title,
        "amount": 50_000_000,
        "joint": False,
        "university": leader.university,
    }
    statuses = dict(
        Entry.objects.filter(contest=smart["contest"]).values_list("receipt_number", "status")
    )
    assert statuses["WSCE21-S-0001"] == "awarded"
    assert {a.action for a in AuditRecord.objects.all()} >= {
        "ranking.compute",
        "round.advance",
        "ranking.final",
        "allocation.compute",
        "allocation.approve",
        "results.publish",
    }

    # Publication is frozen: a later score change does not alter it.
    card = Scorecard.objects.filter(round=smart["r2"]).first()
    scorecard_unlock(user=organizer, scorecard_id=card.pk, reason="정정")
    after = client_for(None).get("/api/v1/contests/wsce2021-smart-city/results/").json()
    assert after == public

    no_reason = org.post("/api/v1/contests/wsce2021-smart-city/unpublish/", {}, format="json")
    assert no_reason.status_code == 400
    assert (
        org.post(
            "/api/v1/contests/wsce2021-smart-city/unpublish/",
            {"reason": "심사 오류 정정"},
            format="json",
        ).status_code
        == 200
    )
    assert client_for(None).get("/api/v1/contests/wsce2021-smart-city/results/").status_code == 404
    assert AuditRecord.objects.get(action="results.unpublish").reason == "심사 오류 정정"


def test_results_pipeline_is_organizer_only(smart, judged, student):
    for user in (student, judged["judges"][0]):
        c = client_for(user)
        assert c.post(f"/api/v1/rounds/{smart['r1'].pk}/rankings/").status_code == 404
        assert c.post(f"/api/v1/rounds/{smart['r1'].pk}/advance/").status_code == 404
        assert c.post("/api/v1/contests/wsce2021-smart-city/allocation/").status_code == 404
        assert c.post("/api/v1/contests/wsce2021-smart-city/publish/").status_code == 404
        assert c.get("/api/v1/contests/wsce2021-smart-city/exports/payouts.csv").status_code == 404


def publish_drawing(judged, organizer):
    """Track D through both rounds with `mean`; higher receipt number scores lower."""
    drawing, prelim = judged["drawing"], judged["prelim"]
    final = drawing.rounds.get(code="final")
    extra = user_make("judge", affiliation="미술대학")
    for j in [*judged["judges"], extra]:
        PanelMember.objects.get_or_create(round=final, judge=j)

    def give(entry):
        n = int(entry.receipt_number[-1])
        return {"theme": 40 - n, "creativity": 30 - n, "technique": 30 - n}

    org = client_for(organizer)
    judges_assign(user=organizer, round=prelim)
    score_all(prelim, give)
    assert (
        org.post(
            f"/api/v1/rounds/{prelim.pk}/rankings/", {"method": "mean"}, format="json"
        ).status_code
        == 201
    )
    advanced = org.post(f"/api/v1/rounds/{prelim.pk}/advance/").json()["advanced"]
    judges_assign(user=organizer, round=final)
    score_all(final, give)
    assert (
        org.post(
            f"/api/v1/rounds/{final.pk}/rankings/", {"method": "mean"}, format="json"
        ).status_code
        == 201
    )
    assert org.post("/api/v1/contests/wsce2021-drawing/rankings/final/").status_code == 201
    org.post("/api/v1/contests/wsce2021-drawing/allocation/")
    org.post("/api/v1/contests/wsce2021-drawing/allocation/approve/")
    assert org.post("/api/v1/contests/wsce2021-drawing/publish/").status_code == 200
    return advanced


def test_track_d_masks_names_and_shows_only_consented_drawings(judged, organizer):
    advanced = publish_drawing(judged, organizer)
    # 6 drawings, 2 per age division: ceil(10 % × 2) = 1 advances in each division
    assert len(advanced) == 3
    body = client_for(None).get("/api/v1/contests/wsce2021-drawing/results/").json()
    assert [w["tier"] for w in body["winners"]] == ["대상"] * 3
    names = {e.child.name for e in Entry.objects.filter(contest=judged["drawing"])}
    text = str(body)
    for name in names:
        assert name not in text
    for w in body["winners"]:
        assert "*" in w["name"] and w["amount"] == 500_000
        assert w["image_url"] and w["thumbnail_url"]  # the demo guardians consented
        assert w["school"] == "세종한빛초등학교"


def test_results_page_and_gallery(judged, organizer, client):
    publish_drawing(judged, organizer)
    html = client.get("/contests/wsce2021-drawing/results/").content.decode()
    assert "대상" in html and 'class="gallery"' in html and "500,000" in html
    assert client.get("/contests/wsce2021-smart-city/results/").status_code == 404


def test_exports_neutralise_formulas_and_compute_tax(smart, organizer):
    first = smart["entries"][0]
    first.team_name = '=HYPERLINK("http://evil.example","click")'
    first.save()
    judges_assign(user=organizer, round=smart["r1"])
    score_all(smart["r1"], points(smart["r1"]))
    org = client_for(organizer)
    org.post(f"/api/v1/rounds/{smart['r1'].pk}/rankings/", {"method": "mean"}, format="json")
    org.post(f"/api/v1/rounds/{smart['r1'].pk}/advance/")
    judges_assign(user=organizer, round=smart["r2"])
    score_all(smart["r2"], points(smart["r2"]))
    org.post(f"/api/v1/rounds/{smart['r2'].pk}/rankings/")
    org.post("/api/v1/contests/wsce2021-smart-city/rankings/final/")
    org.post("/api/v1/contests/wsce2021-smart-city/allocation/")
    org.post("/api/v1/contests/wsce2021-smart-city/allocation/approve/")

    korean = org.get("/api/v1/contests/wsce2021-smart-city/exports/payouts.csv")
    assert korean.content.decode("utf-8-sig").splitlines()[0].startswith("접수번호,")
    response = org.get("/api/v1/contests/wsce2021-smart-city/exports/payouts.csv?lang=en")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    grand = [r for r in rows if r["Receipt number"] == "WSCE21-S-0001"]
    members = first.members.count()
    assert len(grand) == members
    # 50,000,000 split equally; e.g. 2 members → 25,000,000 each: taxable 5,000,000,
    # income tax 1,000,000, local 100,000, net 23,900,000
    share = 50_000_000 // members
    assert int(grand[0]["Gross (KRW)"]) == share
    assert int(grand[0]["Income tax (KRW)"]) == share * 20 // 100 * 20 // 100 // 10 * 10
    assert sum(int(r["Gross (KRW)"]) for r in grand) == 50_000_000
    assert grand[0]["Kind"] == "Prize money (taxed)" and grand[0]["Award"].startswith("Grand")

    scorecards = org.get("/api/v1/contests/wsce2021-smart-city/exports/scorecards.xlsx")
    assert scorecards["Content-Type"].startswith("application/vnd.openxmlformats")

    book = openpyxl.load_workbook(io.BytesIO(scorecards.content))
    assert book.active.max_row == 1 + 9 + 12  # header + 3×3 round-1 + 3×4 round-2 scorecards
    header = [c.value for c in book.active[1]]
    assert header[:3] == ["심사 단계", "접수번호", "부문"] and "실현가능성 (25)" in header
    assert book.active["A2"].value == "1차 서류심사"  # the round's name, not "r1"
    payouts = openpyxl.load_workbook(
        io.BytesIO(org.get("/api/v1/contests/wsce2021-smart-city/exports/payouts.xlsx").content)
    ).active
    gross = next(c for c in payouts[1] if c.value == "지급액(원)").column_letter
    assert payouts[f"{gross}2"].number_format == "#,##0"  # won with separators
    rankings = org.get("/api/v1/contests/wsce2021-smart-city/exports/rankings.csv")
    assert rankings.status_code == 200

    assert [neutralise(v) for v in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "plain", 5]] == [
        "'=1+2",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        5,
    ]


def test_entrants_are_emailed_at_publication(judged, organizer):

    with TestCase.captureOnCommitCallbacks(execute=True):
        publish_drawing(judged, organizer)
    sent = {m.to[0]: m.body for m in mail.outbox if "/results/" in m.body}
    owners = {
        e.owner.email: e
        for e in Entry.objects.filter(contest=judged["drawing"]).select_related("owner")
    }
    assert set(sent) == set(owners)  # every entrant hears, winners and the others
    winners = [e for e in owners.values() if e.status == "awarded"]
    assert len(winners) == 3
    for email, body in sent.items():
        assert owners[email].receipt_number in body
        assert "/contests/wsce2021-drawing/results/" in body


def test_published_names_do_not_depend_on_the_publishers_language(judged, organizer):

    with translation.override("en"):  # the organizer publishes from the English screen
        publish_drawing(judged, organizer)
    korean = client_for(None).get("/api/v1/contests/wsce2021-drawing/results/").json()
    english = (
        client_for(None)
        .get("/api/v1/contests/wsce2021-drawing/results/", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert {w["tier"] for w in korean["winners"]} == {"대상"}
    assert {w["division"] for w in korean["winners"]} == {"유아부", "초등 저학년", "초등 고학년"}
    assert {w["tier"] for w in english["winners"]} == {"Grand prize"}
    assert "Pre-school" in {w["division"] for w in english["winners"]}
