"""Feedback to entrants (DOMAIN §8): who reads it, what it says, and that it is frozen."""

import json

import pytest
from django.test import Client
from django.utils import translation

from accounts.enums import Role
from core.models import AuditRecord
from judging.models import Scorecard
from judging.services.scoring import scorecard_save, scorecard_unlock
from results.enums import CommentShareStatus
from results.models import CommentShare, EntryFeedback
from results.selectors_after import feedback_for
from results.services import publication
from results.services.feedback import _band
from tests.conftest import client_for
from tests.factories import user_make
from tests.results.after_world import STRAGGLER_ENTRY, publish_now, smart_world
from tests.results.test_results_api import publish_drawing

pytestmark = pytest.mark.django_db


def feedback_url(entry) -> str:
    return f"/api/v1/entries/{entry.pk}/feedback/"


@pytest.fixture
def world(organizer):
    return smart_world(organizer)


def test_owner_reads_means_next_to_the_round_band_and_shared_comments(world):
    entry = world["entries"]["WSCE21-S-0001"]
    body = client_for(entry.owner).get(feedback_url(entry)).json()
    assert body["receipt_number"] == "WSCE21-S-0001" and body["version"] == 1
    assert body["band"] == "대상 (국토교통부 장관상) 수상"
    r1, r2 = body["rounds"]
    assert (r1["name"], r1["judges"], r1["shown"]) == ("1차 서류심사", 3, True)
    by_code = {c["code"]: c for c in r1["criteria"]}
    # judges 0 and 2 give 22.5 creativity, judge 1 (odd) 23.0; which three scored 0001 is the
    # assignment's choice, so compare against the scorecards themselves
    cards = Scorecard.objects.filter(round=world["r1"], entry=entry, status="submitted")
    creativity = [
        float(s.points) for c in cards for s in c.scores.filter(criterion__code="creativity")
    ]
    assert by_code["creativity"]["mean"] == round(sum(creativity) / len(creativity), 2)
    assert by_code["feasibility"] == {
        "code": "feasibility",
        "name": "실현가능성",
        "max_points": 25,
        "mean": 22.5,
        "round_mean": by_code["feasibility"]["round_mean"],
    }
    assert 10 < by_code["feasibility"]["round_mean"] < 22.5  # over the round's six entries
    # round 2 has three finalists: fewer than five entries, so no round mean at all
    assert r2["judges"] == 4 and all(c["round_mean"] is None for c in r2["criteria"])
    assert len(body["comments"]) == 3 + 4
    assert {c["round"] for c in body["comments"]} == {"1차 서류심사", "2차 발표심사"}


def test_feedback_never_names_a_judge_nor_shows_a_single_judges_scores(world):
    entry = world["entries"][STRAGGLER_ENTRY]  # two judges submitted in round 1
    body = client_for(entry.owner).get(feedback_url(entry)).json()
    (r1,) = body["rounds"]
    assert r1["judges"] == 2 and r1["shown"] is False
    assert all(c["mean"] is None for c in r1["criteria"])
    text = json.dumps(body, ensure_ascii=False)
    for judge in world["judges"]:
        assert judge.name not in text and judge.username not in text
        assert str(judge.pk) not in [str(v) for v in _values(body)]
    # nor another entry's data: no other receipt number, no other title
    others = [e for code, e in world["entries"].items() if code != STRAGGLER_ENTRY]
    assert not any(e.receipt_number in text or e.title in text for e in others)


def _values(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from _values(v)
    elif isinstance(node, list):
        for v in node:
            yield from _values(v)
    else:
        yield node


def test_who_sees_feedback_the_owner_only_after_publication(organizer):
    world = smart_world(organizer, publish=False)
    entry = world["entries"]["WSCE21-S-0002"]
    owner = client_for(entry.owner)
    assert owner.get(feedback_url(entry)).status_code == 404  # nothing before publication
    publish_now(organizer, world["contest"])
    other_owner = world["entries"]["WSCE21-S-0003"].owner
    seen = {
        "owner": owner.get(feedback_url(entry)).status_code,
        "another entrant": client_for(other_owner).get(feedback_url(entry)).status_code,
        "a stranger": client_for(user_make(Role.STUDENT)).get(feedback_url(entry)).status_code,
        "the organizer": client_for(organizer).get(feedback_url(entry)).status_code,
        "a judge": client_for(world["judges"][0]).get(feedback_url(entry)).status_code,
        "anonymous": client_for(None).get(feedback_url(entry)).status_code,
    }
    assert seen == {
        "owner": 200,
        "another entrant": 404,
        "a stranger": 404,
        "the organizer": 404,
        "a judge": 404,
        "anonymous": 401,
    }
    # the entry page shows it to the owner only
    page = Client()
    page.force_login(entry.owner)
    assert "실현가능성" in page.get(f"/entries/{entry.pk}/").content.decode()
    page.force_login(organizer)
    assert "fb-chart" not in page.get(f"/entries/{entry.pk}/").content.decode()

    # a contest that does not share scores shows nothing; nor after unpublishing
    world["contest"].share_scores = False
    world["contest"].save(update_fields=["share_scores"])
    assert owner.get(feedback_url(entry)).status_code == 404
    world["contest"].share_scores = True
    world["contest"].save(update_fields=["share_scores"])
    publication.results_unpublish(user=organizer, contest=world["contest"], reason="정정")
    assert owner.get(feedback_url(entry)).status_code == 404


def test_feedback_is_frozen_at_publication(world, organizer):
    entry = world["entries"]["WSCE21-S-0004"]
    before = client_for(entry.owner).get(feedback_url(entry)).json()
    card = Scorecard.objects.filter(round=world["r1"], entry=entry, status="submitted").first()
    scorecard_unlock(user=organizer, scorecard_id=card.pk, reason="이의신청 재심사")
    scores = {c.code: c.max_points for c in world["r1"].criteria.all()}
    scorecard_save(user=card.judge, assignment_id=_assignment(card), scores=scores, submit=True)
    assert client_for(entry.owner).get(feedback_url(entry)).json() == before


def _assignment(card):
    return card.entry.assignments.get(judge=card.judge, round=card.round).pk


def test_only_approved_current_comments_are_shared_edited_as_the_organizer_wrote(organizer):
    world = smart_world(organizer, share_comments=False, publish=False)
    entry = world["entries"]["WSCE21-S-0005"]
    cards = list(
        Scorecard.objects.filter(round=world["r1"], entry=entry, status="submitted").order_by("pk")
    )
    contest = world["contest"]
    api = client_for(organizer)
    url = f"/api/v1/contests/{contest.slug}/feedback/comments/"
    edited = api.patch(
        f"{url}{cards[0].pk}/",
        {"status": "approved", "text": "구체적인 계획이 좋습니다."},
        format="json",
    )
    assert edited.status_code == 200, edited.json()
    assert api.patch(f"{url}{cards[1].pk}/", {"status": "hidden"}, format="json").status_code == 200
    assert (
        api.patch(f"{url}{cards[2].pk}/", {"status": "approved"}, format="json").status_code == 200
    )
    # the judge changes the approved comment afterwards: the approval no longer applies
    scorecard_unlock(user=organizer, scorecard_id=cards[2].pk, reason="입력 오류")
    scorecard_save(
        user=cards[2].judge,
        assignment_id=_assignment(cards[2]),
        scores={s.criterion.code: s.points for s in cards[2].scores.select_related("criterion")},
        comment="새로 쓴 의견",
        submit=True,
    )
    assert AuditRecord.objects.filter(action="comment.share", contest=contest).count() == 3
    pending = api.get(f"{url}?status=pending").json()
    assert cards[2].pk in {row["id"] for row in pending["results"]}
    publish_now(organizer, contest)
    body = client_for(entry.owner).get(feedback_url(entry)).json()
    assert [c["text"] for c in body["comments"]] == ["구체적인 계획이 좋습니다."]


def test_comments_cannot_change_once_published(world, organizer):
    card = Scorecard.objects.filter(round__contest=world["contest"], status="submitted").first()
    before = list(CommentShare.objects.values_list("pk", "status", "text"))
    response = client_for(organizer).patch(
        f"/api/v1/contests/{world['contest'].slug}/feedback/comments/{card.pk}/",
        {"status": "hidden"},
        format="json",
    )
    assert response.status_code == 409 and response.json()["code"] == "already_published"
    assert list(CommentShare.objects.values_list("pk", "status", "text")) == before


def test_comment_review_is_the_organizers_of_this_contest_only(organizer):
    world = smart_world(organizer, share_comments=False, publish=False)
    card = Scorecard.objects.filter(round__contest=world["contest"], status="submitted").first()
    url = f"/api/v1/contests/{world['contest'].slug}/feedback/comments/{card.pk}/"
    for user in (user_make(Role.ORGANIZER), world["judges"][0], card.entry.owner):
        response = client_for(user).patch(url, {"status": "approved"}, format="json")
        assert response.status_code == 404
    assert not CommentShare.objects.exists()


@pytest.mark.parametrize(
    ("award", "ranks", "expected"),
    [
        ({"tier_name": "대상", "joint": False}, {}, {"kind": "award", "tier": "대상"}),
        (None, {1: 3, 2: 1}, {"kind": "advanced", "round": 2}),
        (None, {1: 1}, {"kind": "top", "round": 1, "percent": 10}),  # 1 of 20: 5 %
        (None, {1: 2}, {"kind": "top", "round": 1, "percent": 10}),  # 2 of 20: 10 %
        (None, {1: 3}, {"kind": "top", "round": 1, "percent": 25}),  # 15 %
        (None, {1: 5}, {"kind": "top", "round": 1, "percent": 25}),  # 25 %
        (None, {1: 10}, {"kind": "top", "round": 1, "percent": 50}),  # 50 %
        (None, {1: 11}, {"kind": "taken_part"}),  # 55 %: no band below the top half
        (None, {}, {"kind": "taken_part"}),  # never ranked
    ],
)
def test_rank_bands_are_coarse(award, ranks, expected):
    class R:
        def __init__(self, pk):
            self.pk = pk

    rounds = [R(1), R(2)]
    table = {1: {}, 2: {}}
    sizes = {1: {None: 20}, 2: {None: 3}}
    for rnd, rank in ranks.items():
        table[rnd]["e"] = (rank, None)
    awards = {"e": award} if award else {}
    band = _band("e", awards, rounds, table, sizes)
    assert {k: v for k, v in band.items() if k in expected} == expected


def test_no_percentile_band_among_fewer_than_ten():
    class R:
        pk = 1

    band = _band("e", {}, [R()], {1: {"e": (1, None)}}, {1: {None: 9}})
    assert band == {"kind": "taken_part"}


def test_parents_get_gentle_words(judged, organizer):
    drawing = judged["drawing"]
    drawing.share_scores = True
    drawing.save(update_fields=["share_scores"])
    publish_drawing(judged, organizer)
    feedback = EntryFeedback.objects.filter(entry__contest=drawing).select_related("entry")
    bands = set()
    with translation.override("ko"):
        for row in feedback:
            fb = feedback_for(user=row.entry.owner, entry=row.entry)
            assert fb.gentle
            bands.add(fb.band)
    assert bands == {
        "대상 수상을 축하합니다!",
        "소중한 그림을 보내 주셔서 고맙습니다. 모든 그림을 여러 심사위원이 정성껏 살펴보았어요.",
    }


def test_comment_list_query_count_does_not_grow(organizer, django_assert_num_queries):
    world = smart_world(organizer, share_comments=False, publish=False)
    contest = world["contest"]
    api = client_for(organizer)
    cards = Scorecard.objects.filter(round__contest=contest, status="submitted").exclude(comment="")
    keep = list(cards.order_by("pk").values_list("pk", flat=True))
    counts = []
    for n in (1, 3):
        Scorecard.objects.filter(pk__in=keep[n:]).update(comment="")
        Scorecard.objects.filter(pk__in=keep[:n]).update(comment="의견")
        with django_assert_num_queries(5):
            body = api.get(f"/api/v1/contests/{contest.slug}/feedback/comments/").json()
        counts.append(body["count"])
    assert counts == [1, 3]
    page = Client()
    page.force_login(organizer)
    for n in (1, 3):
        Scorecard.objects.filter(pk__in=keep[n:]).update(comment="")
        Scorecard.objects.filter(pk__in=keep[:n]).update(comment="의견")
        with django_assert_num_queries(7):
            response = page.get(f"/contests/{contest.slug}/manage/after/comments/")
        assert response.status_code == 200
        assert response.content.decode().count('class="round comment-row form"') == n
    assert CommentShareStatus.PENDING == "pending"
