"""Reads of results: the live publication and its winners as the public sees them."""

from django.utils.translation import get_language, gettext

from contests.models import Contest
from core.errors import NotFound
from core.storage.objectstore import object_url
from results.models import Publication


def publication_live(contest: Contest) -> Publication | None:
    """The contest's live publication (at most one, by a database constraint), or None."""
    return Publication.objects.live().filter(contest=contest).first()


def results_public(contest: Contest) -> Publication:
    """The live publication, or NotFound (results do not exist for the public before)."""
    live = publication_live(contest)
    if live is None:
        raise NotFound()
    return live


def public_winner(w: dict) -> dict:
    """A winner row as the public sees it, in the reader's language; drawings only through
    short-lived signed URLs. The frozen row keeps both languages (publishing from an English
    screen must not put English names on the Korean page)."""
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
        row["image_url"] = object_url(
            key=w["preview_key"],
            filename="winner.jpg",
            as_attachment=False,
            content_type="image/jpeg",
        )
        row["thumbnail_url"] = object_url(
            key=w["thumbnail_key"],
            filename="winner-thumb.jpg",
            as_attachment=False,
            content_type="image/jpeg",
        )
    return row
