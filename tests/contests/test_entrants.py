"""What the phase rule means for entrants: their entry stays theirs until the deadline (and
their own extension), and advancement or awards reach them only from publication on."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from contests.errors import SubmissionsClosed
from judging.models import Assignment
from judging.services.assignment import judges_assign
from results.services import publication
from submissions.enums import EntryStatus
from submissions.models import Entry, EntryFile
from submissions.services.entries import EntryInput, entry_screen, entry_update
from submissions.services.seal import entry_reseal
from tests.conftest import client_for
from tests.contests.conftest import phase_set

pytestmark = pytest.mark.django_db


def test_advancement_and_awards_reach_entrants_only_at_publication(world):
    phase_set(world, "approved")
    entry = Entry.objects.get(pk=world["entries"][0].pk)
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.ADVANCED)  # e.g. round 1's cut
    owner = world["students"][0]
    page = Client()
    page.force_login(owner)
    html = page.get(f"/entries/{entry.pk}/").content.decode()
    assert "심사 중" in html and "진출" not in html
    assert "심사 중" in page.get("/me/entries/").content.decode()
    api = client_for(owner)
    assert api.get(f"/api/v1/entries/{entry.pk}/").json()["status"] == "in_judging"
    assert [r["status"] for r in api.get("/api/v1/entries/").json()["results"]] == ["in_judging"]
    organizer = client_for(world["organizer"])  # organizers read the status as it is
    assert organizer.get(f"/api/v1/entries/{entry.pk}/").json()["status"] == "advanced"
    publication.results_publish(user=world["organizer"], contest=world["contest"])
    assert api.get(f"/api/v1/entries/{entry.pk}/").json()["status"] in ("awarded", "not_awarded")


def test_an_entry_whose_extension_runs_is_not_assigned_and_stays_editable(world):
    phase_set(world, "closed")
    contest = world["contest"]
    late = world["entries"][3]
    Assignment.objects.filter(entry=late).delete()
    Entry.objects.filter(pk=late.pk).update(
        status=EntryStatus.SUBMITTED, extension_until=timezone.now() + timedelta(days=1)
    )
    judges_assign(user=world["organizer"], round=world["round"])
    assert not Assignment.objects.filter(entry=late).exists()
    late.refresh_from_db()
    assert late.status == EntryStatus.SUBMITTED
    entry_update(
        user=world["students"][3], entry=late, data=EntryInput(title="고친 제목"), fields={"title"}
    )
    late.refresh_from_db()
    assert late.title == "고친 제목"
    # once the extension is over, the next assignment run takes it, and the entrant cannot edit
    Entry.objects.filter(pk=late.pk).update(extension_until=timezone.now() - timedelta(seconds=1))
    late.refresh_from_db()
    with pytest.raises(SubmissionsClosed):
        entry_update(
            user=world["students"][3], entry=late, data=EntryInput(title="또"), fields={"title"}
        )
    judges_assign(user=world["organizer"], round=world["round"])
    assert Assignment.objects.filter(entry=late).count() == 3
    assert contest.entries.get(pk=late.pk).status == EntryStatus.IN_JUDGING


def test_a_refused_entrant_change_says_when_submissions_closed(world):
    phase_set(world, "closed")
    entry = Entry.objects.get(pk=world["entries"][0].pk)
    with pytest.raises(SubmissionsClosed) as refused:
        entry_update(
            user=world["students"][0], entry=entry, data=EntryInput(title="x"), fields={"title"}
        )
    closes = timezone.localtime(world["contest"].closes_at).strftime("%Y-%m-%d %H:%M:%S")
    assert closes in str(refused.value.message)


def test_a_file_changed_after_screening_sends_the_entry_back_to_screening(world):
    phase_set(world, "open")
    entry = Entry.objects.get(pk=world["entries"][0].pk)
    entry_screen(user=world["organizer"], entry=entry, eligible=False, reason="표절 의심")
    entry.refresh_from_db()
    assert entry.status == EntryStatus.INELIGIBLE
    EntryFile.objects.create(
        entry=entry, contest=entry.contest, slot="proposal", status="accepted",
        key=f"k/{entry.pk}/new", display_name="새 제안서.pdf", declared_type="application/pdf",
        declared_size=10, size=10, sha256="ab" * 32, expires_at=timezone.now(),
    )  # fmt: skip
    entry_reseal(entry, actor=world["students"][0])
    entry.refresh_from_db()
    assert (entry.status, entry.eligibility_reason) == (EntryStatus.SUBMITTED, "")
