"""A file link handed to a judge re-checks the judge's permission when it is followed
(DOMAIN §10 "People": consent withdrawal cuts judge access at once; issue 13, item 10).

Links are the app's own (``/judging/files/<token>/``, the token signed and short-lived):
filesystem mode serves the judges' copy from there, S3 mode redirects to a fresh presigned URL
of at most 60 seconds. Both only after checking that the assignment is still the judge's and
the entry may still be judged. Before, a link kept working until it expired (5 minutes).
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client

from judging.models import Assignment, PanelMember
from judging.services.assignment import judges_assign
from tests.conftest import client_for
from tests.factories import demo_world_make, judging_open, user_make

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["filesystem", "s3"])
def storage(request):
    if request.param == "s3":
        return request.getfixturevalue("s3_storage")
    return None


@pytest.fixture
def link(storage, organizer):
    """A judge's link to a drawing's re-encoded copy, with the world it lives in. The demo is
    made inside the storage mode under test, so its copies are stored there."""
    _smart, drawing = demo_world_make(proposals=1, drawings=4)
    judging_open(_smart, drawing)  # the deadline passed: judging may start (phases)
    drawing.organizers.add(organizer)
    prelim = drawing.rounds.get(code="prelim")
    for i in range(3):
        PanelMember.objects.create(round=prelim, judge=user_make("judge", affiliation=f"대{i}"))
    judges_assign(user=organizer, round=prelim)
    assignment = Assignment.objects.filter(round=prelim).order_by("pk").first()
    item = client_for(assignment.judge).get(f"/api/v1/judging/assignments/{assignment.pk}/")
    url = item.json()["files"][0]["url"]
    return {"url": url, "assignment": assignment, "s3": storage}


def follow(link, url=None) -> tuple[int, bytes]:
    """Follow a judge's link as a browser would (the app, then S3 if it redirects there)."""
    response = Client().get((url or link["url"]).removeprefix("http://testserver"))
    if response.status_code == 302 and link["s3"] is not None:
        location = response["Location"]
        assert location.startswith(link["s3"].endpoint)
        expires = int(parse_qs(urlsplit(location).query)["X-Amz-Expires"][0])
        assert expires <= 60
        fetched = requests.get(location, timeout=10)
        return fetched.status_code, fetched.content
    if response.status_code != 200:
        return response.status_code, b""
    return 200, b"".join(response.streaming_content)


def test_the_link_works_while_the_judge_may_see_the_entry(link):
    status, data = follow(link)
    assert status == 200 and data[:3] == b"\xff\xd8\xff"  # the re-encoded JPEG
    assert str(link["assignment"].entry_id) not in link["url"]


def test_withdrawing_the_consent_kills_a_link_already_handed_out(link):
    entry = link["assignment"].entry
    response = client_for(entry.owner).patch(
        f"/api/v1/entries/{entry.pk}/", {"consents": {"guardian": False}}, format="json"
    )
    assert response.status_code == 200
    assert follow(link)[0] == 404


def test_a_recusal_kills_the_judges_links(link):
    a = link["assignment"]
    response = client_for(a.judge).post(
        f"/api/v1/judging/assignments/{a.pk}/recuse/", {"reason": "아는 작품"}, format="json"
    )
    assert response.status_code == 200
    assert follow(link)[0] == 404


def test_a_forged_or_expired_link_is_not_found(link, monkeypatch):
    base, token = link["url"].rstrip("/").rsplit("/", 1)
    assert follow(link, f"{base}/{token[:-2]}xx/")[0] == 404
    real = time.time
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: real() + 301)  # past SIGNED_URL_SECONDS
        assert follow(link)[0] == 404
