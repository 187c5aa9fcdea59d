"""The `calibrated` ranking method (results.calibration, wired into results.ranking).

Hand-computed cases first. Two judges A and B scoring n shared entries, B always 10 points
above A, no noise. The reduced system (results/calibration.py) is
    L = [[n/2, −n/2], [−n/2, n/2]],  c = (−5n, +5n)
(each shared entry has mean A + 5, so A's totals sit 5 below it and B's 5 above). c lies on
the eigenvector (−1, 1) of L with eigenvalue n, so (L + λI) b = c gives
    offset_B = −offset_A = 5n / (n + λ).
λ = 0 recovers the full ±5 (B is 10 points more lenient than A); λ → ∞ gives 0 (the mean).
"""

import random
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix, vstack
from scipy.sparse.linalg import lsqr

from results.calibration import DEFAULT_LAMBDA, calibration_fit
from results.ranking import RankingRefused, RankingSettings, rank_entries


def totals_rows(cards: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = [(judge, entry, score) for (judge, entry), score in cards.items()]
    return pd.DataFrame(rows, columns=["judge", "entry", "score"])


def lenient_pair(n_shared: int, *, solo: bool = False) -> pd.DataFrame:
    """A and B score s0..s(n-1): A 50 + 3k, B 10 more. With `solo`, A alone scores `a` (70)
    and B alone scores `b` (80)."""
    cards = {}
    for k in range(n_shared):
        cards["A", f"s{k}"], cards["B", f"s{k}"] = 50 + 3 * k, 60 + 3 * k
    if solo:
        cards["A", "a"], cards["B", "b"] = 70, 80
    return totals_rows(cards)


def column(frame: pd.DataFrame, key: str, value: str) -> dict:
    return dict(zip(frame[key], frame[value], strict=True))


@pytest.mark.parametrize("n_shared", [1, 3, 30, 300])
def test_offsets_shrink_by_n_over_n_plus_lambda(n_shared):
    result = rank_entries(lenient_pair(n_shared), RankingSettings("calibrated"))

    offset = round(5 * n_shared / (n_shared + DEFAULT_LAMBDA), 6)
    assert column(result.judges, "judge", "offset") == {"A": -offset, "B": offset}
    # both judges on every entry: the offsets cancel and the score is the plain mean
    assert column(result.rows, "entry", "score") == {f"s{k}": 55.0 + 3 * k for k in range(n_shared)}


def test_few_entries_fall_back_to_the_mean_many_remove_the_leniency():
    few = rank_entries(lenient_pair(1, solo=True), RankingSettings("calibrated"))
    many = rank_entries(lenient_pair(300, solo=True), RankingSettings("calibrated"))

    # a (A alone, 70) and b (B alone, 80): quality = total − offset of its judge.
    # n = 1: offset_B = 5/(1 + 3) = 1.25 → a 71.25, b 78.75: b still ahead, as by the mean.
    # n = 300: offset_B = 1500/303 = 4.950495 → a 74.950495, b 75.049505: the 10-point
    # leniency is almost all removed (exactly removed, 75 and 75, only as n → ∞).
    assert column(few.rows, "entry", "score")["a"] == 71.25
    assert column(few.rows, "entry", "score")["b"] == 78.75
    assert column(many.rows, "entry", "score")["a"] == round(70 + 1500 / 303, 6)
    assert column(many.rows, "entry", "score")["b"] == round(80 - 1500 / 303, 6)


def test_lambda_zero_recovers_the_offsets_exactly_with_zero_error():
    result = rank_entries(
        lenient_pair(4, solo=True), RankingSettings("calibrated", calibration_lambda=0)
    )

    judges = result.judges.set_index("judge")
    assert judges["offset"].to_dict() == {"A": -5.0, "B": 5.0}
    assert judges["offset_se"].to_dict() == {"A": 0.0, "B": 0.0}  # no noise: residuals 0
    assert column(result.rows, "entry", "score")["a"] == 75.0
    assert column(result.rows, "entry", "score")["b"] == 75.0


def test_huge_lambda_equals_the_mean():
    scores = lenient_pair(6, solo=True)

    calibrated = rank_entries(scores, RankingSettings("calibrated", calibration_lambda=1e12))
    mean = rank_entries(scores, RankingSettings("mean"))

    assert calibrated.to_csv_bytes() == mean.to_csv_bytes()
    assert calibrated.judges["offset"].tolist() == [0.0, 0.0]


def test_calibrated_refuses_a_disconnected_graph_like_z_score():
    cards = {("A", "e1"): 50, ("A", "e2"): 51, ("D", "e1"): 52, ("D", "e2"): 53}
    cards |= {("B", "e3"): 54, ("B", "e4"): 55, ("C", "e5"): 56}

    with pytest.raises(RankingRefused) as caught:
        rank_entries(totals_rows(cards), RankingSettings("calibrated"))

    assert caught.value.code == "ranking_disconnected"
    assert caught.value.detail == {
        "components": 3,
        "judges_by_component": [["A", "D"], ["B"], ["C"]],
    }


def test_calibrated_needs_no_minimum_of_entries_per_judge():
    # z_score refuses judges with fewer than 10 entries; calibrated shrinks instead
    result = rank_entries(lenient_pair(2), RankingSettings("calibrated"))

    assert result.judges["count"].tolist() == [2, 2]


def test_other_methods_keep_their_inputs_hash():
    # Pinned before `calibration_lambda` existed: the new setting must not move these.
    cards = {("A", "p"): 80, ("B", "p"): 80, ("A", "q"): 70, ("B", "q"): 75, ("A", "r"): 60}
    scores = totals_rows(cards)

    hashes = {
        method: rank_entries(scores, RankingSettings(method, min_judge_entries=2)).inputs_sha256
        for method in ["mean", "trimmed_mean", "z_score"]
    }
    assert hashes == {
        "mean": "b5df8316c91f4af7e304d58d975fc873c4c2b68fa80952d6728b3d1b33233ab4",
        "trimmed_mean": "6be097d01a1647306d92aa57310caa8cc62aafc64bada365cd2b5212c9086394",
        "z_score": "08ddc96f58a440dedd8afebb1c7d0ee448146138af865555ae633e1646f0bd32",
    }


def test_calibration_lambda_is_hashed_for_calibrated_and_validated():
    scores = lenient_pair(3)

    one = rank_entries(scores, RankingSettings("calibrated", calibration_lambda=1.0))
    two = rank_entries(scores, RankingSettings("calibrated", calibration_lambda=2.0))

    assert one.inputs_sha256 != two.inputs_sha256
    with pytest.raises(ValueError, match="calibration_lambda"):
        RankingSettings("calibrated", calibration_lambda=-1)
    with pytest.raises(ValueError, match="calibration_lambda"):
        RankingSettings("calibrated", calibration_lambda=float("nan"))


def simulated_panel(seed: int, n_entries: int = 60, n_judges: int = 8, k: int = 3):
    """Integer-coded cards: true quality N(60, 10), leniency N(0, 5), noise N(0, 8)."""
    rng = np.random.default_rng(seed)
    judges = np.array([rng.choice(n_judges, k, replace=False) for _ in range(n_entries)])
    card_judge, card_entry = judges.ravel(), np.repeat(np.arange(n_entries), k)
    quality, leniency = rng.normal(60, 10, n_entries), rng.normal(0, 5, n_judges)
    totals = quality[card_entry] + leniency[card_judge] + rng.normal(0, 8, len(card_judge))
    return card_judge, card_entry, np.round(totals), quality, leniency


@pytest.mark.parametrize("lam", [0.0, 0.5, DEFAULT_LAMBDA, 40.0])
def test_fit_matches_a_sparse_least_squares_of_the_full_design(lam):
    card_judge, card_entry, totals, _, _ = simulated_panel(7)
    n_entries, n_judges = 60, 8

    fit = calibration_fit(
        card_judge=card_judge,
        card_entry=card_entry,
        totals=totals,
        n_judges=n_judges,
        n_entries=n_entries,
        lam=lam,
    )

    # The same problem as one sparse least squares: columns (quality..., offset...), the
    # penalty as √λ rows on the offsets; for λ = 0 one row "offsets sum to 0".
    n_cards = len(totals)
    design = csr_matrix(
        (
            np.ones(2 * n_cards),
            (np.tile(np.arange(n_cards), 2), np.r_[card_entry, n_entries + card_judge]),
        ),
        shape=(n_cards, n_entries + n_judges),
    )
    if lam > 0:
        penalty = csr_matrix(
            (
                np.full(n_judges, np.sqrt(lam)),
                (np.arange(n_judges), n_entries + np.arange(n_judges)),
            ),
            shape=(n_judges, n_entries + n_judges),
        )
    else:
        penalty = csr_matrix(np.r_[np.zeros(n_entries), np.ones(n_judges)][None, :])
    stacked = vstack([design, penalty])
    target = np.r_[totals, np.zeros(penalty.shape[0])]
    solution = lsqr(stacked, target, atol=1e-14, btol=1e-14, iter_lim=100_000)[0]

    np.testing.assert_allclose(fit.quality, solution[:n_entries], atol=1e-7)
    np.testing.assert_allclose(fit.offset, solution[n_entries:], atol=1e-7)


def test_standard_errors_match_the_least_squares_covariance_at_lambda_zero():
    card_judge, card_entry, totals, _, _ = simulated_panel(11)
    n_entries, n_judges = 60, 8

    fit = calibration_fit(
        card_judge=card_judge,
        card_entry=card_entry,
        totals=totals,
        n_judges=n_judges,
        n_entries=n_entries,
        lam=0.0,
    )

    # OLS with the constraint offsets sum to 0: reparametrise offset_J = −Σ others, then
    # cov = σ² (XᵀX)⁻¹ and var(offset_J) = 1ᵀ cov 1 over the other offsets.
    x = np.zeros((len(totals), n_entries + n_judges - 1))
    x[np.arange(len(totals)), card_entry] = 1
    last = card_judge == n_judges - 1
    x[np.flatnonzero(~last), n_entries + card_judge[~last]] = 1
    x[np.flatnonzero(last), n_entries:] = -1
    _, rss, *_ = np.linalg.lstsq(x, totals, rcond=None)
    sigma2 = rss[0] / (len(totals) - x.shape[1])
    cov = sigma2 * np.linalg.inv(x.T @ x)[n_entries:, n_entries:]
    expected = np.r_[np.sqrt(np.diag(cov)), np.sqrt(cov.sum())]

    np.testing.assert_allclose(fit.sigma**2, sigma2, rtol=1e-9)
    np.testing.assert_allclose(fit.offset_se, expected, rtol=1e-7)


def test_with_many_entries_the_fit_recovers_the_true_leniency():
    card_judge, card_entry, totals, _, leniency = simulated_panel(3, n_entries=3000)

    fit = calibration_fit(
        card_judge=card_judge,
        card_entry=card_entry,
        totals=totals,
        n_judges=8,
        n_entries=3000,
        lam=DEFAULT_LAMBDA,
    )

    truth = leniency - leniency.mean()  # identified only relative to the judges' average
    assert np.abs(fit.offset - truth).max() < 3 * fit.offset_se.max()
    assert fit.offset_se.max() < 0.5  # ~1,100 entries a judge: tight


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), lambdas=st.lists(st.floats(0, 1e4), min_size=2))
def test_shrinkage_is_monotone_in_lambda(seed, lambdas):
    card_judge, card_entry, totals, _, _ = simulated_panel(seed, n_entries=30, n_judges=6)

    norms = [
        np.linalg.norm(
            calibration_fit(
                card_judge=card_judge,
                card_entry=card_entry,
                totals=totals,
                n_judges=6,
                n_entries=30,
                lam=lam,
            ).offset
        )
        for lam in sorted(lambdas)
    ]

    assert all(later <= earlier + 1e-9 for earlier, later in pairwise(norms))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), per_division=st.booleans())
def test_calibrated_ranking_is_invariant_to_row_order(seed, per_division):
    card_judge, card_entry, totals, _, _ = simulated_panel(seed, n_entries=25, n_judges=5)
    scores = pd.DataFrame(
        {"judge": [f"j{j}" for j in card_judge], "entry": card_entry, "score": totals}
    )
    divisions = {entry: "x" if entry % 3 else "y" for entry in range(25)}
    shuffled = scores.sample(frac=1, random_state=random.Random(seed).randrange(2**32))
    ranking = RankingSettings("calibrated", per_division=per_division)

    outcomes = []
    for frame in (scores, shuffled.reset_index(drop=True)):
        try:
            result = rank_entries(frame, ranking, divisions=divisions)
        except RankingRefused as error:
            outcomes.append((error.code, error.detail))
        else:
            judges = result.judges.to_csv(index=False, float_format="%.6f")
            outcomes.append((result.to_csv_bytes(), judges, result.inputs_sha256))
    assert outcomes[0] == outcomes[1]
