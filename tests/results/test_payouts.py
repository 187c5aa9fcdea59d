"""Team split and Korean withholding tax on prize money (DOMAIN §7, payout sheet)."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from results.payouts import (
    DEFAULT_TAX_POLICY,
    PayoutAward,
    PayoutError,
    TaxPolicy,
    Withholding,
    payout_sheet,
    payout_totals,
    team_split,
    withholding,
)

# --- withholding: hand-computed table ------------------------------------------------------------
# taxable = gross − floor(gross × 0.8); income = cut10(taxable × 0.2); local = cut10(income × 0.1)


@pytest.mark.parametrize(
    ("gross", "taxable", "income_tax", "local_tax", "net"),
    [
        # 250,000 × 0.2 = 50,000 ≤ 50,000 (과세최저한): no tax at all
        (250_000, 50_000, 0, 0, 250_000),
        # 50,000,000 × 0.2 = 10,000,000; × 0.2 = 2,000,000; × 0.1 = 200,000
        (50_000_000, 10_000_000, 2_000_000, 200_000, 47_800_000),
        # one member of a 30M team of 4: 7,500,000 × 0.2 = 1,500,000 → 300,000 → 30,000
        (7_500_000, 1_500_000, 300_000, 30_000, 7_170_000),
        # just above the threshold: 250,010 × 0.2 = 50,002 → 10,000.4 cut to 10,000 → 1,000
        (250_010, 50_002, 10_000, 1_000, 239_010),
        # 10-won cut: 1,666,666 − floor(1,333,332.8) = 333,334 → 66,666.8 → 66,660;
        # local 6,666 → 6,660; net 1,666,666 − 73,320
        (1_666_666, 333_334, 66_660, 6_660, 1_593_346),
        # 26,666,666 / 3 share: 8,888,888 − floor(7,111,110.4) = 1,777,778 → 355,555.6 → 355,550;
        # local 35,555 → 35,550; net 8,888,888 − 391,100
        (8_888_888, 1_777_778, 355_550, 35_550, 8_497_788),
        # the leader's share: 8,888,890 − 7,111,112 = 1,777,778 → the same taxes
        (8_888_890, 1_777_778, 355_550, 35_550, 8_497_790),
        # fractional expense dropped: 250,004 − floor(200,003.2) = 50,001 > 50,000 → taxed;
        # 10,000.2 → 10,000; local 1,000
        (250_004, 50_001, 10_000, 1_000, 239_004),
        # taxable rounded up to the won moves income tax one step: 250,249 − floor(200,199.2)
        # = 50,050 → 10,010 (exact 20% would be 50,049.8 → 10,009.96 → 10,000); local 1,001 → 1,000
        (250_249, 50_050, 10_010, 1_000, 239_239),
        # Track D: 대상 500,000 → 100,000 → 20,000 → 2,000
        (500_000, 100_000, 20_000, 2_000, 478_000),
        # Track D: 최우수 300,000 → 60,000 → 12,000 → 1,200
        (300_000, 60_000, 12_000, 1_200, 286_800),
        # Track D: 우수 200,000 → 40,000 ≤ 50,000: exempt
        (200_000, 40_000, 0, 0, 200_000),
        # 입선 certificate: nothing paid, nothing withheld
        (0, 0, 0, 0, 0),
    ],
)
def test_prize_withholding(gross, taxable, income_tax, local_tax, net):
    assert withholding(gross, kind="prize", policy=DEFAULT_TAX_POLICY) == Withholding(
        gross=gross, taxable=taxable, income_tax=income_tax, local_tax=local_tax, net=net
    )


def test_default_policy_is_used_when_none_is_given():
    assert withholding(50_000_000, kind="prize").total_tax == 2_200_000  # 4.4%


def test_grant_money_is_not_withheld():
    assert withholding(50_000_000, kind="grant") == Withholding(
        gross=50_000_000, taxable=0, income_tax=0, local_tax=0, net=50_000_000
    )


def test_rates_are_configuration():
    policy = TaxPolicy(expense_rate=Decimal("0.60"))
    # 1,000,000 − 600,000 = 400,000 → 80,000 → 8,000
    assert withholding(1_000_000, kind="prize", policy=policy) == Withholding(
        1_000_000, 400_000, 80_000, 8_000, 912_000
    )


def test_threshold_is_configuration():
    policy = TaxPolicy(threshold=0, expense_rate="0.8")  # str is accepted and made a Decimal
    assert policy.expense_rate == Decimal("0.8")
    # 100,000 × 0.2 = 20,000 > 0 → 4,000 → 400
    assert withholding(100_000, kind="prize", policy=policy).net == 95_600


@pytest.mark.parametrize(
    "kwargs",
    [
        {"expense_rate": 0.8},  # a float: rejected, money math is Decimal only
        {"income_tax_rate": Decimal("1.5")},
        {"local_tax_rate": Decimal("-0.1")},
        {"expense_rate": "abc"},
        {"threshold": -1},
        {"cut_unit": 0},
    ],
)
def test_invalid_policy_is_rejected(kwargs):
    with pytest.raises(PayoutError):
        TaxPolicy(**kwargs)


@pytest.mark.parametrize(("gross", "kind"), [(-1, "prize"), (1.5, "prize"), (100, "cash")])
def test_invalid_withholding_input_is_rejected(gross, kind):
    with pytest.raises(PayoutError):
        withholding(gross, kind=kind)


# --- team split ----------------------------------------------------------------------------------


def test_team_split_remainder_goes_to_the_leader():
    # 26,666,666 = 3 × 8,888,888 + 2 → the leader gets 8,888,890
    assert team_split(26_666_666, ["kim", "lee", "park"], "lee") == {
        "kim": 8_888_888,
        "lee": 8_888_890,
        "park": 8_888_888,
    }


def test_team_split_even():
    assert team_split(30_000_000, ["a", "b", "c", "d"], "a") == dict.fromkeys("abcd", 7_500_000)


def test_team_split_fewer_won_than_members():
    assert team_split(2, ["a", "b", "c"], "c") == {"a": 0, "b": 0, "c": 2}


@pytest.mark.parametrize(("members", "leader"), [([], "a"), (["a", "b"], "c"), (["a", "a"], "a")])
def test_team_split_rejects_bad_teams(members, leader):
    with pytest.raises(PayoutError):
        team_split(100, members, leader)


# --- payout sheet --------------------------------------------------------------------------------


def test_payout_sheet_for_a_team_of_four():
    rows = payout_sheet([("S1", "excellence", 30_000_000, "prize", ["a", "b", "c", "d"], "b")])
    # 7,500,000 each; 300,000 + 30,000 withheld each (see the table above)
    assert [
        (r.recipient, r.is_leader, r.gross, r.income_tax, r.local_tax, r.net) for r in rows
    ] == [
        ("a", False, 7_500_000, 300_000, 30_000, 7_170_000),
        ("b", True, 7_500_000, 300_000, 30_000, 7_170_000),
        ("c", False, 7_500_000, 300_000, 30_000, 7_170_000),
        ("d", False, 7_500_000, 300_000, 30_000, 7_170_000),
    ]


def test_payout_sheet_totals():
    rows = payout_sheet(
        [
            PayoutAward("A", "grand", 50_000_000, "prize", ["a1", "a2", "a3", "a4", "a5"], "a3"),
            PayoutAward("B", "excellence", 26_666_666, "prize", ["b1", "b2", "b3"], "b2"),
            PayoutAward("G", "support", 1_000_000, "grant", ["g"], "g"),
        ]
    )
    assert [(r.entry, r.recipient, r.gross) for r in rows[5:8]] == [
        ("B", "b1", 8_888_888),
        ("B", "b2", 8_888_890),
        ("B", "b3", 8_888_888),
    ]
    totals = payout_totals(rows)
    # gross: 50,000,000 + 26,666,666 + 1,000,000 = 77,666,666
    # income: 5 × 400,000 (10M each → 2M taxable) + 3 × 355,550 = 2,000,000 + 1,066,650
    # local: 5 × 40,000 + 3 × 35,550 = 200,000 + 106,650
    # net: 5 × 9,560,000 + (8,497,788 × 2 + 8,497,790) + 1,000,000 = 74,293,366
    assert (totals.recipients, totals.gross, totals.income_tax, totals.local_tax, totals.net) == (
        9,
        77_666_666,
        3_066_650,
        306_650,
        74_293_366,
    )
    assert totals.net == totals.gross - totals.income_tax - totals.local_tax


def test_payout_sheet_uses_the_given_policy():
    rows = payout_sheet(
        [("D1", "grand", 500_000, "prize", ["child"], "child")],
        policy=TaxPolicy(threshold=200_000),
    )
    assert rows[0].net == 500_000  # taxable 100,000 ≤ 200,000


def test_payout_sheet_rejects_unknown_kind():
    with pytest.raises(PayoutError):
        payout_sheet([("X", "t", 100, "cash", ["a"], "a")])


# --- properties ----------------------------------------------------------------------------------

RATES = st.decimals(0, 1, places=3, allow_nan=False, allow_infinity=False)


@st.composite
def awards_strategy(draw):
    awards = []
    for n in range(draw(st.integers(0, 6))):
        members = draw(st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=1,
                                max_size=6, unique=True))  # fmt: skip
        awards.append(
            PayoutAward(
                entry=f"E{n}",
                tier="t",
                amount=draw(st.one_of(st.integers(0, 10**10), st.sampled_from([250_000, 250_010]))),
                kind=draw(st.sampled_from(["prize", "grant"])),
                members=members,
                leader=draw(st.sampled_from(members)),
            )
        )
    return awards


@st.composite
def policy_strategy(draw):
    return TaxPolicy(
        expense_rate=draw(RATES),
        income_tax_rate=draw(RATES),
        local_tax_rate=draw(RATES),
        threshold=draw(st.integers(0, 100_000)),
    )


@settings(max_examples=200, deadline=None)
@given(awards=awards_strategy(), policy=st.one_of(st.just(DEFAULT_TAX_POLICY), policy_strategy()))
def test_property_sheet_pays_each_award_exactly(awards, policy):
    rows = payout_sheet(awards, policy=policy)

    for award in awards:
        mine = [r for r in rows if r.entry == award.entry]
        assert sum(r.gross for r in mine) == award.amount
        assert [r.recipient for r in mine] == list(award.members)
        assert sum(r.is_leader for r in mine) == 1
    for row in rows:
        assert row.income_tax >= 0
        assert row.local_tax >= 0
        assert row.net == row.gross - row.income_tax - row.local_tax
        assert row.income_tax % 10 == 0
        assert row.local_tax % 10 == 0
        if row.kind == "grant" or row.taxable <= policy.threshold:
            assert row.income_tax == row.local_tax == 0
    totals = payout_totals(rows)
    assert totals.gross == sum(a.amount for a in awards)
    assert totals.net == totals.gross - totals.income_tax - totals.local_tax


@settings(max_examples=300, deadline=None)
@given(gross=st.integers(0, 10**12))
def test_property_default_tax_is_at_most_4_4_percent(gross):
    tax = withholding(gross, kind="prize")
    # taxable < 0.2 g + 1, income ≤ 0.2 taxable, local ≤ 0.1 income → total < 0.044 g + 0.22
    assert 1000 * tax.total_tax <= 44 * gross + 220
    assert tax.taxable <= tax.gross
    if gross % 5 == 0:
        assert tax.taxable == gross // 5  # exactly 20% for any gross divisible by 5
