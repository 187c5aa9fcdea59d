"""A judge's own declarations never change their own queue (DOMAIN §5; issue 13, item 3).

Declaring schools one by one and watching which entries leave the queue would reveal whose
entry is whose. An institution a judge declares after assignment goes to the organizers and
takes effect at their next run of the assignment; a per-entry recusal stays immediate; an
organizer recording a conflict still releases at once.
"""

import re

import pytest

from judging.models import Assignment, Conflict
from submissions.models import Child, Entry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
SCHOOL = "별빛초등학교"


def run(organizer, rnd):
    response = client_for(organizer).post(f"/api/v1/rounds/{rnd.pk}/assignment/", {}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def api_queue(judge) -> list[str]:
    response = client_for(judge).get("/api/v1/judging/assignments/")
    assert response.status_code == 200
    return [item["entry_code"] for item in response.json()["results"]]


def page_queue(client, judge) -> list[str]:
    client.force_login(judge)
    page = client.get("/judging/").content.decode()
    return re.findall(r'<code class="code">(D-[A-Z0-9]{8})</code>', page)


def declare(judge, institution=SCHOOL):
    response = client_for(judge).post(
        "/api/v1/contests/wsce2021-drawing/conflicts/",
        {"institution": institution, "reason": "모교"},
        format="json",
    )
    assert response.status_code == 201, response.json()


@pytest.fixture
def two_schools(judged, organizer):
    """Two of the six drawings come from another school; the assignment has run."""
    entries = list(Entry.objects.filter(contest=judged["drawing"]).order_by("receipt_number"))
    Child.objects.filter(pk__in=[e.child_id for e in entries[:2]]).update(school=SCHOOL)
    run(organizer, judged["prelim"])
    starred = entries[:2]
    holder = Assignment.objects.filter(entry=starred[0]).order_by("pk").first().judge
    return {**judged, "starred": starred, "holder": holder}


def test_declaring_the_school_of_an_entry_leaves_the_judges_queue_as_it_was(two_schools, client):
    judge = two_schools["holder"]
    before_api, before_page = api_queue(judge), page_queue(client, judge)
    held = set(Assignment.objects.filter(judge=judge, recused_at__isnull=True).values_list("pk"))
    assert two_schools["starred"][0].blind_code in before_api

    declare(judge, " 별빛 초등학교")  # spelled loosely: still the same institution

    assert api_queue(judge) == before_api
    assert page_queue(client, judge) == before_page
    assert (
        set(Assignment.objects.filter(judge=judge, recused_at__isnull=True).values_list("pk"))
        == held
    )
    assert Conflict.objects.filter(judge=judge, institution="별빛 초등학교").exists()


def test_organizers_see_the_pending_declaration_and_their_run_applies_it(
    two_schools, organizer, client
):
    judge, rnd = two_schools["holder"], two_schools["prelim"]
    declare(judge)
    held = Assignment.objects.filter(
        judge=judge, recused_at__isnull=True, entry__in=two_schools["starred"]
    ).count()

    progress = client_for(organizer).get(f"/api/v1/rounds/{rnd.pk}/progress/").json()
    assert progress["pending_conflicts"] == [
        {
            "judge": judge.username,
            "name": judge.name,
            "institution": SCHOOL,
            "declared_at": progress["pending_conflicts"][0]["declared_at"],
            "assignments": held,
        }
    ]
    client.force_login(organizer)
    page = client.get(f"/contests/wsce2021-drawing/manage/rounds/{rnd.pk}/").content.decode()
    assert SCHOOL in page and judge.name in page
    assert "배정을 다시 실행" in page  # tells the organizer what to do

    summary = run(organizer, rnd)
    assert summary["assigned"] == held  # the released places went to other judges
    assert not Assignment.objects.filter(
        judge=judge, recused_at__isnull=True, entry__in=two_schools["starred"]
    ).exists()
    for entry in two_schools["starred"]:
        active = Assignment.objects.filter(entry=entry, round=rnd, recused_at__isnull=True)
        assert active.count() == 3
    after = client_for(organizer).get(f"/api/v1/rounds/{rnd.pk}/progress/").json()
    assert after["pending_conflicts"] == []


def test_a_recusal_after_declaring_moves_only_the_recused_entry(two_schools):
    """The judge's own recusal reassigns, but must not apply the pending declaration (the
    queue would then shrink by the school's entries: the same leak)."""
    judge = two_schools["holder"]
    before = api_queue(judge)
    declare(judge)
    other = (
        Assignment.objects.filter(judge=judge, recused_at__isnull=True)
        .exclude(entry__in=two_schools["starred"])
        .order_by("pk")
        .first()
    )
    response = client_for(judge).post(
        f"/api/v1/judging/assignments/{other.pk}/recuse/", {"reason": "아는 작품"}, format="json"
    )
    assert response.status_code == 200
    assert api_queue(judge) == [c for c in before if c != other.entry.blind_code]


def test_an_organizer_recording_the_conflict_releases_at_once(two_schools, organizer):
    judge = two_schools["holder"]
    response = client_for(organizer).post(
        "/api/v1/contests/wsce2021-drawing/conflicts/",
        {"judge": judge.username, "institution": SCHOOL, "reason": "모교"},
        format="json",
    )
    assert response.status_code == 201
    assert not set(api_queue(judge)) & {e.blind_code for e in two_schools["starred"]}
