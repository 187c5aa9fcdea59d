"""The season after the phase rule: letters by what happened to each entry, scheduled (and
cancelled) publication through the job seam, the override of a ranking on the record, the
allocation's reasons for unallocated money, reminders, the checklist's one next action."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.enums import Role
from contests.checks import site_url_public
from contests.models import PrizeTier
from core.models import AuditRecord, Job
from judging.services.reminders import round_reminders_send
from results.exports import export_bytes
from results.models import Allocation, Publication
from results.services import announcement, publication, rankings
from results.steps import contest_steps
from submissions.enums import EntryStatus
from submissions.models import Entry
from tests.contests.conftest import phase_set, team_entry
from tests.factories import user_make

pytestmark = pytest.mark.django_db


# ---- letters --------------------------------------------------------------------------------


def test_letters_say_what_happened_to_each_entry(
    world, settings, django_capture_on_commit_callbacks
):
    """Winners, judged and not awarded, never judged (ineligible): three letters; drafts and
    withdrawn entries none; each team member gets a copy; links on SITE_URL."""
    settings.SITE_URL = "https://contest.example.kr"
    contest = world["contest"]
    ineligible = team_entry(contest, user_make(Role.STUDENT), 7, status=EntryStatus.INELIGIBLE)
    ineligible.eligibility_reason = "참가 자격 미달"
    ineligible.save()
    team_entry(contest, user_make(Role.STUDENT), 8, status=EntryStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        phase_set(world, "published")
    by_receipt = {}
    for m in mail.outbox:
        for e in Entry.objects.filter(contest=contest):
            if e.receipt_number and e.receipt_number in m.body:
                by_receipt.setdefault(e.receipt_number, []).append(m)
    winner = Allocation.objects.get(contest=contest).awards[0]["entry_code"]
    assert "축하합니다" in by_receipt[winner][0].body
    judged = [e.receipt_number for e in world["entries"] if e.receipt_number != winner]
    assert all("수상하지 못했습니다" in by_receipt[r][0].body for r in judged)
    letter = by_receipt[ineligible.receipt_number][0].body
    assert "부적격" in letter and "참가 자격 미달" in letter and "수상하지 못했습니다" not in letter
    assert not any("WITHDRAWN" in m.body or "-0008" in m.body for m in mail.outbox)
    assert len(by_receipt[winner]) == 3  # the entrant and the two members
    assert all("https://contest.example.kr/" in m.body for m in mail.outbox)
    assert not any("127.0.0.1" in m.body for m in mail.outbox)
    # statuses: the winner awarded, the judged not awarded, the ineligible left as it was
    ineligible.refresh_from_db()
    assert ineligible.status == EntryStatus.INELIGIBLE


def test_the_preview_counts_the_letters_publication_sends(world):
    phase_set(world, "approved")
    preview = announcement.publication_preview(user=world["organizer"], contest=world["contest"])
    assert preview.letters["winner"]["entries"] == 1
    assert preview.letters["not_awarded"]["entries"] == 3
    assert preview.letters["total"]["emails"] == 4 * 3  # entrant + 2 members each
    assert preview.winners and preview.early  # the announcement date is 60 days away
    assert not Publication.objects.exists()


def test_site_url_on_this_machine_is_a_deploy_warning(settings):
    settings.DEBUG, settings.SITE_URL = False, "http://127.0.0.1:8000"
    assert [w.id for w in site_url_public(None)] == ["gongmo.W001"]
    settings.SITE_URL = "https://contest.example.kr"
    assert site_url_public(None) == []


# ---- scheduled publication ------------------------------------------------------------------


def test_a_scheduled_publication_runs_when_due_through_a_job(
    world, django_capture_on_commit_callbacks
):
    phase_set(world, "approved")
    contest, organizer = world["contest"], world["organizer"]
    announcement.publication_schedule(user=organizer, contest=contest)
    contest.refresh_from_db()
    assert contest.publication_scheduled_for == contest.results_at
    assert AuditRecord.objects.filter(action="results.schedule").exists()
    assert announcement.publications_due() == []  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        jobs = announcement.publications_due(now=contest.results_at + timedelta(minutes=1))
    assert len(jobs) == 1
    job = Job.objects.get(pk=jobs[0].pk)
    assert job.status == Job.Status.DONE and job.started_by_id == organizer.pk
    live = Publication.objects.live().get(contest=contest)
    assert live.published_by_id == organizer.pk  # as the organizer who scheduled it
    contest.refresh_from_db()
    assert contest.publication_scheduled_for is None and contest.status == "published"
    with django_capture_on_commit_callbacks(execute=True):  # idempotent: nothing due any more
        assert announcement.publications_due(now=contest.results_at + timedelta(days=1)) == []


def test_a_cancelled_schedule_never_publishes(world, django_capture_on_commit_callbacks):
    phase_set(world, "approved")
    contest, organizer = world["contest"], world["organizer"]
    announcement.publication_schedule(user=organizer, contest=contest)
    announcement.publication_schedule_cancel(user=organizer, contest=contest, reason="일정 변경")
    with django_capture_on_commit_callbacks(execute=True):
        assert announcement.publications_due(now=contest.results_at + timedelta(hours=1)) == []
    assert not Publication.objects.exists()
    record = AuditRecord.objects.get(action="results.schedule_cancel")
    assert record.reason == "일정 변경"


def test_a_schedule_that_can_no_longer_publish_is_cancelled_on_the_record(
    world, django_capture_on_commit_callbacks
):
    phase_set(world, "approved")
    contest, organizer = world["contest"], world["organizer"]
    announcement.publication_schedule(user=organizer, contest=contest)
    Allocation.objects.filter(contest=contest).update(approved_at=None)  # approval withdrawn
    with django_capture_on_commit_callbacks(execute=True):
        announcement.publications_due(now=contest.results_at + timedelta(minutes=5))
    assert not Publication.objects.exists()
    failed = AuditRecord.objects.get(action="results.schedule_failed")
    assert failed.after == {"code": "allocation_not_approved"}
    contest.refresh_from_db()
    assert contest.publication_scheduled_for is None


def test_allocating_again_cancels_a_schedule(world):
    phase_set(world, "approved")
    contest, organizer = world["contest"], world["organizer"]
    announcement.publication_schedule(user=organizer, contest=contest)
    publication.allocation_compute(user=organizer, contest=contest)
    contest.refresh_from_db()
    assert contest.publication_scheduled_for is None


def test_publish_due_command(world, django_capture_on_commit_callbacks):
    phase_set(world, "approved")
    contest = world["contest"]
    announcement.publication_schedule(user=world["organizer"], contest=contest)
    type(contest).objects.filter(pk=contest.pk).update(
        publication_scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_due")
    assert Publication.objects.live().filter(contest=contest).exists()


# ---- the override, on the record -------------------------------------------------------------


def test_ranking_with_a_reason_records_it_and_every_screen_shows_it(world):
    phase_set(world, "judging")
    contest, organizer, rnd = world["contest"], world["organizer"], world["round"]
    snap = rankings.ranking_compute(
        user=organizer, round=rnd, method="mean", override_reason=" 심사위원 입원 "
    )
    override = snap.params["override"]
    judge = world["judges"][2]
    assert override == {
        "reason": "심사위원 입원",
        "outstanding": 2,
        "judges": [{"name": judge.name, "outstanding": 2}],
    }
    record = AuditRecord.objects.get(action="ranking.compute")
    assert record.reason == "심사위원 입원" and record.after["override"] == override
    client = Client()
    client.force_login(organizer)
    page = client.get(f"/contests/{contest.slug}/manage/results/").content.decode()
    assert "심사위원 입원" in page
    csv = export_bytes(contest, "rankings", "csv").decode("utf-8-sig")
    assert "심사위원 입원" in csv
    # and the round now counts as judged: the checklist moves on
    assert contest_steps(contest).step(f"judge-{rnd.pk}").is_done


def test_a_ranking_without_outstanding_cards_records_no_override(world):
    phase_set(world, "review")
    snap = rankings.ranking_compute(
        user=world["organizer"], round=world["round"], override_reason="쓸데없는 사유"
    )
    assert "override" not in snap.params


# ---- the allocation says why ----------------------------------------------------------------


def test_unallocated_money_says_why(world):
    contest = world["contest"]
    PrizeTier.objects.create(
        contest=contest, code="merit", name_ko="우수상", name_en="Merit", count=2,
        amount=100_000, min_score=99, order=1,
    )  # fmt: skip
    PrizeTier.objects.create(
        contest=contest, code="mention", name_ko="입선", name_en="Mention", count=5,
        amount=10_000, order=2,
    )  # fmt: skip
    contest.budget = 2_000_000
    contest.save()
    phase_set(world, "review")
    org = world["organizer"]
    rankings.ranking_compute(user=org, round=world["round"], method="mean")
    rankings.final_ranking_compute(user=org, contest=contest)
    allocation = publication.allocation_compute(user=org, contest=contest)
    reasons = {slot[3] for slot in allocation.unawarded}
    assert reasons == {"too_few_ranked", "below_minimum"}
    client = Client()
    client.force_login(org)
    page = client.get(f"/contests/{contest.slug}/manage/results/").content.decode()
    # 4 ranked: 대상 1, 우수상 (min 99) none, 입선 3 of 5 → 2 × 10,000 too few, 200,000 minimum
    assert "200,000" in page and "20,000" in page
    assert "최저 점수 기준 미달" in page and "순위에 든 작품 부족" in page
    assert "기준에 이른 작품 없음" not in page


# ---- reminders ------------------------------------------------------------------------------


def test_reminders_go_to_judges_who_owe_once_a_day(world):
    phase_set(world, "judging")
    mail.outbox.clear()
    sent = round_reminders_send(user=world["organizer"], round=world["round"])
    judge = world["judges"][2]
    assert [(r.judge, r.left) for r in sent] == [(judge.name, 2)]
    assert [m.to for m in mail.outbox] == [[judge.email]]
    with pytest.raises(Exception) as refused:
        round_reminders_send(user=world["organizer"], round=world["round"])
    assert refused.value.code == "nobody_to_remind"
    assert AuditRecord.objects.filter(action="judging.reminder").count() == 1


# ---- the checklist --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "current"),
    [
        ("open", "screening"),
        ("judging", "judge-"),
        ("review", "rank-"),
        ("approved", "preview"),
        ("published", "appeals"),
    ],
)
def test_the_checklist_has_one_next_action(world, phase, current):
    phase_set(world, phase)
    season = contest_steps(world["contest"])
    assert season.current.key.startswith(current), [(s.key, s.state) for s in season.steps]
    primaries = [a for s in season.steps for a in s.actions if a.primary]
    assert len(primaries) <= 1
    assert season.ready_to_publish == (phase in ("approved", "published"))


def test_publishing_is_not_the_primary_button_until_everything_before_is_done(world):
    client = Client()
    client.force_login(world["organizer"])
    url = f"/contests/{world['contest'].slug}/manage/results/"
    phase_set(world, "judging")
    assert (
        'class="button primary" href="' + url + 'preview/"' not in client.get(url).content.decode()
    )
    phase_set(world, "approved")
    html = client.get(url).content.decode()
    assert 'class="button primary" href="' + url + 'preview/"' in html


def test_only_the_organizer_sees_the_preview(world, django_capture_on_commit_callbacks):
    phase_set(world, "approved")
    url = f"/contests/{world['contest'].slug}/manage/results/preview/"
    other = user_make(Role.ORGANIZER, is_staff=True)
    for user, status in ((world["organizer"], 200), (other, 404), (world["students"][0], 404)):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == status
