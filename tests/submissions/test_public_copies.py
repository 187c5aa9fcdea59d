"""The public gallery's copies are separate objects from the judges' (DOMAIN §10; issue 13,
item 14): a judge who noted the keys of the copies they saw cannot match codes to winners."""

import pytest
from django.core import signing

from core.storage.objectstore import FILE_TOKEN_SALT
from results.models import Publication
from submissions.models import EntryFile
from tests.conftest import client_for
from tests.results.test_results_api import publish_drawing

pytestmark = pytest.mark.django_db


def key_of(url: str) -> str:
    """The storage key a stable drawing URL leads to: it redirects to a filesystem-mode URL
    whose token is signed, not secret."""
    response = client_for(None).get(url)
    assert response.status_code == 302, url
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    return signing.loads(token, salt=FILE_TOKEN_SALT)["key"]


def folders(key: str) -> set[str]:
    return set(key.split("/")[:-1])


def test_published_drawings_are_served_from_their_own_objects(judged, organizer):
    publish_drawing(judged, organizer)
    judges_keys = {
        k
        for row in EntryFile.objects.values_list("preview_key", "thumbnail_key", "judge_key")
        for k in row
        if k
    }
    judges_folders = {f for k in judges_keys for f in folders(k)} - {"contests", "copies"}
    judges_folders -= {str(judged["drawing"].pk)}
    winners = Publication.objects.get(contest=judged["drawing"]).winners
    body = client_for(None).get("/api/v1/contests/wsce2021-drawing/results/").json()
    shown = [key_of(w[name]) for w in body["winners"] for name in ("image_url", "thumbnail_url")]
    assert len(shown) == 6 and len(set(shown)) == 6
    for key in shown + [w["preview_key"] for w in winners] + [w["thumbnail_key"] for w in winners]:
        assert key not in judges_keys
        assert not folders(key) & judges_folders, key  # not even the same random folder
    # the public copies are known to the file rows: the sweeper keeps them, a purge deletes them
    kept = {k for f in EntryFile.objects.all() for k in f.object_keys}
    assert set(shown) <= kept
