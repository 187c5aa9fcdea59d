from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from accounts.models import User
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.permissions import submissions_open
from contests.seed import DRAWING, SMART_CITY, wsce2021_seed
from demo.judging import DEMO_JUDGING
from judging.models import Assignment, Scorecard
from results.season import contest_season
from submissions.models import Entry

pytestmark = pytest.mark.django_db
KST = ZoneInfo("Asia/Seoul")


def tier_table(contest):
    return [
        (t.division.code if t.division else None, t.code, t.count, t.amount)
        for t in contest.prize_tiers.select_related("division").order_by("division__order", "order")
    ]


def test_track_s_tiers_sum_to_exactly_290_million(wsce):
    smart = Contest.objects.get(slug=SMART_CITY)
    assert tier_table(smart) == [
        (None, "grand", 1, 50_000_000),
        (None, "excellence", 2, 30_000_000),
        (None, "merit", 3, 20_000_000),
        (None, "encouragement", 6, 10_000_000),
        (None, "honourable", 12, 5_000_000),
    ]
    assert sum(c * a for _, _, c, a in tier_table(smart)) == 290_000_000
    assert smart.budget == 290_000_000


def test_track_d_tiers_per_age_division(wsce):
    drawing = Contest.objects.get(slug=DRAWING)
    per_division = {}
    for division, code, count, amount in tier_table(drawing):
        per_division.setdefault(division, []).append((code, count, amount))
    assert set(per_division) == {"preschool", "lower", "upper"}
    for tiers in per_division.values():
        assert tiers == [
            ("grand", 1, 500_000),
            ("excellence", 2, 300_000),
            ("merit", 3, 200_000),
            ("encouragement", 5, 100_000),
            ("honourable", 20, 0),
        ]
        # 500,000 + 600,000 + 600,000 + 500,000 + 0
        assert sum(c * a for _, c, a in tiers) == 2_200_000
    assert drawing.budget == 3 * 2_200_000


def test_divisions_and_birth_years(wsce):
    smart, drawing = wsce
    assert [d.code for d in smart.divisions.order_by("order")] == [
        "mobility",
        "healthcare",
        "education",
        "energy",
        "culture",
        "governance",
    ]
    assert [
        (d.code, d.birth_year_min, d.birth_year_max) for d in drawing.divisions.order_by("order")
    ] == [("preschool", 2015, 2017), ("lower", 2012, 2014), ("upper", 2009, 2011)]


def test_rounds_and_rubrics(wsce):
    rounds = {(r.contest.slug, r.code): r for r in Round.objects.select_related("contest")}
    r1, r2 = rounds[(SMART_CITY, "r1")], rounds[(SMART_CITY, "r2")]
    assert (r1.judges_per_entry, r1.advance_count, r1.weight) == (3, 30, 30)
    assert (r2.judges_per_entry, r2.method, r2.weight) == (None, "mean", 70)
    assert r1.tie_break == ["feasibility", "creativity"]
    assert {c.code: c.max_points for c in r1.criteria.all()} == {
        "creativity": 25,
        "feasibility": 25,
        "demo_plan": 20,
        "impact": 20,
        "completeness": 10,
    }
    assert {c.code: c.max_points for c in r2.criteria.all()} == {
        "creativity": 20,
        "feasibility": 25,
        "demo_plan": 20,
        "impact": 20,
        "presentation": 15,
    }
    prelim, final = rounds[(DRAWING, "prelim")], rounds[(DRAWING, "final")]
    assert (prelim.judges_per_entry, prelim.advance_percent, prelim.per_division) == (3, 10, True)
    assert (final.judges_per_entry, final.weight) == (5, 100)
    assert prelim.method == "calibrated"  # docs/ranking-calibration.md
    assert prelim.tie_break == ["creativity", "theme"]
    for rnd in (prelim, final):
        assert {c.code: c.max_points for c in rnd.criteria.all()} == {
            "theme": 40,
            "creativity": 30,
            "technique": 30,
        }
    totals = Criterion.objects.values("round").annotate(n=Count("id"))
    assert len(totals) == 4


def test_2021_schedule_in_kst(wsce):
    smart, drawing = wsce
    assert smart.closes_at.astimezone(KST) == datetime(2021, 7, 31, 23, 59, 59, tzinfo=KST)
    assert drawing.closes_at.astimezone(KST) == datetime(2021, 8, 15, 23, 59, 59, tzinfo=KST)
    assert smart.receipt_prefix == "WSCE21-S" and smart.receipt_digits == 4
    assert drawing.receipt_prefix == "WSCE21-D" and drawing.receipt_digits == 5


def _counts():
    return tuple(m.objects.count() for m in (Contest, Division, Round, Criterion, PrizeTier, User))


def test_seed_is_idempotent(db):
    call_command("seed_wsce2021")
    first = _counts()
    call_command("seed_wsce2021")
    assert _counts() == first == (2, 9, 4, 16, 20, 0)  # 5 S tiers + 3 divisions × 5 D tiers


def test_demo_seed_is_idempotent_and_puts_each_journey_in_its_phase(db, settings):
    """Both WSCE contests take entries (students and guardians can enter); the demo contest
    has its drawings in, its deadline passed and its preliminary round being judged."""
    settings.DEBUG = True
    call_command("seed_wsce2021", "--demo")
    first = _counts()
    call_command("seed_wsce2021", "--demo")
    assert _counts() == first
    assert set(User.objects.values_list("role", flat=True)) == {
        "organizer",
        "judge",
        "student",
        "guardian",
    }
    for contest in Contest.objects.all():
        assert contest.organizers.filter(username="organizer").exists()
    assert submissions_open(Contest.objects.get(slug=SMART_CITY))
    assert submissions_open(Contest.objects.get(slug=DRAWING))
    showcase = Contest.objects.get(slug=DEMO_JUDGING)
    assert not submissions_open(showcase)
    assert contest_season(showcase).phase == "judging"
    # Demo entries with real generated files, created once.
    assert Entry.objects.filter(contest__slug=SMART_CITY).count() == 4
    # nothing is judged while a contest takes entries: its entries stay "submitted"
    assert set(Entry.objects.filter(contest__slug=DRAWING).values_list("status", flat=True)) == {
        "submitted"
    }
    assert Entry.objects.filter(contest=showcase, status="in_judging").count() == 6
    assert Assignment.objects.count() == 6 * 3
    assert not Assignment.objects.exclude(round__contest=showcase).exists()
    assert Scorecard.objects.filter(judge__username="judge", status="submitted").count() == 2
    assert all(e.files.filter(status="accepted").count() == 1 for e in Entry.objects.all())
    assert set(
        Entry.objects.filter(contest__slug=DRAWING).values_list("division__code", flat=True)
    ) == {"preschool", "lower", "upper"}
    # The birth-year divisions stay those of the 2021 contest.
    drawing = Contest.objects.get(slug=DRAWING)
    assert drawing.divisions.get(code="preschool").birth_year_min == 2015


def test_demo_seed_refused_outside_debug(db, settings):

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_wsce2021", "--demo")
    assert User.objects.count() == 0


def test_demo_shift_keeps_distances(db):
    now = datetime(2026, 11, 26, 10, 0, tzinfo=KST)
    smart, _drawing = wsce2021_seed(demo_now=now)
    assert smart.closes_at.astimezone(KST) == datetime(2026, 12, 10, 23, 59, 59, tzinfo=KST)
    r1 = smart.rounds.get(code="r1")
    # 2021: deadline 07-31 23:59:59, round 1 judging opens 08-02 00:00 → 1 day 1 second later
    assert r1.judging_opens_at - smart.closes_at == timedelta(days=1, seconds=1)
