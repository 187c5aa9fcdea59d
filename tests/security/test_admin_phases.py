"""The admin is no way around the phases (issue 14, DOMAIN §2 "Phases"): the settings' phase
rule (``contests.changes``) guards the contest's form, its inlines, the round's criteria, the
standalone pages and deletions — for organizers and superusers alike — in Korean; a refusal
saves nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import organizer_group
from contests.enums import ContestStatus
from contests.models import Contest
from tests.factories import submissions_reopen
from tests.security.test_admin_matrix import form_data, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(wsce, organizer):
    smart, _drawing = wsce
    organizer.groups.add(organizer_group())
    smart.organizers.add(organizer)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(organizer)
    return client, smart


def errors_of(response) -> str:
    assert response.status_code == 200, "the form again, with the refusal"
    form = response.context["adminform"].form
    texts = [str(e) for e in form.non_field_errors()] + [
        str(e) for name in form.errors for e in form.errors[name]
    ]
    for inline in response.context["inline_admin_formsets"]:
        texts += [str(e) for e in inline.formset.non_form_errors()]
        texts += [str(e) for f in inline.formset.errors for v in f.values() for e in v]
    return " ".join(texts)


def contest_post(client, contest: Contest, **changes):
    url = reverse("admin:contests_contest_change", args=[contest.pk])
    data = form_data(client.get(url))
    data.update({k: str(v) for k, v in changes.items()})
    return client.post(url, data)


@pytest.mark.parametrize("status", ["published", "archived", "judging"])
def test_the_status_cannot_be_set_to_published_by_hand(owner, status):
    client, smart = owner
    submissions_reopen(smart)
    before = snapshot()
    response = contest_post(client, smart, status=status)
    assert "결과 공개와 공개 취소는" in errors_of(response)
    assert "작성 중 또는 접수 중을 고르세요" in str(
        response.context["adminform"].form["status"].errors
    )
    assert snapshot() == before


def test_not_even_a_superuser_publishes_by_hand(wsce, admin_client):
    smart, _ = wsce
    before = snapshot()
    response = contest_post(admin_client, smart, status="published")
    assert response.status_code == 200
    assert snapshot() == before


def test_the_deadline_cannot_move_once_passed(owner):
    client, smart = owner  # the 2021 calendar: the deadline has passed
    before = snapshot()
    later = (timezone.now() + timedelta(days=3)).astimezone(timezone.get_current_timezone())
    text = errors_of(
        contest_post(
            client,
            smart,
            closes_at_0=later.strftime("%Y-%m-%d"),
            closes_at_1=later.strftime("%H:%M:%S"),
        )
    )
    assert "마감이 지나 마감 시각은 옮길 수 없습니다" in text
    assert snapshot() == before


def test_before_the_deadline_it_moves(owner):
    client, smart = owner
    submissions_reopen(smart)
    later = smart.closes_at.astimezone(timezone.get_current_timezone()) + timedelta(days=2)
    response = contest_post(
        client,
        smart,
        closes_at_0=later.strftime("%Y-%m-%d"),
        closes_at_1=later.strftime("%H:%M:%S"),
    )
    assert response.status_code == 302
    smart.refresh_from_db()
    assert smart.closes_at == later.replace(microsecond=0)


def test_criteria_are_fixed_after_the_deadline_but_names_change(owner):
    client, smart = owner
    rnd = smart.rounds.order_by("order").first()
    url = reverse("admin:contests_round_change", args=[rnd.pk])
    page = client.get(url)
    data = form_data(page)
    prefix = page.context["inline_admin_formsets"][0].formset.prefix
    before = snapshot()
    reshaped = data | {f"{prefix}-0-max_points": "7"}
    assert "접수 마감이 지났습니다" in errors_of(client.post(url, reshaped))
    assert snapshot() == before
    renamed = data | {f"{prefix}-0-name_ko": "실현 가능성(수정)"}
    assert client.post(url, renamed).status_code == 302
    assert rnd.criteria.filter(name_ko="실현 가능성(수정)").exists()


def test_a_round_cannot_be_deleted_after_the_deadline(owner):
    client, smart = owner
    rnd = smart.rounds.order_by("order").first()
    before = snapshot()
    assert client.post(reverse("admin:contests_round_delete", args=[rnd.pk]), {"post": "yes"})
    assert client.get(reverse("admin:contests_round_delete", args=[rnd.pk])).status_code == 403
    client.post(
        reverse("admin:contests_round_changelist"),
        {"action": "delete_selected", "_selected_action": [rnd.pk], "post": "yes"},
    )
    assert snapshot() == before


def test_nothing_changes_while_the_results_are_published(owner):
    client, smart = owner
    Contest.objects.filter(pk=smart.pk).update(status=ContestStatus.PUBLISHED)
    tier = smart.prize_tiers.get(code="grand")
    url = reverse("admin:contests_prizetier_change", args=[tier.pk])
    data = form_data(client.get(url)) | {"amount": str(tier.amount - 1)}
    before = snapshot()
    assert "결과가 공개되어 공모전 설정도 함께 고정되었습니다" in errors_of(client.post(url, data))
    assert snapshot() == before
    # posting a page back unchanged is still fine (nothing to refuse)
    assert client.post(url, form_data(client.get(url))).status_code == 302
