"""rank_scores --method calibrated and --intervals N [--seed S] (API.md "Commands").

The engines have their own tests (test_calibration.py, test_intervals.py); these check the
command's columns, bytes, notes and refusals. tests/judging/test_commands.py covers the rest.
"""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rank_scores", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def totals_csv(tmp_path: Path, rows: list[tuple[str, str, float]]) -> str:
    path = tmp_path / "scores.csv"
    lines = ["judge,entry,score"] + [f"{j},{e},{s}" for j, e, s in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


# B is 10 points more lenient than A on the shared entry s (A 50, B 60); a is A's alone (70),
# b is B's alone (80). Calibrated, λ = 3: offset_B = −offset_A = 5·1/(1 + 3) = 1.25
# (tests/results/test_calibration.py), so a = 70 + 1.25, b = 80 − 1.25, s = 55.
LENIENT = [("A", "s", 50), ("B", "s", 60), ("A", "a", 70), ("B", "b", 80)]


def test_calibrated_method(tmp_path):
    out, err = run(totals_csv(tmp_path, LENIENT), "--method", "calibrated")

    assert out == ("rank,entry,score,n_judges\n1,b,78.750000,1\n2,a,71.250000,1\n3,s,55.000000,2\n")
    assert "method calibrated; 3 entries, 2 judges, 4 rows of scorecard totals" in err


def test_calibrated_refuses_a_disconnected_panel(tmp_path):
    path = totals_csv(tmp_path, [("A", "a", 70), ("B", "b", 80)])

    with pytest.raises(CommandError, match=r"ranking refused \(ranking_disconnected\)"):
        run(path, "--method", "calibrated")


UNANIMOUS = [(judge, f"e{k}", 50 + 5 * k) for judge in "ABC" for k in range(4)]


def test_intervals_add_rank_low_and_rank_high(tmp_path):
    out, err = run(totals_csv(tmp_path, UNANIMOUS), "--intervals", "100", "--seed", "7")

    # every judge agrees: nothing to resample, the interval is the rank itself
    assert out == (
        "rank,entry,score,n_judges,rank_low,rank_high\n"
        "1,e3,65.000000,3,1,1\n2,e2,60.000000,3,2,2\n"
        "3,e1,55.000000,3,3,3\n4,e0,50.000000,3,4,4\n"
    )
    assert "rank intervals: 100 resamples, seed 7\n" in err


def test_intervals_are_reproducible_and_seeded_by_the_inputs_hash(tmp_path):
    rows = [(j, f"e{k}", (37 * k + 11 * ord(j)) % 41 + 40) for j in "ABCD" for k in range(8)]
    path = totals_csv(tmp_path, rows)

    first, first_err = run(path, "--intervals", "300")
    second, _ = run(path, "--intervals", "300")
    seeded, _ = run(path, "--intervals", "300", "--seed", "1")

    digest = re.search(r"inputs sha256 ([0-9a-f]{64})", first_err).group(1)
    assert f"seed {int(digest[:16], 16)}\n" in first_err
    assert first == second
    assert first.splitlines()[0] == "rank,entry,score,n_judges,rank_low,rank_high"
    lines = [line.split(",") for line in first.splitlines()[1:]]
    assert all(int(low) <= int(high) for *_, low, high in lines)
    assert seeded.splitlines()[0] == first.splitlines()[0]


def test_without_intervals_the_output_is_unchanged(tmp_path):
    path = totals_csv(tmp_path, UNANIMOUS)

    out, err = run(path)

    assert out.splitlines()[0] == "rank,entry,score,n_judges"
    assert "rank intervals" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--seed", "3"], "--seed needs --intervals"),
        (["--intervals", "0"], "N ≥ 1"),
    ],
)
def test_interval_options_are_checked(tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(totals_csv(tmp_path, UNANIMOUS), *args)
