"""Appeals (이의신청, DOMAIN §8): filing, refusals, decisions, and an appeal that changes the
winners end to end (re-scoring, re-ranking, unpublish → republish as version 2, mails, audit,
certificates, the public page's history)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.enums import Role
from core.models import AuditRecord
from judging.models import Scorecard
from judging.services.scoring import scorecard_save
from results.models import Appeal, Certificate, Publication
from results.services import publication, rankings
from results.services.retention import contests_past_appeal_window
from tests.conftest import client_for
from tests.factories import user_make
from tests.results.after_world import smart_world

pytestmark = pytest.mark.django_db

REASON = "2차 발표심사의 실증계획 점수가 발표 내용과 맞지 않습니다. 재검토를 요청합니다."


def appeal_url(entry) -> str:
    return f"/api/v1/entries/{entry.pk}/appeal/"


@pytest.fixture
def world(organizer):
    return smart_world(organizer)


def file_appeal(entry, django_capture_on_commit_callbacks, reason=REASON):
    with django_capture_on_commit_callbacks(execute=True):
        return client_for(entry.owner).post(appeal_url(entry), {"reason": reason}, format="json")


def decide(organizer, contest, appeal_id, capture, **body):
    with capture(execute=True):
        return client_for(organizer).post(
            f"/api/v1/contests/{contest.slug}/appeals/{appeal_id}/decision/", body, format="json"
        )


def test_an_appeal_that_changes_the_winners_end_to_end(
    world, organizer, django_capture_on_commit_callbacks
):
    contest, r2 = world["contest"], world["r2"]
    first, second = world["entries"]["WSCE21-S-0001"], world["entries"]["WSCE21-S-0002"]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organizer).post(f"/api/v1/contests/{contest.slug}/certificates/")
    serials_v1 = {
        (c.entry.receipt_number, c.kind, c.recipient_key): c.serial
        for c in Certificate.objects.select_related("entry")
    }

    # 1. the entrant files (0002, 최우수상): mailed to them and to the organizers, audited
    filed = file_appeal(second, django_capture_on_commit_callbacks)
    assert filed.status_code == 201, filed.json()
    appeal_id = filed.json()["id"]
    assert filed.json()["status"] == "filed"
    assert {tuple(m.to) for m in mail.outbox} == {
        (second.owner.email,),
        (organizer.email,),
    }
    mail.outbox.clear()

    # 2. the organizer accepts and unlocks 0002's round-2 scorecards for re-scoring
    cards = list(Scorecard.objects.filter(entry=second, round=r2).order_by("pk"))
    accepted = decide(
        organizer,
        contest,
        appeal_id,
        django_capture_on_commit_callbacks,
        decision="accept",
        reason="발표 영상을 다시 확인합니다.",
        unlock=[c.pk for c in cards],
    )
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert Scorecard.objects.filter(pk__in=[c.pk for c in cards], status="draft").count() == 4
    assert [m.to for m in mail.outbox] == [[second.owner.email]]
    assert (
        "재심사 중입니다" in mail.outbox[0].body
        and "발표 영상을 다시 확인합니다." in mail.outbox[0].body
    )
    mail.outbox.clear()

    # 3. the judges re-score: 0002 now beats 0001 in round 2
    for card in cards:
        scores = {c.code: c.max_points for c in r2.criteria.all()}
        assignment = card.entry.assignments.get(judge=card.judge, round=r2)
        scorecard_save(user=card.judge, assignment_id=assignment.pk, scores=scores, submit=True)
    # ... the public results do not move until republished
    public = client_for(None).get(f"/api/v1/contests/{contest.slug}/results/").json()
    assert public["winners"][0]["title"] == first.title and public["version"] == 1

    # 4. re-rank the round (allowed while published), unpublish, then the final ranking,
    # allocation and approval (the results review, contests.phases), and republish
    rankings.ranking_compute(user=organizer, round=r2, method="mean")
    with django_capture_on_commit_callbacks(execute=True):
        publication.results_unpublish(user=organizer, contest=contest, reason="이의신청 결과 반영")
    assert not Certificate.objects.filter(revoked_at__isnull=True).exists()
    rankings.final_ranking_compute(user=organizer, contest=contest)
    publication.allocation_compute(user=organizer, contest=contest)
    publication.allocation_approve(user=organizer, contest=contest)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        v2 = publication.results_publish(user=organizer, contest=contest)

    v1 = Publication.objects.get(contest=contest, version=1)
    assert (v2.version, v2.supersedes_id) == (2, v1.pk)
    assert v1.unpublished_at is not None
    public = client_for(None).get(f"/api/v1/contests/{contest.slug}/results/").json()
    assert [(w["title"], w["amount"]) for w in public["winners"][:2]] == [
        (second.title, 50_000_000),
        (first.title, 30_000_000),
    ]
    assert public["version"] == 2
    assert [(h["version"], h["appeals"]) for h in public["history"]] == [(2, 1), (1, 0)]

    appeal = Appeal.objects.get(pk=appeal_id)
    assert (appeal.status, appeal.resolved_in_id, appeal.outcome_changed) == (
        "resolved",
        v2.pk,
        True,
    )
    assert second.owner.email in [m.to[0] for m in mail.outbox]
    resolved_mail = [m for m in mail.outbox if "이의신청 안내" in m.subject]
    assert len(resolved_mail) == 1

    # every step is in the audit trail, in order
    actions = list(
        AuditRecord.objects.filter(contest=contest)
        .order_by("created_at", "id")
        .values_list("action", flat=True)
    )
    steps = [
        "appeal.file",
        "scorecard.unlock",
        "appeal.accept",
        "ranking.compute",
        "certificates.revoke",  # inside the unpublishing, before its own record
        "results.unpublish",
        "ranking.final",
        "allocation.approve",
        "appeal.resolve",
        "results.publish",
    ]
    rest = iter(actions[actions.index("appeal.file") :])
    assert all(step in rest for step in steps), " ".join(actions)
    assert AuditRecord.objects.filter(action="scorecard.unlock", contest=contest).count() == 4

    # the public page says when and why it changed, with the history
    html = Client().get(f"/contests/{contest.slug}/results/").content.decode()
    revised = timezone.localtime(v2.published_at)  # the page's dates are KST
    assert f"{revised:%Y-%m-%d} 수정됨: 이의신청 결과 반영" in html.replace("\n", "")
    assert "제1판" in html and "제2판" in html and "이의신청 1건 반영" in html

    # certificates came back by themselves: unchanged ones under their old serials, the
    # two whose award changed under new ones
    live = {
        (c.entry.receipt_number, c.kind, c.recipient_key): c.serial
        for c in Certificate.objects.filter(revoked_at__isnull=True).select_related("entry")
    }
    assert set(live) == set(serials_v1)
    changed = {k for k in live if live[k] != serials_v1[k]}
    assert changed and all(
        k[0] in ("WSCE21-S-0001", "WSCE21-S-0002") and k[1] == "award" for k in changed
    )
    old_grand = next(
        v for k, v in serials_v1.items() if k[0] == "WSCE21-S-0001" and k[1] == "award"
    )
    assert client_for(None).get(f"/api/v1/verify/{old_grand}/").json()["status"] == "revoked"


def test_an_unlocked_scorecard_is_rescored_after_the_judging_window_closed(
    world, organizer, django_capture_on_commit_callbacks
):
    """As in a real season: the rounds' judging windows closed before the results; an appeal's
    re-examination still reaches the judge, and only for the card it unlocked."""
    contest, r2 = world["contest"], world["r2"]
    now = timezone.now()
    contest.rounds.update(
        judging_opens_at=now - timedelta(days=20), judging_closes_at=now - timedelta(days=10)
    )
    second = world["entries"]["WSCE21-S-0002"]
    appeal_id = file_appeal(second, django_capture_on_commit_callbacks).json()["id"]
    card, other = Scorecard.objects.filter(entry=second, round=r2).order_by("pk")[:2]
    decided = decide(
        organizer,
        contest,
        appeal_id,
        django_capture_on_commit_callbacks,
        decision="accept",
        reason="발표 영상을 다시 확인합니다.",
        unlock=[card.pk],
    )
    assert decided.status_code == 200, decided.json()
    full = {c.code: c.max_points for c in r2.criteria.all()}
    assignment = second.assignments.get(judge=card.judge, round=r2)
    scorecard_save(user=card.judge, assignment_id=assignment.pk, scores=full, submit=True)
    card.refresh_from_db()
    assert card.status == "submitted" and card.total == sum(full.values())
    locked = second.assignments.get(judge=other.judge, round=r2)
    still = client_for(other.judge).put(
        f"/api/v1/judging/assignments/{locked.pk}/scorecard/",
        {"scores": full, "submit": True},
        format="json",
    )
    assert still.status_code == 409, still.json()  # not unlocked: stays as it was
    before = other.total
    other.refresh_from_db()
    assert other.total == before


def test_filing_is_refused_outside_the_rules(world, organizer, django_capture_on_commit_callbacks):
    entry = world["entries"]["WSCE21-S-0004"]
    other = world["entries"]["WSCE21-S-0005"]

    def refused(user, target, body, status, code=None):
        response = client_for(user).post(appeal_url(target), body, format="json")
        assert response.status_code == status, response.json()
        if code:
            assert response.json()["code"] == code
        assert not Appeal.objects.exists()

    refused(other.owner, entry, {"reason": REASON}, 404)  # not theirs
    refused(organizer, entry, {"reason": REASON}, 404)  # organizers do not file
    refused(world["judges"][0], entry, {"reason": REASON}, 404)
    refused(entry.owner, entry, {"reason": ""}, 400)
    refused(entry.owner, entry, {"reason": "가" * 2001}, 400)
    assert client_for(None).post(appeal_url(entry), {"reason": REASON}).status_code == 401

    # after the window
    Publication.objects.filter(contest=world["contest"]).update(
        published_at=Publication.objects.get().published_at
        - timedelta(days=world["contest"].appeal_window_days + 1)
    )
    refused(entry.owner, entry, {"reason": REASON}, 403, "appeal_window_closed")
    Publication.objects.filter(contest=world["contest"]).update(
        published_at=Publication.objects.get().published_at
        + timedelta(days=world["contest"].appeal_window_days + 1)
    )
    # one per entry
    assert file_appeal(entry, django_capture_on_commit_callbacks).status_code == 201
    again = client_for(entry.owner).post(appeal_url(entry), {"reason": "다시"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_appealed"
    assert Appeal.objects.count() == 1
    # before publication: nobody may file
    publication.results_unpublish(user=organizer, contest=world["contest"], reason="정정")
    response = client_for(other.owner).post(appeal_url(other), {"reason": REASON}, format="json")
    assert response.status_code == 403 and Appeal.objects.count() == 1


def test_reject_and_close_are_recorded_and_mailed(
    world, organizer, django_capture_on_commit_callbacks
):
    contest = world["contest"]
    a = file_appeal(world["entries"]["WSCE21-S-0004"], django_capture_on_commit_callbacks).json()
    b = file_appeal(world["entries"]["WSCE21-S-0005"], django_capture_on_commit_callbacks).json()
    mail.outbox.clear()
    no_reason = decide(
        organizer,
        contest,
        a["id"],
        django_capture_on_commit_callbacks,
        decision="reject",
        reason="",
    )
    assert no_reason.status_code == 400 and Appeal.objects.get(pk=a["id"]).status == "filed"
    stranger = client_for(user_make(Role.ORGANIZER)).post(
        f"/api/v1/contests/{contest.slug}/appeals/{a['id']}/decision/",
        {"decision": "reject", "reason": "x"},
        format="json",
    )
    assert stranger.status_code == 404 and Appeal.objects.get(pk=a["id"]).status == "filed"
    foreign_card = (
        Scorecard.objects.filter(status="submitted")
        .exclude(entry=world["entries"]["WSCE21-S-0004"])
        .order_by("pk")
        .first()
    )
    bad_unlock = decide(
        organizer,
        contest,
        a["id"],
        django_capture_on_commit_callbacks,
        decision="accept",
        reason="x",
        unlock=[foreign_card.pk],
    )
    assert bad_unlock.status_code == 400 and Appeal.objects.get(pk=a["id"]).status == "filed"
    assert Scorecard.objects.get(pk=foreign_card.pk).status == "submitted"

    rejected = decide(
        organizer,
        contest,
        a["id"],
        django_capture_on_commit_callbacks,
        decision="reject",
        reason="채점 기준에 따라 적정하게 평가되었습니다.",
    )
    assert rejected.json()["status"] == "rejected"
    twice = decide(
        organizer,
        contest,
        a["id"],
        django_capture_on_commit_callbacks,
        decision="accept",
        reason="x",
    )
    assert twice.status_code == 409
    decide(
        organizer,
        contest,
        b["id"],
        django_capture_on_commit_callbacks,
        decision="accept",
        reason="확인",
    )
    closed = decide(
        organizer,
        contest,
        b["id"],
        django_capture_on_commit_callbacks,
        decision="close",
        reason="재검토 결과 점수 변동이 없습니다.",
    )
    assert closed.json()["status"] == "resolved" and closed.json()["outcome_changed"] is False
    assert len(mail.outbox) == 3
    assert {
        r.action for r in AuditRecord.objects.filter(contest=contest, action__startswith="appeal.")
    } == {
        "appeal.file",
        "appeal.reject",
        "appeal.accept",
        "appeal.close",
    }
    # the entrant sees the decision on the entry page
    page = Client()
    page.force_login(world["entries"]["WSCE21-S-0004"].owner)
    html = page.get(f"/entries/{world['entries']['WSCE21-S-0004'].pk}/").content.decode()
    assert "채점 기준에 따라 적정하게 평가되었습니다." in html


def test_the_purge_waits_for_open_appeals(world, django_capture_on_commit_callbacks):
    contest = world["contest"]
    file_appeal(world["entries"]["WSCE21-S-0004"], django_capture_on_commit_callbacks)
    live = Publication.objects.get(contest=contest)
    later = live.published_at + timedelta(days=contest.appeal_window_days + 1)
    assert contests_past_appeal_window(later) == []
    Appeal.objects.update(status="rejected")
    assert contests_past_appeal_window(later) == [(contest, live)]


def test_the_entry_page_offers_the_appeal_form_to_its_owner(world):
    entry = world["entries"]["WSCE21-S-0004"]
    page = Client()
    page.force_login(entry.owner)
    assert 'name="reason"' in page.get(f"/entries/{entry.pk}/").content.decode()
    response = page.post(f"/entries/{entry.pk}/appeal/", {"reason": REASON})
    assert response.status_code == 302 and Appeal.objects.get().entry_id == entry.pk


def test_appeal_lists_keep_their_query_count(
    world, organizer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    contest = world["contest"]
    api = client_for(organizer)
    page = Client()
    page.force_login(organizer)
    codes = ["WSCE21-S-0004", "WSCE21-S-0005", "WSCE21-S-0006"]
    for n, code in enumerate(codes, start=1):
        file_appeal(world["entries"][code], django_capture_on_commit_callbacks)
        if n == 2:
            continue
        with django_assert_num_queries(5):
            body = api.get(f"/api/v1/contests/{contest.slug}/appeals/").json()
        assert body["count"] == n
        with django_assert_num_queries(11):
            html = page.get(f"/contests/{contest.slug}/manage/after/").content.decode()
        assert html.count("/manage/after/appeals/") == n
