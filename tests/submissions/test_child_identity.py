"""One drawing per child per contest, on the child's normalised identity (DOMAIN §3; issue
13, item 5): the same child was accepted five times — the name in NFD, with a space inside,
with a zero-width space, and from a second guardian.

For one guardian the database refuses it (a unique key per guardian and child, one held
entry per child and contest); a second guardian cannot be refused safely (two children may
share a name and a birthday), so both entries are flagged to the organizers."""

import unicodedata

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from contests.models import Contest
from submissions.models import Child, Entry
from tests.submissions.badfiles import good_jpeg
from tests.submissions.conftest import (
    client_for,
    drawing_payload,
    submit_at_once,
    upload,
    verify_guardian,
)

SLUG = "wsce2021-drawing"
SPELLINGS = [
    unicodedata.normalize("NFD", "김민수"),
    "김 민수",
    "김\u200b민수",
    " 김민수\u202c",
]


def create(client, name="김민수"):
    return client.post(
        f"/api/v1/contests/{SLUG}/entries/", drawing_payload(name=name), format="json"
    )


def enter_and_submit(client, name="김민수", *, image=None) -> str:
    entry_id = create(client, name).json()["id"]
    done = upload(client, entry_id, "drawing", image or good_jpeg(), content_type="image/jpeg")
    assert done.status_code == 200, done.json()
    submitted = client.post(f"/api/v1/entries/{entry_id}/submit/")
    assert submitted.status_code == 200, submitted.json()
    return entry_id


@pytest.mark.django_db
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_one_guardian_cannot_enter_one_child_twice_however_spelled(open_wsce, guardian, spelling):
    client = client_for(guardian)
    verify_guardian(client)
    first = enter_and_submit(client)
    response = create(client, spelling)
    assert response.status_code == 409, response.json()
    body = response.json()
    assert body["code"] == "already_entered"
    assert body["detail"]["entry_id"] == first  # where the child's drawing already is
    assert Entry.objects.count() == 1 and Child.objects.count() == 1


@pytest.mark.django_db
def test_two_drafts_spelled_differently_are_one_child_and_only_one_submits(open_wsce, guardian):
    client = client_for(guardian)
    verify_guardian(client)
    a = create(client, "김민수").json()["id"]
    b = create(client, "김 민수").json()["id"]
    assert Child.objects.count() == 1
    for entry_id, width in ((a, 1200), (b, 1000)):
        upload(client, entry_id, "drawing", good_jpeg(width, 900), content_type="image/jpeg")
    assert client.post(f"/api/v1/entries/{a}/submit/").status_code == 200
    response = client.post(f"/api/v1/entries/{b}/submit/")
    assert response.status_code == 409
    assert response.json()["code"] == "already_entered"
    assert response.json()["detail"]["entry_id"] == a
    assert Entry.objects.get(pk=b).status == "draft"


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_two_spellings_one_wins(open_wsce, guardian):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL (CI)")
    client = client_for(guardian)
    verify_guardian(client)
    ids = []
    for name, width in (("김민수", 1200), ("김\u200b민수", 1000)):
        entry_id = create(client, name).json()["id"]
        upload(client, entry_id, "drawing", good_jpeg(width, 900), content_type="image/jpeg")
        ids.append(entry_id)
    assert submit_at_once(guardian, ids) == [200, 409]
    assert Entry.objects.filter(status="submitted").count() == 1


@pytest.mark.django_db
def test_the_page_links_to_the_entry_already_there(open_wsce, guardian, client):
    api = client_for(guardian)
    verify_guardian(api)
    first = enter_and_submit(api)
    client.force_login(guardian)
    page = client.post(
        f"/contests/{SLUG}/enter/",
        {
            "child_name": "김 민수",
            "child_birth_date": "2013-05-02",
            "title": "두 번째 그림",
            "consent_guardian": "on",
        },
    )
    assert page.status_code == 200
    assert f'href="/entries/{first}/"' in page.content.decode()


@pytest.fixture
def two_families(open_wsce, guardian, other_guardian, organizer):
    Contest.objects.get(slug=SLUG).organizers.add(organizer)
    mine, theirs = client_for(guardian), client_for(other_guardian)
    verify_guardian(mine)
    verify_guardian(theirs)
    a = enter_and_submit(mine, "김민수")
    b = enter_and_submit(theirs, "김 민 수", image=good_jpeg(1000, 900))  # the other parent
    c = enter_and_submit(theirs, "이서윤", image=good_jpeg(1100, 900))  # another child
    return {"a": a, "b": b, "c": c}


@pytest.mark.django_db
def test_a_second_guardian_is_accepted_and_both_entries_are_flagged(
    two_families, organizer, guardian, client
):
    org = client_for(organizer)
    body = org.get(f"/api/v1/entries/?contest={SLUG}&duplicate=1").json()
    assert {e["id"] for e in body["results"]} == {two_families["a"], two_families["b"]}
    assert org.get(f"/api/v1/entries/?contest={SLUG}").json()["count"] == 3

    client.force_login(organizer)
    listing = client.get(f"/contests/{SLUG}/manage/entries/?duplicate=1").content.decode()
    assert two_families["a"] in listing and two_families["b"] in listing
    assert two_families["c"] not in listing
    page = client.get(f"/entries/{two_families['a']}/").content.decode()
    assert "중복 의심" in page
    assert f'href="/entries/{two_families["b"]}/"' in page
    assert "중복 의심" not in client.get(f"/entries/{two_families['c']}/").content.decode()


@pytest.mark.django_db
def test_guardians_never_learn_of_the_other_family(two_families, guardian, client):
    mine = client_for(guardian)
    assert mine.get("/api/v1/entries/?duplicate=1").json()["count"] == 0
    client.force_login(guardian)
    page = client.get(f"/entries/{two_families['a']}/").content.decode()
    assert "중복 의심" not in page and two_families["b"] not in page


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 3])
def test_the_duplicates_filter_query_count(
    open_wsce, guardian, other_guardian, organizer, django_assert_num_queries, n
):
    Contest.objects.get(slug=SLUG).organizers.add(organizer)
    mine, theirs = client_for(guardian), client_for(other_guardian)
    verify_guardian(mine)
    verify_guardian(theirs)
    for i in range(n):
        name = f"어린이{i}"
        enter_and_submit(mine, name, image=good_jpeg(900 + i, 900))
        enter_and_submit(theirs, name.replace("이", "이 "), image=good_jpeg(900 + i, 901))
    org = client_for(organizer)
    # token + user, count, page, members, consents, files
    with django_assert_num_queries(6):
        body = org.get(f"/api/v1/entries/?contest={SLUG}&duplicate=1").json()
    assert body["count"] == 2 * n


# ---- the migration ----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_computes_keys_and_keeps_old_duplicates_apart():
    executor = MigrationExecutor(connection)
    before, after = (
        ("submissions", "0003_entryfile_public_copies"),
        (
            "submissions",
            "0004_child_identity_key",
        ),
    )
    executor.migrate([before])
    apps = executor.loader.project_state([before]).apps
    User = apps.get_model("accounts", "User")
    OldChild = apps.get_model("submissions", "Child")
    parent = User.objects.create(username="p", email="p@example.com", role="guardian")
    other = User.objects.create(username="q", email="q@example.com", role="guardian")
    born = "2013-05-02"
    first = OldChild.objects.create(guardian=parent, name="김민수", birth_date=born)
    second = OldChild.objects.create(guardian=parent, name="김 민수", birth_date=born)
    theirs = OldChild.objects.create(guardian=other, name="김민수", birth_date=born)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([after])
    rows = {c.pk: c for c in Child.objects.all()}
    assert rows[first.pk].identity_key == rows[second.pk].identity_key == "김민수|2013-05-02"
    assert rows[first.pk].duplicate_of_id is None
    assert rows[second.pk].duplicate_of_id == first.pk
    assert rows[theirs.pk].duplicate_of_id is None  # another guardian: its own row
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
