"""Journey 2: a student team enters the smart-city contest, edits, then withdraws."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from contests.seed import wsce2021_seed
from tests.e2e.conftest import no_page_scroll, release_held, shot
from tests.e2e.test_guardian import ko
from tests.submissions.badfiles import good_pdf

pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = [
    ("박지민", "서울대학교", "도시공학과", "jimin@example.com", "010-1234-0001"),
    ("이서연", "연세대학교", "건축학과", "seoyeon@example.com", "010-1234-0002"),
    ("김도윤", "고려대학교", "컴퓨터학과", "doyun@example.com", "010-1234-0003"),
]


def test_student_team_enters_edits_and_withdraws(page):
    wsce2021_seed(demo_now=timezone.now())

    page.goto("/register/")
    # Keyboard: the first Tab reaches the skip link, shown when focused.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=ko("Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # A refused form: the error summary takes the focus and what was typed stays.
    page.locator("#id_name").fill("박지민")
    page.get_by_role("button", name=ko("Create account")).click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).not_to_have_count(0)
    expect(page.locator("#id_name")).to_have_value("박지민")
    page.get_by_label(ko("a university student (smart-city team)")).check()
    page.locator("#id_name").fill("박지민")
    page.locator("#id_username").fill("jimin")
    page.locator("#id_email").fill("jimin@example.com")
    page.locator("#id_password").fill("a-long-pass-2021!")
    page.get_by_role("button", name=ko("Create account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("My entries"))

    # The team: details, a leader and two members.
    page.locator("li.card", has_text="스마트시티").get_by_role(
        "link", name=ko("Enter your team")
    ).click()
    # the heading and the button say the same thing; the leader's row comes from the account
    expect(page.get_by_role("heading", level=1)).to_have_text(ko("Enter your team"))
    expect(page.locator("#id_m0_email")).to_have_value("jimin@example.com")
    expect(page.locator("#id_m0_name")).to_have_value("박지민")
    # the required member fields are starred, department and phone too
    for name in ("department", "phone"):
        expect(page.locator(f"label[for=id_m0_{name}]")).to_contain_text("*")
    # only the leader: the team-size rule is said, in words
    page.locator("#id_team_name").fill("도시의 내일")
    page.locator("#id_theme").select_option(index=1)
    page.locator("#id_title").fill("AI 신호등")
    page.get_by_role("button", name=re.compile(ko("Save and upload the proposal"))).click()
    expect(page.locator(".error-summary")).to_contain_text("2~5명")
    # the abstract counts its characters and is never cut
    page.locator("#id_abstract").fill("가" * 1005)
    expect(page.locator("#id_abstract-count")).to_contain_text("5자 넘었습니다")
    assert len(page.locator("#id_abstract").input_value()) == 1005
    page.locator("#id_team_name").fill("도시의 내일")
    page.locator("#id_theme").select_option(index=1)
    page.locator("#id_title").fill("AI 신호등으로 줄이는 교차로 대기시간")
    page.locator("#id_abstract").fill("교차로의 차량 흐름을 실시간으로 읽어 신호 주기를 바꿉니다.")
    for i, member in enumerate(MEMBERS):
        for name, value in zip(
            ("name", "university", "department", "email", "phone"), member, strict=True
        ):
            page.locator(f"#id_m{i}_{name}").fill(value)
    page.locator("#id_consent_privacy").check()
    page.locator("#id_consent_originality").check()
    page.get_by_role("button", name=re.compile(ko("Save and upload the proposal"))).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("Saved as a draft. Now upload the proposal, then submit.")
    )
    expect(page.locator(".todo")).to_contain_text("팀원 2명 확인")
    expect(page.locator("section[aria-labelledby=members-h]")).to_contain_text("이서연")

    # The proposal PDF through the upload widget, with its progress bar.
    page.locator("#slot").select_option("proposal")
    page.get_by_label(ko("Choose a file")).set_input_files(
        {"name": "proposal.pdf", "mimeType": "application/pdf", "buffer": good_pdf(pages=2)}
    )
    held = []
    page.route(lambda url: url.rstrip("/").endswith("/complete"), lambda route: held.append(route))
    page.get_by_role("button", name=ko("Upload")).click()
    expect(page.locator(".uploader progress")).to_have_attribute("value", "100")
    release_held(page, held)
    expect(page.locator("ul.files li", has_text="proposal.pdf")).to_contain_text("2")

    # Submitting waits for the members, each of whom confirms from the link mailed to them.
    page.get_by_role("button", name=ko("Submit entry")).click()
    expect(page.locator(".messages")).to_contain_text("팀원 2명 확인 대기 (이서연, 김도윤)")
    expect(page.locator("section[aria-labelledby=members-h]")).to_contain_text(
        ko("Waiting for confirmation")
    )
    base = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    for (name, *_, email, _phone), width in zip(MEMBERS[1:], (375, 1280), strict=True):
        body = next(m.body for m in reversed(mail.outbox) if m.to == [email])
        link = re.search(r"https?://\S+?(/team/confirm/\S+?/)", body).group(1)
        member = page.context.browser.new_context(
            base_url=base, viewport={"width": width, "height": 900}, locale="ko-KR"
        )
        their = member.new_page()
        their.goto(link)  # no account, no log-in
        expect(their.locator("main")).to_contain_text("도시의 내일")
        expect(their.locator("main")).to_contain_text(name)
        their.get_by_label(ko("I agree, and I confirm that I am on this team.")).check()
        if width == 375:
            shot(their, "team-member-confirm-mobile")
            assert no_page_scroll(their)
        their.get_by_role("button", name=ko("Confirm"), exact=True).click()
        expect(their.locator(".messages")).to_contain_text(ko("Thank you: you are on the team."))
        member.close()
    page.reload()
    expect(page.locator("section[aria-labelledby=members-h] .status-submitted")).to_have_count(3)
    shot(page, "student-team-confirmed")

    # Submit: a receipt number.
    page.get_by_role("button", name=ko("Submit entry")).click()
    receipt = page.locator("dd.receipt")
    expect(receipt).to_have_text(re.compile(r"^WSCE21-S-\d{4}$"))
    assert any(receipt.inner_text() in m.body for m in mail.outbox)
    shot(page, "student-receipt")

    # My entries opens the team's entry instead of a form that would refuse a second one.
    page.get_by_role("link", name=ko("My entries")).first.click()
    card = page.locator("li.card", has_text="스마트시티")
    expect(card.get_by_role("link", name=ko("Open your entry"))).to_be_visible()
    expect(card.get_by_role("link", name=ko("Enter your team"))).to_have_count(0)
    card.get_by_role("link", name=ko("Open your entry")).click()

    # Edit before the deadline.
    page.get_by_role("link", name=ko("Edit details")).click()
    page.locator("#id_title").fill("AI 신호등으로 줄이는 교차로 대기시간 (개정)")
    page.get_by_role("button", name=ko("Save changes")).click()
    expect(page.locator(".messages")).to_contain_text(ko("Your changes are saved."))
    expect(page.get_by_role("heading", level=1)).to_contain_text("(개정)")

    # Withdraw, after confirming.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=ko("Withdraw")).click()
    expect(page.locator(".messages")).to_contain_text(
        ko("The entry is withdrawn and its files are deleted.")
    )
    expect(page.locator("dl.facts .status")).to_have_text(re.compile(ko("Withdrawn")))
    assert no_page_scroll(page)
