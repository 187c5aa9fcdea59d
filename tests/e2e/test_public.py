"""Journey 5: the public: contest pages, the results page and Track D's winners gallery."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import drawing_published, no_page_scroll, shot
from tests.e2e.test_guardian import ko

pytestmark = pytest.mark.django_db(transaction=True)


def test_public_pages_and_winners_gallery(page):
    drawing_published()

    page.goto("/")
    cards = page.locator("main h3 a")
    expect(cards).to_have_count(2)
    expect(page.locator("main .eyebrow")).to_have_text("2021 월드스마트시티엑스포")  # Korean
    expect(page.locator("footer")).not_to_contain_text("2021년 9월")  # dates from the calendar
    card = page.locator("li.card", has_text="그림그리기")
    expect(card.get_by_role("link", name=re.compile(ko("See the results")))).to_have_attribute(
        "href", "/contests/wsce2021-drawing/results/"
    )
    page.get_by_role(
        "link", name="2021 월드스마트시티엑스포 어린이 그림그리기 공모전", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("어린이 그림그리기")
    expect(page.locator("main")).to_contain_text("KST")
    shot(page, "public-contest")

    expect(page.locator("main")).not_to_contain_text("최종 점수의 0%")
    page.locator("main").get_by_role("link", name=ko("See the results")).click()
    main = page.locator("main")
    expect(main).to_contain_text("대상")
    expect(main).to_contain_text("500,000")
    expect(main).to_contain_text("*")  # masked names
    # the tiers no drawing reached are listed as such (해당작 없음), division by division
    expect(page.locator("ul.unawarded li", has_text="유아부 · 최우수상")).to_contain_text(
        ko("no winner")
    )
    gallery = page.locator(".gallery img")
    expect(gallery.first).to_be_visible()
    assert gallery.count() >= 1
    assert gallery.first.evaluate("img => img.complete && img.naturalWidth > 0")
    assert no_page_scroll(page)
    shot(page, "public-results")

    # A drawing opens larger over the page, and closes back to its tile (no raw image tab).
    page.locator(".gallery a").first.click()
    dialog = page.locator("dialog.lightbox")
    expect(dialog).to_be_visible()
    expect(dialog.locator("img")).to_have_js_property("complete", True)
    assert dialog.locator("img").evaluate("img => img.naturalWidth > 0")
    expect(page).to_have_url(re.compile(r"/contests/wsce2021-drawing/results/$"))
    shot(page, "public-gallery-lightbox")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate("document.activeElement.closest('.gallery') !== null")

    # On a phone: each winner is a card with every column, the prize too; nothing scrolls.
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    assert no_page_scroll(page)
    prize = page.locator("table.winners td.num").first
    expect(prize).to_be_visible()
    box = prize.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    shot(page, "public-results-mobile")
    page.goto("/contests/wsce2021-drawing/")
    assert no_page_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # The smart-city results are not published: a clear page, not a crash.
    response = page.goto("/contests/wsce2021-smart-city/results/")
    assert response.status == 404

    # English keeps the page.
    page.goto("/contests/wsce2021-drawing/results/")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/contests/wsce2021-drawing/results/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
