"""Races settled by the database (DOMAIN §10): real concurrent requests on PostgreSQL.

Each test sends two requests from two threads, each with its own database connection. A
barrier inside the request (just before the service runs, or for uploads after the bytes were
inspected) makes sure both are in flight at once, so the database, not the timing, decides.
SQLite serialises whole transactions and is skipped.
"""

import pkgutil
import threading
from contextlib import contextmanager, suppress
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection, connections

from judging.models import Assignment, Score, Scorecard
from judging.services.assignment import judges_assign
from judging.services.scoring import scorecard_save
from results.models import Publication
from results.services.publication import results_unpublish
from submissions.models import EntryFile
from tests.conftest import client_for
from tests.results.test_results_api import publish_drawing
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import drawing_payload, post_file

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL (CI)")


@contextmanager
def meeting_point(target: str, parties: int = 2):
    """Patch ``target`` so that every caller waits for the others before it runs."""
    barrier = threading.Barrier(parties, timeout=20)
    real = pkgutil.resolve_name(target)

    def wrapper(*args, **kwargs):
        with suppress(threading.BrokenBarrierError):  # the other one already failed: go on
            barrier.wait()
        return real(*args, **kwargs)

    with mock.patch(target, side_effect=wrapper):
        yield


def simultaneously(*calls) -> list:
    """Run each call in its own thread (own connection); return their responses in order."""
    responses: list = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i, call):
        try:
            responses[i] = call()
        except BaseException as exc:  # surfaced below, not lost in the thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return responses


def _assignment(judged, organizer) -> Assignment:
    judges_assign(user=organizer, round=judged["prelim"])
    return Assignment.objects.filter(round=judged["prelim"]).select_related("judge").first()


def _put(judge, assignment, body):
    url = f"/api/v1/judging/assignments/{assignment.pk}/scorecard/"
    return lambda: client_for(judge).put(url, body, format="json")


def test_two_saves_with_the_same_version_one_wins_the_other_is_an_edit_conflict(judged, organizer):
    a = _assignment(judged, organizer)
    card = scorecard_save(user=a.judge, assignment_id=a.pk, scores={"theme": 1})
    bodies = [
        {"scores": {"theme": 10, "creativity": 10}, "version": card.version},
        {"scores": {"theme": 20, "creativity": 5}, "version": card.version},
    ]
    with meeting_point("api.views.judging.scorecard_save"):
        responses = simultaneously(*(_put(a.judge, a, b) for b in bodies))
    assert sorted(r.status_code for r in responses) == [200, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "edit_conflict"
    assert loser.json()["detail"]["current_version"] == card.version + 1
    winner = bodies[[r.status_code for r in responses].index(200)]
    stored = Scorecard.objects.get(pk=card.pk)
    assert stored.version == card.version + 1
    scores = {s.criterion.code: s.points for s in stored.scores.select_related("criterion")}
    assert scores == {code: Decimal(p) for code, p in winner["scores"].items()}
    assert stored.total == sum(winner["scores"].values())


def test_two_first_saves_of_a_new_scorecard_make_one_row_with_a_consistent_total(judged, organizer):
    a = _assignment(judged, organizer)
    bodies = [{"scores": {"theme": 10, "creativity": 10}}, {"scores": {"theme": 20}}]
    with meeting_point("api.views.judging.scorecard_save"):
        responses = simultaneously(*(_put(a.judge, a, b) for b in bodies))
    codes = sorted(r.status_code for r in responses)
    assert codes in ([200, 200], [200, 409]), [r.content for r in responses]
    assert all(r.json()["code"] == "edit_conflict" for r in responses if r.status_code == 409)
    card = Scorecard.objects.get(round=a.round, entry=a.entry, judge=a.judge)  # exactly one
    scores = {s.criterion.code: s.points for s in Score.objects.filter(scorecard=card)}
    last = max((r for r in responses if r.status_code == 200), key=lambda r: r.json()["version"])
    assert card.version == last.json()["version"]
    assert card.total == sum(scores.values()) == Decimal(str(last.json()["total"]))
    # the scores stored are exactly one request's scores, never a mixture
    assert any(scores == {k: Decimal(v) for k, v in b["scores"].items()} for b in bodies)


def test_double_publish_publishes_once(judged, organizer):
    publish_drawing(judged, organizer)
    contest = judged["drawing"]
    results_unpublish(user=organizer, contest=contest, reason="재발표 시험")
    url = f"/api/v1/contests/{contest.slug}/publish/"
    with meeting_point("results.services.publication.results_publish"):
        responses = simultaneously(
            lambda: client_for(organizer).post(url), lambda: client_for(organizer).post(url)
        )
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert next(r for r in responses if r.status_code == 409).json()["code"] == (
        "already_published"
    )
    assert Publication.objects.filter(contest=contest, unpublished_at__isnull=True).count() == 1
    assert Publication.objects.filter(contest=contest).count() == 2  # the withdrawn one stays


def test_two_completions_of_one_upload_accept_one_file(open_wsce, guardian):
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    image = good_jpeg(1200, 900)
    ticket = client.post(
        f"/api/v1/entries/{entry_id}/uploads/",
        {
            "slot": "drawing",
            "filename": "그림.jpg",
            "content_type": "image/jpeg",
            "size": len(image),
        },
        format="json",
    ).json()
    post_file(ticket, image, "image/jpeg")
    url = f"/api/v1/entries/{entry_id}/uploads/{ticket['upload_id']}/complete/"

    def complete():
        return client_for(guardian).post(url, format="json")

    # both requests have found the pending upload and inspected its bytes before either goes on
    with meeting_point("submissions.services.files.file_inspect"):
        responses = simultaneously(complete, complete)
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200 and 400 <= codes[1] < 500, [r.content for r in responses]
    files = EntryFile.objects.filter(entry_id=entry_id)
    assert files.count() == 1
    accepted = files.get()
    assert accepted.status == "accepted" and str(accepted.pk) == ticket["upload_id"]
    winner = next(r for r in responses if r.status_code == 200)
    assert winner.json()["file"]["id"] == ticket["upload_id"]
    # and the file is still there to be read
    assert client.get(f"/api/v1/entries/{entry_id}/files/{accepted.pk}/").status_code == 200
