"""Who sees which entry: the fixed cast; unseen answers 404, lists are exact."""

import pytest

from contests.models import Contest
from submissions.models import Entry
from tests.submissions.badfiles import good_jpeg, good_pdf
from tests.submissions.conftest import TEAM, client_for, drawing_payload, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(open_wsce, student, guardian, other_guardian):
    s = (
        client_for(student)
        .post("/api/v1/contests/wsce2021-smart-city/entries/", TEAM, format="json")
        .json()["id"]
    )
    upload(client_for(student), s, "proposal", good_pdf(), content_type="application/pdf")
    d = (
        client_for(guardian)
        .post("/api/v1/contests/wsce2021-drawing/entries/", drawing_payload(), format="json")
        .json()["id"]
    )
    upload(client_for(guardian), d, "drawing", good_jpeg(1000, 900), content_type="image/jpeg")
    other = (
        client_for(other_guardian)
        .post(
            "/api/v1/contests/wsce2021-drawing/entries/",
            drawing_payload(name="최하늘"),
            format="json",
        )
        .json()["id"]
    )
    return {"student": s, "guardian": d, "other_guardian": other}


def test_each_entrant_lists_exactly_their_own(
    entries, student, guardian, other_guardian, other_student, judge
):
    def ids(user):
        return {e["id"] for e in client_for(user).get("/api/v1/entries/").json()["results"]}

    assert ids(student) == {entries["student"]}
    assert ids(guardian) == {entries["guardian"]}
    assert ids(other_guardian) == {entries["other_guardian"]}
    assert ids(other_student) == set()
    assert ids(judge) == set()


def test_organizer_lists_their_contests_entries_only(entries, organizer):
    Contest.objects.get(slug="wsce2021-drawing").organizers.add(organizer)
    body = client_for(organizer).get("/api/v1/entries/").json()
    assert {e["id"] for e in body["results"]} == {entries["guardian"], entries["other_guardian"]}
    filtered = client_for(organizer).get("/api/v1/entries/?division=lower&status=draft").json()
    assert filtered["count"] == 2


@pytest.mark.parametrize("who", ["other_student", "other_guardian", "judge", "organizer"])
def test_others_get_404_on_someone_elses_entry_and_files(entries, request, who):
    client = client_for(request.getfixturevalue(who))
    entry_id = entries["guardian"]
    file_id = Entry.objects.get(pk=entry_id).files.get().pk
    before = Entry.objects.get(pk=entry_id)
    for method, url, data in [
        ("get", f"/api/v1/entries/{entry_id}/", None),
        ("patch", f"/api/v1/entries/{entry_id}/", {"title": "탈취"}),
        (
            "post",
            f"/api/v1/entries/{entry_id}/uploads/",
            {"slot": "drawing", "filename": "x.jpg", "content_type": "image/jpeg", "size": 10},
        ),
        ("get", f"/api/v1/entries/{entry_id}/files/{file_id}/", None),
        ("delete", f"/api/v1/entries/{entry_id}/files/{file_id}/", None),
        ("post", f"/api/v1/entries/{entry_id}/submit/", None),
        ("post", f"/api/v1/entries/{entry_id}/withdraw/", None),
    ]:
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["code"] == "not_found"
    after = Entry.objects.get(pk=entry_id)
    assert (after.title, after.status, after.files.count()) == (before.title, before.status, 1)


def test_anonymous_gets_401(entries, api):
    assert api.get("/api/v1/entries/").status_code == 401
    assert api.get(f"/api/v1/entries/{entries['guardian']}/").status_code == 401


def test_owner_gets_a_short_lived_url_of_the_original(entries, guardian):
    entry = Entry.objects.get(pk=entries["guardian"])
    file_id = entry.files.get().pk
    body = client_for(guardian).get(f"/api/v1/entries/{entry.pk}/files/{file_id}/").json()
    assert body["expires_in"] == 300
    assert entry.files.get().key not in body["url"]  # the key travels inside a signed token


def test_malformed_ids_are_404(entries, guardian):
    client = client_for(guardian)
    assert client.get("/api/v1/entries/not-a-uuid/").status_code == 404
    entry_id = entries["guardian"]
    assert client.post(f"/api/v1/entries/{entry_id}/uploads/nope/complete/").status_code == 404


@pytest.mark.parametrize("n", [1, 3])
def test_entry_list_query_count(open_wsce, guardian, django_assert_num_queries, n):
    client = client_for(guardian)
    for i in range(n):
        entry_id = client.post(
            "/api/v1/contests/wsce2021-drawing/entries/",
            drawing_payload(name=f"어린이{i}"),
            format="json",
        ).json()["id"]
        upload(client, entry_id, "drawing", good_jpeg(900 + i, 900), content_type="image/jpeg")
    # token + user, count, page (entry, contest, division, child joined), members, consents, files
    with django_assert_num_queries(6):
        response = client.get("/api/v1/entries/")
    assert response.json()["count"] == n
