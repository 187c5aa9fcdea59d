"""The deadline's busiest request in a fixed number of queries (bench/bench_http.py measures
its throughput; this pins its round trips so a change can't quietly add one)."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import NotFound
from submissions.models import Entry
from submissions.selectors import entry_get_own_for_slot
from tests.conftest import client_for
from tests.submissions.conftest import drawing_payload, request_slot


def test_an_upload_slot_is_three_queries_token_entry_insert(
    open_wsce, guardian, django_assert_num_queries
):
    client = client_for(guardian)
    entry_id = client.post(
        "/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json"
    ).json()["id"]
    for _ in range(2):
        with django_assert_num_queries(3):
            response = request_slot(client, entry_id, size=1_000_000)
        assert response.status_code == 201


def test_the_slot_read_gives_the_entrant_the_entry_as_the_orm_would(
    open_wsce, guardian, other_guardian, organizer
):
    entry_id = (
        client_for(guardian)
        .post("/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json")
        .json()["id"]
    )
    orm = Entry.objects.select_related("contest").get(pk=entry_id)
    entry = entry_get_own_for_slot(guardian, entry_id)
    assert (entry.pk, entry.owner_id, entry.status) == (orm.pk, orm.owner_id, orm.status)
    assert isinstance(entry.pk, uuid.UUID)
    contest = entry.contest
    assert (contest.track, contest.status) == (orm.contest.track, orm.contest.status)
    assert (contest.opens_at, contest.closes_at) == (orm.contest.opens_at, orm.contest.closes_at)
    assert contest.closes_at.tzinfo is not None  # aware, as the deadline rule compares them
    for user, key in [
        (other_guardian, entry_id),
        (organizer, entry_id),  # organizers see entries but never upload into them
        (AnonymousUser(), entry_id),
        (guardian, "not-a-uuid"),
        (guardian, str(uuid.uuid4())),
    ]:
        with pytest.raises(NotFound):
            entry_get_own_for_slot(user, key)
