"""Ranking engine (results.ranking): hand-computed tables, refusals and properties.

Pure: no database. Expected values are worked out in the comments; scores are compared after
rounding to 6 decimals, exactly as the engine compares them.
"""

import math
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from results.ranking import (
    RankingRefused,
    RankingResult,
    RankingSettings,
    advancement,
    combine_rounds,
    rank_entries,
)
from results.ranking_stats import component_roots


def criteria_rows(cards: dict[tuple[str, str], dict[str, float]]) -> pd.DataFrame:
    """{(judge, entry): {criterion: points}} → judge, entry, criterion, points rows."""
    rows = [
        (judge, entry, criterion, points)
        for (judge, entry), scores in cards.items()
        for criterion, points in scores.items()
    ]
    return pd.DataFrame(rows, columns=["judge", "entry", "criterion", "points"])


def totals_rows(cards: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = [(judge, entry, score) for (judge, entry), score in cards.items()]
    return pd.DataFrame(rows, columns=["judge", "entry", "score"])


def by_entry(result: RankingResult, column: str) -> dict:
    return dict(zip(result.rows["entry"], result.rows[column].tolist(), strict=True))


def refusal(scores, ranking_settings, **kwargs) -> RankingRefused:
    with pytest.raises(RankingRefused) as caught:
        rank_entries(scores, ranking_settings, **kwargs)
    return caught.value


# Two judges, criteria F (feasibility), C (creativity), X; tie-break F then C.
TIE_BREAK_CARDS = {
    ("A", "p"): {"F": 30, "C": 30, "X": 20},  # 80
    ("B", "p"): {"F": 30, "C": 30, "X": 20},  # 80  → mean 80                     rank 1
    ("A", "q"): {"F": 30, "C": 25, "X": 15},  # 70
    ("B", "q"): {"F": 30, "C": 25, "X": 15},  # 70  → mean 70, F 30, C 25          rank 2
    ("A", "r"): {"F": 28, "C": 27, "X": 15},  # 70
    ("B", "r"): {"F": 32, "C": 23, "X": 15},  # 70  → mean 70, F (28+32)/2 = 30, C (27+23)/2 = 25
    #                                                  equal to q on every key:       rank 2
    ("A", "u"): {"F": 30, "C": 20, "X": 20},  # 70
    ("B", "u"): {"F": 30, "C": 20, "X": 20},  # 70  → mean 70, F 30, C 20 < 25      rank 4
    ("A", "s"): {"F": 25, "C": 30, "X": 15},  # 70
    ("B", "s"): {"F": 25, "C": 30, "X": 15},  # 70  → mean 70, F 25 < 30 (C unused)  rank 5
    ("A", "v"): {"F": 20, "C": 20, "X": 20},  # 60
    ("B", "v"): {"F": 30, "C": 20, "X": 20},  # 70  → mean 65                        rank 6
}


def test_mean_with_tie_break_chain_and_shared_ranks():
    result = rank_entries(criteria_rows(TIE_BREAK_CARDS), RankingSettings("mean", ("F", "C")))

    rows = result.rows
    assert rows["entry"].tolist() == ["p", "q", "r", "u", "s", "v"]
    assert rows["rank"].tolist() == [1, 2, 2, 4, 5, 6]
    assert rows["score"].tolist() == [80, 70, 70, 70, 70, 65]
    assert rows["mean_F"].tolist() == [30, 30, 30, 30, 25, 25]
    assert rows["mean_C"].tolist() == [30, 25, 25, 20, 30, 20]
    assert rows["n_judges"].tolist() == [2] * 6
    # spread of v: totals 60 and 70 → min 60, max 70, population std 5
    assert rows.iloc[5][["total_min", "total_max", "total_std"]].tolist() == [60, 70, 5]
    assert result.method == "mean"


def test_judge_statistics():
    result = rank_entries(criteria_rows(TIE_BREAK_CARDS), RankingSettings("mean"))

    # A: 80, 70, 70, 70, 70, 60 → mean 420/6 = 70, variance (100+0+0+0+0+100)/6 → std √(100/3)
    # B: 80, 70, 70, 70, 70, 70 → mean 430/6 = 71.666667, variance (8.33² + 5 × 1.67²)/6 = 13.8889
    judges = result.judges
    assert judges["judge"].tolist() == ["A", "B"]
    assert judges["count"].tolist() == [6, 6]
    assert judges["mean"].tolist() == [70, 71.666667]
    assert judges["std"].tolist() == [round(math.sqrt(100 / 3), 6), round(math.sqrt(125 / 9), 6)]


def test_without_tie_break_equal_means_share_a_rank():
    result = rank_entries(criteria_rows(TIE_BREAK_CARDS), RankingSettings("mean"))

    # q, r, s, u all have mean 70 → rank 2; listed by entry id
    assert result.rows["entry"].tolist() == ["p", "q", "r", "s", "u", "v"]
    assert result.rows["rank"].tolist() == [1, 2, 2, 2, 2, 6]


def test_floating_noise_does_not_split_a_tie():
    cards = {
        ("A", "a"): {"F": 0.1, "C": 0.2},  # 0.1 + 0.2 = 0.30000000000000004 in binary
        ("A", "b"): {"F": 0.3, "C": 0.0},  # 0.3
    }
    result = rank_entries(criteria_rows(cards), RankingSettings("mean"))

    assert result.rows["rank"].tolist() == [1, 1]
    assert result.rows["score"].tolist() == [0.3, 0.3]


def test_totals_input_has_no_tie_break_chain():
    scores = totals_rows({("A", "a"): 70, ("A", "b"): 70, ("A", "c"): 90})

    result = rank_entries(scores, RankingSettings("mean", ("F",)))

    assert result.rows["entry"].tolist() == ["c", "a", "b"]
    assert result.rows["rank"].tolist() == [1, 2, 2]
    assert not any(column.startswith("mean_") for column in result.rows.columns)


def test_entries_tied_are_listed_by_id_as_string():
    scores = totals_rows({("A", 2): 50, ("A", 10): 50, ("A", 9): 60})

    result = rank_entries(scores, RankingSettings("mean"))

    # "10" < "2" as strings; labels keep their type
    assert result.rows["entry"].tolist() == [9, 10, 2]
    assert result.rows["rank"].tolist() == [1, 2, 2]


@pytest.mark.parametrize(
    ("totals", "expected"),
    [
        # 4 judges: no trimming, plain mean (50+60+70+100)/4 = 70
        ([50, 60, 70, 100], 70),
        # 5 judges: drop 50 and 100 → (60+70+80)/3 = 70 (plain mean would be 72)
        ([50, 60, 70, 80, 100], 70),
        # 5 judges, ties at both ends: drop ONE 60 and ONE 90 → (60+70+90)/3 = 73.333333
        ([60, 60, 70, 90, 90], 73.333333),
        # 6 judges: drop 10 and 100 → (40+50+60+70)/4 = 55
        ([10, 40, 50, 60, 70, 100], 55),
        # 2 judges: (30+40)/2 = 35
        ([30, 40], 35),
    ],
)
def test_trimmed_mean(totals, expected):
    scores = totals_rows({(f"J{i}", "e"): total for i, total in enumerate(totals)})

    result = rank_entries(scores, RankingSettings("trimmed_mean"))

    assert result.rows["score"].tolist() == [expected]
    assert result.rows["n_judges"].tolist() == [len(totals)]


# z_score instance (connected: A–e1–C–e4–B–e2–A), min_judge_entries lowered to 2.
#   A: e1 60, e2 70, e3 80 → mean 70, std √(200/3)  → z = −√1.5, 0, +√1.5
#   B: e2 40, e3 60, e4 80 → mean 60, std √(800/3)  → z = −√1.5, 0, +√1.5
#   C: e1 50, e4 50        → std 0                  → z = 0, 0
# entry z: e1 (−√1.5 + 0)/2, e2 (0 − √1.5)/2, e3 (√1.5 + 0)/2, e4 (√1.5 + 0)/2
# all 8 totals: mean 490/8 = 61.25; squared deviations 1.5625 + 76.5625 + 351.5625 + 451.5625
#   + 1.5625 + 351.5625 + 126.5625 + 126.5625 = 1487.5 → variance 185.9375 (population)
# score = 61.25 ± (√1.5 / 2) × √185.9375 = 61.25 ± √(1.5 × 185.9375) / 2
#       = 61.25 ± 16.700486 / 2 = 61.25 ± 8.350243
Z_CARDS = {
    ("A", "e1"): 60,
    ("A", "e2"): 70,
    ("A", "e3"): 80,
    ("B", "e2"): 40,
    ("B", "e3"): 60,
    ("B", "e4"): 80,
    ("C", "e1"): 50,
    ("C", "e4"): 50,
}


def test_z_score_hand_computed():
    result = rank_entries(totals_rows(Z_CARDS), RankingSettings("z_score", min_judge_entries=2))

    shift = math.sqrt(1.5 * 185.9375) / 2
    high, low = round(61.25 + shift, 6), round(61.25 - shift, 6)
    assert (high, low) == (69.600243, 52.899757)
    assert by_entry(result, "score") == {"e3": high, "e4": high, "e1": low, "e2": low}
    # e3/e4 reach the same z by different sums of floats: they still tie
    assert result.rows["entry"].tolist() == ["e3", "e4", "e1", "e2"]
    assert result.rows["rank"].tolist() == [1, 1, 3, 3]


def test_z_score_corrects_a_harsh_judge():
    # Harsh H scores a0..a9 (40 + k), lenient L scores b0..b9 (80 + k); M scores all twenty,
    # a_k 60 + 2k and b_k 61 + 2k. Mean puts every b above every a (b_k = 70.5 + 1.5k against
    # a_k = 50 + 1.5k) only because L is lenient. z: H's and L's z are equal for the same k,
    # and M's z rises with its total, so a_k < b_k < a_(k+1): the two halves interleave.
    cards = {}
    for k in range(10):
        cards["H", f"a{k}"], cards["M", f"a{k}"] = 40 + k, 60 + 2 * k
        cards["L", f"b{k}"], cards["M", f"b{k}"] = 80 + k, 61 + 2 * k
    scores = totals_rows(cards)

    by_mean = rank_entries(scores, RankingSettings("mean")).rows["entry"].tolist()
    by_z = rank_entries(scores, RankingSettings("z_score")).rows["entry"].tolist()

    assert by_mean == [f"b{k}" for k in range(9, -1, -1)] + [f"a{k}" for k in range(9, -1, -1)]
    assert by_z == [entry for k in range(9, -1, -1) for entry in (f"b{k}", f"a{k}")]


def test_z_score_refuses_a_judge_with_too_few_entries():
    error = refusal(totals_rows(Z_CARDS), RankingSettings("z_score"))  # default minimum 10

    assert error.code == "too_few_scores"
    assert error.detail == {"min_judge_entries": 10, "judges": {"A": 3, "B": 3, "C": 2}}


def test_z_score_refuses_a_disconnected_graph():
    # A and D scored e1, e2; B scored e3, e4; C scored e5: three islands
    cards = {
        (j, e): 50 + i
        for i, (j, e) in enumerate(
            [
                ("A", "e1"),
                ("A", "e2"),
                ("D", "e1"),
                ("D", "e2"),
                ("B", "e3"),
                ("B", "e4"),
                ("C", "e5"),
            ]
        )
    }

    error = refusal(totals_rows(cards), RankingSettings("z_score", min_judge_entries=1))

    assert error.code == "ranking_disconnected"
    assert error.detail == {"components": 3, "judges_by_component": [["A", "D"], ["B"], ["C"]]}


def test_rank_sum_with_tied_totals_uses_average_ranks():
    cards = {
        # A: 90, 80, 80, 70 → ranks 1, 2.5, 2.5, 4
        ("A", "e1"): 90, ("A", "e2"): 80, ("A", "e3"): 80, ("A", "e4"): 70,
        # B: 70, 90, 80, 60 → ranks 3, 1, 2, 4
        ("B", "e1"): 70, ("B", "e2"): 90, ("B", "e3"): 80, ("B", "e4"): 60,
        # C: all 85 → ranks 2.5 each
        ("C", "e1"): 85, ("C", "e2"): 85, ("C", "e3"): 85, ("C", "e4"): 85,
    }  # fmt: skip

    result = rank_entries(totals_rows(cards), RankingSettings("rank_sum"))

    # sums: e1 1+3+2.5 = 6.5, e2 2.5+1+2.5 = 6, e3 2.5+2+2.5 = 7, e4 4+4+2.5 = 10.5; lower wins
    assert result.rows["entry"].tolist() == ["e2", "e1", "e3", "e4"]
    assert result.rows["score"].tolist() == [6, 6.5, 7, 10.5]
    assert result.rows["rank"].tolist() == [1, 2, 3, 4]


def test_rank_sum_ties_share_a_rank():
    # A: a 90, b 80 → 1, 2; B: a 80, b 90 → 2, 1 → sums 3 and 3
    cards = {("A", "a"): 90, ("A", "b"): 80, ("B", "a"): 80, ("B", "b"): 90}

    result = rank_entries(totals_rows(cards), RankingSettings("rank_sum"))

    assert result.rows["score"].tolist() == [3, 3]
    assert result.rows["rank"].tolist() == [1, 1]


def test_rank_sum_refuses_an_incomplete_panel():
    cards = {("A", "a"): 90, ("A", "b"): 80, ("B", "a"): 80}  # B did not score b

    error = refusal(totals_rows(cards), RankingSettings("rank_sum"))

    assert error.code == "incomplete_panel"
    detail = {"division": None, "judges": 2, "entries": 2, "scorecards": 3}
    assert error.detail == {"groups": [detail]}


DIVISION_TOTALS = {("A", "a1"): 70, ("A", "a2"): 90, ("A", "b1"): 80, ("A", "b2"): 60}
DIVISIONS = {"a1": "유아부", "a2": "유아부", "b1": "초등 저학년", "b2": "초등 저학년"}


def test_per_division_ranks_within_each_division():
    ranking = RankingSettings("mean", per_division=True)
    result = rank_entries(totals_rows(DIVISION_TOTALS), ranking, divisions=DIVISIONS)

    assert result.rows[["division", "entry", "rank"]].values.tolist() == [
        ["유아부", "a2", 1],
        ["유아부", "a1", 2],
        ["초등 저학년", "b1", 1],
        ["초등 저학년", "b2", 2],
    ]


def test_overall_ranking_still_reports_divisions():
    result = rank_entries(
        totals_rows(DIVISION_TOTALS), RankingSettings("mean"), divisions=DIVISIONS
    )

    assert result.rows["entry"].tolist() == ["a2", "b1", "a1", "b2"]
    assert result.rows["rank"].tolist() == [1, 2, 3, 4]
    assert result.rows["division"].tolist() == ["유아부", "초등 저학년", "유아부", "초등 저학년"]


def test_per_division_refuses_entries_without_a_division():
    ranking = RankingSettings("mean", per_division=True)

    error = refusal(totals_rows(DIVISION_TOTALS), ranking, divisions={"a1": "유아부"})

    assert error.code == "missing_division"
    assert error.detail == {"count": 3, "entries": ["a2", "b1", "b2"]}


@pytest.mark.parametrize(
    ("scores", "ranking", "code"),
    [
        (totals_rows({}), RankingSettings("mean"), "no_scores"),
        (pd.DataFrame({"judge": ["A"], "entry": ["a"]}), RankingSettings("mean"), "invalid_scores"),
        (totals_rows({("A", "a"): float("nan")}), RankingSettings("mean"), "invalid_scores"),
        (
            pd.DataFrame({"judge": ["A", "A"], "entry": ["a", "a"], "score": [1, 2]}),
            RankingSettings("mean"),
            "duplicate_scores",
        ),
        (criteria_rows(TIE_BREAK_CARDS), RankingSettings("mean", ("Z",)), "unknown_criterion"),
        (
            criteria_rows(TIE_BREAK_CARDS),
            RankingSettings("mean", per_division=True),
            "missing_division",
        ),
    ],
)
def test_malformed_input_is_refused(scores, ranking, code):
    assert refusal(scores, ranking).code == code


def test_settings_are_validated():
    with pytest.raises(ValueError, match="unknown ranking method"):
        RankingSettings("median")
    with pytest.raises(ValueError, match="twice"):
        RankingSettings("mean", ("F", "F"))


def test_combine_rounds_weights_30_70_and_ranks_only_finalists():
    round1 = pd.Series({"a": 80, "b": 90, "c": 70, "d": 95})  # d did not reach round 2
    round2 = pd.DataFrame({"entry": ["a", "b", "c"], "score": [90, 80, 90]})

    result = combine_rounds({"r1": round1, "r2": round2}, {"r1": 30, "r2": 70})

    # a: 0.3×80 + 0.7×90 = 24 + 63 = 87; b: 27 + 56 = 83; c: 21 + 63 = 84
    assert result.rows[["rank", "entry", "score"]].values.tolist() == [
        [1, "a", 87.0],
        [2, "c", 84.0],
        [3, "b", 83.0],
    ]
    assert result.rows["score_r1"].tolist() == [80, 70, 90]
    assert result.method == "weighted"


def test_combine_rounds_ties_share_a_rank_and_take_ranking_results():
    final = rank_entries(totals_rows({("P", "a"): 90, ("P", "b"): 80}), RankingSettings("mean"))
    round1 = pd.Series({"a": 60.1, "b": 83.1})

    result = combine_rounds({"r1": round1, "r2": final}, {"r1": 30, "r2": 70})

    # a: 18.03 + 63 = 81.03; b: 24.93 + 56 = 80.93 … no tie; make one: see below
    assert by_entry(result, "score") == {"a": 81.03, "b": 80.93}
    tie = combine_rounds(
        {"r1": pd.Series({"a": 60, "b": 83.3333333}), "r2": final}, {"r1": 30, "r2": 70}
    )
    # a: 18 + 63 = 81; b: 24.99999999 + 56 = 80.99999999 → 81.000000 after rounding: tie
    assert tie.rows["rank"].tolist() == [1, 1]


def test_combine_rounds_refuses_a_finalist_without_an_earlier_score():
    with pytest.raises(RankingRefused) as caught:
        combine_rounds(
            {"r1": pd.Series({"a": 80}), "r2": pd.Series({"a": 90, "b": 70})}, {"r1": 30, "r2": 70}
        )

    assert caught.value.code == "missing_round_score"
    assert caught.value.detail == {"round": "r1", "count": 1, "entries": ["b"]}


def test_combine_rounds_final_round_only():
    # Track D: final score = round 2 only; eliminated entries and missing r1 scores don't matter
    result = combine_rounds(
        {"r1": pd.Series({"x": 99}), "r2": pd.Series({"a": 70, "b": 80})}, {"r1": 0, "r2": 100}
    )

    assert result.rows[["entry", "score"]].values.tolist() == [["b", 80], ["a", 70]]


def test_combine_rounds_validates_weights():
    with pytest.raises(ValueError, match="sum to 100"):
        combine_rounds({"r1": pd.Series({"a": 1}), "r2": pd.Series({"a": 1})}, {"r1": 30, "r2": 60})


def ranked(totals: dict[str, float], divisions: dict[str, str] | None = None, per_division=False):
    scores = totals_rows({("J", entry): total for entry, total in totals.items()})
    ranking = RankingSettings("mean", per_division=per_division)
    return rank_entries(scores, ranking, divisions=divisions)


def test_advancement_top_n_with_a_tie_at_the_cut():
    result = ranked({"a": 90, "b": 80, "c": 80, "d": 70})  # ranks 1, 2, 2, 4

    assert advancement(result, top_n=1) == {"a"}
    assert advancement(result, top_n=2) == {"a", "b", "c"}  # b and c share the cut rank 2
    assert advancement(result, top_n=3) == {"a", "b", "c"}
    assert advancement(result, top_n=4) == {"a", "b", "c", "d"}
    assert advancement(result, top_n=0) == frozenset()


def test_advancement_top_percent_per_division_with_a_tie_at_the_cut():
    # division x: 10 entries x0..x9 scoring 90, 80, 80, 70, 60, …; y: 5 entries
    totals = {"x0": 90, "x1": 80, "x2": 80, **{f"x{i}": 80 - i for i in range(3, 10)}}
    totals |= {f"y{i}": 50 - i for i in range(5)}
    divisions = {entry: entry[0] for entry in totals}
    result = ranked(totals, divisions, per_division=True)

    # 20%: x ceil(0.2 × 10) = 2 → ranks ≤ 2 → x0, and x1/x2 tied at rank 2;
    #      y ceil(0.2 × 5) = 1 → y0
    assert advancement(result, top_percent=20) == {"x0", "x1", "x2", "y0"}
    # 10%: x ceil(1) = 1 → x0; y ceil(0.5) = 1 → y0 (every division advances someone)
    assert advancement(result, top_percent=10) == {"x0", "y0"}


def test_advancement_percent_is_exact_arithmetic():
    result = ranked({f"e{i:02d}": 100 - i for i in range(30)})

    # 10% × 30 is 3.0000000000000004 in floats; ceil must still give 3
    assert advancement(result, top_percent=10) == {"e00", "e01", "e02"}


def test_advancement_top_percent_on_an_overall_ranking_uses_division_order():
    result = ranked({"a1": 70, "a2": 90, "b1": 80, "b2": 60}, DIVISIONS)  # overall ranks

    # 50% of each division of 2 → 1: the best of each
    assert advancement(result, top_percent=50) == {"a2", "b1"}


def test_advancement_needs_exactly_one_rule():
    result = ranked({"a": 1})
    with pytest.raises(ValueError, match="exactly one"):
        advancement(result)
    with pytest.raises(ValueError, match="exactly one"):
        advancement(result, top_n=1, top_percent=10)


def test_csv_bytes_are_canonical():
    result = rank_entries(
        criteria_rows({("A", "a"): {"F": 10, "C": 5.5}, ("B", "a"): {"F": 20, "C": 5}}),
        RankingSettings("mean", ("F",)),
    )

    # a: totals 15.5 and 25 → mean 20.25, F mean 15, std 4.75
    assert result.to_csv_bytes() == (
        b"rank,entry,division,score,n_judges,mean_F,total_min,total_max,total_std\n"
        b"1,a,,20.250000,2,15.000000,15.500000,25.000000,4.750000\n"
    )
    assert result.to_csv_bytes(["rank", "entry", "score", "n_judges"]) == (
        b"rank,entry,score,n_judges\n1,a,20.250000,2\n"
    )


def test_inputs_hash_changes_with_inputs_and_settings():
    scores = criteria_rows(TIE_BREAK_CARDS)
    base = rank_entries(scores, RankingSettings("mean")).inputs_sha256
    changed = scores.assign(points=scores["points"].where(scores.index != 0, 29))

    assert len(base) == 64
    assert rank_entries(scores, RankingSettings("mean")).inputs_sha256 == base
    assert rank_entries(scores, RankingSettings("mean", ("F",))).inputs_sha256 != base
    assert rank_entries(changed, RankingSettings("mean")).inputs_sha256 != base


ENTRY_IDS = [f"e{i}" for i in range(8)] + [7, 12]  # mixed label types: "12" < "7" < "e0"
points_strategy = st.tuples(st.integers(0, 10), st.integers(0, 10))  # small: many ties
cards_strategy = st.dictionaries(  # any scorecards: z_score and rank_sum mostly refuse
    keys=st.tuples(st.sampled_from("ABCD"), st.sampled_from(ENTRY_IDS)),
    values=points_strategy,
    min_size=1,
    max_size=30,
)
panel_strategy = st.tuples(st.integers(1, 4), st.integers(2, 10)).flatmap(  # complete panels
    lambda size: st.lists(
        points_strategy, min_size=size[0] * size[1], max_size=size[0] * size[1]
    ).map(
        lambda points: {
            ("ABCD"[i // size[1]], ENTRY_IDS[i % size[1]]): card for i, card in enumerate(points)
        }
    )
)


@settings(max_examples=80, deadline=None)
@given(
    cards=st.one_of(cards_strategy, panel_strategy),
    method=st.sampled_from(["mean", "trimmed_mean", "z_score", "rank_sum"]),
    per_division=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_ranking_is_invariant_to_row_order(cards, method, per_division, seed):
    scores = criteria_rows({card: {"F": f, "C": c} for card, (f, c) in cards.items()})
    divisions = {entry: "x" if str(entry) < "e4" else "y" for _, entry in cards}
    ranking = RankingSettings(method, ("C", "F"), per_division, min_judge_entries=2)
    shuffled = scores.sample(frac=1, random_state=random.Random(seed).randrange(2**32))
    shuffled = shuffled.reset_index(drop=True)
    shuffled_divisions = dict(sorted(divisions.items(), key=lambda _: random.Random(seed).random()))

    outcomes = []
    for frame, mapping in [(scores, divisions), (shuffled, shuffled_divisions)]:
        try:
            result = rank_entries(frame, ranking, divisions=mapping)
        except RankingRefused as error:
            outcomes.append((error.code, error.detail))
        else:
            outcomes.append((result.to_csv_bytes(), result.inputs_sha256))
    assert outcomes[0] == outcomes[1]


@settings(max_examples=60, deadline=None)
@given(cards=cards_strategy)
def test_ranks_count_strictly_better_entries(cards):
    scores = criteria_rows({card: {"F": f, "C": c} for card, (f, c) in cards.items()})

    rows = rank_entries(scores, RankingSettings("mean", ("C",))).rows

    keys = list(zip(rows["score"], rows["mean_C"], strict=True))
    assert rows["rank"].tolist() == [1 + sum(other > key for other in keys) for key in keys]


@settings(max_examples=100, deadline=None)
@given(
    n_nodes=st.integers(1, 12),
    edges=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=20),
)
def test_component_roots_match_a_plain_search(n_nodes, edges):
    edges = [(u, v) for u, v in edges if u < n_nodes and v < n_nodes]
    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)

    roots = component_roots(u, v, n_nodes)

    neighbours = {node: set() for node in range(n_nodes)}
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    for node in range(n_nodes):
        seen, todo = {node}, [node]
        while todo:
            for other in neighbours[todo.pop()] - seen:
                seen.add(other)
                todo.append(other)
        assert roots[node] == min(seen)


def test_combined_ranking_breaks_ties_with_the_final_rounds_chain():
    # A and B both end on 0.3 × 80 + 0.7 × 90 = 87.0 and would share rank 1;
    # the final round's tie-break means (feasibility, then creativity) separate them:
    # A feasibility 20 vs B 20 (equal) → creativity A 15 < B 18 → B first.
    r1 = pd.Series({"A": 80.0, "B": 80.0, "C": 70.0})
    r2 = pd.Series({"A": 90.0, "B": 90.0, "C": 95.0})
    tie = pd.DataFrame(
        {
            "feasibility": {"A": 20.0, "B": 20.0, "C": 22.0},
            "creativity": {"A": 15.0, "B": 18.0, "C": 10.0},
        }
    )
    result = combine_rounds({"r1": r1, "r2": r2}, {"r1": 30, "r2": 70}, tie_break=tie)
    # C: 0.3 × 70 + 0.7 × 95 = 87.5 → rank 1
    assert list(zip(result.rows["entry"], result.rows["rank"], strict=True)) == [
        ("C", 1),
        ("B", 2),
        ("A", 3),
    ]
    without = combine_rounds({"r1": r1, "r2": r2}, {"r1": 30, "r2": 70})
    assert list(without.rows["rank"]) == [1, 2, 2]
    assert result.inputs_sha256 != without.inputs_sha256
