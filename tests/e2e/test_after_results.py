"""Journey: after the results (DOMAIN §8). A student reads the feedback and downloads a
certificate on a phone, checks it on the public verification page; the organizer shares the
judges' comments, issues certificates and settles an appeal that changes the winners, and the
public page says the results were revised."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import User
from judging.models import Scorecard
from judging.services.scoring import scorecard_save
from results.models import Appeal, Certificate, Publication
from results.services.certificates_issue import certificates_issue_start
from tests.e2e.conftest import login, no_page_scroll, shot
from tests.e2e.test_guardian import ko
from tests.results.after_world import smart_world

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-demo-2021"  # tests.factories.demo_world_make's demo logins
PHONE = {"width": 375, "height": 812}


def published_world():
    organizer = User.objects.get_or_create(username="organizer", defaults={"role": "organizer"})[0]
    world = smart_world(organizer)
    certificates_issue_start(user=organizer, contest=world["contest"])  # runs after commit
    return world, organizer


def test_student_reads_feedback_and_downloads_a_certificate_on_a_phone(page):
    world, _organizer = published_world()
    entry = world["entries"]["WSCE21-S-0001"]
    assert entry.owner.username == "student"
    page.set_viewport_size(PHONE)
    login(page, "student", PASSWORD)
    page.goto("/me/entries/")
    page.get_by_role("link", name=entry.title).first.click()

    results = page.locator("section.after")
    expect(results.get_by_role("heading", level=2)).to_have_text("심사 결과")
    expect(results.locator(".band")).to_have_text("대상 (국토교통부 장관상) 수상")
    expect(results.locator(".fb-round figcaption").first).to_contain_text("1차 서류심사")
    expect(results.locator(".fb-chart dt").first).to_contain_text("창의성")
    expect(results.locator(".fb-comments li").first).to_contain_text("실증 계획이 구체적입니다")
    for judge in world["judges"]:
        expect(results).not_to_contain_text(judge.name)
    assert no_page_scroll(page)
    results.scroll_into_view_if_needed()
    shot(page, "entrant-feedback-mobile")

    award = results.get_by_role("link", name=re.compile("상장 · 대상"))
    with page.expect_download() as download:
        award.first.click()
    pdf = open(download.value.path(), "rb").read()  # noqa: SIM115 - a temporary file
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "상장" in text and "상금50,000,000원" in text and entry.title.replace(" ", "") in text
    serial = re.search(r"WSCE21-C-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{3}", text).group(0)

    # the QR code's page, as a stranger on a phone, typed sloppily
    page.context.clear_cookies()
    page.goto("/verify/")
    page.get_by_label("상장에 적힌 일련번호").fill(serial.lower().replace("-", " "))
    page.get_by_role("button", name="확인").click()
    expect(page).to_have_url(re.compile(f"/verify/{serial}$"))
    expect(page.locator(".verify-result h2")).to_contain_text("진본 상장입니다.")
    cert = Certificate.objects.get(serial=serial)
    expect(page.locator(".verify-result")).to_contain_text(cert.recipient_masked)
    expect(page.locator(".verify-result")).not_to_contain_text(cert.recipient_name)
    assert no_page_scroll(page)
    shot(page, "certificate-verify-mobile")


def test_organizer_settles_an_appeal_that_changes_the_winners(page):
    world, organizer = published_world()
    contest, r2 = world["contest"], world["r2"]
    second = world["entries"]["WSCE21-S-0002"]
    organizer.set_password(PASSWORD)
    organizer.save()

    # The team of 0002 (최우수상) files an appeal from its entry page.
    login(page, second.owner.username, PASSWORD)
    page.goto(f"/entries/{second.pk}/")
    page.get_by_text(ko("File an appeal (이의신청)")).click()
    page.get_by_label(ko("Why do you ask for a re-examination?")).fill(
        "2차 발표심사의 실증계획 점수가 발표 내용과 맞지 않습니다."
    )
    page.get_by_role("button", name=ko("File the appeal")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Your appeal is filed. We sent you a copy by e-mail.")
    )
    expect(page.locator("section.after")).to_contain_text(ko("Filed, awaiting a decision"))
    page.context.clear_cookies()

    # The organizer accepts it and unlocks the round-2 scorecards for re-scoring.
    login(page, "organizer", PASSWORD)
    page.goto(f"/contests/{contest.slug}/manage/after/")
    page.get_by_role("link", name="WSCE21-S-0002").click()
    for box in page.locator("input[name=unlock]").all():
        label = box.locator("xpath=..").inner_text()
        if "2차 발표심사" in label:
            box.check()
    page.get_by_label(ko("Reason (sent to the entrant and recorded)")).fill(
        "발표 영상을 다시 확인합니다."
    )
    shot(page, "organizer-appeal")
    page.get_by_role("button", name=ko("Accept and re-examine")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Decision recorded; the entrant is told by e-mail.")
    )
    expect(page.locator("main")).to_contain_text(ko("Accepted: under re-examination"))

    # The judges re-score: 0002 now beats 0001.
    unlocked = Scorecard.objects.filter(entry=second, round=r2, status="draft")
    assert unlocked.count() == 4
    for card in unlocked:
        assignment = card.entry.assignments.get(judge=card.judge, round=r2)
        scores = {c.code: c.max_points for c in r2.criteria.all()}
        scorecard_save(user=card.judge, assignment_id=assignment.pk, scores=scores, submit=True)

    # Re-rank round 2 (allowed while published); unpublish; the final ranking, allocation and
    # approval (the results review); then the preview and publish again.
    page.goto(f"/contests/{contest.slug}/manage/results/")
    page.locator(f"section#round-{r2.pk}").get_by_role("button", name=ko("Compute ranking")).click()
    page.get_by_label(ko("Reason for withdrawing (recorded)")).fill("이의신청 결과 반영")
    page.get_by_role("button", name=ko("Unpublish")).click()
    page.get_by_role("button", name=ko("Compute final ranking")).click()
    page.get_by_role("button", name=ko("Allocate prizes")).click()
    page.get_by_role("button", name=ko("Approve allocation")).click()
    page.get_by_role("link", name=ko("Preview and publish the results")).click()
    page.get_by_label(ko("I have checked this page and the number of e-mails.")).check()
    early = page.get_by_label(ko("Publish before the announcement date."))
    if early.count():
        early.check()
    page.get_by_role("button", name=ko("Publish the results now")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Results published."))

    appeal = Appeal.objects.get()
    assert (appeal.status, appeal.outcome_changed) == ("resolved", True)
    assert Publication.objects.get(contest=contest, unpublished_at__isnull=True).version == 2

    page.goto(f"/contests/{contest.slug}/results/")
    expect(page.locator(".changed")).to_contain_text("수정됨: 이의신청 결과 반영")
    expect(page.locator("tbody tr").first).to_contain_text(second.title)
    page.get_by_text(ko("Versions of these results")).click()
    expect(page.locator(".history li")).to_have_count(2)
    shot(page, "public-results-revised")

    page.goto(f"/contests/{contest.slug}/manage/after/")
    expect(page.locator("main")).to_contain_text(ko("Resolved"))
    shot(page, "organizer-after")
