"""Published results served like static content (results/public_cache.py).

The JSON and the page of one publication are cached per publication version and language: a
cached response makes one query (the live version), a matching If-None-Match gets a 304, an
unpublication or republication shows at once, Korean and English are separate entries, and
the drawings are named by stable URLs that redirect to signed ones made per request — cached
bytes never carry a signature that could expire.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from results import public_cache
from results.services.publication import results_publish, results_unpublish
from submissions.models import Entry
from tests.conftest import client_for
from tests.results.test_results_api import publish_drawing

pytestmark = pytest.mark.django_db

API = "/api/v1/contests/wsce2021-drawing/results/"
PAGE = "/contests/wsce2021-drawing/results/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(judged, organizer):
    publish_drawing(judged, organizer)
    return judged["drawing"]


def republish_with_a_new_title(contest, organizer) -> str:
    """Unpublish, retitle the first winner's drawing, publish again: the new title."""
    results_unpublish(user=organizer, contest=contest, reason="제목 정정")
    entry = Entry.objects.filter(contest=contest, status="awarded").order_by("pk").first()
    entry.title = "고친 제목: 우리 동네 스마트 버스"
    entry.save(update_fields=["title"])
    results_publish(user=organizer, contest=contest)
    return entry.title


# ---- the JSON ---------------------------------------------------------------------------


def test_a_cached_json_response_makes_one_query(published, django_assert_num_queries):
    anon = Client()
    first = anon.get(API)

    with django_assert_num_queries(1):  # the live version; the bytes come from the cache
        again = anon.get(API)

    assert first.status_code == again.status_code == 200
    assert again.content == first.content
    assert len(again.json()["winners"]) == 3


def test_json_is_public_for_a_minute_with_an_etag_and_a_304(published, django_assert_num_queries):
    anon = Client()
    first = anon.get(API)

    assert first["Cache-Control"] == "public, max-age=0, s-maxage=60"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in first["Vary"].split(",")}
    etag = first["ETag"]
    assert etag.startswith('"') and len(etag) == 34  # strong: the same bytes for everybody
    with django_assert_num_queries(1):
        unchanged = anon.get(API, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    assert unchanged["Cache-Control"] == first["Cache-Control"]
    assert anon.get(API, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_unpublish_and_republish_show_at_once(published, organizer):
    anon = Client()
    before = anon.get(API)
    etag = before["ETag"]

    results_unpublish(user=organizer, contest=published, reason="심사 오류 정정")
    gone = anon.get(API, HTTP_IF_NONE_MATCH=etag)
    page_gone = anon.get(PAGE)

    assert gone.status_code == 404  # the cached copy is never served again
    assert page_gone.status_code == 404

    results_publish(user=organizer, contest=published)
    entry = Entry.objects.filter(contest=published, status="awarded").order_by("pk").first()
    entry.title = "바뀐 제목"  # frozen rows: a later edit shows only after a republication
    entry.save(update_fields=["title"])
    titles = [w["title"] for w in before.json()["winners"]]
    assert [w["title"] for w in anon.get(API).json()["winners"]] == titles

    title = republish_with_a_new_title(published, organizer)
    after = anon.get(API, HTTP_IF_NONE_MATCH=etag)

    assert after.status_code == 200  # a new version: the old ETag no longer matches
    assert after["ETag"] != etag
    assert title in after.content.decode()
    assert title in anon.get(PAGE).content.decode()


def test_korean_and_english_are_separate_entries(published, django_assert_num_queries):
    anon = Client()
    korean = anon.get(API)
    english = anon.get(API, HTTP_ACCEPT_LANGUAGE="en")

    assert [w["tier"] for w in korean.json()["winners"]] == ["대상"] * 3
    assert [w["tier"] for w in english.json()["winners"]] == ["Grand prize"] * 3
    assert korean["ETag"] != english["ETag"]
    with django_assert_num_queries(1):
        assert anon.get(API, HTTP_ACCEPT_LANGUAGE="en").content == english.content
    with django_assert_num_queries(1):
        assert anon.get(API, HTTP_ACCEPT_LANGUAGE="ko").content == korean.content


def test_a_draft_contests_organizer_is_not_served_from_the_public_cache(published, organizer):
    Client().get(API)  # cached while public
    published.status = "draft"
    published.save(update_fields=["status"])

    assert Client().get(API).status_code == 404
    mine = client_for(organizer).get(API)
    assert mine.status_code == 200
    assert mine["Cache-Control"] == "private, no-store"


# ---- the drawings -------------------------------------------------------------------------


def test_drawings_are_stable_urls_that_redirect_to_signed_ones(published, organizer):
    body = Client().get(API)
    winners = body.json()["winners"]
    publication = published.publications.get(unpublished_at__isnull=True)
    base = f"http://testserver/contests/wsce2021-drawing/results/{publication.pk}"

    assert [(w["image_url"], w["thumbnail_url"]) for w in winners] == [
        (f"{base}/{n}/preview/", f"{base}/{n}/thumbnail/") for n in range(3)
    ]
    assert b"/files/" not in body.content  # no signature in the cached bytes

    anon = Client()
    redirect = anon.get(winners[0]["thumbnail_url"])
    assert redirect.status_code == 302
    assert redirect["Location"].startswith("/files/")  # filesystem mode's signed URL
    assert redirect["Cache-Control"] == "public, max-age=60"  # well inside the URL's life
    assert settings.SIGNED_URL_SECONDS - 60 >= 240  # a redirect kept 60 s: 4 minutes left
    image = anon.get(redirect["Location"])
    assert image.status_code == 200
    assert image["Content-Type"] == "image/jpeg"
    assert anon.get(winners[0]["image_url"]).status_code == 302

    results_unpublish(user=organizer, contest=published, reason="동의 철회")
    assert anon.get(winners[0]["thumbnail_url"]).status_code == 404  # at once


@pytest.mark.parametrize("tail", ["3/preview/", "0/original/", "0/judge/"])
def test_only_published_drawings_have_a_url(published, tail):
    publication = published.publications.get(unpublished_at__isnull=True)
    url = f"/contests/wsce2021-drawing/results/{publication.pk}/{tail}"

    assert Client().get(url).status_code == 404
    other = f"/contests/wsce2021-drawing/results/{publication.pk + 1}/0/preview/"
    assert Client().get(other).status_code == 404  # not this contest's live publication


def test_a_winner_without_consent_has_no_drawing_url(published, organizer):
    results_unpublish(user=organizer, contest=published, reason="동의 철회")
    entry = Entry.objects.filter(contest=published, status="awarded").order_by("pk").first()
    entry.consents.filter(kind="publish_work").delete()
    results_publish(user=organizer, contest=published)
    publication = published.publications.get(unpublished_at__isnull=True)
    winners = Client().get(API).json()["winners"]
    n = next(i for i, w in enumerate(publication.winners) if "preview_key" not in w)

    assert "image_url" not in winners[n]
    url = f"/contests/wsce2021-drawing/results/{publication.pk}/{n}/preview/"
    assert Client().get(url).status_code == 404


# ---- the page -----------------------------------------------------------------------------


def test_a_cached_page_makes_one_query(published, django_assert_num_queries):
    anon = Client()
    first = anon.get(PAGE)

    with django_assert_num_queries(1):
        again = Client().get(PAGE)  # another visitor: the winners part comes from the cache

    assert first.status_code == again.status_code == 200
    html = again.content.decode()
    assert 'class="gallery"' in html and "대상" in html
    assert "/files/" not in html  # the gallery links are the stable URLs
    publication = published.publications.get(unpublished_at__isnull=True)
    assert f"/contests/wsce2021-drawing/results/{publication.pk}/0/thumbnail/" in html


def test_the_page_is_private_and_answers_304_to_the_same_visitor(
    published, django_assert_num_queries
):
    anon = Client()
    first = anon.get(PAGE)  # sets the visitor's CSRF cookie (the language switch)

    assert first["Cache-Control"] == "private, no-cache"  # personalised: never a CDN's
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with django_assert_num_queries(1):
        unchanged = anon.get(PAGE, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    # another visitor (another CSRF secret) with the same ETag gets the whole page
    assert Client().get(PAGE, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_logged_in_visitor_sees_their_own_header(published, guardian):
    Client().get(PAGE)  # cached by an anonymous visitor
    mine = Client()
    mine.force_login(guardian)

    html = mine.get(PAGE).content.decode()

    assert str(guardian) in html  # the header is rendered per request
    assert 'class="gallery"' in html


def test_page_languages_are_separate_entries(published):
    korean = Client().get(PAGE).content.decode()
    english = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "대상" in korean and "Grand prize" not in korean
    assert "Grand prize" in english


def test_a_deploy_that_changes_the_templates_or_code_starts_new_entries(published, monkeypatch):
    anon = Client()
    anon.get(API)
    anon.get(PAGE)
    assert len(public_cache.release()) == 8

    monkeypatch.setattr(public_cache, "release", lambda: "nextrel0")  # as after a deploy
    with CaptureQueriesContext(connection) as json_queries:
        assert anon.get(API).status_code == 200
    with CaptureQueriesContext(connection) as page_queries:
        assert Client().get(PAGE).status_code == 200

    assert len(json_queries) > 1  # rebuilt: the old entry is not served by the new code
    assert len(page_queries) > 1
