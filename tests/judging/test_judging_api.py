"""Judging through the API: assignment, blind queues, scorecards, recusal, unlocking."""

import pytest

from core.models import AuditRecord
from judging.models import Assignment, Conflict, PanelMember, Scorecard
from judging.services.assignment import queue_order
from submissions.models import Entry
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def run(organizer, rnd, **body):
    return client_for(organizer).post(f"/api/v1/rounds/{rnd.pk}/assignment/", body, format="json")


def test_organizer_runs_a_balanced_assignment(judged, organizer):
    response = run(organizer, judged["prelim"])
    assert response.status_code == 200, response.json()
    body = response.json()
    # 6 drawings × 3 judges = 18 pairs over 4 judges: loads 4 or 5
    assert (body["assigned"], body["total"], body["min_load"], body["max_load"]) == (18, 18, 4, 5)
    # judge 0 knows the "lower" division: 2 of the 6 drawings are there, both go to them
    assert body["total_affinity"] == 2
    assert set(
        Entry.objects.filter(contest=judged["drawing"]).values_list("status", flat=True)
    ) == {"in_judging"}
    assert AuditRecord.objects.filter(action="assignment.run").count() == 1
    # Running again keeps every pair and adds none.
    again = run(organizer, judged["prelim"]).json()
    assert (again["assigned"], again["total"]) == (0, 18)


def test_only_the_contests_organizers_run_assignments(judged, judge, student):
    for user in (judge, student, judged["judges"][0]):
        assert run(user, judged["prelim"]).status_code == 404
    assert not Assignment.objects.exists()


def test_infeasible_round_names_the_entries_and_writes_nothing(judged, organizer):
    judged["prelim"].panel.filter(judge__in=judged["judges"][2:]).delete()  # 2 judges, k = 3
    response = run(organizer, judged["prelim"])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "assignment_infeasible"
    assert sorted(body["detail"]["entries"]) == [f"WSCE21-D-0000{i}" for i in range(1, 7)]
    assert not Assignment.objects.exists()


def test_affiliation_with_the_childs_school_is_an_automatic_conflict(judged, organizer):
    conflicted = judged["judges"][3]
    conflicted.affiliation = " 세종한빛 초등학교"  # the demo children's school, spelled loosely
    conflicted.save()
    assert run(organizer, judged["prelim"]).status_code == 200
    assert not Assignment.objects.filter(judge=conflicted).exists()
    assert Assignment.objects.count() == 18


def test_declared_institution_conflict(judged, organizer):
    judge = judged["judges"][1]
    response = client_for(judge).post(
        "/api/v1/contests/wsce2021-drawing/conflicts/",
        {"institution": "세종한빛초등학교", "reason": "자녀 재학"},
        format="json",
    )
    assert response.status_code == 201
    assert run(organizer, judged["prelim"]).status_code == 200
    assert not Assignment.objects.filter(judge=judge).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"judge": "nobody-here", "institution": "어느학교"}, "judge"),
        ({"judge": "{judge}", "entry": "WSCE21-D-99999"}, "entry"),
    ],
)
def test_unknown_judge_or_entry_is_the_same_field_error_in_api_and_page(
    judged, organizer, client, body, field
):
    """Recording a conflict names a judge by username and an entry by receipt number; an
    unknown one is a 400 field error in the API and the same message on the page (issue 12:
    the API answered 404, the page a field error)."""
    judge = judged["judges"][0]
    body = {k: v.replace("{judge}", judge.username) for k, v in body.items()}
    response = client_for(organizer).post(
        "/api/v1/contests/wsce2021-drawing/conflicts/", body, format="json"
    )
    assert response.status_code == 400
    message = response.json()["detail"][field][0]
    client.force_login(organizer)
    # the page picks the judge from a list (by name): an unknown one is not on the list
    form = {**body, "judge": str(judge.pk) if field == "entry" else "999999"}
    page = client.post(
        f"/contests/wsce2021-drawing/manage/rounds/{judged['prelim'].pk}/",
        {"action": "conflict", **form},
    )
    assert page.status_code == 200
    if field == "entry":
        assert message in page.content.decode()
    assert field in page.context["errors"]["conflict"]
    assert not Conflict.objects.exists()


def queue(user):
    response = client_for(user).get("/api/v1/judging/assignments/")
    assert response.status_code == 200
    return response.json()["results"]


def test_queue_is_blind(judged, organizer):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    items = queue(judge)
    assert len(items) == Assignment.objects.filter(judge=judge).count()
    assert set(items[0]) == {
        "id",
        "round",
        "entry_code",
        "title",
        "description",
        "files",
        "rubric",
        "scorecard",
    }
    assert [r["code"] for r in items[0]["rubric"]] == ["theme", "creativity", "technique"]
    text = client_for(judge).get("/api/v1/judging/assignments/").content.decode()
    for entry in Entry.objects.filter(contest=judged["drawing"]).select_related("child", "owner"):
        for secret in (
            entry.receipt_number,
            entry.child.name,
            entry.child.school,
            entry.owner.username,
            entry.owner.name,
            entry.owner.email,
            str(entry.pk),
        ):
            assert secret not in text, secret
        for f in entry.files.all():
            assert f.display_name not in text


def test_queue_is_shuffled_per_judge(judged, organizer):

    run(organizer, judged["prelim"])
    for judge in judged["judges"]:
        codes = [i["entry_code"] for i in queue(judge)]
        held = {
            a.entry.blind_code: a
            for a in Assignment.objects.filter(judge=judge).select_related("entry")
        }
        expected = sorted(
            codes, key=lambda c: queue_order(judge.pk, held[c].entry_id, judged["prelim"].pk)
        )
        assert codes == expected  # the judge's own stable shuffle
    # The shuffle really differs between judges: the same six entries in two orders.
    entries = [f"entry-{i}" for i in range(6)]
    first = sorted(entries, key=lambda e: queue_order(1, e, 1))
    second = sorted(entries, key=lambda e: queue_order(2, e, 1))
    assert first != second and sorted(first) == sorted(second)


def test_scorecard_draft_submit_lock_unlock(judged, organizer):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    item = queue(judge)[0]
    client = client_for(judge)
    url = f"/api/v1/judging/assignments/{item['id']}/scorecard/"
    draft = client.put(
        url, {"scores": {"theme": 30, "creativity": 20.5}, "comment": "색감"}, format="json"
    )
    assert draft.status_code == 200, draft.json()
    assert (draft.json()["status"], draft.json()["total"]) == ("draft", 50.5)
    bad = client.put(url, {"scores": {"theme": 41, "technique": -1, "color": 3}}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_scores"
    assert set(bad.json()["detail"]) == {"theme", "technique", "color"}
    incomplete = client.put(url, {"scores": {"theme": 30}, "submit": True}, format="json")
    assert incomplete.status_code == 400 and set(incomplete.json()["detail"]) == {
        "creativity",
        "technique",
    }
    card = Scorecard.objects.get(judge=judge)
    assert card.total == 50.5  # refused saves changed nothing
    done = client.put(
        url,
        {"scores": {"theme": 30, "creativity": 20.5, "technique": 25}, "submit": True},
        format="json",
    )
    assert done.json() == {"id": card.pk, "status": "submitted", "total": 75.5, "version": 3}
    locked = client.put(url, {"scores": {"theme": 40}}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "scorecard_locked"
    # only an organizer unlocks, with a reason, and it is recorded
    assert (
        client.post(
            f"/api/v1/scorecards/{card.pk}/unlock/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    org = client_for(organizer)
    assert org.post(f"/api/v1/scorecards/{card.pk}/unlock/", {}, format="json").status_code == 400
    unlocked = org.post(
        f"/api/v1/scorecards/{card.pk}/unlock/", {"reason": "오기 정정 요청"}, format="json"
    )
    assert unlocked.json()["status"] == "draft"
    record = AuditRecord.objects.get(action="scorecard.unlock")
    assert record.reason == "오기 정정 요청" and record.before["total"] == "75.50"
    assert client.put(url, {"scores": {"theme": 40}}, format="json").status_code == 200


def test_stale_version_is_an_edit_conflict(judged, organizer):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    url = f"/api/v1/judging/assignments/{queue(judge)[0]['id']}/scorecard/"
    client = client_for(judge)
    first = client.put(url, {"scores": {"theme": 10}, "version": 1}, format="json").json()
    assert first["version"] == 2
    stale = client.put(url, {"scores": {"theme": 20}, "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "edit_conflict"
    assert Scorecard.objects.get(judge=judge).total == 10


def test_judges_never_see_each_others_scores_or_entries(judged, organizer):
    run(organizer, judged["prelim"])
    a, b = judged["judges"][0], judged["judges"][1]
    mine = {i["id"] for i in queue(a)}
    theirs = (
        Assignment.objects.filter(judge=b)
        .exclude(entry__in=Assignment.objects.filter(judge=a).values("entry"))
        .first()
    )
    assert theirs is not None and theirs.pk not in mine
    client = client_for(a)
    for method, url in [
        ("get", f"/api/v1/judging/assignments/{theirs.pk}/"),
        ("put", f"/api/v1/judging/assignments/{theirs.pk}/scorecard/"),
        ("post", f"/api/v1/judging/assignments/{theirs.pk}/recuse/"),
    ]:
        assert (
            getattr(client, method)(url, {"scores": {"theme": 1}}, format="json").status_code == 404
        )
    # a shared entry: b's score never appears in a's view
    shared = Assignment.objects.filter(
        judge=b, entry__in=Assignment.objects.filter(judge=a).values("entry")
    ).first()
    client_for(b).put(
        f"/api/v1/judging/assignments/{shared.pk}/scorecard/",
        {"scores": {"theme": 37}},
        format="json",
    )
    item = next(i for i in queue(a) if i["entry_code"] == shared.entry.blind_code)
    assert item["scorecard"] is None


def test_recusal_reassigns_that_entry_alone(judged, organizer):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    before = set(
        Assignment.objects.filter(recused_at__isnull=True).values_list("entry_id", "judge_id")
    )
    item = queue(judge)[0]
    response = client_for(judge).post(
        f"/api/v1/judging/assignments/{item['id']}/recuse/",
        {"reason": "지인의 자녀로 보임"},
        format="json",
    )
    assert response.status_code == 200
    recused = Assignment.objects.get(pk=item["id"])
    after = set(
        Assignment.objects.filter(recused_at__isnull=True).values_list("entry_id", "judge_id")
    )
    assert before - after == {(recused.entry_id, judge.pk)}
    (added,) = after - before
    assert added[0] == recused.entry_id and added[1] != judge.pk
    assert Conflict.objects.filter(kind="recusal", judge=judge, entry=recused.entry).exists()
    assert item["id"] not in {i["id"] for i in queue(judge)}


def test_progress_for_organizers(judged, organizer):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    item = queue(judge)[0]
    client_for(judge).put(
        f"/api/v1/judging/assignments/{item['id']}/scorecard/",
        {"scores": {"theme": 1, "creativity": 1, "technique": 1}, "submit": True},
        format="json",
    )
    body = client_for(organizer).get(f"/api/v1/rounds/{judged['prelim'].pk}/progress/").json()
    assert (body["assigned"], body["submitted"]) == (18, 1)
    row = next(r for r in body["judges"] if r["judge_id"] == judge.pk)
    assert (row["submitted"], row["drafted"]) == (1, 0)
    assert (
        client_for(judge).get(f"/api/v1/rounds/{judged['prelim'].pk}/progress/").status_code == 404
    )


@pytest.mark.parametrize("n", [1, 3])
def test_queue_query_count(judged, organizer, django_assert_num_queries, n):
    run(organizer, judged["prelim"])
    judge = judged["judges"][0]
    keep = list(Assignment.objects.filter(judge=judge).values_list("pk", flat=True)[:n])
    Assignment.objects.filter(judge=judge).exclude(pk__in=keep).delete()
    client = client_for(judge)
    for pk in keep:
        client.put(
            f"/api/v1/judging/assignments/{pk}/scorecard/", {"scores": {"theme": 5}}, format="json"
        )
    # token, count, page (+ round, entry), criteria, files, scorecards, scores, criterion
    with django_assert_num_queries(8):
        assert len(client.get("/api/v1/judging/assignments/").json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_progress_query_count(judged, organizer, django_assert_num_queries, n):
    judged["prelim"].panel.exclude(judge__in=judged["judges"][:n]).delete()
    client = client_for(organizer)
    # token, round, organizer check, panel, assignment counts, scorecard counts, the
    # institutions judges declared (none here: judging.selectors.round_pending_conflicts)
    with django_assert_num_queries(7):
        body = client.get(f"/api/v1/rounds/{judged['prelim'].pk}/progress/").json()
    assert len(body["judges"]) == n


def test_whole_panel_round_skips_only_conflicted_pairs(judged, organizer):
    """Track S round 2: every panel judge scores every finalist, except a conflicted pair."""

    smart = judged["smart"]
    r2 = smart.rounds.get(code="r2")
    finalists = list(Entry.objects.filter(contest=smart, status="submitted"))
    Entry.objects.filter(pk__in=[e.pk for e in finalists]).update(status="advanced")
    for j in judged["judges"]:
        PanelMember.objects.create(round=r2, judge=j)
    conflicted = judged["judges"][0]
    conflicted.affiliation = finalists[0].members.first().university
    conflicted.save()
    body = run(organizer, r2).json()
    assert body["total"] == len(finalists) * 4 - 1
    assert not Assignment.objects.filter(judge=conflicted, entry=finalists[0]).exists()
    assert Assignment.objects.filter(judge=conflicted).count() == len(finalists) - 1
