"""DOMAIN §10 "Accounts": security headers, a CSP without inline scripts, CSRF on session forms."""

import importlib
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from core.middleware import content_security_policy
from judging.models import Assignment
from judging.services.assignment import judges_assign
from submissions.models import Entry

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def browser(user, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def assert_secure_headers(response):
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.fixture
def pages(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])
    judge = judged["judges"][0]
    assignment = Assignment.objects.filter(judge=judge).first()
    entry = Entry.objects.filter(contest=judged["drawing"]).first()
    smart, drawing = judged["smart"].slug, judged["drawing"].slug
    return [
        (None, "/"),
        (None, reverse("contest-detail", args=[smart])),
        (None, reverse("login")),
        (None, reverse("register")),
        (None, reverse("password_reset")),
        (None, "/api/v1/docs/"),
        (None, "/api/v1/contests/"),
        (entry.owner, reverse("my-entries")),
        (entry.owner, reverse("entry-detail", args=[entry.pk])),
        (entry.owner, reverse("entry-new", args=[smart])),
        (judge, reverse("judge-queue")),
        (judge, reverse("judge-assignment", args=[assignment.pk])),
        (organizer, reverse("organizer-contest", args=[drawing])),
        (organizer, reverse("organizer-round", args=[drawing, judged["prelim"].pk])),
        (organizer, reverse("organizer-entries", args=[drawing])),
        (organizer, reverse("admin:index")),
    ]


def test_every_page_carries_the_security_headers(pages):
    for user, url in pages:
        response = browser(user).get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_secure_headers(response)
        if "text/html" in response["Content-Type"]:
            html = response.content.decode()
            # every <script> has a src: nothing inline that the CSP would have to allow
            for tag, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S):
                assert "src=" in tag and not body.strip(), (url, tag, body[:80])
            assert not re.search(r"\son[a-z]+\s*=", html), url


def test_errors_carry_the_headers_too(db):
    assert_secure_headers(Client().get("/no-such-page/"))
    assert_secure_headers(Client().get("/api/v1/me/"))


def test_no_template_has_inline_script_or_event_handler_attributes():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.S):
            if "src=" not in tag or body.strip():
                offenders.append(f"{path}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offenders.append(f"{path}: on…= handler")
        if "javascript:" in text:
            offenders.append(f"{path}: javascript: URL")
    assert offenders == []


def test_confirmation_lives_in_a_static_script_loaded_on_every_page(db):
    html = Client().get("/").content.decode()
    assert "js/confirm.js" in html
    assert (Path(settings.BASE_DIR) / "static/js/confirm.js").exists()


@override_settings(
    STORAGE_BACKEND="s3",
    STORAGES={
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "b", "endpoint_url": "https://kr.object.example.com/x"},
        },
    },
)
def test_csp_lets_browsers_talk_to_the_object_store_and_nothing_else():

    directives = dict(d.strip().split(" ", 1) for d in content_security_policy().split(";"))
    store = "https://kr.object.example.com"
    for name in ("img-src", "connect-src", "form-action"):
        assert store in directives[name]
    assert store not in directives["script-src"]


def test_hsts_and_secure_cookies_in_production(monkeypatch):
    """Production settings (DEBUG off) send HSTS for a year with subdomains and preload."""

    monkeypatch.setenv("DJANGO_DEBUG", "0")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 60)
    sys.modules.pop("config.settings", None)
    try:
        prod = importlib.import_module("config.settings")
        assert prod.SECURE_HSTS_SECONDS >= 31_536_000
        assert prod.SECURE_HSTS_INCLUDE_SUBDOMAINS and prod.SECURE_HSTS_PRELOAD
        assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
        assert prod.SECURE_SSL_REDIRECT
        assert "core.middleware.SecurityHeadersMiddleware" in prod.MIDDLEWARE
    finally:
        sys.modules.pop("config.settings", None)


# ---- CSRF on session forms ------------------------------------------------------------------


def test_session_forms_refuse_a_post_without_csrf_token(pages, judged, student):
    judge = judged["judges"][0]
    assignment = Assignment.objects.filter(judge=judge).first()
    entry = Entry.objects.filter(contest=judged["drawing"]).first()
    organizer = judged["drawing"].organizers.first()
    status_before = entry.status
    cases = [
        (None, reverse("login"), {"username": student.username, "password": "x"}),
        (None, reverse("register"), {"username": "new", "password": "x"}),
        (student, reverse("logout"), {}),
        (entry.owner, reverse("entry-withdraw", args=[entry.pk]), {}),
        (judge, reverse("judge-recuse", args=[assignment.pk]), {"reason": "x"}),
        (
            organizer,
            reverse("organizer-results-action", args=[judged["drawing"].slug, "publish"]),
            {},
        ),
        (None, "/i18n/setlang/", {"language": "en"}),
    ]
    for user, url, data in cases:
        response = browser(user, enforce_csrf_checks=True).post(url, data)
        assert response.status_code == 403, url
    entry.refresh_from_db()
    assert entry.status == status_before
    assert Assignment.objects.filter(judge=judge, recused_at__isnull=False).count() == 0


def test_api_with_session_needs_csrf_but_token_does_not(judged):
    entry = Entry.objects.filter(contest=judged["drawing"]).first()
    url = f"/api/v1/entries/{entry.pk}/withdraw/"
    response = browser(entry.owner, enforce_csrf_checks=True).post(url)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    entry.refresh_from_db()
    assert entry.status != "withdrawn"
