"""Comparative judgement, the organizer's numbers: the round's scale equals the engine's and the
``rank_pairs`` command's on the same decisions; the scale ranks, advances and feeds the final
ranking and the prizes like any round's score."""

import csv
import io
import json
import random

import numpy as np
import pytest
from django.core.management import call_command
from scipy.special import expit

from accounts.enums import Role
from contests.enums import RoundKind
from judging.comparative import scale_fit, scores_from_theta
from judging.enums import ComparisonOutcome, ConflictKind
from judging.models import Comparison, Conflict, PanelMember
from judging.scale import pairwise_scale
from judging.scale_history import checkpoints, scale_history
from judging.scale_report import entry_rows, scale_report
from judging.services.comparisons import comparison_decide, pair_next
from results.services import publication, rankings
from results.steps import contest_steps
from submissions.enums import EntryStatus
from submissions.models import Entry
from tests.factories import user_make
from tests.judging.pairwise_helpers import make_pairwise, quality

pytestmark = pytest.mark.django_db


def judge_all(judges, rnd, *, seed=7, spread=0.7):
    """Every judge compares every pair they are served; a judge prefers the better drawing
    (lower receipt number) with the Bradley–Terry chance, so the scale is finite."""
    rng = random.Random(seed)
    for judge in judges:
        while held := pair_next(user=judge, round=rnd):
            c = held[0]
            gap = spread * (quality(c.left_id) - quality(c.right_id))
            winner = "left" if rng.random() < expit(gap) else "right"
            comparison_decide(user=judge, comparison_id=c.pk, winner=winner)


@pytest.fixture
def scaled(judged):
    rnd = make_pairwise(judged["prelim"], per_division=False)
    judge_all(judged["judges"], rnd)
    return judged


def _decisions(rnd):
    rows = []
    for c in Comparison.objects.filter(
        round=rnd, outcome__in=[ComparisonOutcome.LEFT, ComparisonOutcome.RIGHT]
    ).select_related("judge", "left", "right"):
        win, lose = (c.left, c.right) if c.outcome == ComparisonOutcome.LEFT else (c.right, c.left)
        rows.append((c.judge.username, win.receipt_number, lose.receipt_number))
    return rows


def test_the_scale_is_the_engines_fit_of_the_decisions(scaled):
    rnd = scaled["prelim"]
    scale = pairwise_scale(round=rnd)
    rows = _decisions(rnd)
    assert scale.decisions == len(rows) == 4 * 15  # 4 judges × C(6, 2) pairs
    judges, winners, losers = (np.array(col) for col in zip(*rows, strict=True))
    engine = scale_fit(judges=judges, winners=winners, losers=losers)
    mine = {r.receipt: r for r in entry_rows(scale)}
    for i, receipt in enumerate(engine.entries):
        assert mine[receipt].theta == pytest.approx(engine.theta[i], abs=1e-6)
        assert mine[receipt].se == pytest.approx(engine.se[i], abs=1e-9)
        assert mine[receipt].comparisons == engine.comparisons[i] == 20
        assert mine[receipt].infit == pytest.approx(engine.infit[i], abs=1e-9)
        assert mine[receipt].score == pytest.approx(
            float(scores_from_theta(theta=engine.theta[i : i + 1])[0]), abs=0.01
        )
    assert scale.ssr == pytest.approx(engine.ssr, abs=1e-12)
    names = {u.pk: u.username for u in scaled["judges"]}
    by_judge = dict(zip(engine.judges, engine.judge_infit, strict=True))
    for judge, infit in zip(scale.judges, scale.judge_infit, strict=True):
        assert infit == pytest.approx(by_judge[names[int(judge)]], abs=1e-12)


def test_rank_pairs_gives_the_same_scale_from_the_exported_decisions(scaled, tmp_path):
    rnd = scaled["prelim"]
    path = tmp_path / "decisions.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["judge", "winner", "loser"])
        writer.writerows(_decisions(rnd))
    out, summary = io.StringIO(), tmp_path / "summary.json"
    call_command(
        "rank_pairs", str(path), "--summary", str(summary), stdout=out, stderr=io.StringIO()
    )
    command = {row["entry"]: row for row in csv.DictReader(io.StringIO(out.getvalue()))}
    report = scale_report(round=rnd)
    for row in entry_rows(report.scale):
        cli = command[row.receipt]
        assert float(cli["theta"]) == pytest.approx(row.theta, abs=1e-6)
        assert float(cli["se"]) == pytest.approx(row.se, abs=1e-6)
        assert int(cli["rank"]) == row.rank
        assert int(cli["comparisons"]) == row.comparisons
    assert json.loads(summary.read_text())["ssr"] == pytest.approx(report.ssr, abs=1e-6)


def test_a_random_clicking_judge_is_flagged_by_name(judged):
    rnd = make_pairwise(judged["prelim"], per_division=False)
    careful = judged["judges"] + [user_make(Role.JUDGE) for _ in range(4)]
    for j in careful[4:]:
        PanelMember.objects.create(round=rnd, judge=j)
    judge_all(careful, rnd, spread=3.0)
    clicker = user_make(Role.JUDGE, name="무작위 심사위원")
    PanelMember.objects.create(round=rnd, judge=clicker)
    # always the worse drawing: the most inconsistent judge possible
    judge_all([clicker], rnd, spread=-3.0, seed=1)
    report = scale_report(round=rnd)
    assert [j.name for j in report.misfits] == ["무작위 심사위원"]
    assert report.judges[0].name == "무작위 심사위원"


def test_ssr_over_time_ends_at_todays_value_and_rises(scaled):
    rnd = scaled["prelim"]
    scale = pairwise_scale(round=rnd)
    history = scale_history(round=rnd, scale=scale)
    assert [p.decisions for p in history] == checkpoints(n_entries=6, n_decisions=60)
    assert history[-1].decisions == 60
    assert history[-1].ssr[0] == pytest.approx(scale.ssr)
    assert history[-1].ssr[0] > history[0].ssr[0]
    assert scale_history(round=rnd, scale=scale) == history  # cached per checkpoint


@pytest.mark.parametrize(
    ("n", "m", "expected"),
    [
        (6, 0, []),
        (6, 5, [3, 5]),
        (6, 60, list(range(6, 61, 6))),  # 20 steps of 3 are more than 16: the step doubles
        (100, 500, list(range(50, 501, 50))),
    ],
)
def test_checkpoints(n, m, expected):
    assert checkpoints(n_entries=n, n_decisions=m) == expected


def test_stopping_rule_needs_both_ssr_and_every_entrys_comparisons(scaled):
    scale = pairwise_scale(round=scaled["prelim"])
    report = scale_report(round=scaled["prelim"])
    assert scale.min_compared == 20  # every drawing compared 20 times (4 judges × 5)
    assert scale.complete == (scale.ssr >= 0.8)
    assert f"SSR {scale.ssr:.2f}" in report.stopping_rule


def test_a_decision_by_a_judge_since_conflicted_stops_counting(scaled, organizer):
    rnd = scaled["prelim"]
    before = pairwise_scale(round=rnd).decisions
    judge = scaled["judges"][0]
    entry = Entry.objects.filter(contest=scaled["drawing"]).order_by("receipt_number").first()
    Conflict.objects.create(
        contest=scaled["drawing"],
        judge=judge,
        entry=entry,
        kind=ConflictKind.ENTRY,
        created_by=organizer,
    )
    assert pairwise_scale(round=rnd).decisions == before - 5  # that judge's 5 pairs with it


def test_ranking_advancement_and_prizes_of_a_pairwise_round(judged, organizer):
    """Per division (Track D 예선): the better drawing of each division advances (top 10 %,
    at least one), through the usual services; a pairwise final then ranks and pays out."""
    drawing = judged["drawing"]
    prelim = make_pairwise(judged["prelim"], per_division=True)
    judge_all(judged["judges"], prelim, spread=4.0, seed=3)
    snap = rankings.ranking_compute(user=organizer, round=prelim, method=None)
    assert snap.method == "pairwise"
    rows = snap.rows
    assert {r["division"] for r in rows} == {"preschool", "lower", "upper"}
    for row in rows:
        assert row["score"] == pytest.approx(100 * expit(row["theta"]), abs=1e-5)
        assert 1 <= row["rank_low"] <= row["rank"] <= row["rank_high"] <= 2
    by_division = {}
    for row in rows:
        by_division.setdefault(row["division"], []).append(row)
    for group in by_division.values():
        assert [r["rank"] for r in group] == [1, 2]
        best = max(group, key=lambda r: quality(r["entry_id"]))
        assert group[0]["entry_id"] == best["entry_id"]  # the better one, decided 4 × 1
    advanced = rankings.round_advance(user=organizer, round=prelim)
    winners = {group[0]["entry_code"] for group in by_division.values()}
    assert set(advanced) == winners
    statuses = dict(Entry.objects.filter(contest=drawing).values_list("receipt_number", "status"))
    assert {c for c, s in statuses.items() if s == EntryStatus.ADVANCED} == winners
    assert sum(s == EntryStatus.ELIMINATED for s in statuses.values()) == 3

    final = make_pairwise(drawing.rounds.get(code="final"), per_division=True)
    for judge in judged["judges"]:
        PanelMember.objects.create(round=final, judge=judge)
    judge_all(judged["judges"], final)  # one drawing per division: nothing to compare
    assert not Comparison.objects.filter(round=final).exists()
    with pytest.raises(Exception) as refused:
        rankings.ranking_compute(user=organizer, round=final)
    assert refused.value.code == "no_decisions"


def test_a_pairwise_final_feeds_the_final_ranking_and_allocation(judged, organizer):
    drawing = judged["drawing"]
    prelim = drawing.rounds.get(code="prelim")
    prelim.per_division, prelim.advance_percent, prelim.advance_count = False, None, 4
    prelim.save()
    make_pairwise(prelim)
    judge_all(judged["judges"], prelim, spread=4.0)
    rankings.ranking_compute(user=organizer, round=prelim)
    assert len(rankings.round_advance(user=organizer, round=prelim)) == 4
    final = make_pairwise(drawing.rounds.get(code="final"), per_division=True)
    for judge in judged["judges"]:
        PanelMember.objects.create(round=final, judge=judge)
    judge_all(judged["judges"], final, spread=4.0)
    snap = rankings.ranking_compute(user=organizer, round=final)
    assert len(snap.rows) == 4
    final_ranking = rankings.final_ranking_compute(user=organizer, contest=drawing)
    ranked = {(r["entry_id"], r["rank"], r["score"]) for r in snap.rows}
    assert {(r["entry_id"], r["rank"], r["score"]) for r in final_ranking.rows} == ranked
    # main's final intervals resample scorecards: none for a scale, and the page says why
    assert final_ranking.certainty["unavailable"] == "pairwise"
    allocation = publication.allocation_compute(user=organizer, contest=drawing)
    firsts = {r["entry_code"] for r in snap.rows if r["rank"] == 1}
    assert {a["entry_code"] for a in allocation.awards if a["rank"] == 1} == firsts
    assert allocation.awarded_total + allocation.unallocated + allocation.remainder == (
        allocation.tiers_total
    )


def test_a_rubric_method_is_refused_for_a_pairwise_round(scaled, organizer):
    rnd = scaled["prelim"]
    with pytest.raises(Exception) as refused:
        rankings.ranking_start(user=organizer, round=rnd, method="mean")
    assert refused.value.code == "invalid_method"
    snap = rankings.ranking_start(user=organizer, round=rnd, method=rnd.method)  # as the page
    assert snap.method == "pairwise"
    again = rankings.ranking_compute(user=organizer, round=rnd)
    assert again.inputs_sha256 == snap.inputs_sha256 and again.rows == snap.rows


def test_the_seeded_rounds_stay_rubric(judged):
    assert {r.kind for r in judged["drawing"].rounds.all()} == {RoundKind.RUBRIC}


def test_a_large_rounds_report_may_lag_by_a_share_of_its_decisions(judged):
    rnd = make_pairwise(judged["prelim"], per_division=False)
    judge = judged["judges"][0]
    judge_all([judge], rnd)
    fitted = pairwise_scale(round=rnd)
    other = judged["judges"][1]
    c = pair_next(user=other, round=rnd)[0]
    comparison_decide(user=other, comparison_id=c.pk, winner="left")
    assert pairwise_scale(round=rnd, lag=0.1) is not None
    assert pairwise_scale(round=rnd, lag=0.1).decided == fitted.decided == 15  # 1 of 15 new
    assert pairwise_scale(round=rnd).decided == 16  # exact: refitted
    report = scale_report(round=rnd)  # a small round: always exact
    assert report.scale.decided == report.decided_now == 16


def test_the_organizers_checklist_walks_a_pairwise_round(judged, organizer):
    """No "entries have no judges yet" for a round judged in pairs: its panel step is done, its
    judging step states the stopping rule and links to the scale page, and ranking follows."""
    prelim = make_pairwise(judged["prelim"], per_division=True)
    judge_all(judged["judges"], prelim, spread=4.0, seed=3)
    pairwise_scale(round=prelim)  # the organizer's page has fitted it

    def steps():
        season = contest_steps(judged["drawing"])
        return [season.step(f"{key}-{prelim.pk}") for key in ("assign", "judge", "rank")]

    panel, judging, rank = steps()
    assert panel.state == "done" and not panel.missing
    assert any(text.startswith("SSR") for text in judging.done + judging.missing)
    assert judging.actions[0].url.endswith(f"/manage/rounds/{prelim.pk}/scale/")
    if judging.state == "done":  # the stopping rule met
        assert rank.state == "current"
    rankings.ranking_compute(user=organizer, round=prelim, method=None)
    panel, judging, rank = steps()
    assert judging.state == "done" and rank.state in ("done", "current")
