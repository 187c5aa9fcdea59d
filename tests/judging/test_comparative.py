"""The Bradley–Terry engine (judging/comparative.py): hand-computed cases, agreement with choix
(an independent implementation), and properties on simulated judges with known thetas."""

import choix
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.special import expit
from scipy.stats import spearmanr

from judging.comparative import (
    RIDGE,
    misfit_flags,
    rank_intervals,
    scale_fit,
    scores_from_theta,
    separation_reliability,
)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def simulate(seed, *, n=120, per_entry=10, spread=1.5, judges=6, random_judges=()):
    """Random pairs judged by Bradley–Terry judges with known thetas; judges listed in
    ``random_judges`` pick a side by a coin flip. Returns (true theta, judge, winner, loser)."""
    rng = np.random.default_rng(seed)
    true = rng.normal(0.0, spread, n)
    m = n * per_entry // 2
    a = rng.integers(0, n, m)
    b = (a + rng.integers(1, n, m)) % n
    judge = rng.integers(0, judges, m)
    chance = expit(true[a] - true[b])
    chance[np.isin(judge, random_judges)] = 0.5
    a_wins = rng.random(m) < chance
    return true, judge, np.where(a_wins, a, b), np.where(a_wins, b, a)


# --- hand-computed ------------------------------------------------------------------------------


def test_one_decision_matches_the_closed_form():
    # A beat B once. By symmetry θ_A = −θ_B = t with (1 − σ(2t)) = λt; with v = p(1 − p),
    # H = [[v+λ, −v], [−v, v+λ]], (H⁻¹)_AA = (v+λ)/(λ(2v+λ)), minus 1/(λn) for the centring.
    fit = scale_fit(judges=["J"], winners=["A"], losers=["B"])
    t = brentq(lambda x: 1.0 - expit(2 * x) - RIDGE * x, 0.0, 10.0, xtol=1e-14)
    p = expit(2 * t)
    v = p * (1 - p)
    se = np.sqrt((v + RIDGE) / (RIDGE * (2 * v + RIDGE)) - 1 / (2 * RIDGE))

    assert fit.entries.tolist() == ["A", "B"]
    np.testing.assert_allclose(fit.theta, [t, -t], atol=1e-9)
    np.testing.assert_allclose(fit.se, [se, se], rtol=1e-9)
    np.testing.assert_allclose(fit.infit, [(1 - p) / p] * 2, rtol=1e-9)
    np.testing.assert_allclose(fit.judge_infit, [(1 - p) / p], rtol=1e-9)
    assert fit.comparisons.tolist() == [1, 1]
    assert fit.wins.tolist() == [1, 0]
    assert fit.judge_comparisons.tolist() == [1]
    assert fit.se_method == "exact"
    assert fit.converged


def test_separation_reliability_by_hand():
    # var([−1, 0, 1], ddof=1) = 1, mean se² = 0.25 → SSR 0.75
    assert separation_reliability(theta=np.array([-1.0, 0.0, 1.0]), se=np.full(3, 0.5)) == 0.75
    assert np.isnan(separation_reliability(theta=np.zeros(3), se=np.ones(3)))
    assert np.isnan(separation_reliability(theta=np.zeros(1), se=np.ones(1)))


def test_misfit_flags_mean_plus_two_sd():
    # nine at 1.0 and one at 2.0: mean 1.1, population sd 0.3, cut 1.7
    infits = np.array([1.0] * 9 + [2.0])
    assert misfit_flags(infits=infits).tolist() == [False] * 9 + [True]
    with_nan = np.append(infits, np.nan)
    assert misfit_flags(infits=with_nan).tolist() == [False] * 9 + [True, False]
    assert not misfit_flags(infits=np.array([5.0])).any()


def test_scores_are_a_strictly_increasing_map_to_0_100():
    theta = np.array([-30.0, -2.0, 0.0, 0.5, 2.0, 30.0])
    scores = scores_from_theta(theta=theta)

    assert scores[2] == 50.0
    assert np.all(np.diff(scores) > 0)
    assert np.all((scores > 0) & (scores < 100))
    np.testing.assert_allclose(scores[4], 100 / (1 + np.exp(-2.0)))


# --- the independent implementation ----------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_theta_matches_choix_opt_pairwise_with_the_same_penalty(seed):
    _, judge, winner, loser = simulate(seed, n=80, per_entry=8)
    fit = scale_fit(judges=judge, winners=winner, losers=loser)
    # choix minimises alpha·Σθ² − log-likelihood; ours is (λ/2)·Σθ²
    theirs = choix.opt_pairwise(
        80, list(zip(winner, loser, strict=True)), alpha=RIDGE / 2, tol=1e-10
    )

    assert fit.entries.tolist() == list(range(80))  # every entry was compared
    assert np.abs(fit.theta - (theirs - theirs.mean())).max() < 1e-6
    assert abs(fit.theta.mean()) < 1e-9  # the ridge centres the scale itself


def test_theta_matches_choix_ilsr_maximum_likelihood_when_it_exists():
    # Many decisions per entry: every entry won and lost against a connected field, so the
    # unpenalised maximum-likelihood estimate exists and I-LSR converges to it.
    _, judge, winner, loser = simulate(4, n=40, per_entry=100, spread=1.0)
    fit = scale_fit(judges=judge, winners=winner, losers=loser, ridge=1e-10, tol=1e-11)
    theirs = choix.ilsr_pairwise(40, list(zip(winner, loser, strict=True)), tol=1e-12)

    ours = fit.theta - fit.theta.mean()
    assert np.abs(ours - (theirs - theirs.mean())).max() < 1e-7


# --- simulated judges -------------------------------------------------------------------------


def test_recovers_the_order_of_known_thetas():
    true, judge, winner, loser = simulate(5, n=200, per_entry=20)
    fit = scale_fit(judges=judge, winners=winner, losers=loser)

    assert spearmanr(fit.theta, true[fit.entries]).statistic > 0.9
    assert fit.ssr > 0.8


def test_ssr_rises_with_the_number_of_comparisons():
    rng = np.random.default_rng(6)
    n = 150
    true = rng.normal(0.0, 1.5, n)
    a = rng.integers(0, n, n * 40)
    b = (a + rng.integers(1, n, len(a))) % n
    a_wins = rng.random(len(a)) < expit(true[a] - true[b])
    winner, loser = np.where(a_wins, a, b), np.where(a_wins, b, a)
    ssr = []
    for per_entry in (4, 8, 16, 40):
        m = n * per_entry // 2
        fit = scale_fit(
            judges=np.zeros(m, int), winners=winner[:m], losers=loser[:m], entries=range(n)
        )
        ssr.append(fit.ssr)

    assert ssr == sorted(ssr)
    assert ssr[0] < 0.6 < 0.9 < ssr[-1]


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_a_random_clicking_judge_is_flagged_and_good_judges_are_not(seed):
    _, judge, winner, loser = simulate(
        seed, n=150, per_entry=40, spread=2.0, judges=10, random_judges=(3,)
    )
    fit = scale_fit(judges=judge, winners=winner, losers=loser)

    assert np.flatnonzero(fit.judge_misfit).tolist() == [3]
    # good judges sit a little below 1: the fitted scale has learnt from their decisions
    assert np.delete(fit.judge_infit, 3).max() < 1.1 < 1.3 < fit.judge_infit[3]


def test_all_win_and_all_lose_entries_get_finite_estimates():
    # "top" beats everyone, "bottom" loses to everyone, the rest are a cycle
    winners = ["top"] * 4 + ["a", "b", "c", "d"] + ["a", "b", "c", "d"]
    losers = ["a", "b", "c", "d"] + ["b", "c", "d", "a"] + ["bottom"] * 4
    fit = scale_fit(judges=["J"] * 12, winners=winners, losers=losers)

    assert np.all(np.isfinite(fit.theta)) and np.all(np.isfinite(fit.se))
    order = fit.entries[np.argsort(-fit.theta)].tolist()
    assert order[0] == "top" and order[-1] == "bottom"
    assert fit.theta.max() < 10 and fit.theta.min() > -10


def test_uncompared_entries_sit_at_zero_with_the_prior_uncertainty():
    fit = scale_fit(judges=["J"], winners=["A"], losers=["B"], entries=["A", "B", "C", "D"])

    at_c = fit.entries.tolist().index("C")
    assert fit.theta[at_c] == 0.0
    # exact SE: (H⁻¹)_CC = 1/λ, less 1/(λn) for the centring
    assert fit.se[at_c] == pytest.approx(np.sqrt(1 / RIDGE - 1 / (4 * RIDGE)))
    assert fit.comparisons[at_c] == 0 and np.isnan(fit.infit[at_c])
    assert not fit.entry_misfit[at_c]


def test_the_approximate_se_is_close_to_the_exact_one():
    _, judge, winner, loser = simulate(10, n=600, per_entry=10)
    exact = scale_fit(judges=judge, winners=winner, losers=loser, se_method="exact")
    approx = scale_fit(judges=judge, winners=winner, losers=loser, se_method="approx")

    ratio = approx.se / exact.se
    assert approx.se_method == "approx" and exact.se_method == "exact"
    np.testing.assert_array_equal(approx.theta, exact.theta)
    assert ratio.min() > 0.95 and ratio.max() < 1.01
    assert abs(approx.ssr - exact.ssr) < 0.02


def test_a_warm_start_converges_to_the_same_scale_in_fewer_steps():
    _, judge, winner, loser = simulate(11, n=300, per_entry=12)
    first = scale_fit(judges=judge[:1500], winners=winner[:1500], losers=loser[:1500])
    cold = scale_fit(judges=judge, winners=winner, losers=loser)
    warm = scale_fit(judges=judge, winners=winner, losers=loser, start=first)

    assert warm.iterations < cold.iterations
    np.testing.assert_allclose(warm.theta, cold.theta, atol=1e-7)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="itself"):
        scale_fit(judges=["J"], winners=["A"], losers=["A"])
    with pytest.raises(ValueError, match="'Z' is not one of the round's entries"):
        scale_fit(judges=["J"], winners=["Z"], losers=["A"], entries=["A", "B"])
    with pytest.raises(ValueError, match="same length"):
        scale_fit(judges=["J", "K"], winners=["A"], losers=["B"])
    with pytest.raises(ValueError, match="ridge"):
        scale_fit(judges=["J"], winners=["A"], losers=["B"], ridge=0.0)


def test_the_result_is_read_only():
    fit = scale_fit(judges=["J"], winners=["A"], losers=["B"])
    with pytest.raises(ValueError, match="read-only"):
        fit.theta[0] = 1.0
    assert fit.theta_of("A") > 0 > fit.theta_of("B")
    with pytest.raises(KeyError):
        fit.theta_of("C")


# --- properties -------------------------------------------------------------------------------

decisions = st.lists(
    st.tuples(st.sampled_from("JKL"), st.integers(0, 7), st.integers(0, 7)).filter(
        lambda row: row[1] != row[2]
    ),
    min_size=1,
    max_size=40,
)


@PROPERTY
@given(rows=decisions, data=st.data())
def test_invariant_to_the_order_of_the_rows(rows, data):
    shuffled = data.draw(st.permutations(rows))
    first = _fit(rows)
    second = _fit(shuffled)

    for name in ("entries", "theta", "se", "infit", "judges", "judge_infit", "comparisons"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))
    assert first.ssr == second.ssr or (np.isnan(first.ssr) and np.isnan(second.ssr))


@PROPERTY
@given(rows=decisions)
def test_any_decisions_give_a_finite_centred_scale(rows):
    fit = _fit(rows)

    assert fit.converged
    assert np.all(np.isfinite(fit.theta)) and np.all(fit.se > 0)
    assert abs(fit.theta.mean()) < 1e-8
    assert np.all(fit.infit >= 0)
    assert fit.comparisons.sum() == 2 * len(rows) and fit.wins.sum() == len(rows)
    # more wins against the same field never means a lower theta: an entry that only won sits
    # above one that only lost
    only_won = (fit.wins == fit.comparisons) & (fit.comparisons > 0)
    only_lost = fit.wins == 0
    if only_won.any() and only_lost.any():
        assert fit.theta[only_won].min() > fit.theta[only_lost].max()


def _fit(rows):
    judge, winner, loser = zip(*rows, strict=True)
    return scale_fit(judges=list(judge), winners=list(winner), losers=list(loser))


@given(
    theta=st.lists(st.floats(-5, 5), min_size=2, max_size=12),
    se=st.floats(0.01, 2.0),
    seed=st.integers(0, 2**32 - 1),
)
@PROPERTY
def test_rank_intervals_are_seeded_and_bracket_a_rank(theta, se, seed):
    theta = np.array(theta)
    sd = np.full(len(theta), se)
    low, high = rank_intervals(theta=theta, se=sd, draws=200, seed=seed)
    again = rank_intervals(theta=theta, se=sd, draws=200, seed=seed)

    np.testing.assert_array_equal(low, again[0])
    np.testing.assert_array_equal(high, again[1])
    assert np.all((low >= 1) & (low <= high) & (high <= len(theta)))


def test_rank_intervals_without_uncertainty_are_the_ranks():
    low, high = rank_intervals(theta=np.array([0.3, 2.0, -1.0]), se=np.zeros(3), draws=50)
    assert low.tolist() == high.tolist() == [2, 1, 3]


def test_rank_intervals_widen_with_the_standard_error():
    theta = np.linspace(-2, 2, 30)
    narrow = rank_intervals(theta=theta, se=np.full(30, 0.05), draws=300, seed=1)
    wide = rank_intervals(theta=theta, se=np.full(30, 1.0), draws=300, seed=1)
    assert (narrow[1] - narrow[0]).mean() < (wide[1] - wide[0]).mean()
