"""Journey: comparative judgement. A judge compares drawings with the keyboard on a laptop and
with taps on a 375 px phone; the organizer reads SSR, the stopping rule and the scale."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from contests.seed import wsce2021_seed
from demo.judging import demo_judging_contest, demo_judging_seed
from demo.pairwise import demo_pairwise_decisions, demo_pairwise_round
from demo.users import demo_users_seed
from judging.enums import ComparisonOutcome
from judging.models import Comparison
from tests.e2e.conftest import DEMO_PASSWORD, login, no_page_scroll, shot
from tests.e2e.test_guardian import ko

pytestmark = pytest.mark.django_db(transaction=True)
CODE = re.compile(r"^D-[0-9A-Z]{6,}$")


def pairwise_demo(*, drawings: int = 9, decisions: int = 4):
    """`seed_wsce2021 --demo --pairwise`, smaller: the demo contest being judged (Track D's
    configuration, submissions closed) has its 예선 judged in pairs."""
    now = timezone.now()
    smart, drawing = wsce2021_seed(demo_now=now)
    contest = demo_judging_contest(now=now)
    demo_users_seed(password=DEMO_PASSWORD, contests=[smart, drawing, contest])
    prelim = demo_pairwise_round(contest=contest)
    demo_judging_seed(contest=contest, judges=4, drawings=drawings, password=DEMO_PASSWORD, now=now)
    demo_pairwise_decisions(prelim=prelim, pairs_per_judge=decisions)
    mail.outbox.clear()
    return contest, prelim


def wait_until(page, predicate: str, timeout_ms: int = 10_000) -> None:
    """Poll a function in the page (wait_for_function evaluates a string, which our CSP
    forbids; evaluate goes through the debugger protocol)."""
    for _ in range(timeout_ms // 50):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true: {predicate}")


def idle(page) -> None:
    """The last choice is saved and the pair after the next one fetched (its request done:
    SQLite lets one writer at a time, and serving a pair writes)."""
    expect(page.locator("#pair")).not_to_have_class(re.compile(r"\bbusy\b"))
    expect(page.locator("#pair")).to_have_attribute("data-next", "ready")


def codes(page) -> tuple[str, str]:
    return (
        page.locator('.pair-side[data-side="left"] [data-field="code"]').inner_text(),
        page.locator('.pair-side[data-side="right"] [data-field="code"]').inner_text(),
    )


def decided(judge="judge") -> list[str]:
    return list(
        Comparison.objects.filter(judge__username=judge)
        .exclude(outcome__in=[ComparisonOutcome.PENDING, ComparisonOutcome.VOID])
        .order_by("decided_at")
        .values_list("outcome", flat=True)
    )


def test_a_judge_compares_with_the_keyboard_on_a_laptop(page):
    drawing, prelim = pairwise_demo()
    login(page, "judge", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile(ko("Compare drawings"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Which drawing is better?"))
    left, right = codes(page)
    assert CODE.match(left) and CODE.match(right) and left != right
    upcoming = page.locator("#pair-next [data-side]")
    coming = (
        upcoming.nth(0).get_attribute("data-code"),
        upcoming.nth(1).get_attribute("data-code"),
    )
    # the next pair's images are loaded before it is shown
    wait_until(
        page,
        "() => Array.from(document.querySelectorAll('#pair-next img'))"
        ".every(i => i.complete && i.naturalWidth > 0)",
    )
    shot(page, "judge-pairwise")

    # → : the right one; the next pair is on screen at once, the one after it is fetched
    page.keyboard.press("ArrowRight")
    expect(page.locator('.pair-side[data-side="left"] [data-field="code"]')).to_have_text(coming[0])
    expect(page.locator("#pair-saved")).to_contain_text(coming[0])
    idle(page)
    assert decided() == ["right"]
    expect(page.locator("#pair-next img")).to_have_count(2)  # the pair after, loading
    expect(page.locator("#pair-progress")).to_contain_text("1")

    # ← : the left one
    page.keyboard.press("ArrowLeft")
    saved_left = ko("Saved: left. Next pair: %(left)s and %(right)s.").split("%(")[0]
    expect(page.locator("#pair-saved")).to_contain_text(saved_left.strip())
    idle(page)
    assert decided() == ["right", "left"]

    # the full-size view opens and closes from the keyboard
    page.locator('.pair-side[data-side="left"] a[data-zoom]').focus()
    page.keyboard.press("Enter")
    expect(page.locator("dialog#pair-zoom[open]")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("dialog#pair-zoom[open]")).to_have_count(0)

    # a double click sends one decision; skip is a third way
    page.locator("button.choose[data-choice=left]").dblclick()
    idle(page)
    page.get_by_role("button", name=ko("Undecided — skip this pair (판단 보류)")).click()
    idle(page)
    assert decided()[:3] == ["right", "left", "left"]
    assert decided()[3:] in (["skip"], ["left", "skip"])  # a click lands after the swap at most
    page.reload()
    expect(page.locator("#pair-progress")).to_contain_text(str(len(decided())))
    # never a receipt number, a name or a school on the judge's page
    text = page.content()
    assert "DEMO-D-" not in text and "WSCE21-D-" not in text and "초등학교" not in text

    # the organizer sees the round's SSR, the stopping rule and the chart
    page.context.clear_cookies()
    login(page, "organizer", DEMO_PASSWORD)
    page.goto(f"/contests/{drawing.slug}/manage/rounds/{prelim.pk}/scale/")
    expect(page.locator("#stopping-rule")).to_contain_text("SSR")
    expect(page.locator("svg.ssr-chart polyline")).to_have_count(3)
    expect(page.locator("#misfits")).to_be_visible()
    assert no_page_scroll(page)
    shot(page, "organizer-pairwise-scale")


def test_a_judge_compares_with_taps_on_a_phone(browser, live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    contest, prelim = pairwise_demo(decisions=2)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 375, "height": 812},
        locale="ko-KR",
        timezone_id="Asia/Seoul",
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "judge", DEMO_PASSWORD)
    page.get_by_role("link", name=re.compile(ko("Compare drawings"))).tap()
    left_box = page.locator('.pair-side[data-side="left"]').bounding_box()
    right_box = page.locator('.pair-side[data-side="right"]').bounding_box()
    assert right_box["y"] >= left_box["y"] + left_box["height"]  # stacked
    assert left_box["width"] > 300
    assert no_page_scroll(page)
    shot(page, "judge-pairwise-mobile")
    # the pair shown next is the one already loaded: it may share a drawing with this one (the
    # least compared drawing stays first), so expect it by its codes, not "a different left"
    coming = page.locator("#pair-next [data-side]").nth(0).get_attribute("data-code")
    page.locator("button.choose[data-choice=right]").tap()
    expect(page.locator('.pair-side[data-side="left"] [data-field="code"]')).to_have_text(coming)
    expect(page.locator("#pair-saved")).to_be_visible()
    idle(page)
    page.locator("button.choose[data-choice=left]").tap()
    idle(page)
    assert decided() == ["right", "left"]
    # a tap on a drawing opens it full size
    page.locator('.pair-side[data-side="right"] a[data-zoom]').tap()
    expect(page.locator("dialog#pair-zoom[open]")).to_be_visible()
    page.get_by_role("button", name=ko("Close")).tap()
    expect(page.locator("dialog#pair-zoom[open]")).to_have_count(0)
    # the organizer's page reads on the phone too: no sideways scroll, tables scroll inside
    context.clear_cookies()
    login(page, "organizer", DEMO_PASSWORD)
    page.goto(f"/contests/{contest.slug}/manage/rounds/{prelim.pk}/scale/")
    expect(page.locator("#stopping-rule")).to_contain_text("SSR")
    expect(page.locator("svg.ssr-chart")).to_be_visible()
    assert no_page_scroll(page)
    shot(page, "organizer-pairwise-scale-mobile")
    context.close()
    assert not errors, errors
