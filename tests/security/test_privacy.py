"""DOMAIN §10 "People": consent withdrawal cuts judge access at once; the public never sees a
child's full name; non-winners' personal data is purged after the appeal window."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditRecord
from judging.models import Assignment, Score, Scorecard
from judging.services.assignment import judges_assign
from results.models import Allocation, Publication, RankingSnapshot
from submissions.models import Child, Consent, Entry, EntryFile, TeamMember
from tests.conftest import client_for
from tests.results.test_results_api import publish_drawing
from tests.security.test_permission_matrix import url_patterns

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def assigned(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])
    return judged


def test_withdrawing_the_guardian_consent_cuts_judge_access_at_once(assigned):
    assignment = Assignment.objects.filter(round=assigned["prelim"]).order_by("pk").first()
    entry, judge = assignment.entry, assignment.judge
    api = client_for(judge)
    queue = api.get("/api/v1/judging/assignments/").json()["results"]
    assert assignment.pk in [a["id"] for a in queue]
    mine = next(a for a in queue if a["id"] == assignment.pk)
    assert mine["files"]  # signed URLs were issued
    assert entry.blind_code in browser(judge).get(reverse("judge-queue")).content.decode()

    response = client_for(entry.owner).patch(
        f"/api/v1/entries/{entry.pk}/", {"consents": {"guardian": False}}, format="json"
    )
    assert response.status_code == 200, response.json()

    queue = api.get("/api/v1/judging/assignments/").json()["results"]
    assert assignment.pk not in [a["id"] for a in queue]
    assert str(entry.pk) not in str(queue) and entry.blind_code not in str(queue)
    assert api.get(f"/api/v1/judging/assignments/{assignment.pk}/").status_code == 404
    scorecard = api.put(
        f"/api/v1/judging/assignments/{assignment.pk}/scorecard/",
        {"scores": {}, "comment": "", "submit": False},
        format="json",
    )
    assert scorecard.status_code == 404
    page = browser(judge)
    assert page.get(reverse("judge-assignment", args=[assignment.pk])).status_code == 404
    assert entry.blind_code not in page.get(reverse("judge-queue")).content.decode()
    record = AuditRecord.objects.get(action="consent.withdraw", target_id=str(entry.pk))
    assert record.actor == entry.owner and record.before == {"consents": ["guardian"]}


def test_consent_can_be_withdrawn_after_the_deadline_but_not_given_back(assigned):

    drawing = assigned["drawing"]
    drawing.closes_at = timezone.now() - timedelta(days=1)
    drawing.save(update_fields=["closes_at"])
    entry = Assignment.objects.filter(round=assigned["prelim"]).first().entry
    client = client_for(entry.owner)
    url = f"/api/v1/entries/{entry.pk}/"
    withdraw = client.patch(url, {"consents": {"publish_name": False}}, format="json")
    assert withdraw.status_code == 200, withdraw.json()
    give = client.patch(url, {"consents": {"publish_name": True}}, format="json")
    assert give.status_code == 403  # after the deadline only a withdrawal is accepted
    assert give.json()["code"] == "submissions_closed"


def test_nobody_else_can_withdraw_a_consent(assigned, other_guardian, organizer):
    entry = Assignment.objects.filter(round=assigned["prelim"]).first().entry
    for user in (other_guardian, assigned["judges"][0]):
        response = client_for(user).patch(
            f"/api/v1/entries/{entry.pk}/", {"consents": {"guardian": False}}, format="json"
        )
        assert response.status_code == 404
    assert entry.consents.filter(kind="guardian").exists()


def public_get_urls(slugs: list[str]) -> list[str]:
    """Every URL pattern an anonymous visitor can GET, with each contest's slug filled in."""

    urls = []
    for name, route, _callback in url_patterns():
        if name.startswith("admin:") or "<" in route.replace("<slug:slug>", ""):
            continue  # object URLs (entries, files, assignments) are never public
        if route.startswith("api/v1/^"):
            continue  # exports: organizers only
        for slug in slugs if "<slug:slug>" in route else [None]:
            path = "/" + route.replace("<slug:slug>", slug or "")
            if not re.search(r"[\^$()]", path):
                urls.append(path)
    return urls


def test_the_public_never_sees_a_childs_full_name(judged, organizer):

    publish_drawing(judged, organizer)
    children = set(Child.objects.values_list("name", flat=True))
    assert len(children) >= 5
    guardians = {e.owner.name for e in Entry.objects.filter(contest=judged["drawing"])}
    members = set(TeamMember.objects.values_list("name", flat=True))
    secrets = {n for n in children | guardians | members if len(n) >= 2}

    slugs = [judged["smart"].slug, judged["drawing"].slug]
    urls = public_get_urls(slugs)
    assert "/contests/wsce2021-drawing/results/" in urls
    assert "/api/v1/contests/wsce2021-drawing/results/" in urls
    seen = 0
    for client in (Client(), Client(HTTP_ACCEPT_LANGUAGE="en")):
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.streaming:
                continue
            seen += 1
            text = response.content.decode()
            leaked = sorted(name for name in secrets if name in text)
            assert leaked == [], (url, leaked)
    assert seen >= 10
    # the results do show the winners, masked
    body = Client().get("/api/v1/contests/wsce2021-drawing/results/").json()
    assert any("*" in (w["name"] or "") for w in body["winners"])


# ---- after the appeal window ----------------------------------------------------------------


def test_purge_deletes_non_winners_personal_data_and_files_keeps_scores(
    judged, organizer, django_capture_on_commit_callbacks
):

    publish_drawing(judged, organizer)
    drawing = judged["drawing"]
    publication = Publication.objects.get(contest=drawing, unpublished_at__isnull=True)
    winners = {str(a["entry_id"]) for a in publication.allocation.awards}
    entries = list(Entry.objects.filter(contest=drawing).select_related("child"))
    losers = [e for e in entries if str(e.pk) not in winners]
    assert winners and losers
    loser_keys = [
        k
        for f in EntryFile.objects.filter(entry__in=losers)
        for k in (f.key, f.preview_key, f.thumbnail_key, f.judge_key)
        if k
    ]
    winner_files = list(EntryFile.objects.filter(entry_id__in=winners))
    assert loser_keys and winner_files
    assert all(default_storage.exists(k) for k in loser_keys)

    def kept_state():
        return [
            sorted(map(repr, m.objects.order_by().values_list()))
            for m in (Scorecard, Score, RankingSnapshot, Allocation, Publication, Consent)
        ]

    def everything():
        return [kept_state()] + [
            sorted(map(repr, m.objects.order_by().values_list()))
            for m in (Entry, EntryFile, TeamMember, Child)
        ]

    # within the appeal window: nothing happens
    before = everything()
    call_command("purge_personal_data")
    assert everything() == before

    publication.published_at -= timedelta(days=drawing.appeal_window_days + 1)
    publication.save(update_fields=["published_at"])
    kept = kept_state()
    smart_members = sorted(
        map(repr, TeamMember.objects.filter(contest=judged["smart"]).values_list())
    )

    # --dry-run counts and changes nothing

    out = StringIO()
    call_command("purge_personal_data", "--dry-run", stdout=out)
    assert "would purge" in out.getvalue() and f"{len(losers)} entries" in out.getvalue()
    assert everything()[1:] == before[1:]
    assert kept_state() == kept

    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_personal_data", stdout=StringIO())

    assert not EntryFile.objects.filter(entry__in=losers).exists()
    assert not any(default_storage.exists(k) for k in loser_keys)  # originals and derivatives
    assert all(default_storage.exists(f.key) for f in winner_files)
    assert EntryFile.objects.filter(entry_id__in=winners).count() == len(winner_files)
    for entry in losers:
        entry.refresh_from_db()
        child = Child.objects.get(pk=entry.child_id)
        assert child.name.startswith("#") and child.school == "" and child.birth_date.day == 1
        assert entry.description == "" and entry.receipt_number and entry.blind_code
    for entry in Entry.objects.filter(pk__in=winners).select_related("child"):
        assert not entry.child.name.startswith("#")
    assert kept_state() == kept  # the anonymous scores, rankings, results and consents stay
    assert (
        sorted(  # another contest, not published: untouched
            map(repr, TeamMember.objects.filter(contest=judged["smart"]).values_list())
        )
        == smart_members
    )
    record = AuditRecord.objects.get(action="personal_data.purge", contest=drawing)
    assert record.after["entries"] == len(losers)
    results = Client().get("/api/v1/contests/wsce2021-drawing/results/")
    assert results.status_code == 200 and results.json()["winners"]

    # idempotent: a second run changes nothing and writes no second record
    after = everything()
    out = StringIO()
    call_command("purge_personal_data", stdout=out)
    assert "purged 0 entries, 0 files" in out.getvalue()
    assert everything() == after
    assert AuditRecord.objects.filter(action="personal_data.purge").count() == 1
