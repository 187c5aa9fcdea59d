"""Judge reliability (results.reliability): agreement, ICC against pingouin, labels."""

import numpy as np
import pandas as pd
import pingouin
import pytest

from results.reliability import ICC_LABELS, icc_estimate, icc_level, judge_reliability

# pingouin 0.7 calls DataFrame.dropna(inplace=True), deprecated in pandas 3.1: not ours
no_pingouin_warning = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")


def wine_scores() -> pd.DataFrame:
    """pingouin's 'icc' dataset: 8 wines, each scored by the same 4 judges (complete)."""
    data = pingouin.read_dataset("icc")
    return data.rename(columns={"Wine": "entry", "Judge": "judge", "Scores": "score"})


def pingouin_icc(scores: pd.DataFrame) -> dict[str, float]:
    table = pingouin.intraclass_corr(data=scores, targets="entry", raters="judge", ratings="score")
    return dict(zip(table["Type"], table["ICC"], strict=True))


@no_pingouin_warning
def test_icc_matches_pingouin_on_a_complete_design():
    scores = wine_scores()

    icc = judge_reliability(scores=scores).icc

    expected = pingouin_icc(scores)  # ICC(A,·) = Shrout & Fleiss ICC(2,·)
    assert icc.icc_1 == pytest.approx(expected["ICC(A,1)"], abs=1e-6)
    assert icc.icc_k == pytest.approx(expected["ICC(A,k)"], abs=1e-6)
    assert icc.k == 4
    assert icc.components == 1


@no_pingouin_warning
def test_icc_matches_pingouin_on_a_simulated_complete_panel():
    rng = np.random.default_rng(8)
    quality, leniency = rng.normal(60, 10, 25), rng.normal(0, 5, 6)
    rows = [
        (f"j{j}", f"e{e}", quality[e] + leniency[j] + rng.normal(0, 8))
        for e in range(25)
        for j in range(6)
    ]
    scores = pd.DataFrame(rows, columns=["judge", "entry", "score"])

    icc = judge_reliability(scores=scores).icc

    expected = pingouin_icc(scores)
    assert icc.icc_1 == pytest.approx(expected["ICC(A,1)"], abs=1e-6)
    assert icc.icc_k == pytest.approx(expected["ICC(A,k)"], abs=1e-6)


def test_icc_on_incomplete_designs_recovers_the_simulated_components():
    # 3 of 12 judges per entry, 2,000 entries: σ²_entry 100, σ²_judge 25, σ²_res 64 →
    # ICC(2,1) = 100 / 189 = 0.529, ICC(2,3) = 100 / (100 + 89/3) = 0.771.
    estimates = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        judges = np.array([rng.choice(12, 3, replace=False) for _ in range(2000)]).ravel()
        entries = np.repeat(np.arange(2000), 3)
        totals = (
            rng.normal(60, 10, 2000)[entries]
            + rng.normal(0, 5, 12)[judges]
            + rng.normal(0, 8, len(judges))
        )
        estimates.append(
            icc_estimate(
                card_judge=judges,
                card_entry=entries,
                totals=totals,
                n_judges=12,
                n_entries=2000,
            )
        )

    assert np.mean([e.var_entry for e in estimates]) == pytest.approx(100, rel=0.08)
    assert np.mean([e.var_residual for e in estimates]) == pytest.approx(64, rel=0.05)
    assert np.mean([e.icc_1 for e in estimates]) == pytest.approx(100 / 189, abs=0.04)
    assert np.mean([e.icc_k for e in estimates]) == pytest.approx(100 / (100 + 89 / 3), abs=0.03)


def test_agreement_is_the_correlation_with_the_others_mean_on_shared_entries():
    # A, B, C score e1..e4; D scores e1 and e2 only (2 shared: no agreement); E alone on e5.
    table = {
        "e1": {"A": 60, "B": 62, "C": 70, "D": 50},
        "e2": {"A": 70, "B": 69, "C": 65, "D": 55},
        "e3": {"A": 80, "B": 85, "C": 90},
        "e4": {"A": 50, "B": 40, "C": 45},
        "e5": {"E": 77},
    }
    scores = pd.DataFrame(
        [(j, e, s) for e, row in table.items() for j, s in row.items()],
        columns=["judge", "entry", "score"],
    )

    judges = judge_reliability(scores=scores).judges.set_index("judge")

    # A: own 60, 70, 80, 50 against others' means (62+70+50)/3, (69+65+55)/3, 87.5, 42.5
    mine = [60, 70, 80, 50]
    others = [(62 + 70 + 50) / 3, (69 + 65 + 55) / 3, 87.5, 42.5]
    assert judges.loc["A", "agreement"] == round(np.corrcoef(mine, others)[0, 1], 6)
    assert judges["count"].to_dict() == {"A": 4, "B": 4, "C": 4, "D": 2, "E": 1}
    assert judges["shared"].to_dict() == {"A": 4, "B": 4, "C": 4, "D": 2, "E": 0}
    assert np.isnan(judges.loc["D", "agreement"])
    assert np.isnan(judges.loc["E", "agreement"])
    assert -1 <= judges.loc["C", "agreement"] <= 1


def test_a_constant_judge_has_no_agreement():
    scores = pd.DataFrame(
        [(j, f"e{e}", 70 if j == "A" else 50 + 5 * e) for e in range(5) for j in "AB"],
        columns=["judge", "entry", "score"],
    )

    judges = judge_reliability(scores=scores).judges.set_index("judge")

    assert np.isnan(judges.loc["A", "agreement"])
    assert np.isnan(judges.loc["B", "agreement"])  # the others' mean (A) does not vary


def test_offsets_come_from_the_calibrated_fit():
    # B is 10 above A on 3 shared entries: offset_B = 5·3 / (3 + λ) (see test_calibration)
    rows = [(j, f"e{e}", 50 + 3 * e + (10 if j == "B" else 0)) for e in range(3) for j in "AB"]
    scores = pd.DataFrame(rows, columns=["judge", "entry", "score"])

    judges = judge_reliability(scores=scores, calibration_lambda=1.0).judges

    assert judges["offset"].tolist() == [-3.75, 3.75]


@pytest.mark.parametrize(
    ("icc", "code"),
    [
        (-0.2, "poor"),
        (0.0, "poor"),
        (0.4999, "poor"),
        (0.5, "moderate"),
        (0.7499, "moderate"),
        (0.75, "good"),
        (0.9, "good"),
        (0.9001, "excellent"),
        (1.0, "excellent"),
        (float("nan"), "unknown"),
    ],
)
def test_icc_levels_follow_koo_and_li(icc, code):
    assert icc_level(icc=icc) == code
    assert set(ICC_LABELS[code]) == {"ko", "en"}


def test_korean_labels():
    assert {code: ICC_LABELS[code]["ko"] for code in ("poor", "moderate", "good")} == {
        "poor": "낮음",
        "moderate": "보통",
        "good": "높음",
    }
