"""Prize allocation (DOMAIN §7): worked examples, edge cases and properties."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contests.budget import budget_excess
from results.prizes import (
    Allocation,
    InvalidRanking,
    InvalidTiers,
    RankedEntry,
    SlotRef,
    Tier,
    prizes_allocate,
    prizes_allocate_by_division,
    tiers_total,
)

M = 1_000_000


def ranked(*rows):
    """(entry, rank, score) triples → RankedEntry list."""
    return [RankedEntry(entry, rank, score) for entry, rank, score in rows]


def summary(allocation: Allocation):
    """(entry, tier, amount, joint) per award, in allocation order."""
    return [(a.entry, a.tier_code, a.amount, a.joint) for a in allocation.awards]


def assert_balanced(allocation: Allocation):
    total = allocation.awarded_total + allocation.unallocated + allocation.remainder
    assert total == allocation.tiers_total


# --- DOMAIN §7 worked examples ------------------------------------------------------------------

EXAMPLE_RANKING = ranked(
    ("A", 1, 95), ("B", 2, 88), ("C", 2, 88), ("D", 2, 88), ("E", 5, 80), ("F", 6, 79), ("G", 7, 70)
)


def example_tiers(grand_min):
    return [
        Tier("grand", "대상", 1, 50 * M, min_score=grand_min),
        Tier("excellence", "최우수상", 2, 30 * M),
        Tier("merit", "우수상", 3, 20 * M),
    ]


def test_domain_example_grand_prize_minimum_90():
    allocation = prizes_allocate(ranking=EXAMPLE_RANKING, tiers=example_tiers(90))

    # A (95 ≥ 90) takes 대상. B, C, D take 최우수 1, 최우수 2, 우수 1:
    # 30M + 30M + 20M = 80,000,000; 80,000,000 // 3 = 26,666,666, remainder 80M − 79,999,998 = 2.
    # E takes 우수 2, F takes 우수 3; G finds no slot left.
    assert summary(allocation) == [
        ("A", "grand", 50_000_000, False),
        ("B", "excellence", 26_666_666, True),
        ("C", "excellence", 26_666_666, True),
        ("D", "excellence", 26_666_666, True),
        ("E", "merit", 20_000_000, False),
        ("F", "merit", 20_000_000, False),
    ]
    assert allocation.awards[1].slots == [
        SlotRef("excellence", 1, 30 * M),
        SlotRef("excellence", 2, 30 * M),
        SlotRef("merit", 1, 20 * M),
    ]
    # tiers: 50 + 60 + 60 = 170M; awarded 50 + 3 × 26,666,666 + 20 + 20 = 169,999,998
    assert allocation.tiers_total == 170_000_000
    assert allocation.awarded_total == 169_999_998
    assert allocation.remainder == 2
    assert allocation.unallocated == 0
    assert allocation.unawarded_slots == []
    assert_balanced(allocation)


def test_domain_example_grand_prize_minimum_96():
    allocation = prizes_allocate(ranking=EXAMPLE_RANKING, tiers=example_tiers(96))

    # A (95 < 96) cannot take 대상: it stays unawarded (50M unallocated); A takes 최우수 1.
    # B, C, D take 최우수 2, 우수 1, 우수 2: 30M + 20M + 20M = 70,000,000;
    # 70,000,000 // 3 = 23,333,333, remainder 70M − 69,999,999 = 1. E takes 우수 3; F, G nothing.
    assert summary(allocation) == [
        ("A", "excellence", 30_000_000, False),
        ("B", "excellence", 23_333_333, True),
        ("C", "excellence", 23_333_333, True),
        ("D", "excellence", 23_333_333, True),
        ("E", "merit", 20_000_000, False),
    ]
    assert allocation.unawarded_slots == [SlotRef("grand", 1, 50 * M)]
    assert allocation.unallocated == 50_000_000
    assert allocation.remainder == 1
    # 30 + 3 × 23,333,333 + 20 = 119,999,999
    assert allocation.awarded_total == 119_999_999
    assert_balanced(allocation)


# --- WSCE 2021 configuration ---------------------------------------------------------------------

TRACK_S_TIERS = [
    Tier("grand", "대상", 1, 50 * M),
    Tier("excellence", "최우수상", 2, 30 * M),
    Tier("merit", "우수상", 3, 20 * M),
    Tier("encouragement", "장려상", 6, 10 * M),
    Tier("honourable", "입선", 12, 5 * M),
]


def test_track_s_tiers_total_exactly_the_budget():
    # 50 + 2×30 + 3×20 + 6×10 + 12×5 = 50 + 60 + 60 + 60 + 60 = 290M
    assert tiers_total(TRACK_S_TIERS) == 290_000_000
    totals = [t.total for t in TRACK_S_TIERS]
    assert budget_excess(totals=totals, budget=290_000_000) == 0


def test_budget_check_rejects_one_won_over():
    totals = [t.total for t in TRACK_S_TIERS]
    assert budget_excess(totals=totals, budget=289_999_999) == 1


def test_track_s_thirty_distinct_ranks_fill_24_slots():
    ranking = ranked(*[(f"S{n:02d}", n, 100 - n) for n in range(1, 31)])
    allocation = prizes_allocate(ranking=ranking, tiers=TRACK_S_TIERS)

    assert len(allocation.awards) == 24  # 1 + 2 + 3 + 6 + 12
    assert [a.tier_code for a in allocation.awards[:7]] == [
        "grand", "excellence", "excellence", "merit", "merit", "merit", "encouragement",
    ]  # fmt: skip
    assert (allocation.awards[-1].entry, allocation.awards[-1].amount) == ("S24", 5 * M)
    assert allocation.awarded_total == 290_000_000
    assert allocation.unallocated == allocation.remainder == 0


def test_track_d_division_with_certificate_only_tier():
    tiers = [
        Tier("grand", "대상", 1, 500_000),
        Tier("excellence", "최우수상", 2, 300_000),
        Tier("merit", "우수상", 3, 200_000),
        Tier("encouragement", "장려상", 5, 100_000),
        Tier("selected", "입선", 20, 0),
    ]
    ranking = ranked(*[(f"D{n:03d}", n, 1000 - n) for n in range(1, 41)])
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # 31 slots: the 20 입선 winners (ranks 12..31) are listed with 0 KRW — a certificate.
    assert len(allocation.awards) == 31
    selected = [a for a in allocation.awards if a.tier_code == "selected"]
    assert [a.entry for a in selected] == [f"D{n:03d}" for n in range(12, 32)]
    assert {a.amount for a in selected} == {0}
    # 500,000 + 600,000 + 600,000 + 500,000 = 2,200,000
    assert allocation.awarded_total == allocation.tiers_total == 2_200_000


# --- ties ----------------------------------------------------------------------------------------


def test_tie_running_past_the_last_slot_shares_only_real_slots():
    tiers = [Tier("grand", "대상", 1, 50 * M), Tier("excellence", "최우수상", 2, 30 * M)]
    ranking = ranked(("A", 1, 90), ("B", 2, 80), ("C", 2, 80), ("D", 2, 80), ("E", 5, 70))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # B, C, D take 최우수 1, 최우수 2 and a slot past the last worth 0: 60M // 3 = 20M each.
    assert summary(allocation) == [
        ("A", "grand", 50 * M, False),
        ("B", "excellence", 20 * M, True),
        ("C", "excellence", 20 * M, True),
        ("D", "excellence", 20 * M, True),
    ]
    assert allocation.awards[1].slots == [
        SlotRef("excellence", 1, 30 * M),
        SlotRef("excellence", 2, 30 * M),
    ]
    assert allocation.remainder == 0
    assert_balanced(allocation)


def test_tie_on_the_single_last_slot_reports_remainder():
    tiers = [Tier("merit", "우수상", 1, 10 * M)]
    ranking = ranked(("Z", 1, 50), ("X", 1, 50), ("Y", 1, 50))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # 10,000,000 // 3 = 3,333,333; remainder 10,000,000 − 9,999,999 = 1. Members by entry id.
    assert summary(allocation) == [
        ("X", "merit", 3_333_333, True),
        ("Y", "merit", 3_333_333, True),
        ("Z", "merit", 3_333_333, True),
    ]
    assert {a.group_size for a in allocation.awards} == {3}
    assert allocation.remainder == 1
    assert_balanced(allocation)


def test_tie_is_listed_under_its_highest_tier_and_the_group_below_continues():
    tiers = [Tier("t1", "1등", 1, 1000), Tier("t2", "2등", 2, 500), Tier("t3", "3등", 5, 100)]
    ranking = ranked(("A", 1, 9), ("B", 1, 9), ("C", 1, 9), ("D", 4, 8), ("E", 4, 8))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # A, B, C: 1000 + 500 + 500 = 2000 // 3 = 666, remainder 2, listed under t1.
    # D, E: t3 1 + t3 2 = 200 // 2 = 100 each, listed under t3.
    assert summary(allocation) == [
        ("A", "t1", 666, True),
        ("B", "t1", 666, True),
        ("C", "t1", 666, True),
        ("D", "t3", 100, True),
        ("E", "t3", 100, True),
    ]
    assert allocation.remainder == 2
    # t3 slots 3, 4, 5 never reached: 3 × 100 unallocated
    assert allocation.unawarded_slots == [SlotRef("t3", i, 100) for i in (3, 4, 5)]
    assert allocation.unallocated == 300
    assert_balanced(allocation)  # 2000 − 2 + 200 + 300 + 2 = 2500 = 1000 + 1000 + 500


# --- minimum scores ------------------------------------------------------------------------------


def test_minimum_score_is_inclusive():
    tiers = [Tier("grand", "대상", 1, 100, min_score=90)]
    allocation = prizes_allocate(ranking=ranked(("A", 1, 90)), tiers=tiers)
    assert summary(allocation) == [("A", "grand", 100, False)]


def test_decimal_scores_against_float_minimum():
    tiers = [Tier("grand", "대상", 1, 100, min_score=90.5)]
    allocation = prizes_allocate(ranking=ranked(("A", 1, Decimal("90.49"))), tiers=tiers)
    assert allocation.awards == []
    assert allocation.unallocated == 100


def test_tie_skips_a_stricter_tier_between_lenient_ones():
    # An unusual configuration: the middle tier has a minimum the tied pair does not reach.
    tiers = [
        Tier("t1", "1등", 1, 10),
        Tier("t2", "2등", 1, 8, min_score=90),
        Tier("t3", "3등", 1, 6),
    ]
    ranking = ranked(("A", 1, 85), ("B", 1, 85), ("C", 3, 80))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # A, B take t1 1 and — skipping t2 1 (85 < 90, unawarded for good) — t3 1: (10 + 6) // 2 = 8.
    # C finds no slot left; t2's 8 won are unallocated, never given to C.
    assert summary(allocation) == [("A", "t1", 8, True), ("B", "t1", 8, True)]
    assert allocation.unawarded_slots == [SlotRef("t2", 1, 8)]
    assert (allocation.awarded_total, allocation.unallocated, allocation.remainder) == (16, 8, 0)


def test_whole_tier_skipped_when_a_tied_group_is_below_its_minimum():
    tiers = [
        Tier("grand", "대상", 1, 50 * M),
        Tier("excellence", "최우수상", 2, 30 * M, min_score=85),
        Tier("merit", "우수상", 3, 20 * M),
    ]
    ranking = ranked(("A", 1, 95), ("B", 2, 80), ("C", 2, 80), ("D", 4, 70))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # B, C (80 < 85) skip both 최우수 slots (60M unallocated) and take 우수 1, 2: 40M // 2 = 20M.
    assert summary(allocation) == [
        ("A", "grand", 50 * M, False),
        ("B", "merit", 20 * M, True),
        ("C", "merit", 20 * M, True),
        ("D", "merit", 20 * M, False),
    ]
    assert allocation.unallocated == 60 * M
    assert_balanced(allocation)  # 110M + 60M + 0 = 170M


def test_nobody_reaches_any_minimum():
    tiers = [Tier("a", "A", 2, 100, min_score=50), Tier("b", "B", 1, 10, min_score=40)]
    allocation = prizes_allocate(ranking=ranked(("X", 1, 30), ("Y", 2, 20)), tiers=tiers)
    assert allocation.awards == []
    assert allocation.unallocated == allocation.tiers_total == 210


def test_inconsistent_scores_within_a_rank_use_the_lowest():
    tiers = [Tier("grand", "대상", 2, 100, min_score=90)]
    allocation = prizes_allocate(ranking=ranked(("A", 1, 91), ("B", 1, 89)), tiers=tiers)
    assert allocation.awards == []  # 89 < 90 decides for the whole group


# --- kinds, empties, divisions -------------------------------------------------------------------


def test_tie_spanning_prize_and_grant_tiers_splits_the_share_by_kind():
    tiers = [
        Tier("grant", "실증지원", 1, 1000, kind="grant"),
        Tier("prize", "상금", 2, 501),
    ]
    ranking = ranked(("A", 1, 9), ("B", 1, 9))
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    # 1000 + 501 = 1501 // 2 = 750 (remainder 1); prize part 501 // 2 = 250, grant part 500.
    award = allocation.awards[0]
    assert (award.tier_code, award.kind, award.amount) == ("grant", "grant", 750)
    assert (award.prize_amount, award.grant_amount) == (250, 500)
    assert allocation.unawarded_slots == [SlotRef("prize", 2, 501)]
    assert_balanced(allocation)  # 1500 + 501 + 1 = 2002


def test_empty_ranking_leaves_everything_unallocated():
    allocation = prizes_allocate(ranking=[], tiers=example_tiers(None))
    assert allocation.awards == []
    assert allocation.unallocated == allocation.tiers_total == 170 * M
    assert len(allocation.unawarded_slots) == 6


def test_no_tiers_awards_nothing():
    allocation = prizes_allocate(ranking=EXAMPLE_RANKING, tiers=[])
    assert allocation == Allocation([], 0, 0, 0, 0, [])


def test_by_division_concatenates_in_configured_order():
    tiers = [Tier("grand", "대상", 1, 500_000), Tier("excellence", "최우수상", 2, 300_000)]
    allocation = prizes_allocate_by_division(
        {
            "upper": ranked(("U1", 1, 90), ("U2", 2, 80)),
            "lower": ranked(("L1", 1, 95), ("L2", 1, 95), ("L3", 1, 95)),
        },
        {"lower": tiers, "upper": tiers, "preschool": tiers},
    )

    # lower: L1–L3 share 500,000 + 300,000 + 300,000 = 1,100,000 // 3 = 366,666, remainder 2.
    # upper: U1 대상 500,000, U2 최우수 300,000; 최우수 2 unallocated (300,000).
    # preschool: nobody ranked, 1,100,000 unallocated.
    assert [(a.division, a.entry, a.tier_code, a.amount) for a in allocation.awards] == [
        ("lower", "L1", "grand", 366_666),
        ("lower", "L2", "grand", 366_666),
        ("lower", "L3", "grand", 366_666),
        ("upper", "U1", "grand", 500_000),
        ("upper", "U2", "excellence", 300_000),
    ]
    assert allocation.tiers_total == 3 * 1_100_000
    assert allocation.remainder == 2
    assert allocation.unallocated == 300_000 + 1_100_000
    assert_balanced(allocation)
    assert list(allocation.by_division) == ["lower", "upper", "preschool"]
    assert allocation.by_division["upper"].unawarded_slots == [SlotRef("excellence", 2, 300_000)]


def test_by_division_rejects_a_ranked_division_without_tiers():
    with pytest.raises(InvalidTiers):
        prizes_allocate_by_division({"upper": ranked(("U1", 1, 90))}, {"lower": []})


def test_by_division_rejects_an_entry_in_two_divisions():
    with pytest.raises(InvalidRanking):
        prizes_allocate_by_division(
            {"a": ranked(("X", 1, 90)), "b": ranked(("X", 1, 90))}, {"a": [], "b": []}
        )


# --- invalid input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        [("A", 1, 90), ("A", 2, 80)],  # entry twice
        [("A", 1, 80), ("B", 2, 90)],  # rank 2 scores above rank 1
        [("A", 1, 90), ("B", 1, 85), ("C", 2, 88)],  # rank 2 above the lowest of rank 1
    ],
)
def test_inconsistent_ranking_is_rejected(rows):
    with pytest.raises(InvalidRanking) as error:
        prizes_allocate(ranking=ranked(*rows), tiers=TRACK_S_TIERS)
    assert error.value.code == "invalid_ranking"


@pytest.mark.parametrize(
    "row", [("A", 0, 90), ("", 1, 90), ("A", 1, float("nan")), ("A", 1, Decimal("Infinity"))]
)
def test_invalid_ranked_entry_is_rejected(row):
    with pytest.raises(InvalidRanking):
        RankedEntry(*row)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"count": -1},
        {"amount": -1},
        {"amount": 1.5},
        {"count": True},
        {"kind": "cash"},
        {"min_score": float("nan")},
        {"code": ""},
    ],
)
def test_invalid_tier_is_rejected(kwargs):
    fields = {"code": "t", "name": "T", "count": 1, "amount": 100} | kwargs
    with pytest.raises(InvalidTiers):
        Tier(**fields)


def test_duplicate_tier_codes_are_rejected():
    with pytest.raises(InvalidTiers):
        prizes_allocate(ranking=[], tiers=[Tier("t", "T", 1, 1), Tier("t", "T", 1, 1)])


# --- properties ----------------------------------------------------------------------------------

AMOUNTS = st.one_of(st.sampled_from([0, 1, 7, 100_000, 5 * M, 30 * M]), st.integers(0, 10**9))
SCORES = st.one_of(st.none(), st.integers(0, 100), st.decimals(0, 100, places=1, allow_nan=False))


@st.composite
def tiers_strategy(draw):
    n = draw(st.integers(0, 5))
    return [
        Tier(
            code=f"t{i}",
            name=f"Tier {i}",
            count=draw(st.integers(0, 4)),
            amount=draw(AMOUNTS),
            min_score=draw(SCORES),
            kind=draw(st.sampled_from(["prize", "grant"])),
        )
        for i in range(n)
    ]


@st.composite
def ranking_strategy(draw):
    """Competition ranking (1, 2, 2, 4) with ties; scores never increase down the ranking."""
    sizes = draw(st.lists(st.integers(1, 4), max_size=10))
    scores = sorted(draw(st.lists(st.integers(0, 100), min_size=len(sizes), max_size=len(sizes))))
    ids = draw(
        st.lists(
            st.text("abcXYZ019-", min_size=1, max_size=4),
            min_size=sum(sizes),
            max_size=sum(sizes),
            unique=True,
        )
    )
    rows, rank = [], 1
    for size, score in zip(sizes, reversed(scores), strict=True):
        rows += [RankedEntry(ids.pop(), rank, score) for _ in range(size)]
        rank += size
    return rows


@settings(max_examples=300, deadline=None)
@given(ranking=ranking_strategy(), tiers=tiers_strategy())
def test_property_money_is_conserved_and_nobody_is_paid_twice(ranking, tiers):
    allocation = prizes_allocate(ranking=ranking, tiers=tiers)

    assert_balanced(allocation)
    assert allocation.tiers_total == tiers_total(tiers)
    assert allocation.awarded_total == sum(a.amount for a in allocation.awards)
    entries = [a.entry for a in allocation.awards]
    assert len(entries) == len(set(entries))
    assert all(a.amount == a.prize_amount + a.grant_amount >= 0 for a in allocation.awards)

    # every slot is either taken by exactly one rank group or unawarded — never both
    by_code = {t.code: t for t in tiers}
    taken = {(a.rank, tuple(a.slots)) for a in allocation.awards}
    taken_slots = [slot for _, slots in taken for slot in slots]
    all_slots = [SlotRef(t.code, i, t.amount) for t in tiers for i in range(1, t.count + 1)]
    assert sorted(taken_slots + allocation.unawarded_slots) == sorted(all_slots)

    scores = {row.entry: row.score for row in ranking}
    for award in allocation.awards:
        assert all(by_code[s.tier_code].reached_by(scores[award.entry]) for s in award.slots)
        assert award.tier_code == award.slots[0].tier_code
        assert award.joint == (award.group_size > 1)

    # a rank group is never separated, and once a group gets nothing, nobody below it does
    awarded_ranks = {a.rank for a in allocation.awards}
    for row in ranking:
        assert (row.rank in awarded_ranks) == (row.entry in entries)
        if row.rank not in awarded_ranks:
            assert all(rank < row.rank for rank in awarded_ranks)


@settings(max_examples=200, deadline=None)
@given(ranking=ranking_strategy(), tiers=tiers_strategy(), seed=st.randoms(use_true_random=False))
def test_property_input_order_does_not_matter(ranking, tiers, seed):
    shuffled = list(ranking)
    seed.shuffle(shuffled)
    assert prizes_allocate(ranking=shuffled, tiers=tiers) == prizes_allocate(
        ranking=ranking, tiers=tiers
    )


@settings(max_examples=100, deadline=None)
@given(tiers=tiers_strategy(), budget=st.integers(0, 10**10))
def test_property_budget_check_agrees_with_total(tiers, budget):
    excess = budget_excess(totals=[t.total for t in tiers], budget=budget)
    assert excess == max(0, tiers_total(tiers) - budget)
