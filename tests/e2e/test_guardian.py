"""Journey 1: a guardian enters a child's drawing, on a desktop and on a phone."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from contests.models import Contest
from contests.phases import kst
from contests.seed import wsce2021_seed
from tests.e2e.conftest import no_page_scroll, release_held, shot
from tests.submissions.badfiles import good_jpeg, image_with_short_side

pytestmark = pytest.mark.django_db(transaction=True)

DRAWING = "wsce2021-drawing"


def confirm_call(url: str) -> bool:
    """The confirmation after the file went to storage: held, to look at the progress bar."""
    return urlparse(url).path.endswith("/complete/")


def ko(text: str) -> str:
    with override("ko"):
        return gettext(text)


def ko_js(key: str) -> str:
    """upload.js's own Korean status lines."""
    return {"checking": "파일을 확인하는 중…"}[key]


def fill_drawing_form(page, *, child="김민수", title="하늘을 나는 버스") -> None:
    page.locator("#id_child_name").fill(child)
    page.locator("#id_child_birth_date").fill("2013-05-02")
    page.locator("#id_child_school").fill("한빛초등학교")
    page.locator("#id_title").fill(title)
    page.locator("#id_description").fill("미래 도시의 하늘 버스")
    page.locator("#id_consent_guardian").check()
    page.locator("#id_consent_publish_name").check()
    page.locator("#id_consent_publish_work").check()


def choose_file(page, name: str, data: bytes) -> None:
    page.get_by_label(ko("Choose a file")).set_input_files(
        {"name": name, "mimeType": "image/jpeg", "buffer": data}
    )


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 375, "height": 812}],
    ids=["desktop", "mobile"],
)
def test_guardian_enters_a_drawing(page, viewport):
    mobile = viewport["width"] < 500
    tag = "mobile" if mobile else "desktop"
    wsce2021_seed(demo_now=timezone.now())

    # Register as a guardian.
    page.goto("/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Create an account"))
    page.get_by_label(ko("a parent or guardian (children's drawing)")).check()
    page.locator("#id_name").fill("최수진")
    page.locator("#id_username").fill("parent1")
    page.locator("#id_email").fill("parent1@example.com")
    page.locator("#id_password").fill("a-long-pass-2021!")
    page.get_by_role("button", name=ko("Create account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("My entries"))
    assert no_page_scroll(page)

    # Add the child and the consents: a draft entry.
    page.locator("li.card", has_text="그림그리기").get_by_role("link", name=ko("New entry")).click()
    fill_drawing_form(page)
    if mobile:
        assert no_page_scroll(page)
    page.get_by_role("button", name=ko("Save")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Saved as a draft. Now upload the file and submit.")
    )
    entry_url = page.url

    # Verify the email address with the emailed code.
    page.get_by_role("link", name=ko("Verify now")).click()
    page.get_by_role("button", name=ko("Send me a code")).click()
    expect(page.locator(".messages")).to_contain_text("parent1@example.com")
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", mail.outbox[-1].body).group(1)
    page.get_by_label(ko("6-digit code")).fill(code)
    page.get_by_role("button", name=ko("Verify"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(ko("Verified. Thank you."))
    assert page.url == entry_url

    # Too small an image: a clear message, the chosen file stays chosen.
    choose_file(page, "small.jpg", image_with_short_side(600))
    page.get_by_role("button", name=ko("Upload")).click()
    status = page.locator(".upload-status")
    expect(status).to_contain_text("800")
    expect(status).to_have_class(re.compile("field-error"))
    assert page.get_by_label(ko("Choose a file")).evaluate("el => el.files[0].name") == "small.jpg"

    # The drawing: preview, then a progress bar while it travels.
    held = []
    page.route(confirm_call, lambda route: held.append(route))
    choose_file(page, "drawing.jpg", good_jpeg(1600, 1200))
    expect(page.locator(".uploader .preview")).to_be_visible()
    page.get_by_role("button", name=ko("Upload")).click()
    bar = page.locator(".uploader progress")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "100")  # the file itself has travelled
    expect(status).to_have_text(ko_js("checking"))
    shot(page, f"guardian-uploading-{tag}")
    release_held(page, held)
    page.unroute(confirm_call)
    expect(page.locator("ul.files li", has_text="drawing.jpg")).to_be_visible()
    expect(page.locator("ul.files")).to_contain_text("1600×1200")

    # Submit: receipt number on the page and in the email.
    page.get_by_role("button", name=ko("Submit entry")).click()
    receipt = page.locator("dd.receipt")
    expect(receipt).to_have_text(re.compile(r"^WSCE21-D-\d{5}$"))
    number = receipt.inner_text()
    assert any(number in m.body for m in mail.outbox)
    assert no_page_scroll(page)
    shot(page, f"guardian-receipt-{tag}")

    # Later: the status on My entries.
    page.get_by_role("link", name=ko("My entries")).first.click()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text(ko("Submitted"))

    # A second drawing for the same child: refused, what was typed is kept.
    page.goto(f"/contests/{DRAWING}/enter/")
    fill_drawing_form(page, title="두 번째 그림")
    page.get_by_role("button", name=ko("Save")).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(ko("This child already has a drawing entered in this contest."))
    expect(page.locator("#id_title")).to_have_value("두 번째 그림")
    expect(page.locator("#id_child_name")).to_have_value("김민수")
    if mobile:
        assert no_page_scroll(page)

    # After the deadline: refused, what was typed is kept.
    page.goto(f"/contests/{DRAWING}/enter/")
    fill_drawing_form(page, child="김지우", title="늦은 그림")
    Contest.objects.filter(slug=DRAWING).update(closes_at=timezone.now() - timezone.timedelta(1))
    page.get_by_role("button", name=ko("Save")).click()
    closed = Contest.objects.get(slug=DRAWING).closes_at  # the refusal says when (KST)
    expect(page.locator(".error-summary")).to_contain_text(
        ko("Submissions closed on %(when)s (KST).") % {"when": kst(closed)}
    )
    expect(page.locator("#id_child_name")).to_have_value("김지우")
    expect(page.locator("#id_title")).to_have_value("늦은 그림")
    shot(page, f"guardian-refused-{tag}")
