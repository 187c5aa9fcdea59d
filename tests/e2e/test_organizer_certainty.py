"""Journey: the organizer sees how sure the rankings are and answers for a contested prize
boundary before approving (DOMAIN §6), at a desk and on a phone."""

import pytest

from results.models import Allocation
from tests.e2e.conftest import SHOTS, login, no_page_scroll, shot
from tests.results.test_certainty import allocated  # noqa: F401 (a fixture)
from tests.results.test_results_api import smart  # noqa: F401 (a fixture)

PASSWORD = "correct-horse-battery"  # tests.factories.user_make
DESK, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 800}


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["1280px", "375px"])
@pytest.mark.django_db(transaction=True)
def test_contested_boundary_is_charted_and_acknowledged_before_approval(
    allocated,  # noqa: F811
    organizer,
    page,
    viewport,
):
    width = viewport["width"]
    login(page, organizer.username, PASSWORD)
    page.goto("/contests/wsce2021-smart-city/manage/results/")
    assert page.locator("svg.rank-svg").count() == 3  # round 1, round 2, the final ranking
    assert page.locator("#certainty-final g.entry.contested").count() == 2
    assert "심사위원 간 일치도" in page.locator("main").inner_text()
    assert no_page_scroll(page)  # the charts scroll inside their box, never the page
    page.locator("#certainty-final").screenshot(path=shot_path(f"certainty-final-{width}"))
    page.get_by_role("button", name="배분 승인").click()
    assert "승인하기 전에 순서를 확정하거나" in page.locator(".messages, main").first.inner_text()
    assert Allocation.objects.get().approved_at is None

    page.get_by_label("심사위원 협의 후 순서 유지").check()
    page.locator("#boundaries-note").fill("심사위원 4명이 두 작품을 다시 보고 순서 유지")
    page.get_by_role("button", name="기록하고 계속").click()
    assert "확인함: 심사위원 협의 후 순서 유지" in page.locator("#boundaries").inner_text()
    page.locator("#boundaries").screenshot(path=shot_path(f"certainty-boundaries-{width}"))
    page.get_by_role("button", name="배분 승인").click()
    assert Allocation.objects.get().approved_at is not None
    shot(page, f"certainty-approved-{width}")


def shot_path(name: str) -> str:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return str(SHOTS / f"{name}.png")
