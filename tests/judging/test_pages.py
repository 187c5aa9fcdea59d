"""Judging pages: the judge's queue and scoring page, the organizer's contest and round pages."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditRecord
from judging.models import Assignment, Conflict, JudgeProfile, PanelMember, Scorecard
from judging.services.assignment import judges_assign
from judging.services.panel import conflict_declare
from judging.services.scoring import scorecard_save
from submissions.models import Entry
from tests.factories import user_make

pytestmark = pytest.mark.django_db

FULL = {"theme": "35", "creativity": "20.5", "technique": "25"}


def browser(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def queue_of(judge) -> list[Assignment]:
    return list(
        Assignment.objects.filter(judge=judge, recused_at__isnull=True)
        .select_related("entry")
        .order_by("queue_order")
    )


def page_url(assignment) -> str:
    return reverse("judge-assignment", args=[assignment.pk])


def round_url(judged) -> str:
    return reverse("organizer-round", args=[judged["drawing"].slug, judged["prelim"].pk])


def scores_post(values: dict, *, action="draft", version="1", comment="") -> dict:
    body = {f"score-{code}": value for code, value in values.items()}
    return {**body, "action": action, "version": version, "comment": comment}


def submit(judge, assignment):
    return scorecard_save(
        user=judge, assignment_id=assignment.pk, scores=dict(FULL), submit=True, version=None
    )


@pytest.fixture
def assigned(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])
    return judged


# ---- The judge's queue ----------------------------------------------------------------------


def test_queue_shows_progress_and_only_anonymous_codes_in_the_judges_order(assigned):
    judge = assigned["judges"][0]
    mine = queue_of(judge)
    submit(judge, mine[0])
    html = browser(judge).get(reverse("judge-queue")).content.decode()
    assert f"1 / {len(mine)}" in html
    assert f'max="{len(mine)}" value="1"' in html  # the <progress> bar
    positions = [html.index(a.entry.blind_code) for a in mine]
    assert positions == sorted(positions)  # the judge's shuffled order
    # the "next unscored" button leads to the first entry not yet submitted
    assert f'href="{page_url(mine[1])}"' in html.split("<section", 1)[0]
    for entry in Entry.objects.filter(contest=assigned["drawing"]):
        assert entry.receipt_number not in html
        assert str(entry.pk) not in html


def test_queue_is_for_judges_only(assigned, organizer, student):
    assert browser(None).get(reverse("judge-queue")).status_code == 302  # to the login page
    for user in (organizer, student):
        assert browser(user).get(reverse("judge-queue")).status_code == 404


def test_a_judge_without_assignments_sees_an_empty_queue(judged, judge):
    response = browser(judge).get(reverse("judge-queue"))
    assert response.status_code == 200
    assert not response.context["rounds"] and response.context["next"] is None


# ---- The scoring page -------------------------------------------------------------------------


def identity_strings(contest) -> list[str]:
    out = []
    for entry in Entry.objects.filter(contest=contest).select_related("child", "owner"):
        out += [entry.receipt_number, str(entry.pk), entry.owner.email, entry.owner.name]
        out += [entry.owner.username, entry.child.name, entry.child.school]
        out += [entry.child.relationship, entry.child.birth_date.isoformat()]
        out += [f.display_name for f in entry.files.all()]
    return [s for s in out if s]


def test_scoring_page_shows_the_rubric_and_nothing_that_identifies_the_entrant(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    response = browser(judge).get(page_url(a))
    assert response.status_code == 200
    html = response.content.decode()
    assert a.entry.blind_code in html and a.entry.title in html and a.entry.description in html
    inputs = re.findall(r'<input type="number"[^>]*>', html)
    assert [re.search(r'name="([^"]+)"', i)[1] for i in inputs] == [
        "score-theme",
        "score-creativity",
        "score-technique",
    ]
    assert [re.search(r'max="(\d+)"', i)[1] for i in inputs] == ["40", "30", "30"]
    assert all('min="0"' in i and 'step="0.5"' in i for i in inputs)
    for name, points in (("주제표현", 40), ("창의성", 30), ("표현기법", 30)):
        assert re.search(rf"<label[^>]*>{name} \({points}", html), name
    assert '<img src="' in html and '<dialog id="zoom-1"' in html  # the drawing, zoomable
    assert 'name="version" value="1"' in html and "js/scoring.js" in html
    for secret in identity_strings(assigned["drawing"]):
        assert secret not in html, secret


def test_draft_then_submit_locks_and_stays_on_the_entry_with_a_link_to_the_next(assigned):
    judge = assigned["judges"][0]
    first, second = queue_of(judge)[:2]
    client = browser(judge)
    draft = client.post(
        page_url(first), scores_post({"theme": "30", "creativity": "20.5"}, comment="색감")
    )
    assert draft.status_code == 302 and draft.url == page_url(first)
    card = Scorecard.objects.get(judge=judge, entry=first.entry)
    assert (card.status, card.total, card.comment, card.version) == ("draft", 50.5, "색감", 2)
    html = client.get(page_url(first)).content.decode()
    assert 'value="20.5"' in html and 'name="version" value="2"' in html

    done = client.post(page_url(first), scores_post(FULL, action="submit", version="2"))
    assert done.status_code == 302 and done.url == page_url(first)  # stays on the entry
    card.refresh_from_db()
    assert (card.status, card.total) == ("submitted", 80.5)
    locked = client.get(page_url(first)).content.decode()
    assert 'name="score-theme"' not in locked and 'class="locked-card"' in locked
    assert first.entry.blind_code in locked and "80.5" in locked
    assert f'href="{page_url(second)}"' in locked and second.entry.blind_code in locked
    # a further POST changes nothing
    again = client.post(page_url(first), scores_post({"theme": "1"}, version="3"))
    assert again.status_code == 302
    card.refresh_from_db()
    assert (card.status, card.total) == ("submitted", 80.5)


def test_the_next_link_never_leaves_the_round(assigned, judged):
    """The judge also holds an entry of another contest's round: after submitting the last
    entry of this round, the page offers the queue, never the other contest's entry."""
    judge = assigned["judges"][0]
    *rest, last = queue_of(judge)
    for a in rest:
        submit(judge, a)
    smart_round = judged["smart"].rounds.get(order=1)
    entry = Entry.objects.filter(contest=judged["smart"], status="submitted").first()
    other = Assignment.objects.create(round=smart_round, entry=entry, judge=judge, queue_order=0)
    response = browser(judge).post(page_url(last), scores_post(FULL, action="submit"))
    assert response.status_code == 302 and response.url == page_url(last)
    html = browser(judge).get(page_url(last)).content.decode()
    assert f'href="{page_url(other)}"' not in html
    assert f'href="{reverse("judge-queue")}"' in html
    assert "모든 작품을 채점해 제출했습니다" in html


def test_out_of_range_scores_are_shown_next_to_the_field_and_nothing_is_saved(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    response = browser(judge).post(
        page_url(a), scores_post({"theme": "41", "creativity": "10", "technique": "-1"})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'href="#score-theme"' in html
    theme = html[html.index('id="score-theme"') : html.index('id="score-creativity"')]
    assert 'value="41"' in theme and 'aria-invalid="true"' in theme
    assert re.search(r'id="score-theme-error">[^<]*40', theme)
    assert 'id="score-technique-error"' in html and 'value="-1"' in html
    assert 'id="score-creativity-error"' not in html and 'value="10"' in html
    assert not Scorecard.objects.exists()


def test_submitting_an_incomplete_card_names_the_missing_criteria(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    response = browser(judge).post(page_url(a), scores_post({"theme": "30"}, action="submit"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="score-creativity-error"' in html and 'id="score-technique-error"' in html
    assert 'id="score-theme-error"' not in html
    assert not Scorecard.objects.exists()


def test_a_stale_version_is_an_edit_conflict(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    client = browser(judge)
    client.post(page_url(a), scores_post({"theme": "10"}, version="1"))
    stale = client.post(page_url(a), scores_post({"theme": "20"}, version="1"))
    assert stale.status_code == 200
    assert stale.context["problem"].code == "edit_conflict"
    assert 'value="20"' in stale.content.decode()  # what was typed is kept
    assert Scorecard.objects.get(judge=judge).total == 10


def test_recusal_through_the_page(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    client = browser(judge)
    response = client.post(reverse("judge-recuse", args=[a.pk]), {"reason": "지인의 자녀"})
    assert response.status_code == 302 and response.url == reverse("judge-queue")
    a.refresh_from_db()
    assert a.recused_at is not None
    assert Conflict.objects.filter(kind="recusal", judge=judge, entry=a.entry).exists()
    assert Assignment.objects.filter(entry=a.entry, recused_at__isnull=True).count() == 3
    assert a.entry.blind_code not in client.get(reverse("judge-queue")).content.decode()
    # the old page (the browser's back button, a second click) lands on the queue, not a 404
    back = client.get(page_url(a))
    assert back.status_code == 302 and back.url == reverse("judge-queue")
    twice = client.post(reverse("judge-recuse", args=[a.pk]), {"reason": "지인의 자녀"})
    assert twice.status_code == 302 and twice.url == reverse("judge-queue")
    scores = client.post(page_url(a), scores_post(FULL, action="submit"))  # an older tab
    assert scores.status_code == 302 and scores.url == reverse("judge-queue")
    assert not Scorecard.objects.filter(judge=judge, entry=a.entry).exists()
    assert Conflict.objects.filter(kind="recusal", judge=judge).count() == 1


def test_recusal_without_a_reason_is_refused_beside_the_field_and_records_nothing(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    client = browser(judge)
    response = client.post(reverse("judge-recuse", args=[a.pk]), {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reason-error"' in html and 'aria-invalid="true"' in html
    assert '<details class="recuse" open>' in html
    a.refresh_from_db()
    assert a.recused_at is None
    assert not Conflict.objects.exists()
    assert not AuditRecord.objects.filter(action="assignment.recuse").exists()


def test_a_submitted_scorecard_cannot_be_recused_from(assigned):
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    submit(judge, a)
    response = browser(judge).post(reverse("judge-recuse", args=[a.pk]), {"reason": "x"})
    assert response.status_code == 302 and response.url == page_url(a)
    a.refresh_from_db()
    assert a.recused_at is None and not Conflict.objects.exists()


def test_another_judges_assignment_is_not_found(assigned, student, organizer):
    a_judge, b_judge = assigned["judges"][:2]
    theirs = Assignment.objects.filter(judge=b_judge).exclude(
        entry__in=Assignment.objects.filter(judge=a_judge).values("entry")
    )[0]
    client = browser(a_judge)
    assert client.get(page_url(theirs)).status_code == 404
    assert client.post(page_url(theirs), scores_post(FULL)).status_code == 404
    assert client.post(reverse("judge-recuse", args=[theirs.pk]), {}).status_code == 404
    for user in (student, organizer):
        assert browser(user).get(page_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.recused_at is None and not Scorecard.objects.exists()


# ---- Organizer pages ----------------------------------------------------------------------------


def test_contest_index_links_the_entries_and_each_round(judged, organizer):
    response = browser(organizer).get(reverse("organizer-contest", args=["wsce2021-drawing"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("organizer-entries", args=["wsce2021-drawing"]) in html
    for rnd in judged["drawing"].rounds.all():
        assert reverse("organizer-round", args=["wsce2021-drawing", rnd.pk]) in html


def test_round_page_runs_the_assignment_and_shows_progress(judged, organizer):
    client = browser(organizer)
    before = client.get(round_url(judged))
    assert before.status_code == 200
    for j in judged["judges"]:
        assert j.name in before.content.decode()
    response = client.post(round_url(judged), {"action": "assign", "seed": ""}, follow=True)
    assert response.redirect_chain == [(round_url(judged), 302)]
    assert Assignment.objects.count() == 18
    html = response.content.decode()
    message = next(iter(response.context["messages"])).message
    assert all(str(n) in message for n in (18, 4, 5))
    assert "0 / 18" in html and '<progress max="18" value="0"' in html
    assert AuditRecord.objects.filter(action="assignment.run").count() == 1
    judge = judged["judges"][0]
    submit(judge, queue_of(judge)[0])
    row = client.get(round_url(judged)).context["progress"][0]["p"]
    assert "1 / 18" in client.get(round_url(judged)).content.decode()
    progress = client.get(round_url(judged)).context["progress"]
    assert sum(p["p"].submitted for p in progress) == 1
    assert row.assigned in (4, 5)


def test_an_infeasible_assignment_names_the_entries(judged, organizer):
    judged["prelim"].panel.filter(judge__in=judged["judges"][2:]).delete()  # 2 judges, k = 3
    response = browser(organizer).post(round_url(judged), {"action": "assign"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="assign-problem"' in html
    for i in range(1, 7):
        assert f"WSCE21-D-0000{i}" in html
    assert not Assignment.objects.exists()


def test_round_pages_are_for_the_contests_organizers_only(judged, organizer, student, judge):
    stranger = user_make("organizer", is_staff=True)  # organizes no contest
    for user in (student, judge, judged["judges"][0], stranger):
        client = browser(user)
        assert client.get(round_url(judged)).status_code == 404
        assert client.post(round_url(judged), {"action": "assign"}).status_code == 404
        assert (
            client.get(reverse("organizer-contest", args=["wsce2021-drawing"])).status_code == 404
        )
    assert browser(None).get(round_url(judged)).status_code == 302
    other_round = judged["smart"].rounds.first()
    wrong = reverse("organizer-round", args=["wsce2021-drawing", other_round.pk])
    assert browser(organizer).get(wrong).status_code == 404
    assert not Assignment.objects.exists()


def test_adding_a_judge_to_the_panel(judged, organizer, judge, student):
    """Judges are picked by name from a list (usernames are shown nowhere); expertise is
    ticked among the contest's divisions, by their names."""
    client = browser(organizer)
    page = client.get(round_url(judged)).content.decode()
    assert f'<option value="{judge.pk}">{judge.name}' in page and judge.username not in page
    assert "초등 고학년" in page  # the divisions by name, not "upper"
    response = client.post(
        round_url(judged),
        {
            "action": "panel",
            "judge": str(judge.pk),
            "max_load": "3",
            "expertise": ["upper", "lower", "nonsense"],
        },
    )
    assert response.status_code == 302
    member = PanelMember.objects.get(round=judged["prelim"], judge=judge)
    assert member.max_load == 3
    assert JudgeProfile.objects.get(user=judge).expertise == ["lower", "upper"]
    for body, field in (
        ({"judge": "999999"}, "judge"),
        ({"judge": str(judge.pk), "max_load": "0"}, "max_load"),
    ):
        refused = client.post(round_url(judged), {"action": "panel", **body})
        assert refused.status_code == 200 and field in refused.context["errors"]["panel"]
    kept = client.post(
        round_url(judged), {"action": "panel", "judge": str(judge.pk), "max_load": "0"}
    )
    assert f'<option value="{judge.pk}" selected>' in kept.content.decode()  # kept
    not_listed = client.post(round_url(judged), {"action": "panel", "judge": str(student.pk)})
    assert "judge" in not_listed.context["errors"]["panel"]  # only judge accounts are offered
    assert PanelMember.objects.filter(round=judged["prelim"]).count() == 5


def test_declaring_a_conflict_by_receipt_number_reassigns(assigned, organizer):
    judge = assigned["judges"][0]
    held = queue_of(judge)[0]
    client = browser(organizer)
    response = client.post(
        round_url(assigned),
        {
            "action": "conflict",
            "judge": str(judge.pk),
            "entry": held.entry.receipt_number,
            "reason": "친척",
        },
    )
    assert response.status_code == 302
    assert Conflict.objects.filter(judge=judge, entry=held.entry, reason="친척").exists()
    held.refresh_from_db()
    assert held.recused_at is not None
    unknown = client.post(
        round_url(assigned), {"action": "conflict", "judge": str(judge.pk), "entry": "NOPE-1"}
    )
    assert "entry" in unknown.context["errors"]["conflict"]
    assert Conflict.objects.count() == 1


def test_unlocking_from_the_round_page_needs_a_reason_and_is_audited(assigned, organizer):
    judge = assigned["judges"][0]
    card = Scorecard.objects.get(pk=submit(judge, queue_of(judge)[0]).pk)
    client = browser(organizer)
    html = client.get(round_url(assigned)).content.decode()
    assert card.entry.receipt_number in html and "80.50" in html
    refused = client.post(round_url(assigned), {"action": "unlock", "scorecard": card.pk})
    assert refused.status_code == 200
    assert f'id="unlock-{card.pk}-error"' in refused.content.decode()
    assert refused.content.decode().count('class="field-error"') == 1  # only on that row
    card.refresh_from_db()
    assert card.status == "submitted"
    assert not AuditRecord.objects.filter(action="scorecard.unlock").exists()
    done = client.post(
        round_url(assigned),
        {"action": "unlock", "scorecard": card.pk, "reason": "오기 정정 요청"},
    )
    assert done.status_code == 302
    card.refresh_from_db()
    assert card.status == "draft"
    record = AuditRecord.objects.get(action="scorecard.unlock")
    assert (record.reason, record.actor_id) == ("오기 정정 요청", organizer.pk)
    # a judge cannot unlock through the page
    resubmitted = submit(judge, queue_of(judge)[0])
    assert (
        browser(judge)
        .post(round_url(assigned), {"action": "unlock", "scorecard": resubmitted.pk, "reason": "x"})
        .status_code
        == 404
    )


# ---- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_queue_query_count(assigned, django_assert_num_queries, n):
    judge = assigned["judges"][0]
    keep = [a.pk for a in queue_of(judge)[:n]]
    Assignment.objects.filter(judge=judge).exclude(pk__in=keep).delete()
    for pk in keep:
        scorecard_save(user=judge, assignment_id=pk, scores={"theme": "5"})
    client = browser(judge)
    # session, user, assignments (+ round, contest, entry), scorecards, scores, criteria,
    # unlocked scorecards, declined unlock requests, and the pairwise rounds whose panel the
    # judge sits on
    with django_assert_num_queries(9):
        response = client.get(reverse("judge-queue"))
    assert len(response.context["rounds"][0]["items"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_round_page_query_count(judged, organizer, django_assert_num_queries, n):
    prelim = judged["prelim"]
    prelim.panel.exclude(judge__in=judged["judges"][:n]).delete()
    prelim.judges_per_entry = 1
    prelim.save(update_fields=["judges_per_entry"])
    judges_assign(user=organizer, round=prelim)
    for judge in judged["judges"][:n]:
        submit(judge, queue_of(judge)[0])
        conflict_declare(  # the demo children's school: pending until the next run
            user=judge, contest=judged["drawing"], judge=judge, institution="세종한빛초등학교"
        )
    client = browser(organizer)
    # session, user, contest, organizer check, round, panel, assignment counts, scorecard
    # counts, who owes what, expertise (+ divisions), the round's entries with their judges
    # (count, page, assignments, submitted), judges to pick, the contest's judges, submitted
    # scorecards (+ judge, entry), the phase's rounds, divisions, pending declarations
    # (conflicts + judge, held pairs, submitted scorecards, entries + child), unlock requests
    with django_assert_num_queries(26):
        response = client.get(round_url(judged))
    assert len(response.context["progress"]) == n and len(response.context["cards"]) == n
    assert len(response.context["pending_conflicts"]) == n


def test_scoring_page_urls_do_not_carry_the_entry_id_in_s3_mode(assigned, s3_storage):
    """Judges' copies live under random keys (contests/<id>/copies/<random>/…), so even a
    presigned S3 URL, which shows its key in plain text, cannot tie a file to an entry. The
    page links to the app, which re-checks the judge's permission and then redirects there."""
    judge = assigned["judges"][0]
    a = queue_of(judge)[0]
    html = browser(judge).get(page_url(a)).content.decode()
    assert s3_storage.endpoint not in html
    links = re.findall(r'(/judging/files/[^"/]+/)', html)
    assert links and str(a.entry.pk) not in html
    for link in links:
        location = browser(judge).get(link)["Location"]
        assert location.startswith(s3_storage.endpoint) and str(a.entry.pk) not in location
