"""The judge's journey without dead ends (issue 19), at a laptop's and a phone's width, Korean
first, and on the keyboard alone: the queue with the judge's own totals and deadlines to the
minute; the scoring page with the rubric beside the work (sticky) on a laptop and below it on
a phone, criteria described beside each score, PDFs drawn in the page (pdf.js from our static
files) with the download kept; after a submit the judge stays on the locked scorecard with a
link to the next entry of the same round; a recusal without a reason is refused beside the
field, and afterwards the back button finds no 404; an unlock is asked for, granted by the
organizer, and told to the judge by mail and on the queue. axe-core at every page: no serious
or critical violation (``tests/e2e/a11y.py``)."""

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import User
from contests.models import Contest
from core.actors import SYSTEM
from demo.judging import DEMO_JUDGING
from judging.models import Conflict, PanelMember, UnlockRequest
from judging.services.assignment import judges_assign
from tests.e2e.a11y import AXE, AXE_OPTIONS, SERIOUS, axe_violations, page_problems
from tests.e2e.conftest import DEMO_PASSWORD, demo_seed, login, shot
from tests.e2e.test_guardian import ko
from tests.factories import judging_open, user_make

pytestmark = pytest.mark.django_db(transaction=True)

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
KST_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} KST")


def world():
    """The demo (the judging showcase: the ``judge`` login holds drawings, two submitted and
    one draft), plus Track S's first round open to judging with the demo judge on its panel,
    so the queue also holds proposals (PDFs) of another contest."""
    smart, _drawing = demo_seed(proposals=3, drawings=6)
    judging_open(smart)
    r1 = smart.rounds.get(order=1)
    judge = User.objects.get(username="judge")
    for member in [judge, *(user_make(Role.JUDGE, affiliation=f"연구원{i}") for i in range(3))]:
        PanelMember.objects.get_or_create(round=r1, judge=member)
    judges_assign(user=SYSTEM, round=r1)
    showcase = Contest.objects.get(slug=DEMO_JUDGING)
    showcase.organizers.add(User.objects.get(username="organizer"))
    return showcase


def clean(page, where: str) -> None:
    """No serious or critical axe violation, no raw code or hash, no sideways scrolling; the
    counts of every axe impact are printed (``pytest -s``) for the report."""
    problems = page_problems(page, axe=False)
    result = AXE.run(page, options=AXE_OPTIONS).response["violations"]
    impacts = Counter(v.get("impact") for v in result)
    width = page.viewport_size["width"]
    print(f"axe {width}px {where}: {dict(impacts) or 'no violations'}")
    problems += [f"{v['id']} ({v['impact']})" for v in result if v.get("impact") in SERIOUS]
    assert not problems, f"{where}: {problems}"


def round_section(page, contest_title_part: str):
    return page.locator("section.queue").filter(has_text=contest_title_part).first


def focus_ring(page) -> bool:
    """The focused element shows a visible focus indicator (outline or box shadow)."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          if (!el || el === document.body) return false;
          const s = getComputedStyle(el);
          const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
          return outline || s.boxShadow !== 'none';
        }"""
    )


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until ``selector`` has the focus, checking the focus is visible at each step."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            assert focus_ring(page), f"no visible focus on {selector}"
            return
        if page.evaluate("document.activeElement !== document.body"):
            assert focus_ring(page), page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    raise AssertionError(f"Tab never reached {selector}")


def test_judge_journey_on_a_laptop_by_keyboard(page):
    showcase = world()
    login(page, "judge", DEMO_PASSWORD)
    page.goto("/judging/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("My judging queue"))
    # the judge's own totals, and deadlines to the minute in KST
    expect(page.locator("th", has_text=ko("My total"))).to_have_count(2)
    drawings = round_section(page, "[데모]")
    expect(drawings.locator("td.total").first).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    for text in page.locator("section.queue time").all_inner_texts():
        assert KST_MINUTE.fullmatch(text), text
    clean(page, "queue")
    shot(page, "judge-journey-queue-laptop")

    # by keyboard: the skip link, then the round's "next unscored" button
    page.keyboard.press("Tab")
    assert focus_ring(page)
    href = drawings.locator("a.button").get_attribute("href")
    tab_to(page, f'a.button[href="{href}"]')
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("h1 code")).to_be_visible()
    round_tag = page.locator("p.tag").first.inner_text()
    assert KST_MINUTE.search(round_tag)
    first_url = page.url

    # the rubric beside the work, sticky; each criterion described beside its score
    work, rubric = page.locator(".judge-work"), page.locator(".judge-rubric")
    assert rubric.bounding_box()["x"] > work.bounding_box()["x"] + work.bounding_box()["width"] - 1
    inputs = page.locator("input[data-max]")
    n = inputs.count()
    expect(page.locator(".judge-rubric .criterion-help")).to_have_count(n)
    assert rubric.evaluate("el => getComputedStyle(el).position") == "sticky"
    clean(page, "scoring page")

    # keyboard only: every score, then submit (confirmed)
    tab_to(page, "input[data-max]")
    for i in range(n):
        page.keyboard.press("Control+A")
        page.keyboard.type(str(int(inputs.nth(i).get_attribute("data-max")) // 2))
        if i < n - 1:
            tab_to(page, f"#{inputs.nth(i + 1).get_attribute('id')}", limit=4)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot(page, "judge-journey-scoring-laptop"), DOCS_SHOTS / "judge-laptop.png")
    tab_to(page, "button[value=submit]", limit=10)
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Enter")
    page.wait_for_load_state()

    # stays on the submitted entry: locked, clearly shown, a link to the next of the round
    assert page.url == first_url
    expect(page.locator(".messages")).to_contain_text(
        ko("Submitted. This scorecard is now locked.")
    )
    expect(page.locator(".locked-card")).to_contain_text(ko("Submitted and locked"))
    next_link = page.locator(".judge-rubric a.button.primary")
    expect(next_link).to_be_visible()
    clean(page, "locked scorecard")
    tab_to(page, "footer a", limit=80)  # no keyboard trap: Tab reaches the end of the page
    shot(page, "judge-journey-locked-laptop")
    next_link.click()
    expect(page.locator("p.tag").first).to_have_text(round_tag)  # the same contest and round

    # recusal: a reason is required (beside the field, nothing recorded); then the queue
    page.locator("details.recuse summary").focus()
    page.keyboard.press("Enter")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Recuse me")).click()
    expect(page.locator("#reason-error")).to_be_visible()
    expect(page.locator("#reason")).to_have_attribute("aria-invalid", "true")
    assert Conflict.objects.count() == 0
    clean(page, "refused recusal")
    recused_url = page.url.replace("recuse/", "")
    assert recused_url.endswith(f"/judging/assignments/{recused_url.split('/')[-2]}/")
    page.locator("#reason").fill("제 제자의 작품으로 보입니다.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Recuse me")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("You have recused yourself. Another judge will score this entry.")
    )
    assert Conflict.objects.filter(kind="recusal").count() == 1
    for old in (recused_url, recused_url + "recuse/"):  # the old pages: no dead end
        response = page.goto(old)
        assert response.status == 200 and page.url.endswith("/judging/"), old

    # ask for an unlock of the scorecard submitted above; the organizer grants it
    page.goto(first_url)
    page.locator("#ask-reason").fill("주제표현 점수를 잘못 입력했습니다.")
    page.get_by_role("button", name=ko("Ask for an unlock")).click()
    expect(page.locator(".unlock-ask .notice")).to_be_visible()
    clean(page, "unlock asked")
    assert UnlockRequest.objects.filter(status="pending").count() == 1

    organizer = page.context.browser.new_context(
        base_url=page.url.split("/judging")[0],
        viewport={"width": 1280, "height": 900},
        locale="ko-KR",
    )
    o = organizer.new_page()
    login(o, "organizer", DEMO_PASSWORD)
    prelim = showcase.rounds.get(order=1)
    o.goto(f"/contests/{showcase.slug}/manage/rounds/{prelim.pk}/")
    requests = o.locator(".unlock-requests")
    expect(requests).to_contain_text("주제표현 점수를 잘못 입력했습니다.")
    clean(o, "organizer's round page")
    mail.outbox.clear()
    requests.locator("input[name=answer]").first.fill("수정 후 다시 제출해 주세요.")
    requests.locator("button[value=unlock_grant]").first.click()
    expect(o.locator(".messages")).to_contain_text(
        ko("Unlocked. The judge is told by e-mail and on their queue.")
    )
    organizer.close()
    assert any("수정 후 다시 제출해 주세요." in m.body for m in mail.outbox)

    page.goto("/judging/")
    expect(page.locator(".news")).to_contain_text("수정 후 다시 제출해 주세요.")
    clean(page, "queue with the unlock")
    page.goto(first_url)
    expect(page.locator("input[data-max]").first).to_be_editable()


def test_a_proposal_pdf_is_shown_inline_with_the_download_kept(page):
    world()
    login(page, "judge", DEMO_PASSWORD)
    page.goto("/judging/")
    round_section(page, "스마트시티").locator("a.button").click()
    page.wait_for_load_state()
    view = page.locator(".pdf-view").first
    expect(view).to_have_attribute("data-rendered", re.compile(r"^\d+$"), timeout=20_000)
    assert view.locator("canvas").count() == int(view.get_attribute("data-rendered"))
    canvas = view.locator("canvas").first
    assert canvas.bounding_box()["height"] > 200
    # a long PDF scrolls; the rubric stays in view beside it
    page.mouse.wheel(0, 1200)
    page.wait_for_timeout(300)
    box = page.locator(".judge-rubric").bounding_box()
    assert 0 <= box["y"] < 40, box
    expect(page.get_by_role("link", name=ko("Download the PDF")).first).to_be_visible()
    clean(page, "scoring page with a PDF")
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot(page, "judge-journey-pdf-laptop"), DOCS_SHOTS / "judge-pdf-laptop.png")


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 812}])
def test_judge_journey_on_a_phone(page, viewport):
    world()
    login(page, "judge", DEMO_PASSWORD)
    page.goto("/judging/")
    clean(page, "queue (phone)")
    shot(page, "judge-journey-queue-phone")
    round_section(page, "[데모]").locator("a.button").click()
    page.wait_for_load_state()
    work, rubric = page.locator(".judge-work"), page.locator(".judge-rubric")
    assert rubric.bounding_box()["y"] >= work.bounding_box()["y"] + work.bounding_box()["height"]
    clean(page, "scoring page (phone)")
    path = shot(page, "judge-journey-scoring-phone")
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS_SHOTS / "judge-phone.png")
    inputs = page.locator("input[data-max]")
    for i in range(inputs.count()):
        inputs.nth(i).fill(str(int(inputs.nth(i).get_attribute("data-max")) // 2))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Submit scores")).click()
    expect(page.locator(".locked-card")).to_be_visible()
    clean(page, "locked scorecard (phone)")
    page.get_by_role("button", name=ko("Ask for an unlock")).click()
    expect(page.locator("#ask-reason-error")).to_be_visible()
    clean(page, "unlock refused without a reason (phone)")
    page.locator("#ask-reason").fill("창의성 점수를 다시 보고 싶습니다.")
    page.get_by_role("button", name=ko("Ask for an unlock")).click()
    expect(page.locator(".unlock-ask .notice")).to_be_visible()
    clean(page, "unlock asked (phone)")
    page.locator(".judge-rubric a.button.primary").click()
    page.locator("details.recuse summary").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Recuse me")).click()
    expect(page.locator("#reason-error")).to_be_visible()
    clean(page, "refused recusal (phone)")
    page.goto("/judging/")
    round_section(page, "스마트시티").locator("a.button").click()
    expect(page.locator(".pdf-view").first).to_have_attribute(
        "data-rendered", re.compile(r"^\d+$"), timeout=20_000
    )
    clean(page, "PDF (phone)")
    assert not axe_violations(page)
