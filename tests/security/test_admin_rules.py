"""The admin obeys the domain's rules like every other way in (issue 13.6 and 13.8, DOMAIN §10):
the one budget rule (``contests.services.tiers_validate``) guards the standalone prize tier, the
contest's tiers inline and the contest's budget, in the page's language; a round's tie-break is
a list of its criteria, and an empty one is no tie-break (it was an IntegrityError, a 500)."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from accounts.services import organizer_group
from contests.models import PrizeTier, Round
from tests.factories import submissions_reopen, user_make
from tests.security.test_admin_matrix import form_data, snapshot

pytestmark = pytest.mark.django_db

KOREAN_OVER_BUDGET = "예산 290,000,000원보다 많습니다"


@pytest.fixture
def owner(wsce, organizer):
    smart, _drawing = wsce
    organizer.groups.add(organizer_group())
    smart.organizers.add(organizer)
    submissions_reopen(smart)  # before the deadline every setting may change (contests.changes)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(organizer)
    return client, smart


def _errors(response) -> str:
    return response.content.decode()


def test_a_standalone_tier_over_the_budget_is_refused_in_korean(owner):
    client, smart = owner
    before = snapshot()
    response = client.post(
        reverse("admin:contests_prizetier_add"),
        {
            "contest": smart.pk,
            "code": "mega",
            "name_ko": "초대형상",
            "name_en": "Mega",
            "order": 9,
            "count": 10,
            "amount": 100_000_000,
            "kind": "prize",
        },
    )
    assert response.status_code == 200  # the form again, with the refusal
    html = response.content.decode()
    assert "시상 등급 합계가 1,290,000,000원으로" in html and KOREAN_OVER_BUDGET in html
    assert snapshot() == before


def test_the_same_refusal_in_english_on_the_english_page(owner):
    client, smart = owner
    response = client.post(
        reverse("admin:contests_prizetier_add"),
        {"contest": smart.pk, "code": "mega", "name_ko": "초대형상", "order": 9, "count": 10}
        | {"amount": 100_000_000, "kind": "prize"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Prize tiers total 1,290,000,000 KRW" in response.content.decode()
    assert not smart.prize_tiers.filter(code="mega").exists()


def test_raising_a_standalone_tier_over_the_budget_is_refused(owner):
    client, smart = owner
    tier = smart.prize_tiers.get(code="grand")
    url = reverse("admin:contests_prizetier_change", args=[tier.pk])
    data = form_data(client.get(url))
    data["amount"] = str(tier.amount + 1)
    response = client.post(url, data)
    assert response.status_code == 200
    assert KOREAN_OVER_BUDGET in response.content.decode()
    assert PrizeTier.objects.get(pk=tier.pk).amount == tier.amount
    # within the budget it is saved (the check counts the other tiers, not this one twice)
    data["amount"] = str(tier.amount - 1)
    assert client.post(url, data).status_code == 302
    assert PrizeTier.objects.get(pk=tier.pk).amount == tier.amount - 1


def test_lowering_the_contest_budget_below_its_tiers_is_refused(owner):
    client, smart = owner
    url = reverse("admin:contests_contest_change", args=[smart.pk])
    data = form_data(client.get(url))
    data["budget"] = "200000000"
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "예산 200,000,000원보다 많습니다" in response.content.decode()
    assert snapshot() == before


def test_a_forged_post_that_hides_the_tiers_cannot_lower_the_budget(owner):
    """The tiers inline posted with no rows: the stored tiers still count."""
    client, smart = owner
    url = reverse("admin:contests_contest_change", args=[smart.pk])
    data = form_data(client.get(url))
    data["budget"] = "1"
    data = {k: v for k, v in data.items() if not k.startswith("prize_tiers-")}
    data |= {"prize_tiers-TOTAL_FORMS": "0", "prize_tiers-INITIAL_FORMS": "0"}
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "예산 1원보다 많습니다" in response.content.decode()
    assert snapshot() == before
    # and without the inline's management form at all
    data = {k: v for k, v in data.items() if not k.startswith("prize_tiers-")}
    assert client.post(url, data).status_code == 200
    assert snapshot() == before


def test_a_tier_added_in_the_contest_inline_over_the_budget_is_refused(owner):
    client, smart = owner
    url = reverse("admin:contests_contest_change", args=[smart.pk])
    data = form_data(client.get(url))
    n = int(data["prize_tiers-TOTAL_FORMS"])
    data |= {
        f"prize_tiers-{n}-code": "extra",
        f"prize_tiers-{n}-name_ko": "특별상",
        f"prize_tiers-{n}-order": "9",
        f"prize_tiers-{n}-count": "1",
        f"prize_tiers-{n}-amount": "1",
        f"prize_tiers-{n}-kind": "prize",
        "prize_tiers-TOTAL_FORMS": str(n + 1),
    }
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "시상 등급 합계가 290,000,001원으로" in response.content.decode()
    assert snapshot() == before


def _round_data(smart, **fields) -> dict:
    data = {
        "contest": smart.pk,
        "code": "r3",
        "name_ko": "3차",
        "order": 3,
        "kind": "rubric",
        "method": "mean",
        "calibration_lambda": "3",
        "weight": "0",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-0-code": "overall",
        "criteria-0-name_ko": "종합",
        "criteria-0-max_points": "100",
        "criteria-0-order": "0",
    }
    return data | fields


def test_a_round_added_with_an_empty_tie_break_has_none(owner):
    client, smart = owner
    response = client.post(reverse("admin:contests_round_add"), _round_data(smart, tie_break=""))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Round.objects.get(contest=smart, code="r3").tie_break == []


@pytest.mark.parametrize(
    ("tie_break", "message"),
    [
        ('"feasibility"', "기준 코드를 목록으로"),
        ('{"a": 1}', "기준 코드를 목록으로"),
        ("[1, 2]", "기준 코드를 목록으로"),
        ('["overall", "nope"]', "이 단계에 없는 기준이 있습니다: nope"),
    ],
)
def test_a_tie_break_that_is_not_a_list_of_its_criteria_is_a_form_error(owner, tie_break, message):
    client, smart = owner
    before = snapshot()
    response = client.post(
        reverse("admin:contests_round_add"), _round_data(smart, tie_break=tie_break)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


def test_the_user_admin_writes_addresses_and_phones_as_sign_up_does(student):
    superuser = user_make(Role.ORGANIZER, is_staff=True, is_superuser=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(superuser)
    data = {
        "username": "judge-new",
        "password1": "a-new-Pass-for-2021",
        "password2": "a-new-Pass-for-2021",
        "usable_password": "true",
        "role": "judge",
        "name": "심사위원",
        "email": student.email.upper(),
        "phone": "010-1",
        "affiliation": "",
    }
    before = snapshot()
    response = client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "이 이메일 주소로 가입한 계정이 이미 있습니다." in html
    assert "전화번호를 010-1234-5678, 02-123-4567처럼 입력해 주세요." in html
    assert snapshot() == before
    data |= {"email": " New.Judge@Example.com ", "phone": "+82 10 5555 6666"}
    assert client.post(reverse("admin:accounts_user_add"), data).status_code == 302
    created = User.objects.get(username="judge-new")
    assert (created.email, created.phone) == ("new.judge@example.com", "010-5555-6666")
