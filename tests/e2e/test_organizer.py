"""Journey 4: the organizer runs Track D: entries, screening, assignment, rankings with the
judge statistics, the prize allocation against the budget, publication."""

import re

import pytest
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import User
from judging.models import PanelMember
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    demo_seed,
    final_round_ready,
    login,
    no_page_scroll,
    round_score_all,
    shot,
)
from tests.e2e.test_guardian import ko
from tests.factories import user_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_organizer_runs_the_drawing_contest(page):
    _smart, drawing = demo_seed(proposals=2, judging=False)
    organizer = User.objects.get(username="organizer")
    prelim = drawing.rounds.get(code="prelim")
    for i in range(5):  # the panel (the round page can add them one by one, too)
        judge = user_make(Role.JUDGE, affiliation=f"미술대학{i}")
        PanelMember.objects.create(round=prelim, judge=judge)

    # Dashboard per contest.
    login(page, "organizer", DEMO_PASSWORD)
    page.goto(f"/contests/{drawing.slug}/manage/")
    expect(page.get_by_role("heading", level=1)).to_have_text(drawing.title_ko)
    expect(page.locator("li.card h2")).to_contain_text([ko("Entries"), prelim.name_ko])
    shot(page, "organizer-dashboard")

    # Eligibility screening of one entry.
    page.get_by_role("link", name=ko("Open the entries")).click()
    expect(page.locator("main")).to_contain_text(re.compile(r"WSCE21-D-\d{5}"))
    assert no_page_scroll(page) or page.viewport_size["width"] < 500
    page.locator("main table tr", has_text=ko("Submitted")).first.locator("a").click()
    page.get_by_label(ko("Eligible"), exact=True).check()
    page.get_by_role("button", name=ko("Save screening")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Screening saved."))

    # Assignment and progress on the preliminary round.
    page.goto(f"/contests/{drawing.slug}/manage/rounds/{prelim.pk}/")
    expect(page.locator("#overall-text")).to_contain_text("0 / 0")
    page.get_by_role("button", name=ko("Run assignment")).click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#overall-text")).to_contain_text(re.compile(r"0 / [1-9]\d*"))
    expect(page.locator(".panel-table tbody tr")).to_have_count(5)

    # Every judge finishes; the organizer ranks with the judge statistics and advances.
    round_score_all(prelim)
    page.goto(f"/contests/{drawing.slug}/manage/results/")
    section = page.locator("section.round").first
    section.get_by_label(ko("Method")).select_option("mean")
    section.get_by_role("button", name=ko("Compute ranking")).click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\d+"))
    stats = page.locator("table.judge-stats").first
    expect(stats.locator("tbody tr")).to_have_count(5)
    expect(stats.locator(".bar").first).to_be_visible()
    header = page.locator("header.site .bar").bounding_box()
    assert header["height"] >= 50  # the chart's styles leave the site header alone
    shot(page, "organizer-rankings")
    page.locator("section.round").first.get_by_role(
        "button", name=ko("Mark advancing entries")
    ).click()
    expect(page.locator(".messages")).to_contain_text("3")

    # The final round is judged; rank it, compute the final ranking, allocate, approve, publish.
    final_round_ready(drawing, organizer)
    page.reload()
    second = page.locator("section.round").nth(1)
    second.get_by_label(ko("Method")).select_option("mean")
    second.get_by_role("button", name=ko("Compute ranking")).click()
    expect(page.locator(".messages")).to_be_visible()
    page.get_by_role("button", name=ko("Compute final ranking")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Final ranking computed."))
    page.get_by_role("button", name=ko("Allocate prizes")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Prizes allocated. Check and approve."))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text(ko("Budget"))
    expect(facts).to_contain_text(f"{drawing.budget:,}")
    expect(page.locator("main")).to_contain_text("500,000")
    shot(page, "organizer-allocation")
    page.get_by_role("button", name=ko("Approve allocation")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Allocation approved."))
    page.get_by_role("button", name=ko("Publish results")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Results published."))
    page.get_by_role("link", name=ko("Public results")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Winners"))
    expect(page.locator(".gallery img").first).to_be_visible()
