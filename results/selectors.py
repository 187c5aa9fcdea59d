"""Reads of results: the live publication and its winners as the public sees them."""

import functools
from collections.abc import Callable

from django.db import connection
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils.translation import get_language, gettext

from contests.enums import PUBLIC_STATUSES
from contests.models import Contest
from core.errors import NotFound
from core.storage.objectstore import object_url
from results.models import Publication

# The two sizes of a published drawing: a stable app URL names one, a signed URL serves it.
DRAWING_SIZES = {"preview": "preview_key", "thumbnail": "thumbnail_key"}


def publication_live(contest: Contest) -> Publication | None:
    """The contest's live publication (at most one, by a database constraint), or None."""
    return Publication.objects.live().filter(contest=contest).first()


def results_public(contest: Contest) -> Publication:
    """The live publication, or NotFound (results do not exist for the public before)."""
    live = publication_live(contest)
    if live is None:
        raise NotFound()
    return live


def publication_public_get(*, slug: str, pk: int | None = None) -> Publication | None:
    """The live publication of the public contest ``slug`` (and primary key ``pk`` when
    given), its contest joined and its winners not loaded: read them with
    :func:`public_winners` only when no cached copy answers. None when there is none — the
    caller then takes the ordinary path (a 404, or an organizer looking at a draft contest)."""
    found = Publication.objects.live().filter(
        contest__slug=slug, contest__status__in=PUBLIC_STATUSES
    )
    if pk is not None:
        found = found.filter(pk=pk)
    return found.select_related("contest").defer("winners").first()


def publication_version(pk: int, published_at) -> str:
    """What changes whenever the public results change: a new publication is a new row (the
    time guards against a primary key used again, as SQLite does after a rollback)."""
    stamp = published_at.timestamp() if hasattr(published_at, "timestamp") else published_at
    return f"{pk}.{stamp}"


@functools.cache
def _public_version_sql() -> str:
    q = connection.ops.quote_name
    statuses = ", ".join(["%s"] * len(PUBLIC_STATUSES))
    publications, contests = q(Publication._meta.db_table), q(Contest._meta.db_table)
    return (
        f"SELECT p.{q('id')}, p.{q('published_at')} FROM {publications} p"  # noqa: S608 (names from the models)
        f" JOIN {contests} c ON c.{q('id')} = p.{q('contest_id')}"
        f" WHERE c.{q('slug')} = %s AND c.{q('status')} IN ({statuses})"
        f" AND p.{q('unpublished_at')} IS NULL"
    )


def publication_public_version(*, slug: str) -> tuple[int, str] | None:
    """The primary key and version of what :func:`publication_public_get` would find — the
    same rule — as one prepared SQL read: the only query of a cached JSON response, on the
    public results' busiest path (0.04 ms of CPU; the ORM building it took 0.3–0.5 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(_public_version_sql(), [slug, *PUBLIC_STATUSES])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], publication_version(*row)


def public_winner(w: dict, *, drawing_url: Callable[[str], str]) -> dict:
    """A winner row as the public sees it, in the reader's language. The frozen row keeps both
    languages (publishing from an English screen must not put English names on the Korean page).
    A consented drawing is named by ``drawing_url(size)``: a stable app URL that redirects to a
    short-lived signed one (:func:`public_drawing_url`), so that the row can be cached."""
    english = (get_language() or "ko").startswith("en")
    row = {k: w.get(k) for k in ("title", "amount", "joint")}
    row["tier"] = w.get("tier_en") if english and w.get("tier_en") else w.get("tier")
    row["division"] = (
        w.get("division_en") if english and w.get("division_en") else w.get("division")
    )
    row["name"] = w.get("name") or gettext("(name withheld)")
    if "university" in w:
        row["university"] = w["university"]
    if "school" in w:
        row["school"] = w["school"] or None
    if w.get("preview_key"):
        row["image_url"] = drawing_url("preview")
        row["thumbnail_url"] = drawing_url("thumbnail")
    return row


def public_winners(publication: Publication) -> list[dict]:
    """The publication's winners as the public sees them, drawings by their stable URLs
    (``/contests/<slug>/results/<publication>/<n>/<size>/``): the same bytes for every reader
    of one language, so a page or JSON built from them can be cached for the publication's
    life."""
    slug = publication.contest.slug

    def urls(n: int):
        return lambda size: reverse("contest-results-drawing", args=[slug, publication.pk, n, size])

    return [public_winner(w, drawing_url=urls(n)) for n, w in enumerate(publication.winners)]


def tiers_without_winner(contest: Contest, winners: list[dict]) -> list[dict]:
    """The contest's prize tiers that no published winner holds (해당작 없음), in the reader's
    language: ``{"tier", "division"}`` (division None for a contest-wide tier). The frozen
    rows name their tier by code and their division by its Korean name. One query."""
    held = {(w.get("tier_code"), w.get("division")) for w in winners}
    held_anywhere = {w.get("tier_code") for w in winners}
    empty = []
    for tier in contest.prize_tiers.select_related("division"):
        if tier.division is None:
            taken = tier.code in held_anywhere
        else:
            taken = (tier.code, tier.division.name_ko) in held
        if not taken:
            empty.append(
                {"tier": tier.name, "division": tier.division.name if tier.division else None}
            )
    return empty


def preview_winners(rows: list[dict]) -> list[dict]:
    """Winner rows before publication, for the organizer's preview: the drawings through
    short-lived signed URLs of their re-encoded copies (the public gallery's own copies are
    made only when the results are published)."""

    def signed(w: dict):
        keys = {"preview": w.get("preview_key"), "thumbnail": w.get("thumbnail_key")}
        return lambda size: object_url(
            key=keys[size], filename=f"winner-{size}.jpg", as_attachment=False,
            content_type="image/jpeg",
        )  # fmt: skip

    return [public_winner(w, drawing_url=signed(w)) for w in rows]


def public_drawing_url(*, slug: str, publication_id: int, index: int, size: str) -> str:
    """A short-lived signed URL of the ``index``-th winner's drawing in the live publication
    ``publication_id`` of the public contest ``slug``, at ``size``; NotFound when the drawing
    is not public (unpublished, superseded, no consent, no such winner or size). One query."""
    field = DRAWING_SIZES.get(size)
    if field is None or index < 0:
        raise NotFound()
    key = (
        Publication.objects.live()
        .filter(pk=publication_id, contest__slug=slug, contest__status__in=PUBLIC_STATUSES)
        .values_list(KT(f"winners__{index}__{field}"), flat=True)
        .first()
    )
    if not key:
        raise NotFound()
    return object_url(
        key=key, filename=f"winner-{size}.jpg", as_attachment=False, content_type="image/jpeg"
    )
