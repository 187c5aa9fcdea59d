"""Journey 4: the organizer's season, from judging under way to published results.

On the demo contest whose preliminary round is being judged (``demo.judging``): the checklist
says who owes scorecards; publishing early is refused and says why; the organizer reminds the
judges, ranks without the missing scorecards with a recorded reason (shown on the page and in
the export), finishes the final round, allocates (the unallocated money says why), approves,
looks at the preview (the public page as it will be, how many letters go out, the warning
before the announcement date) and publishes.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from contests.models import Contest
from demo.calendar import calendar_all_rounds_open
from demo.judging import DEMO_JUDGING
from tests.conftest import client_for
from tests.e2e.conftest import (
    DEMO_PASSWORD,
    SHOTS,
    demo_seed,
    final_round_ready,
    login,
    no_page_scroll,
    round_score_all,
    shot,
)
from tests.e2e.test_guardian import ko

pytestmark = pytest.mark.django_db(transaction=True)


def part(locator, name: str) -> None:
    """A screenshot of one part of the page (the README shows these)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SHOTS / f"{name}.png"))


REASON = "심사위원 한 분이 입원하여 채점표 4장을 받을 수 없습니다"
OWES = re.compile(r"심사위원 \d+명이 채점표 \d+장을 아직 제출하지 않았습니다")


def test_organizer_season_from_judging_to_publication(page, settings):
    settings.SITE_URL = "https://contest.example.kr"
    demo_seed(proposals=2, drawings=6, judges=6)
    showcase = Contest.objects.get(slug=DEMO_JUDGING)
    organizer = User.objects.get(username="organizer")
    prelim, final = showcase.rounds.get(code="prelim"), showcase.rounds.get(code="final")
    manage = f"/contests/{showcase.slug}/manage/"

    # The checklist: submissions and assignment done, the preliminary round being judged.
    login(page, "organizer", DEMO_PASSWORD)
    page.goto(manage)
    current = page.locator(".step[aria-current='step']")
    expect(current).to_contain_text(prelim.name_ko)
    expect(current).to_contain_text(OWES)
    expect(page.locator(".step-done .step-title").first).to_be_visible()
    assert page.locator(".steps .button.primary, .steps button.primary").count() == 1
    shot(page, "organizer-contest")
    part(page.locator("nav.steps"), "organizer-steps")
    page.set_viewport_size({"width": 375, "height": 812})
    assert no_page_scroll(page)
    shot(page, "organizer-steps-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Publishing early is refused, and says why.
    page.goto(f"{manage}results/")
    publish = page.get_by_role("link", name=ko("Preview the publication"))
    expect(publish).not_to_have_class(re.compile("primary"))
    publish.click()  # the final round has not even started: the refusal names it
    expect(page.locator(".messages")).to_contain_text(f"{final.name_ko} 심사가 끝나야 합니다")
    refused = client_for(organizer).post(f"/api/v1/contests/{showcase.slug}/publish/")
    assert refused.status_code == 409 and refused.json()["code"] == "judging_incomplete"

    # Remind the judges from the checklist.
    page.goto(manage)
    mail.outbox.clear()
    page.locator(".step[aria-current='step']").get_by_role(
        "button", name=ko("Remind the judges")
    ).click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\d+"))
    assert mail.outbox and all("https://contest.example.kr/judging/" in m.body for m in mail.outbox)

    # Most judges finish; one does not. Rank without the missing cards, with the reason.
    owed = list(prelim.panel.order_by("judge__username").values_list("judge_id", flat=True))
    round_score_all(prelim, except_judge=owed[-1])
    page.goto(f"{manage}results/")
    section = page.locator(f"#round-{prelim.pk}")
    expect(section.locator(".notice")).to_be_visible()
    section.get_by_label(ko("Method")).select_option("mean")
    section.get_by_label(ko("Reason (recorded)")).fill(REASON)
    section.get_by_role("button", name=ko("Compute ranking with this reason")).click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"\d+"))
    section = page.locator(f"#round-{prelim.pk}")
    expect(section.locator(".override")).to_contain_text(REASON)
    expect(section.locator("select[name=method]")).to_have_value("mean")
    export = page.request.get(f"/api/v1/contests/{showcase.slug}/exports/rankings.csv")
    text = export.body().decode("utf-8-sig")
    assert REASON in text and ko("Receipt number") in text.splitlines()[0]
    section.get_by_role("button", name=ko("Mark advancing entries")).click()
    expect(page.locator(f"#round-{prelim.pk} .status-advanced").first).to_be_visible()

    # Time passes: the final round's window opens, its panel scores every finalist.
    calendar_all_rounds_open(showcase, now=timezone.now())
    final_round_ready(showcase, organizer)
    page.reload()
    page.locator(f"#round-{final.pk}").get_by_role("button", name=ko("Compute ranking")).click()
    expect(page.locator(".messages")).to_be_visible()
    page.get_by_role("button", name=ko("Compute final ranking")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Final ranking computed."))
    page.get_by_role("button", name=ko("Allocate prizes")).click()
    facts = page.locator("#allocation dl.facts")
    expect(facts).to_contain_text(f"{showcase.budget:,}")
    expect(facts.locator(".reasons")).to_be_visible()  # why money is unallocated
    page.get_by_role("button", name=ko("Approve allocation")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Allocation approved."))
    shot(page, "organizer-results")
    part(page.locator("section#final"), "organizer-allocation")

    # The preview: the public page as it will look, the letters, the early warning; confirm.
    preview = page.get_by_role("link", name=ko("Preview and publish the results"))
    expect(preview).to_have_class(re.compile("primary"))
    preview.click()
    bar = page.locator(".preview-bar")
    expect(bar).to_contain_text(re.compile(r"\d+"))
    expect(bar.locator(".letters li")).to_have_count(3)
    expect(bar.locator(".warn")).to_be_visible()  # before the announcement date
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Winners"))
    shot(page, "organizer-preview")
    mail.outbox.clear()
    page.get_by_label(ko("I have checked this page and the number of e-mails.")).check()
    page.get_by_label(ko("Publish before the announcement date.")).check()
    page.get_by_role("button", name=ko("Publish the results now")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Results published. The letters are being sent.")
    )
    assert mail.outbox and all("https://contest.example.kr/" in m.body for m in mail.outbox)
    assert not any("127.0.0.1" in m.body for m in mail.outbox)
    page.get_by_role("link", name=ko("Public results")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Winners"))
