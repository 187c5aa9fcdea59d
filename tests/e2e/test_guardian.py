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
from tests.e2e.a11y import page_problems
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


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 375, "height": 812}],
    ids=["desktop", "mobile"],
)
def test_guardian_enters_a_drawing(page, viewport):
    """The parent's whole way, with the dead ends of issue 19 gone: from the contest's "그림
    접수" through log-in, sign-up and straight back to the form; the email verified on the form
    itself; the drawing uploaded with a thumbnail; submitted, with a printable receipt."""
    mobile = viewport["width"] < 500
    tag = "mobile" if mobile else "desktop"
    wsce2021_seed(demo_now=timezone.now())
    page.on("dialog", lambda dialog: dialog.accept())  # "replace the drawing?" — yes

    # From the home page's card to the log-in page, which offers the sign-up.
    page.goto("/")
    page.locator("li.card", has_text="그림그리기").get_by_role(
        "link", name=re.compile(ko("Enter a drawing"))
    ).click()
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    page.locator("main").get_by_role("link", name=ko("Create an account")).click()
    lead = page.locator("p.lead")
    expect(lead).not_to_contain_text("심사위원")  # the lead speaks to entrants, not judges
    expect(page.get_by_label(ko("a parent or guardian (children's drawing)"))).to_be_checked()
    page.locator("#id_name").fill("최수진")
    page.locator("#id_username").fill("parent1")
    page.locator("#id_email").fill("parent1@example.com")
    page.locator("#id_password").fill("a-long-pass-2021!")
    page.get_by_role("button", name=ko("Create account")).click()

    # Back on the drawing form, not on "My entries"; the verification comes first, here.
    expect(page).to_have_url(re.compile(rf"/contests/{DRAWING}/enter/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Enter a drawing"))
    assert page_problems(page) == []  # axe, raw codes, overflow: the form of an open contest
    shot(page, f"guardian-form-{tag}")
    page.get_by_label(ko("6-digit code")).fill("123456")  # before asking for one
    page.get_by_role("button", name=ko("Verify"), exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Request a code first: we send it to your email address.")
    )
    expect(page.locator(".messages")).not_to_contain_text("만료")
    page.get_by_role("button", name=ko("Send me a code")).click()
    expect(page.locator(".messages")).to_contain_text("parent1@example.com")
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", mail.outbox[-1].body).group(1)
    page.get_by_label(ko("6-digit code")).fill(code)
    page.get_by_role("button", name=ko("Verify"), exact=True).click()
    expect(page.locator(".notice")).to_contain_text(ko("Your email address is verified."))
    expect(page).to_have_url(re.compile(rf"/contests/{DRAWING}/enter/$"))

    # A birth year outside the divisions: said once in the summary, with the years allowed.
    fill_drawing_form(page)
    page.locator("#id_child_birth_date").fill("2020-01-01")
    page.get_by_role("button", name=re.compile(ko("Save and upload the drawing"))).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("2020년생")
    expect(summary).to_contain_text("2015–2017")
    expect(summary.locator("li")).to_have_count(1)
    page.locator("#id_child_birth_date").fill("2013-05-02")
    page.get_by_role("button", name=re.compile(ko("Save and upload the drawing"))).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Saved as a draft. Now upload the drawing, then submit.")
    )
    expect(page.locator(".todo")).to_contain_text(ko("Upload the drawing"))
    assert page_problems(page) == []  # the draft's page, with its steps and what is left
    shot(page, f"guardian-draft-{tag}")
    entry_url = page.url

    # Submitting too early says what is missing in words (no raw code).
    page.get_by_role("button", name=ko("Submit entry")).click()
    expect(page.locator(".messages")).to_be_visible()
    assert "drawing" not in page.locator(".messages").inner_text()

    # Too small an image: a clear message, no full progress bar beside it, the file kept.
    choose_file(page, "small.jpg", image_with_short_side(600))
    page.get_by_role("button", name=ko("Upload")).click()
    status = page.locator(".upload-status")
    expect(status).to_contain_text("800")
    expect(status).to_have_class(re.compile("field-error"))
    expect(page.locator(".uploader progress")).to_be_hidden()
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
    drawn = page.locator("ul.files li", has_text="drawing.jpg")
    expect(drawn).to_be_visible()
    expect(drawn.locator("img.thumb")).to_be_visible()  # a thumbnail, not only numbers
    expect(drawn).to_contain_text("1600×1200")
    assert not re.search(r"\b[0-9a-f]{64}\b", visible_text(page))  # the hash is in 세부 정보
    assert not re.search(r"\d{3},\d{3} B\b", visible_text(page))  # sizes in words (KB, MB)

    # A second drawing replaces the first only after a question (accepted above).
    expect(page.get_by_role("heading", name=ko("Replace the file"))).to_be_visible()
    choose_file(page, "drawing2.jpg", good_jpeg(1200, 1600))
    page.get_by_role("button", name=ko("Upload")).click()
    expect(page.locator("ul.files li", has_text="drawing2.jpg")).to_be_visible()
    expect(page.locator("ul.files li", has_text="drawing.jpg")).to_have_count(0)

    # Submit: receipt number on the page and in the email; a printable receipt.
    expect(page.locator(".todo")).to_contain_text(ko("Everything is ready: submit the entry."))
    page.get_by_role("button", name=ko("Submit entry")).click()
    receipt = page.locator("dd.receipt")
    expect(receipt).to_have_text(re.compile(r"^WSCE21-D-\d{5}$"))
    number = receipt.inner_text()
    assert any(number in m.body for m in mail.outbox)
    assert no_page_scroll(page)
    shot(page, f"guardian-receipt-{tag}")
    # the submitted drawing is replaced, never deleted: no "Delete" that ends in a refusal
    expect(page.locator("ul.files [data-delete]")).to_have_count(0)
    page.get_by_role("link", name=ko("Printable receipt")).click()
    expect(page.locator("main")).to_contain_text(number)
    expect(page.get_by_role("button", name=ko("Print"))).to_be_visible()
    assert page_problems(page) == []
    shot(page, f"guardian-printable-receipt-{tag}")
    page.get_by_role("link", name=re.compile(ko("Back to the entry"))).click()
    assert page.url == entry_url

    # The child's name was mistyped: corrected until the deadline.
    page.get_by_role("link", name=ko("Edit details")).click()
    page.locator("#id_child_name").fill("김민서")
    page.get_by_role("button", name=ko("Save changes")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Your changes are saved."))
    expect(page.locator("main")).to_contain_text("김민서")

    # Later: the status on My entries.
    page.get_by_role("link", name=ko("My entries")).first.click()
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text(ko("Submitted"))

    # A second drawing for the same child: refused with a link to the first; typing kept.
    page.goto(f"/contests/{DRAWING}/enter/")
    fill_drawing_form(page, child="김민서", title="두 번째 그림")
    page.get_by_role("button", name=re.compile(ko("Save and upload the drawing"))).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(ko("This child already has a drawing entered in this contest."))
    expect(
        page.get_by_role("link", name=ko("Open the drawing already entered for this child"))
    ).to_have_attribute("href", urlparse(entry_url).path)
    expect(page.locator("#id_title")).to_have_value("두 번째 그림")
    if mobile:
        assert no_page_scroll(page)

    # After the deadline: refused, what was typed is kept.
    page.goto(f"/contests/{DRAWING}/enter/")
    fill_drawing_form(page, child="김지우", title="늦은 그림")
    Contest.objects.filter(slug=DRAWING).update(closes_at=timezone.now() - timezone.timedelta(1))
    page.get_by_role("button", name=re.compile(ko("Save and upload the drawing"))).click()
    closed = Contest.objects.get(slug=DRAWING).closes_at  # the refusal says when (KST)
    expect(page.locator(".error-summary")).to_contain_text(
        ko("Submissions closed on %(when)s (KST).") % {"when": kst(closed)}
    )
    expect(page.locator("#id_child_name")).to_have_value("김지우")
    expect(page.locator("#id_title")).to_have_value("늦은 그림")
    shot(page, f"guardian-refused-{tag}")


def focus_ring(page) -> str:
    """The focused element's outline (or box shadow): what shows where the keyboard is."""
    return page.evaluate(
        """() => { const el = document.activeElement; const s = getComputedStyle(el);
        return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
          ? s.outlineWidth + " " + s.outlineStyle : s.boxShadow; }"""
    )


def tab_to(page, selector: str, *, limit: int = 40) -> None:
    """Press Tab until ``selector`` has the focus; every stop on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            assert focus_ring(page) not in ("", "none"), f"no visible focus on {selector}"
            return
        tag = page.evaluate("document.activeElement.tagName + '#' + document.activeElement.id")
        if not tag.startswith("BODY"):
            assert focus_ring(page) not in ("", "none"), f"no visible focus on a {tag}"
    raise AssertionError(f"{selector} is not reachable by Tab")


def test_guardian_keyboard_only(page, guardian):
    """The parent's way with the keyboard alone: skip link, log-in, the form, saving; each
    stop shows where the focus is and nothing traps it (Tab always moves on)."""
    wsce2021_seed(demo_now=timezone.now())
    page.goto(f"/contests/{DRAWING}/enter/")  # → the log-in page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip')")
    assert page.locator("a.skip").bounding_box()["y"] >= 0  # shown when focused
    tab_to(page, "#id_username")
    page.keyboard.type(guardian.username)
    page.keyboard.press("Tab")
    page.keyboard.type("correct-horse-battery")  # the cast's (tests/factories.py)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/contests/{DRAWING}/enter/$"))
    values = {
        "#id_child_name": "김하늘",
        "#id_child_birth_date": "",
        "#id_title": "우리 동네 버스",
    }
    for selector, text in values.items():
        tab_to(page, selector)
        if selector == "#id_child_birth_date":
            # the field's parts follow Chromium's own language (en-US here): month, day, year
            page.keyboard.type("05022013")
            expect(page.locator(selector)).to_have_value("2013-05-02")
        else:
            page.keyboard.type(text)
    tab_to(page, "#id_consent_guardian")
    page.keyboard.press("Space")
    expect(page.locator("#id_consent_guardian")).to_be_checked()
    tab_to(page, "form.form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text(
        ko("Saved as a draft. Now upload the drawing, then submit.")
    )
    # on the entry page the keyboard reaches the file field and the upload button
    tab_to(page, "#file")
    tab_to(page, "[data-upload]")
