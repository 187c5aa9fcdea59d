import pytest
from django.urls import reverse

from accounts.services import organizer_group
from contests.enums import ContestStatus
from tests.factories import contest_make, submissions_reopen

pytestmark = pytest.mark.django_db


def test_home_lists_both_contests_in_korean(client, wsce):
    html = client.get("/").content.decode()
    assert "2021 월드스마트시티엑스포 스마트시티 실증 공모전" in html
    assert "2021 월드스마트시티엑스포 어린이 그림그리기 공모전" in html
    assert "스마트시티, 현실이 되다" in html


def test_contest_page_shows_schedule_rubric_prizes_and_total(client, wsce):
    html = client.get("/contests/wsce2021-smart-city/").content.decode()
    assert "2021-07-31 23:59:59" in html  # deadline in KST, to the second
    assert "1차 서류심사" in html and "2차 발표심사" in html
    assert "실현가능성" in html and "발표" in html
    assert "50,000,000" in html
    assert '<td class="num total">290,000,000</td>' in html
    assert "모빌리티" in html


def test_drawing_page_shows_age_divisions_and_certificates(client, wsce):
    html = client.get("/contests/wsce2021-drawing/").content.decode()
    assert "2015~2017년생" in html
    assert "상장" in html  # 입선 is a certificate, 0 KRW
    assert '<td class="num total">6,600,000</td>' in html


def test_language_switch_keeps_the_page(client, wsce):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/contests/wsce2021-drawing/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/contests/wsce2021-drawing/"
    html = client.get("/contests/wsce2021-drawing/").content.decode()
    assert "WSCE 2021 Children&#x27;s Drawing Contest" in html
    assert "Total prize money" in html
    assert "Pre-school" in html


def test_draft_contest_page_is_404_for_the_public(client):
    draft = contest_make(status=ContestStatus.DRAFT)
    assert client.get(f"/contests/{draft.slug}/").status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_home_query_count(client, django_assert_num_queries, n):
    for _ in range(n):
        contest_make()
    with django_assert_num_queries(1):
        client.get("/")


@pytest.mark.parametrize("n", [1, 3])
def test_contest_page_query_count(client, django_assert_num_queries, n):
    contest = contest_make()
    for i in range(n - 1):
        contest.divisions.create(code=f"extra{i}", name_ko=f"부문{i}")
    with django_assert_num_queries(5):
        client.get(f"/contests/{contest.slug}/")


def test_organizer_configures_a_contest_in_the_admin(client, organizer, wsce):

    smart, drawing = wsce
    organizer.groups.add(organizer_group())
    smart.organizers.add(organizer)
    client.force_login(organizer)
    response = client.get(reverse("admin:contests_contest_change", args=[smart.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "시상 등급" in html  # Korean labels
    # An organizer sees only the contests they run.
    listing = client.get(reverse("admin:contests_contest_changelist")).content.decode()
    assert smart.title_ko in listing and drawing.title_ko not in listing
    assert client.get(reverse("admin:contests_contest_change", args=[drawing.pk])).status_code in (
        302,
        404,
    )


def test_admin_refuses_a_rubric_that_does_not_sum_to_100(client, organizer, wsce):
    smart, _ = wsce
    submissions_reopen(smart)  # before the deadline, when criteria may still change
    organizer.groups.add(organizer_group())
    smart.organizers.add(organizer)
    client.force_login(organizer)
    rnd = smart.rounds.get(code="r1")
    criteria = list(rnd.criteria.order_by("order"))
    data = {
        "contest": smart.pk,
        "code": rnd.code,
        "name_ko": rnd.name_ko,
        "name_en": rnd.name_en,
        "order": rnd.order,
        "judges_per_entry": 3,
        "method": rnd.method,
        "tie_break": '["feasibility", "creativity"]',
        "advance_count": 30,
        "weight": "30",
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, c in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": c.pk,
                f"criteria-{i}-round": rnd.pk,
                f"criteria-{i}-code": c.code,
                f"criteria-{i}-name_ko": c.name_ko,
                f"criteria-{i}-name_en": c.name_en,
                f"criteria-{i}-max_points": c.max_points + (5 if i == 0 else 0),
                f"criteria-{i}-order": c.order,
            }
        )
    response = client.post(reverse("admin:contests_round_change", args=[rnd.pk]), data)
    assert response.status_code == 200  # the form comes back with the error
    assert "배점 합계가 105점입니다" in response.content.decode()
    assert rnd.criteria.get(code="creativity").max_points == 25  # nothing saved
