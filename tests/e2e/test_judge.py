"""Journey 3: a judge works through the queue: score, draft, submit, next, recuse."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, demo_seed, login, no_page_scroll, shot
from tests.e2e.test_guardian import ko

pytestmark = pytest.mark.django_db(transaction=True)


def test_judge_scores_and_recuses(page):
    demo_seed()

    login(page, "judge", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("My judging queue"))
    progress = page.locator(".progress-line").first
    expect(progress).to_contain_text(re.compile(r"\d+ / \d+"))
    # Every round's "n / m" line (the next unscored entry may be in any round: the queue order
    # is a per-judge shuffle of random entry ids).
    before = page.locator(".progress-line").all_inner_texts()
    shot(page, "judge-queue")

    # The next unscored entry: anonymous code, the drawing with a zoom.
    page.get_by_role("link", name=re.compile(ko("Next unscored entry"))).first.click()
    expect(page.locator("h1 code")).to_have_text(re.compile(r"^[A-Z]-[0-9A-Z]{6,}$"))
    image = page.locator(".judge-file a[data-zoom]").first
    if image.count():
        image.click()
        expect(page.locator("dialog.zoom[open]")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.locator("dialog.zoom[open]")).to_have_count(0)

    # The rubric: range checked while typing, the total follows.
    inputs = page.locator("input[data-max]")
    n = inputs.count()
    assert n >= 2
    for i in range(n):  # the demo may have left a draft here: start from empty boxes
        inputs.nth(i).fill("")
    first = inputs.nth(0)
    top = int(first.get_attribute("data-max"))
    first.fill(str(top + 5))
    live = page.locator(f"#{first.get_attribute('id')}-live")
    expect(live).to_contain_text(str(top))
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#live-total")).to_have_text("0")
    expected = 0.0
    for i in range(n):
        value = int(inputs.nth(i).get_attribute("data-max")) // 2
        inputs.nth(i).fill(str(value))
        expected += value
    expect(live).to_be_empty()
    expect(page.locator("#live-total")).to_have_text(f"{expected:g}")

    # Save a draft, then submit (confirmed): the locked scorecard stays, with the next entry.
    page.get_by_role("button", name=ko("Save draft")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Draft saved. You can change it until you submit.")
    )
    expect(page.locator("#live-total")).to_have_text(f"{expected:g}")
    shot(page, "judge-scoring")
    scored_url = page.url
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Submit scores")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Submitted. This scorecard is now locked.")
    )
    assert page.url == scored_url
    expect(page.locator(".locked-card")).to_be_visible()
    following = page.locator(".judge-rubric a.button.primary")
    if following.count():
        following.click()
    else:  # the last one of its round: another round's entry from the queue
        page.goto("/judging/")
        page.get_by_role("link", name=re.compile(ko("Next unscored entry"))).first.click()

    # Recuse from the next one, with a reason.
    page.get_by_text(ko("I have a conflict of interest with this entry")).click()
    reason = ko("Reason (required; recorded and seen by the organizer)")
    page.get_by_label(reason).fill("제 제자의 작품입니다.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Recuse me")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("You have recused yourself. Another judge will score this entry.")
    )
    expect(page.locator(".progress-line").first).to_be_visible()
    assert page.locator(".progress-line").all_inner_texts() != before
    assert no_page_scroll(page)

    # The locked scorecard reads back as locked.
    page.goto(scored_url)
    expect(page.locator(".locked")).to_contain_text(ko("Locked"))
