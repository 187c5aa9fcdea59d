"""Rank intervals (results.intervals): exact small cases, reproducibility, coverage.

Pure: no database. Probabilities from 4,000 resamples are compared with the exact ones
worked out in the comments to within 0.03 (4 standard errors of a share near 0.5 is 0.032).
"""

import itertools
import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from results.intervals import _ranks_2d, rank_intervals
from results.ranking import RankingRefused, RankingSettings, rank_entries


def totals_rows(cards: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = [(judge, entry, score) for (judge, entry), score in cards.items()]
    return pd.DataFrame(rows, columns=["judge", "entry", "score"])


def criteria_rows(cards: dict[tuple[str, str], dict[str, float]]) -> pd.DataFrame:
    rows = [
        (judge, entry, criterion, points)
        for (judge, entry), scores in cards.items()
        for criterion, points in scores.items()
    ]
    return pd.DataFrame(rows, columns=["judge", "entry", "criterion", "points"])


def by_entry(frame: pd.DataFrame, column: str) -> dict:
    return dict(zip(frame["entry"], frame[column].tolist(), strict=True))


def test_two_entries_hand_computed_plain_bootstrap():
    # a: A 60, B 80 (mean 70); b: A 70, B 70. Plain bootstrap (ν = 0): widened by √2 about
    # 70, a's cards are 70 ∓ 14.142136. Resampled a: both low (¼) → 55.86, one each (½) → 70,
    # both high (¼) → 84.14. b is always 70. a ranks 1 in ¾ (a tie at 70 shares rank 1), b in ¾.
    scores = totals_rows({("A", "a"): 60, ("B", "a"): 80, ("A", "b"): 70, ("B", "b"): 70})

    result = rank_intervals(
        scores=scores,
        settings=RankingSettings("mean"),
        n_resamples=4000,
        top_n=1,
        tiers=(1,),
        spread_prior_df=0,
    )

    rows = result.rows
    assert rows["entry"].tolist() == ["a", "b"] and rows["rank"].tolist() == [1, 1]
    assert by_entry(rows, "rank_low") == {"a": 1, "b": 1}
    assert by_entry(rows, "rank_high") == {"a": 2, "b": 2}  # rank 2 in ¼ > 5% of resamples
    assert by_entry(rows, "p_advance") == pytest.approx({"a": 0.75, "b": 0.75}, abs=0.03)
    assert by_entry(rows, "p_tier_1") == by_entry(rows, "p_advance")
    assert by_entry(rows, "contested") == {"a": True, "b": True}  # 1 ≤ cut 1 < 2


def test_two_entries_hand_computed_spread_shrunk_towards_the_round():
    # The same round with the default ν = 10. Squares about each mean: a 200, b 0, one degree
    # of freedom each, pooled variance 200 / 2 = 100. Shrunk: v_a = (10·100 + 200) / 11 =
    # 109.09, v_b = (10·100 + 0) / 11 = 90.91. a's two cards become 70 ∓ √v_a = 59.56 / 80.44
    # (the bootstrap mean of 2 then has variance v_a / 2); b's judges agreed, so it draws from
    # two values evenly spaced about 70 with variance v_b: 70 ∓ 9.53 = 60.47 / 79.53.
    # Resampled: a ∈ {59.56 (¼), 70 (½), 80.44 (¼)}, b ∈ {60.47 (¼), 70 (½), 79.53 (¼)}.
    # a ranks 1: ½·¾ (70 ≥ b's 60.47 or 70) + ¼ = 5/8; b: ¼·¼ + ½·¾ + ¼·¾ = 5/8.
    scores = totals_rows({("A", "a"): 60, ("B", "a"): 80, ("A", "b"): 70, ("B", "b"): 70})

    result = rank_intervals(
        scores=scores, settings=RankingSettings("mean"), n_resamples=4000, top_n=1
    )

    rows = result.rows
    assert result.spread_prior_df == 10
    assert by_entry(rows, "p_advance") == pytest.approx({"a": 0.625, "b": 0.625}, abs=0.03)
    assert by_entry(rows, "rank_low") == {"a": 1, "b": 1}
    assert by_entry(rows, "rank_high") == {"a": 2, "b": 2}


def test_a_panel_that_agreed_by_chance_is_not_falsely_sure():
    # 30 entries whose 3 judges disagree (sd 8), and one, "calm", whose 3 judges happened to
    # give 69.9, 70, 70.1. With its own spread only, its interval is under half as wide as a
    # typical entry's (it moves only as its neighbours do: 3 ranks against 7); shrunk
    # towards the round's spread it is about as wide as theirs (7 against 9).
    scores = simulated_scores(11)
    calm = totals_rows({("j0", "calm"): 69.9, ("j1", "calm"): 70.0, ("j2", "calm"): 70.1})
    scores = pd.concat([scores.astype({"entry": str}), calm], ignore_index=True)

    def width(prior_df: float) -> tuple[int, float]:
        rows = rank_intervals(
            scores=scores, settings=RankingSettings("mean"), spread_prior_df=prior_df
        ).rows
        spans = rows["rank_high"] - rows["rank_low"]
        return int(spans[rows["entry"] == "calm"].iloc[0]), float(spans.median())

    own, typical_own = width(0)
    shrunk, typical = width(10)
    assert 2 * own < typical_own
    assert shrunk >= 0.75 * typical


def test_unanimous_judges_give_exact_ranks_for_every_method():
    # Every judge gives entry k the same total 50 + 5k: nothing to resample.
    cards = {(judge, f"e{k}"): 50 + 5 * k for judge in "ABCDE" for k in range(6)}

    for method in ["mean", "trimmed_mean", "z_score", "rank_sum", "calibrated"]:
        ranking = RankingSettings(method, min_judge_entries=1)
        result = rank_intervals(
            scores=totals_rows(cards), settings=ranking, n_resamples=50, top_n=2, tiers=(1, 3)
        )

        rows = result.rows
        assert rows["rank_low"].tolist() == rows["rank"].tolist(), method
        assert rows["rank_high"].tolist() == rows["rank"].tolist(), method
        assert rows["p_advance"].tolist() == [1.0, 1.0, 0.0, 0.0, 0.0, 0.0], method
        assert rows["p_tier_2"].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0, 0.0], method
        assert not rows["contested"].any(), method


def test_ties_in_resamples_are_broken_by_the_criteria_chain():
    # p and q always total 70 with every judge; q's creativity C is higher, so q is 1st and p
    # 2nd in every resample. r totals 60 or 80 (mean 70): it moves, p and q only around it.
    cards = {
        ("A", "p"): {"C": 30, "X": 40},
        ("B", "p"): {"C": 30, "X": 40},
        ("A", "q"): {"C": 35, "X": 35},
        ("B", "q"): {"C": 35, "X": 35},
        ("A", "r"): {"C": 40, "X": 20},
        ("B", "r"): {"C": 40, "X": 40},
    }
    result = rank_intervals(
        scores=criteria_rows(cards),
        settings=RankingSettings("mean", ("C",)),
        n_resamples=4000,
        tiers=(1, 2),
        spread_prior_df=0,  # the resampling itself, as enumerated below
    )

    # r: 55.9 (¼) rank 3, 70 (½) — tied on score, C 40 first — rank 1, 84.1 (¼) rank 1.
    rows = result.rows.set_index("entry")
    assert result.rows["entry"].tolist() == ["r", "q", "p"]
    assert rows.loc["r", ["rank_low", "rank_high"]].tolist() == [1, 3]
    assert rows.loc["q", ["rank_low", "rank_high"]].tolist() == [1, 2]
    assert rows.loc["p", ["rank_low", "rank_high"]].tolist() == [2, 3]
    assert rows.loc["r", "p_tier_1"] == pytest.approx(0.75, abs=0.03)
    assert rows.loc["q", "p_tier_1"] == pytest.approx(0.25, abs=0.03)
    assert rows.loc["p", "p_tier_2"] == pytest.approx(0.25, abs=0.03)


def test_uneven_panels_and_missing_criteria_match_exact_enumeration():
    # u has 1 judge, v 2, w 3; criterion C is missing on one of w's cards. Enumerate every
    # resample (1 × 2² × 3³ = 108 equally likely) with the same rules and compare.
    cards = {
        ("A", "u"): {"C": 20, "X": 50},  # 70
        ("A", "v"): {"C": 10, "X": 50},  # 60
        ("B", "v"): {"C": 30, "X": 50},  # 80
        ("A", "w"): {"C": 25, "X": 40},  # 65
        ("B", "w"): {"X": 75},  # 75, no C
        ("C", "w"): {"C": 15, "X": 55},  # 70
    }
    result = rank_intervals(
        scores=criteria_rows(cards),
        settings=RankingSettings("mean", ("C",)),
        n_resamples=4000,
        tiers=(1, 2),
        spread_prior_df=0,  # the resampling itself, as enumerated below
    )

    totals = {"u": [70], "v": [60, 80], "w": [65, 75, 70]}
    creativity = {"u": [20], "v": [10, 30], "w": [25, None, 15]}
    first = dict.fromkeys(totals, 0)
    top_two = dict.fromkeys(totals, 0)
    draws = {entry: itertools.product(range(len(t)), repeat=len(t)) for entry, t in totals.items()}
    combos = list(itertools.product(*(list(d) for d in draws.values())))
    for combo in combos:
        keys = {}
        for entry, picks in zip(totals, combo, strict=True):
            values = [totals[entry][i] for i in picks]
            n, centre = len(values), sum(totals[entry]) / len(totals[entry])
            widen = (n / (n - 1)) ** 0.5 if n > 1 else 1.0
            score = round(centre + widen * (sum(values) / n - centre), 6)
            c = [creativity[entry][i] for i in picks if creativity[entry][i] is not None]
            keys[entry] = (-score, -sum(c) / len(c) if c else float("inf"))
        for entry, key in keys.items():
            rank = 1 + sum(other < key for other in keys.values())
            first[entry] += rank <= 1
            top_two[entry] += rank <= 2
    for entry in totals:
        row = result.rows.set_index("entry").loc[entry]
        assert row["p_tier_1"] == pytest.approx(first[entry] / len(combos), abs=0.03), entry
        assert row["p_tier_2"] == pytest.approx(top_two[entry] / len(combos), abs=0.03), entry


def test_per_division_ranks_and_top_percent_within_divisions():
    rng = np.random.default_rng(5)
    cards = {
        (judge, f"{division}{k}"): round(float(rng.uniform(40, 90)), 3)  # no ties
        for division in "xy"
        for k in range(10)
        for judge in "ABC"
    }
    divisions = {f"{d}{k}": d for d in "xy" for k in range(10)}
    scores = totals_rows(cards)

    per_division = rank_intervals(
        scores=scores,
        settings=RankingSettings("mean", per_division=True),
        divisions=divisions,
        n_resamples=300,
        top_percent=20,
    )
    overall = rank_intervals(
        scores=scores,
        settings=RankingSettings("mean"),
        divisions=divisions,
        n_resamples=300,
        top_percent=20,
    )

    assert per_division.rows["rank_high"].max() <= 10
    assert overall.rows["rank_high"].max() > 10  # ranked overall: ranks up to 20
    # 20% of 10 = 2 advance per division in every resample: the p_advance sum to 2 each,
    # whether the ranking itself was per division or overall (advancement's rule)
    for result in (per_division, overall):
        sums = result.rows.groupby("division")["p_advance"].sum()
        assert sums.to_dict() == pytest.approx({"x": 2.0, "y": 2.0}, abs=1e-5)


def simulated_scores(seed: int, n_entries: int = 30, k: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    judges = np.array([rng.choice(8, k, replace=False) for _ in range(n_entries)])
    entry = np.repeat(np.arange(n_entries), k)
    totals = rng.normal(60, 10, n_entries)[entry] + rng.normal(0, 8, len(entry))
    return pd.DataFrame(
        {"judge": [f"j{j}" for j in judges.ravel()], "entry": entry, "score": np.round(totals)}
    )


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    method=st.sampled_from(["mean", "trimmed_mean", "z_score", "rank_sum", "calibrated"]),
)
def test_intervals_are_invariant_to_row_order_and_reproducible(seed, method):
    scores = simulated_scores(seed % 1000)
    shuffled = scores.sample(frac=1, random_state=random.Random(seed).randrange(2**32))
    ranking = RankingSettings(method, min_judge_entries=1)

    outcomes = []
    for frame in (scores, shuffled.reset_index(drop=True), scores):
        try:
            result = rank_intervals(
                scores=frame, settings=ranking, n_resamples=60, top_n=5, tiers=(1, 3)
            )
        except RankingRefused as error:
            outcomes.append(error.code)
        else:
            outcomes.append((result.to_csv_bytes(), result.seed))
    assert outcomes[0] == outcomes[1] == outcomes[2]


def test_seed_defaults_to_the_inputs_hash_and_can_be_given():
    scores = simulated_scores(1)
    ranking = RankingSettings("mean")

    default = rank_intervals(scores=scores, settings=ranking, n_resamples=200)
    given_seed = rank_intervals(scores=scores, settings=ranking, n_resamples=200, seed=12345)
    again = rank_intervals(scores=scores, settings=ranking, n_resamples=200, seed=12345)

    assert default.seed == int(rank_entries(scores, ranking).inputs_sha256[:16], 16)
    assert given_seed.seed == 12345
    assert given_seed.to_csv_bytes() == again.to_csv_bytes()
    assert given_seed.to_csv_bytes() != default.to_csv_bytes()


def test_chunking_does_not_change_the_result():
    scores = simulated_scores(2)
    ranking = RankingSettings("mean")

    small = rank_intervals(scores=scores, settings=ranking, n_resamples=100, chunk_bytes=1)
    large = rank_intervals(scores=scores, settings=ranking, n_resamples=100, chunk_bytes=2**30)

    assert small.to_csv_bytes() == large.to_csv_bytes()


@pytest.mark.parametrize(
    ("k", "method", "uneven", "floor"),
    [
        (5, "mean", 0.0, 0.88),
        (5, "calibrated", 0.0, 0.88),
        (3, "mean", 0.0, 0.88),
        (3, "calibrated", 0.0, 0.85),
        (3, "mean", 0.6, 0.85),
        (3, "calibrated", 0.6, 0.85),
    ],
)
def test_coverage_of_the_true_rank(k, method, uneven, floor):
    # 40 entries, quality N(60, 10), 10 judges with leniency N(0, 5), noise N(0, 8) — times
    # e^N(0, uneven) per entry, so that some entries divide their judges more; k judges each.
    # The share of entries whose 90% interval holds its rank by true quality, averaged over 30
    # panels. Measured (ν = 10): k = 5 0.92 (mean) / 0.91 (calibrated); k = 3 0.91 / 0.88;
    # uneven k = 3 0.90 / 0.89 (bench/sim_intervals.py). With each entry's own spread only
    # (ν = 0) k = 3 gave 0.82 / 0.80.
    covered = []
    for seed in range(30):
        rng = np.random.default_rng(seed)
        judges = np.array([rng.choice(10, k, replace=False) for _ in range(40)])
        entry = np.repeat(np.arange(40), k)
        quality, leniency = rng.normal(60, 10, 40), rng.normal(0, 5, 10)
        noise = rng.normal(0, 8, len(entry)) * np.exp(rng.normal(0, uneven, 40))[entry]
        totals = quality[entry] + leniency[judges.ravel()] + noise
        scores = pd.DataFrame({"judge": judges.ravel(), "entry": entry, "score": totals.round(1)})

        rows = rank_intervals(
            scores=scores, settings=RankingSettings(method), n_resamples=400, seed=seed
        ).rows

        true_rank = (-quality).argsort().argsort() + 1
        truth = true_rank[rows["entry"].to_numpy()]
        covered.append(((rows["rank_low"] <= truth) & (truth <= rows["rank_high"])).mean())
    assert np.mean(covered) >= floor


def test_p_tier_grows_with_the_boundary():
    result = rank_intervals(
        scores=simulated_scores(3), settings=RankingSettings("mean"), tiers=(1, 5, 12)
    )

    rows = result.rows
    assert (rows["p_tier_1"] <= rows["p_tier_2"]).all()
    assert (rows["p_tier_2"] <= rows["p_tier_3"]).all()
    assert rows["p_tier_1"].sum() >= 1 - 1e-5  # someone ranks first in every resample
    assert (rows["rank_low"] <= rows["rank_high"]).all()
    crosses = [(rows["rank_low"] <= b) & (b < rows["rank_high"]) for b in (1, 5, 12)]
    assert rows["contested"].tolist() == (crosses[0] | crosses[1] | crosses[2]).tolist()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_resamples": 0}, "n_resamples"),
        ({"level": 1.0}, "level"),
        ({"spread_prior_df": -1}, "spread_prior_df"),
        ({"top_n": 1, "top_percent": 10}, "at most one"),
        ({"top_n": -1}, "top_n"),
        ({"top_percent": 0}, "top_percent"),
        ({"tiers": (3, 3)}, "tiers"),
        ({"tiers": (0, 3)}, "tiers"),
    ],
)
def test_options_are_validated(options, message):
    with pytest.raises(ValueError, match=message):
        rank_intervals(scores=simulated_scores(4), settings=RankingSettings("mean"), **options)


def test_refusals_are_the_rankings():
    cards = {("A", "e1"): 50, ("B", "e2"): 60}

    with pytest.raises(RankingRefused) as caught:
        rank_intervals(scores=totals_rows(cards), settings=RankingSettings("calibrated"))

    assert caught.value.code == "ranking_disconnected"


def plain_ranks(keys: list[list[float]]) -> list[int]:
    """1 + the number of items strictly better on the key tuple: competition ranks."""
    items = list(zip(*keys, strict=True))
    return [1 + sum(other < item for other in items) for item in items]


@settings(max_examples=150, deadline=None)
@given(
    data=st.integers(1, 12).flatmap(
        lambda width: st.lists(
            st.lists(
                st.sampled_from([0.0, 0.5, 1.0, 1e-6, 2e-6, -3.0, 1e15, -1e15, float("inf")]),
                min_size=width,
                max_size=width,
            ),
            min_size=1,
            max_size=4,
        )
    )
)
def test_folded_ranks_match_a_plain_comparison(data):
    keys = [np.array([row]) for row in data]  # one resample, len(data) keys

    ranks = _ranks_2d(keys)

    assert ranks[0].tolist() == plain_ranks(data)
