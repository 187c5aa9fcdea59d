"""Comparative judgement through the API and the pages: who sees what (blind), decisions over
HTTP (double taps), the organizer's scale, and the query counts of the new lists."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from accounts.enums import Role
from accounts.services import organizer_group
from contests.changes import settings_change_require
from contests.enums import RoundKind
from contests.errors import SubmissionsClosed
from contests.models import Round
from judging.enums import ComparisonOutcome
from judging.models import Comparison, Conflict, PanelMember
from judging.services.comparisons import comparison_decide, comparison_recuse, pair_next
from submissions.enums import ConsentKind
from submissions.models import Consent, Entry
from tests.conftest import client_for
from tests.factories import contest_make, judging_open, user_make
from tests.judging.pairwise_helpers import decide_all, make_pairwise

pytestmark = pytest.mark.django_db


@pytest.fixture
def pw(judged, organizer):
    make_pairwise(judged["prelim"], per_division=False)
    return judged


def identities(contest) -> set[str]:
    """Everything that would tell a judge whose drawing it is."""
    found = set()
    for e in Entry.objects.filter(contest=contest).select_related("owner", "child"):
        found |= {e.receipt_number, str(e.pk), e.owner.username, e.owner.email, e.owner.name}
        if e.child:
            found |= {e.child.name, e.child.school}
    return {s for s in found if s}


def test_the_pair_api_names_no_entrant(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    api = client_for(judge)
    response = api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/")
    assert response.status_code == 200
    body = response.json()
    pair, upcoming = body["comparison"], body["upcoming"]
    assert pair["id"] != upcoming["id"]
    codes = set(Entry.objects.filter(contest=pw["drawing"]).values_list("blind_code", flat=True))
    for side in (pair["left"], pair["right"], upcoming["left"], upcoming["right"]):
        assert side["code"] in codes
        assert side["image_url"]
    text = response.content.decode()
    assert not [s for s in identities(pw["drawing"]) if s in text]
    # the image itself is served under the anonymous code
    image = Client().get(pair["left"]["image_url"])
    assert image.status_code == 200
    assert pair["left"]["code"] in image["Content-Disposition"]
    assert not [s for s in identities(pw["drawing"]) if s in image["Content-Disposition"]]
    assert body["progress"] == {"today": 0, "total": 0, "decided": 0}
    assert api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").json()["comparison"] == pair


def test_the_pair_page_names_no_entrant(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    browser = Client()
    browser.force_login(judge)
    decide_all(judge, rnd, limit=3)
    page = browser.get(f"/judging/rounds/{rnd.pk}/compare/")
    assert page.status_code == 200
    text = page.content.decode()
    assert not [s for s in identities(pw["drawing"]) if s in text]
    held = pair_next(user=judge, round=rnd)
    assert held[0].left.blind_code in text and held[1].right.blind_code in text
    assert re.search(r"3\s*(pairs|쌍)", text)  # "오늘 3쌍 비교"
    queue = browser.get("/judging/").content.decode()
    assert f"/judging/rounds/{rnd.pk}/compare/" in queue


def test_deciding_over_http_is_idempotent(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    api = client_for(judge)
    pair = api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").json()["comparison"]
    url = f"/api/v1/judging/comparisons/{pair['id']}/"
    first = api.post(url, {"winner": "right"}, format="json")
    again = api.post(url, {"winner": "right"}, format="json")  # a double tap
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["outcome"] == "right"
    changed = api.post(url, {"winner": "left"}, format="json")
    assert changed.status_code == 409
    assert changed.json()["code"] == "already_decided"
    assert Comparison.objects.get(pk=pair["id"]).outcome == ComparisonOutcome.RIGHT
    after = api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").json()
    assert after["progress"]["today"] == after["progress"]["decided"] == 1
    assert after["comparison"]["id"] != pair["id"]


@pytest.mark.parametrize(
    "body",
    [{"winner": "middle"}, {}, {"winner": "left", "skip": True}, {"winner": None, "skip": False}],
)
def test_a_bad_decision_is_refused_and_changes_nothing(pw, body):
    judge, rnd = pw["judges"][0], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    response = client_for(judge).post(f"/api/v1/judging/comparisons/{c.pk}/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "detail"}
    # one code for every bad choice, from the service the page uses too
    assert response.json()["code"] == "invalid_choice"
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING


def test_only_the_judge_served_sees_or_decides_a_pair(pw, organizer, guardian):
    judge, other, rnd = pw["judges"][0], pw["judges"][1], pw["prelim"]
    c = pair_next(user=judge, round=rnd)[0]
    for who in (other, organizer, guardian):
        api = client_for(who)
        decided = api.post(f"/api/v1/judging/comparisons/{c.pk}/", {"winner": "left"})
        recused = api.post(f"/api/v1/judging/comparisons/{c.pk}/recuse/", {"side": "left"})
        assert decided.status_code == recused.status_code == 404
    assert Comparison.objects.get(pk=c.pk).outcome == ComparisonOutcome.PENDING
    assert not Conflict.objects.exists()
    # a judge not on the panel, an organizer: no pair page, no pair
    outsider = user_make(Role.JUDGE)
    for who in (outsider, organizer):
        assert client_for(who).get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").status_code == 404
    assert Comparison.objects.count() == 2


def test_recusal_over_http(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    api = client_for(judge)
    pair = api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").json()["comparison"]
    url = f"/api/v1/judging/comparisons/{pair['id']}/recuse/"
    assert api.post(url, {"side": "up"}, format="json").status_code == 400
    response = api.post(url, {"side": "left", "reason": "조카 그림"}, format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == "recused"
    entry = Entry.objects.get(blind_code=pair["left"]["code"])
    assert Conflict.objects.get(judge=judge, entry=entry).reason == "조카 그림"


def test_outside_the_window_the_api_says_so(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    rnd.judging_opens_at = timezone.now() + timedelta(days=1)
    rnd.save()
    response = client_for(judge).get(f"/api/v1/judging/rounds/{rnd.pk}/pair/")
    assert response.status_code == 403
    assert response.json()["code"] == "judging_window_closed"
    assert not Comparison.objects.exists()


def test_the_html_forms_decide_and_recuse_without_javascript(pw):
    judge, rnd = pw["judges"][0], pw["prelim"]
    browser = Client()
    browser.force_login(judge)
    first = pair_next(user=judge, round=rnd)[0]
    response = browser.post(f"/judging/comparisons/{first.pk}/decide/", {"choice": "skip"})
    assert response.status_code == 302
    assert response["Location"] == f"/judging/rounds/{rnd.pk}/compare/"
    assert Comparison.objects.get(pk=first.pk).outcome == ComparisonOutcome.SKIP
    again = browser.post(f"/judging/comparisons/{first.pk}/decide/", {"choice": "left"})
    assert again.status_code == 302  # refused: a message on the pair page
    assert Comparison.objects.get(pk=first.pk).outcome == ComparisonOutcome.SKIP
    second = pair_next(user=judge, round=rnd)[0]
    browser.post(f"/judging/comparisons/{second.pk}/recuse/", {"side": "right", "reason": ""})
    assert Comparison.objects.get(pk=second.pk).outcome == ComparisonOutcome.RECUSED
    assert Conflict.objects.filter(judge=judge, entry_id=second.right_id).exists()


def test_the_organizers_scale_by_receipt_number(pw, organizer):
    rnd = pw["prelim"]
    for judge in pw["judges"]:
        decide_all(judge, rnd)
    api = client_for(organizer)
    body = api.get(f"/api/v1/rounds/{rnd.pk}/scale/?page_size=4").json()
    assert body["count"] == 6 and len(body["results"]) == 4 and body["next"]
    receipts = set(
        Entry.objects.filter(contest=pw["drawing"]).values_list("receipt_number", flat=True)
    )
    assert {r["entry_code"] for r in body["results"]} <= receipts
    assert [r["rank"] for r in body["results"]] == [1, 2, 3, 4]  # always the better one won
    assert body["decisions"] == 60 and body["ssr"] is not None
    assert {j["judge"] for j in body["judges"]} == {j.username for j in pw["judges"]}
    assert body["history"][-1]["decisions"] == 60
    page = Client()
    page.force_login(organizer)
    html = page.get(f"/contests/{pw['drawing'].slug}/manage/rounds/{rnd.pk}/scale/")
    assert html.status_code == 200
    text = html.content.decode()
    assert body["results"][0]["entry_code"] in text
    assert pw["judges"][0].name in text
    assert "<svg" in text and "polyline" in text


def test_the_scale_is_for_the_contests_organizers_and_pairwise_rounds(pw, organizer):
    rnd = pw["prelim"]
    stranger = user_make(Role.ORGANIZER, is_staff=True)
    contest_make().organizers.add(stranger)
    assert client_for(stranger).get(f"/api/v1/rounds/{rnd.pk}/scale/").status_code == 404
    assert client_for(pw["judges"][0]).get(f"/api/v1/rounds/{rnd.pk}/scale/").status_code == 404
    rnd.kind = RoundKind.RUBRIC
    rnd.save()
    refused = client_for(organizer).get(f"/api/v1/rounds/{rnd.pk}/scale/")
    assert refused.status_code == 400 and refused.json()["code"] == "not_pairwise"


# ---- query counts -----------------------------------------------------------------------------


def _track_s_round(n: int):
    """A Track S round judged in pairs with n entries (no consent rows needed), one judge."""
    contest = contest_make()
    organizer = user_make(Role.ORGANIZER)
    contest.organizers.add(organizer)
    owner = user_make(Role.STUDENT)
    division = contest.divisions.get()
    Entry.objects.bulk_create(
        [
            Entry(
                contest=contest,
                owner=owner,
                division=division,
                status="submitted",
                submitted_at=timezone.now(),
                receipt_number=f"{contest.receipt_prefix}-{i:04d}",
                blind_code=f"Q{contest.pk}X{i:05d}",
                title=f"entry {i}",
            )
            for i in range(n)
        ]
    )
    judging_open(contest)  # submissions closed, the round's window open
    rnd = make_pairwise(contest.rounds.get())
    judge = user_make(Role.JUDGE)
    PanelMember.objects.create(round=rnd, judge=judge)
    return contest, rnd, judge, organizer


@pytest.mark.parametrize("n", [1, 3])
def test_scale_api_query_count(n, django_assert_num_queries):
    _contest, rnd, judge, organizer = _track_s_round(n + 1)  # n + 1 entries, n decisions
    for _ in range(n):
        c = pair_next(user=judge, round=rnd)[0]
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    api = client_for(organizer)
    api.get("/api/v1/me/")  # the token's first use is not the endpoint's cost
    with django_assert_num_queries(14):
        response = api.get(f"/api/v1/rounds/{rnd.pk}/scale/")
    assert response.json()["count"] == n + 1


@pytest.mark.parametrize("n", [1, 3])
def test_pair_api_query_count(n, django_assert_num_queries):
    """Asking again: two pairs held (nothing new to serve), the round's scale in the cache."""
    _contest, rnd, judge, _organizer = _track_s_round(6)
    for _ in range(n):
        c = pair_next(user=judge, round=rnd)[0]
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    api = client_for(judge)
    api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/")  # serves the pairs, fits the scale
    with django_assert_num_queries(13):
        response = api.get(f"/api/v1/judging/rounds/{rnd.pk}/pair/")
    assert response.json()["progress"]["decided"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_organizer_scale_page_query_count(n, django_assert_num_queries):
    contest, rnd, judge, organizer = _track_s_round(n + 1)
    for _ in range(n):
        c = pair_next(user=judge, round=rnd)[0]
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    browser = Client()
    browser.force_login(organizer)
    with django_assert_num_queries(17):
        response = browser.get(f"/contests/{contest.slug}/manage/rounds/{rnd.pk}/scale/")
    assert response.status_code == 200


def test_the_round_admin_offers_the_kind_of_judging(judged, organizer):
    organizer.groups.add(organizer_group())
    browser = Client()
    browser.force_login(organizer)
    rnd = judged["prelim"]
    page = browser.get(f"/admin/contests/round/{rnd.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="kind"' in text and 'value="pairwise"' in text
    inline = browser.get(f"/admin/contests/contest/{rnd.contest_id}/change/").content.decode()
    assert 'name="rounds-0-kind"' in inline


def test_a_pair_image_link_is_checked_again_when_followed(pw):
    """A link already handed out ends at once with a withdrawn consent or a recusal, as the
    rubric's file links; a forged or tampered token is not found."""
    judge, rnd = pw["judges"][0], pw["prelim"]
    body = client_for(judge).get(f"/api/v1/judging/rounds/{rnd.pk}/pair/").json()
    first, upcoming = body["comparison"], body["upcoming"]
    links = [first["left"]["image_url"], first["right"]["image_url"], upcoming["left"]["image_url"]]
    assert all(Client().get(url).status_code == 200 for url in links)
    # private to the judge's browser, for as long as the link lives (the full-size view reuses it)
    assert Client().get(links[0])["Cache-Control"] == "private, max-age=300"
    # the guardian of the first pair's left drawing withdraws the consent
    gone = Entry.objects.get(blind_code=first["left"]["code"])
    Consent.objects.filter(entry=gone, kind=ConsentKind.GUARDIAN).delete()
    assert Client().get(links[0]).status_code == 404
    # the judge recuses from the right drawing of the first pair
    comparison_recuse(user=judge, comparison_id=first["id"], side="right")
    assert Client().get(links[1]).status_code == 404
    # a tampered token
    assert Client().get(links[2].replace("/image/", "x/image/")).status_code == 404
    assert Client().get("/judging/pairs/forged/image/").status_code == 404


def test_a_judge_never_reads_a_negative_reliability(pw, monkeypatch):
    """Early on SSR can be below 0 (noise larger than the spread): the page says so in words."""
    early = SimpleNamespace(ssr=-0.5, decisions=6, complete=False)
    monkeypatch.setattr("judging.services.comparisons.round_scale_recent", lambda rnd: early)
    browser = Client()
    browser.force_login(pw["judges"][0])
    text = browser.get(f"/judging/rounds/{pw['prelim'].pk}/compare/").content.decode()
    assert "-0.5" not in text and "0 미만" in text


def test_the_kind_of_judging_is_fixed_from_the_deadline(judged, organizer):
    """Scorecards or comparisons stand on it: the admin's rule refuses the change after the
    deadline (before it, it is a setting like any other)."""
    rnd = judged["prelim"]
    with pytest.raises(SubmissionsClosed):
        settings_change_require(contest=rnd.contest, model=Round, fields=["kind"])
    rnd.contest.closes_at = timezone.now() + timedelta(days=1)
    settings_change_require(contest=rnd.contest, model=Round, fields=["kind"])


@pytest.mark.parametrize("n", [1, 3])
def test_serving_a_new_pair_query_count(n, django_assert_num_queries):
    """After a decision: the seat, the held pair and its check (3), the comparisons created
    since the last request, the judge's conflicts, the chosen pair's check (3) and the insert —
    the same number whatever the round has seen (the worker keeps its state of the round)."""
    _contest, rnd, judge, _organizer = _track_s_round(8)
    for _ in range(n):
        c = pair_next(user=judge, round=rnd)[0]
        comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    c = pair_next(user=judge, round=rnd)[0]
    comparison_decide(user=judge, comparison_id=c.pk, winner="left")
    with django_assert_num_queries(15):  # with the savepoints around the call and the insert
        held = pair_next(user=judge, round=rnd)
    assert len(held) == 2
