"""The organizer's contest dashboard: entries per day (KST) and division, judging progress and
score distribution per judge; a fixed number of queries, and the numbers the page shows.
And the organizer's long operations (assignment, ranking) that a large round runs as a
background job with a status page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Job
from judging.dashboard import contest_dashboard
from judging.models import Assignment
from judging.services.assignment import judges_assign
from judging.services.comparisons import comparison_decide, pair_next
from judging.services.scoring import scorecard_save
from judging.tasks import round_assign
from results.models import RankingSnapshot
from submissions.models import Entry
from tests.judging.pairwise_helpers import decide_all, make_pairwise

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def submit(judge, assignment, theme: int, creativity: int = 20, technique: int = 20):
    scores = {"theme": str(theme), "creativity": str(creativity), "technique": str(technique)}
    return scorecard_save(
        user=judge, assignment_id=assignment.pk, scores=scores, submit=True, version=None
    )


def queue(judge):
    return list(Assignment.objects.filter(judge=judge).order_by("queue_order"))


def page(user, contest):
    client = Client()
    client.force_login(user)
    return client.get(reverse("organizer-contest", args=[contest.slug]))


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_queries_do_not_grow(judged, organizer, django_assert_num_queries, n):
    prelim = judged["prelim"]
    judges_assign(user=organizer, round=prelim)
    for judge in judged["judges"][:n]:
        for i, a in enumerate(queue(judge)[:n]):
            submit(judge, a, theme=10 + i)
    # entries per day; rounds; panel, assignments, scorecard counts; submitted totals
    with django_assert_num_queries(6):
        data = contest_dashboard(judged["drawing"])
    prelim_panel = next(p for p in data["rounds"] if p.round.pk == prelim.pk)
    assert len(prelim_panel.spreads) == n
    assert all(s.n == n for s in prelim_panel.spreads)


@pytest.mark.parametrize("n", [1, 3])
def test_dashboard_page_queries_do_not_grow(judged, organizer, django_assert_num_queries, n):
    judges_assign(user=organizer, round=judged["prelim"])
    for judge in judged["judges"][:n]:
        for a in queue(judge)[:n]:
            submit(judge, a, theme=30)
    client = Client()
    client.force_login(organizer)
    url = reverse("organizer-contest", args=[judged["drawing"].slug])
    # the page's own reads + the dashboard's 6 + the season's checklist (results.steps: the
    # phase's facts, entry counts, each round's coverage, allocation, publication)
    with django_assert_num_queries(26):
        response = client.get(url)
    assert response.status_code == 200


def test_entries_per_day_are_kst_dates_by_division(judged, organizer):
    drawing = judged["drawing"]
    entries = list(Entry.objects.filter(contest=drawing).select_related("division"))
    # 14:59 UTC is 23:59 KST on 3 March; 15:00 UTC is 00:00 KST on 4 March
    times = [
        dt.datetime(2026, 3, 3, 14, 59, tzinfo=UTC),
        dt.datetime(2026, 3, 3, 15, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 3, 16, 0, tzinfo=UTC),
    ]
    by_division: dict[str, list[Entry]] = {}
    for e in entries:
        by_division.setdefault(e.division.code, []).append(e)
    lower, upper = by_division["lower"], by_division["upper"]
    Entry.objects.filter(pk=lower[0].pk).update(submitted_at=times[0])
    Entry.objects.filter(pk=lower[1].pk).update(submitted_at=times[1])
    Entry.objects.filter(pk__in=[e.pk for e in upper]).update(submitted_at=times[2])
    Entry.objects.filter(division__code="preschool", contest=drawing).update(submitted_at=None)

    days = contest_dashboard(drawing)["days"]
    assert [(d.day, d.total) for d in days] == [(dt.date(2026, 3, 3), 1), (dt.date(2026, 3, 4), 3)]
    lower_name = lower[0].division.name_ko
    upper_name = upper[0].division.name_ko
    assert [(b.division, b.n, b.width) for b in days[1].bars] == [
        (lower_name, 1, 50.0),
        (upper_name, 2, 100.0),
    ]

    html = page(organizer, drawing).content.decode()
    assert "2026-03-03" in html and "2026-03-04" in html
    assert 'style="width: 50.0%"' in html and 'style="width: 100.0%"' in html


def test_progress_and_score_distribution_shown(judged, organizer):
    drawing, prelim = judged["drawing"], judged["prelim"]
    judges_assign(user=organizer, round=prelim)
    busy = next(j for j in judged["judges"] if len(queue(j)) == 5)
    # totals 40, 50, 60, 70 (theme + 20 + 20); the fifth stays unscored
    for a, theme in zip(queue(busy)[:4], [0, 10, 20, 30], strict=True):
        submit(busy, a, theme=theme)

    data = contest_dashboard(drawing)
    panel = next(p for p in data["rounds"] if p.round.pk == prelim.pk)
    mine = next(j for j in panel.progress if j.judge_id == busy.pk)
    assert (mine.submitted, mine.assigned) == (4, 5)
    assert (panel.submitted, panel.assigned) == (4, 18)
    [spread] = panel.spreads
    assert (spread.judge_id, spread.n, spread.min, spread.q1, spread.median) == (
        busy.pk,
        4,
        40.0,
        47.5,
        55.0,
    )
    assert (spread.q3, spread.max, spread.mean, spread.box) == (62.5, 70.0, 55.0, 15.0)

    html = page(organizer, drawing).content.decode()
    assert f'<span class="num" data-judge="{busy.pk}">4 / 5</span>' in html
    row = html.split(f'<tr data-judge="{busy.pk}">', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>")[0] for c in row.split('<td class="num">')[1:]]
    assert cells == ["4", "40.0", "47.5", "55.0", "62.5", "70.0", "55.0"]
    assert '<rect class="box" x="47.50" width="15.00"' in html
    assert '<line class="median" x1="55.00"' in html


def test_a_pairwise_round_shows_decisions_per_judge_not_scorecards(judged, organizer):
    """Judged in pairs, a round has no scorecards: the dashboard counts each judge's decisions
    and skips (the busiest judge's bar full) and links to the round's reliability page."""
    drawing, prelim = judged["drawing"], make_pairwise(judged["prelim"], per_division=False)
    first, second = judged["judges"][:2]
    decide_all(first, prelim, limit=3)
    decide_all(second, prelim, limit=1)
    held = pair_next(user=second, round=prelim)
    comparison_decide(user=second, comparison_id=held[0].pk, skip=True)

    data = contest_dashboard(drawing)

    panel = next(p for p in data["rounds"] if p.round.pk == prelim.pk)
    assert panel.pairwise and not panel.spreads
    counts = {j.judge_id: (j.decided, j.skipped) for j in panel.pairs}
    assert counts[first.pk] == (3, 0) and counts[second.pk] == (1, 1)
    assert (panel.decided, panel.skipped, panel.busiest) == (4, 1, 3)
    html = page(organizer, drawing).content.decode()
    assert f'<span class="num" data-judge="{first.pk}">' in html
    assert reverse("organizer-scale", args=[drawing.slug, prelim.pk]) in html
    section = html.split(f'id="dash-round-{prelim.pk}"', 1)[1].split("</section>", 1)[0]
    assert "scorecards submitted" not in section and "채점표" not in section


# ---- Long operations in the background ------------------------------------------------------


def ours():
    """This module's jobs (the demo seed queues image and mail jobs of its own)."""
    return Job.objects.filter(name__in=("judging.tasks.round_assign", "results.tasks.round_rank"))


def organizer_client(organizer) -> Client:
    client = Client()
    client.force_login(organizer)
    return client


def assign_url(judged) -> str:
    return reverse("organizer-round", args=[judged["drawing"].slug, judged["prelim"].pk])


def test_large_round_assignment_runs_as_a_job(
    judged, organizer, settings, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_THRESHOLD = 5  # the round has 6 entries
    client = organizer_client(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(assign_url(judged), {"action": "assign", "seed": "7"})
    job = ours().get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"/jobs/{job.pk}/?next=")
    assert (job.name, job.args, job.started_by) == (
        "judging.tasks.round_assign",
        {"round_id": judged["prelim"].pk, "user_id": organizer.pk, "seed": 7},
        organizer,
    )
    assert (job.status, job.progress, job.error) == ("done", 100, "")
    assert Assignment.objects.filter(round=judged["prelim"]).count() == 18  # 6 entries × 3
    page = client.get(response["Location"])
    assert page.status_code == 200 and page.context["back"] == assign_url(judged)
    assert f"#{job.pk}" in page.content.decode()


def test_small_round_assignment_runs_in_the_request(judged, organizer, settings):
    settings.BACKGROUND_THRESHOLD = 6
    response = organizer_client(organizer).post(assign_url(judged), {"action": "assign"})
    assert response.status_code == 302 and response["Location"] == assign_url(judged)
    assert ours().count() == 0
    assert Assignment.objects.filter(round=judged["prelim"]).count() == 18


def test_large_round_assignment_job_is_idempotent_and_refusal_is_recorded(
    judged, organizer, settings, django_capture_on_commit_callbacks
):

    settings.BACKGROUND_THRESHOLD = 5
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client(organizer).post(assign_url(judged), {"action": "assign"})
    round_assign(round_id=judged["prelim"].pk, user_id=organizer.pk)  # a redelivered message
    assert Assignment.objects.filter(round=judged["prelim"]).count() == 18
    # a bad seed is refused in the request, before any job
    response = organizer_client(organizer).post(
        assign_url(judged), {"action": "assign", "seed": "x"}
    )
    assert response.status_code == 200 and ours().count() == 1


def scored(judged, organizer):
    judges_assign(user=organizer, round=judged["prelim"])
    for judge in judged["judges"]:
        for i, a in enumerate(queue(judge)):
            submit(judge, a, theme=10 + 3 * i)


def rank(client, judged):
    url = reverse("organizer-results-action", args=[judged["drawing"].slug, "rank"])
    return client.post(url, {"round": judged["prelim"].pk, "method": "mean"})


def test_large_round_ranking_runs_as_a_job(
    judged, organizer, settings, django_capture_on_commit_callbacks
):
    scored(judged, organizer)
    settings.BACKGROUND_THRESHOLD = 5
    client = organizer_client(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = rank(client, judged)
    job = ours().get()
    assert response["Location"].startswith(f"/jobs/{job.pk}/?next=")
    assert (job.name, job.status, job.error) == ("results.tasks.round_rank", "done", "")
    assert job.args == {"round_id": judged["prelim"].pk, "user_id": organizer.pk, "method": "mean"}
    snapshot = RankingSnapshot.objects.get(round=judged["prelim"])
    assert (snapshot.method, snapshot.created_by, len(snapshot.rows)) == ("mean", organizer, 6)
    back = reverse("organizer-results", args=[judged["drawing"].slug])
    assert client.get(response["Location"]).context["back"] == back


def test_small_round_ranking_runs_in_the_request(judged, organizer, settings):
    scored(judged, organizer)
    settings.BACKGROUND_THRESHOLD = 6
    response = rank(organizer_client(organizer), judged)
    assert response["Location"] == reverse("organizer-results", args=[judged["drawing"].slug])
    assert ours().count() == 0
    assert RankingSnapshot.objects.filter(round=judged["prelim"]).count() == 1
