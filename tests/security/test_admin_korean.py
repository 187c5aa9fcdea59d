"""The admin in Korean (issue 14, "Admin fully Korean"): every changelist, add and change page
of every registered model, rendered for a superuser with ``Accept-Language: ko``, shows none of
our English labels (app, model and field names, help texts, choice labels, list columns,
filters, actions, the site's titles), no upper-case English word ("CONTESTS", "ORGANIZER"),
money with thousands separators and times as 24-hour KST."""

import html
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from accounts.enums import Role
from accounts.services import organizer_group
from contests.seed import kst, wsce2021_seed
from core.audit import audit_record
from tests.factories import user_make

pytestmark = pytest.mark.django_db

OUR_APPS = {"accounts", "contests", "core", "submissions", "judging", "results", "authtoken"}
# Upper-case words that are names, not untranslated labels.
ACRONYMS = {"API", "KST", "KRW", "PDF", "CSV", "XLSX", "JPEG", "PNG", "HEIC", "MP4", "URL", "ID"}
ACRONYMS |= {"WSCE", "SHA", "JSON", "QR", "UTC", "PC", "HTML", "LH", "KINTEX", "REAL", "SEE"}


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, form values or textarea contents (data)."""
    page = re.sub(r"<(script|style|textarea)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def _labels_of_model(model) -> set[str]:
    meta = model._meta
    labels = {str(meta.verbose_name), str(meta.verbose_name_plural)}
    labels.add(str(meta.app_config.verbose_name))
    for field in meta.get_fields():
        if not isinstance(field, models.Field):
            continue
        labels.add(str(field.verbose_name))
        if field.help_text:
            labels.add(str(field.help_text))
        for _value, label in field.flatchoices or []:
            labels.add(str(label))
    return labels


def our_english_labels() -> set[str]:
    """Every label our code gives the admin, in English."""
    labels: set[str] = set()
    with translation.override("en"):
        for model, model_admin in admin.site._registry.items():
            if model._meta.app_label not in OUR_APPS:
                continue
            labels |= _labels_of_model(model)
            for name in model_admin.list_display:
                attr = getattr(model_admin, name, None)
                if attr is not None and hasattr(attr, "short_description"):
                    labels.add(str(attr.short_description))
            for inline in model_admin.inlines:
                labels |= _labels_of_model(inline.model)
        for config in apps.get_app_configs():
            if config.label in OUR_APPS:
                labels.add(str(config.verbose_name))
        labels |= {str(admin.site.site_header), str(admin.site.site_title)}
        labels.add(str(admin.site.index_title))
    # one-letter and lower-case technical words ("id") are not labels a reader meets
    return {label for label in labels if len(label) > 2 and label.lower() != "id"}


@pytest.fixture
def superuser_client():
    smart, drawing = wsce2021_seed(demo_now=timezone.now())
    owner = user_make(Role.ORGANIZER, name="김운영", is_staff=True, is_superuser=True)
    owner.groups.add(organizer_group())
    smart.organizers.add(owner)
    drawing.organizers.add(owner)
    audit_record(actor=owner, action="results.publish", target=smart, contest=smart)
    Token.objects.create(user=owner)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(owner)
    return client


def admin_pages() -> list[str]:
    pages = ["/admin/"]
    for model, _model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        pages.append(reverse("admin:{}_{}_changelist".format(*info)))
        pages.append(reverse("admin:{}_{}_add".format(*info)))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            pages.append(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    return pages


def test_every_label_of_ours_has_a_korean_translation():
    untranslated = []
    for label in sorted(our_english_labels()):
        with translation.override("en"):
            english = label
        # find the lazy string again in Korean: labels are compared by their msgid
        with translation.override("ko"):
            korean = translation.gettext(english)
        if korean == english:
            untranslated.append(english)
    assert untranslated == []


def test_no_english_of_ours_on_any_korean_admin_page(superuser_client):
    english = our_english_labels()
    problems = []
    for url in admin_pages():
        response = superuser_client.get(url)
        if response.status_code == 403:  # add pages of read-only models
            continue
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert "김운영" in text, url  # the greeting names the person, not the user name
        for label in english:
            if re.search(rf"(?<![\w-]){re.escape(label)}(?![\w-])", text, flags=re.I):
                problems.append(f"{url}: {label!r}")
        for word in re.findall(r"\b[A-Z]{3,}\b", text):
            if word not in ACRONYMS:
                problems.append(f"{url}: {word}")
    assert problems == []


def test_money_has_separators_and_times_are_24_hour_kst(superuser_client):
    smart = wsce2021_seed()[0]
    smart.closes_at = kst(2021, 7, 31, 23, 59, 59)
    smart.save(update_fields=["closes_at"])
    listing = visible_text(superuser_client.get("/admin/contests/contest/").content.decode())
    assert "290,000,000원" in listing
    assert "2021-07-31 23:59" in listing  # KST, 24-hour
    assert "오후" not in listing and "PM" not in listing
    tiers = visible_text(superuser_client.get("/admin/contests/prizetier/").content.decode())
    assert "50,000,000원" in tiers and "50000000" not in tiers
    change = visible_text(
        superuser_client.get(f"/admin/contests/contest/{smart.pk}/change/").content.decode()
    )
    assert "현재 290,000,000원이고 시상 등급 합계는 290,000,000원입니다." in change


def test_permissions_read_as_words_and_saving_a_group_keeps_the_rest(superuser_client):
    group = organizer_group()
    held = set(group.permissions.values_list("pk", flat=True))
    page = superuser_client.get(f"/admin/auth/group/{group.pk}/change/")
    field = page.context["adminform"].form.fields["permissions"]
    labels = [label for _pk, label in field.choices]
    assert "공모전 | 시상 등급 | 추가 가능" in labels
    assert not any("Can " in str(label) for label in labels)
    shown = {int(str(pk)) for pk, _label in field.choices}
    assert held - shown  # the group holds permissions of models without admin pages
    response = superuser_client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {"name": group.name, "permissions": [str(pk) for pk in held & shown]},
    )
    assert response.status_code == 302
    assert set(group.permissions.values_list("pk", flat=True)) == held


def test_the_audit_trail_reads_as_words(superuser_client):
    listing = visible_text(superuser_client.get("/admin/core/auditrecord/").content.decode())
    assert "결과 발표" in listing and "공모전 #" in listing
    assert "results.publish" not in listing and "contests.contest" not in listing
