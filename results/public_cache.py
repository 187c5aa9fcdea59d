"""Published results served like static content: cached, validated, kept by CDNs.

A publication is frozen — its public rows never change, and republishing makes a new one — so
the results of one publication, in one language, are the same for every reader. Both ways to
read them (``/contests/<slug>/results/`` and ``GET /api/v1/contests/<slug>/results/``):

* look up the live publication first (:func:`results.selectors.publication_public_get`, one
  indexed query) and key the cached copy by its **version** (primary key and publication time)
  and the language. Unpublishing or republishing changes what that query finds, so it shows at
  once in every worker with any cache backend, the per-process default included; old entries
  are never read again and expire.
* answer ``If-None-Match`` with ``304 Not Modified``;
* carry :func:`release` in keys and ETags: a deploy that changes the templates or the code
  making the bytes never serves an old copy from a shared cache.

The JSON is the same bytes for everybody: strong ETag (its SHA-256) and ``Cache-Control:
public, max-age=0, s-maxage=60`` — a CDN or proxy keeps it a minute, browsers revalidate (304).
The page carries each visitor's CSRF token (the language switch) and login state in its header,
so it stays ``private``: its winners part is the cached fragment, the header is rendered per
request, and its weak ETag covers the version, language, user and CSRF secret.

Drawings are named by stable app URLs that redirect to a signed URL made per request
(:func:`results.selectors.public_drawing_url`): cached bytes never hold a signature that could
expire, and an unpublished drawing stops being served at once.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Callable
from pathlib import Path

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import get_template
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import get_language

from results import selectors
from results.models import Publication
from results.selectors import publication_version

PAGE_TEMPLATE = "results/public.html"

CACHE_SECONDS = 24 * 3600  # how long a cached copy of a live publication is kept
CDN_SECONDS = 60  # how long a CDN may serve the JSON without asking again
REDIRECT_SECONDS = 60  # a drawing's redirect: well inside the signed URL's 300 s
PUBLIC = f"public, max-age=0, s-maxage={CDN_SECONDS}"
PRIVATE = "private, no-cache"  # the browser keeps the page and revalidates it (ETag → 304)
VARY = ("Accept-Language", "Cookie")  # the language comes from the header or the cookie


@functools.cache
def release() -> str:
    """A fingerprint of what the cached bytes are made with — the page's templates, the rows'
    selectors and this module — so that a deploy changing any of them starts new entries and
    ETags even in a shared cache (Redis) that outlives the workers. The same for every worker
    of one deploy."""
    sources = [get_template(name).template.source for name in ("base.html", PAGE_TEMPLATE)]
    sources += [Path(module.__file__).read_text() for module in (selectors, sys.modules[__name__])]
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:8]


def version(publication: Publication) -> str:
    """The key of a publication's cached copies: its version, and this deploy's release."""
    return f"{publication_version(publication.pk, publication.published_at)}.{release()}"


def cached_bytes(key: str, build: Callable[[], bytes]) -> tuple[bytes, str]:
    """``build()`` once per key: the bytes and their strong ETag, from the cache afterwards."""
    hit = cache.get(key)
    if hit is None:
        body = build()
        hit = (body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        cache.set(key, hit, CACHE_SECONDS)
    return hit


def json_key(version: str, request: HttpRequest) -> str:
    """The JSON holds absolute URLs of the drawings, so the site's origin is part of the key."""
    origin = request.build_absolute_uri("/")
    return f"results:json:{version}.{release()}:{get_language()}:{origin}"


def public_json(request: HttpRequest, body: bytes, etag: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = PUBLIC
    patch_vary_headers(response, VARY)
    return get_conditional_response(request, etag=etag, response=response)


def page_etag(request: HttpRequest, publication: Publication) -> str | None:
    """The page's weak ETag, or None before the visitor has a CSRF cookie (nothing to match)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    user = request.user.pk if request.user.is_authenticated else 0
    seed = f"{version(publication)}|{get_language()}|{user}|{secret}"
    return 'W/"' + hashlib.sha256(seed.encode()).hexdigest()[:32] + '"'


def private_page(request: HttpRequest, response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag:
        response["ETag"] = etag
    response["Cache-Control"] = PRIVATE
    patch_vary_headers(response, VARY)
    return response


def page_not_modified(request: HttpRequest, publication: Publication) -> HttpResponse | None:
    """304 when the visitor's copy of the page is the one we would render, else None."""
    etag = page_etag(request, publication)
    if etag is None:
        return None
    probe = private_page(request, HttpResponse(), etag)
    answer = get_conditional_response(request, etag=etag, response=probe)
    return answer if answer.status_code == 304 else None


def drawing_redirect(url: str) -> HttpResponse:
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = f"public, max-age={REDIRECT_SECONDS}"
    return response
