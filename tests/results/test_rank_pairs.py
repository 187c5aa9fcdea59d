"""``manage.py rank_pairs`` (API.md "Commands"): files in tmp_path, the real argument parser,
exact output. The engine has its own tests (tests/judging/test_comparative.py); these check the
reading, the writing, the ties and that every bad file is reported with its name, column and
row."""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook
from scipy.optimize import brentq
from scipy.special import expit

from judging.comparative import RIDGE, scale_fit

# A, B and C beat each other in a cycle (J1) and each beat D (J2). By symmetry A, B and C share
# θ = x and D has −3x (θ has mean 0), where x solves σ(−4x) = λx (the cycle's terms cancel).
CYCLE = "judge,winner,loser\nJ1,A,B\nJ1,B,C\nJ1,C,A\nJ2,A,D\nJ2,B,D\nJ2,C,D\n"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("rank_pairs", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def cycle_values():
    x = brentq(lambda t: expit(-4 * t) - RIDGE * t, 0.0, 5.0, xtol=1e-14)
    p = expit(4 * x)  # chance that A, B or C beats D
    entry_abc = ((1 - p) ** 2 + 0.5) / (p * (1 - p) + 0.5)  # two coin-flip decisions and one vs D
    return x, p, entry_abc


def test_ties_share_a_rank_and_the_values_match_the_closed_form(tmp_path):
    out, err = run(write(tmp_path, "decisions.csv", CYCLE))

    x, p, infit_abc = cycle_values()
    lines = out.splitlines()
    assert lines[0] == "rank,entry,theta,se,comparisons,infit"
    rows = [line.split(",") for line in lines[1:]]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("1", "A", "3"),
        ("1", "B", "3"),
        ("1", "C", "3"),
        ("4", "D", "3"),
    ]
    assert [r[2] for r in rows] == [f"{x:.6f}"] * 3 + [f"{-3 * x:.6f}"]
    assert [r[5] for r in rows] == [f"{infit_abc:.6f}"] * 3 + [f"{(1 - p) / p:.6f}"]
    assert len({r[3] for r in rows[:3]}) == 1 and float(rows[3][3]) > float(rows[0][3])
    assert "6 decisions, 4 entries, 2 judges; SSR " in err


def test_summary_json_has_exactly_the_documented_shape(tmp_path):
    target = tmp_path / "summary.json"
    _, err = run(write(tmp_path, "decisions.csv", CYCLE), "--summary", str(target))

    summary = json.loads(target.read_text(encoding="utf-8"))
    _, p, _ = cycle_values()
    fit = scale_fit(judges=["J1"] * 3 + ["J2"] * 3, winners=list("ABCABC"), losers=list("BCADDD"))
    assert summary == {
        "ssr": round(fit.ssr, 6),
        "comparisons": 6,
        "judges": {
            "J1": {"comparisons": 3, "infit": 1.0},  # three coin flips: residual² = p(1−p)
            "J2": {"comparisons": 3, "infit": round((1 - p) / p, 6)},
        },
    }
    assert f"wrote {target}" in err


def test_out_file_and_xlsx_input(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Judge", "Winner", "Loser"])
    for line in CYCLE.splitlines()[1:]:
        sheet.append(line.split(","))
    book.save(tmp_path / "decisions.xlsx")
    target = tmp_path / "scale.csv"

    out, err = run(str(tmp_path / "decisions.xlsx"), "--out", str(target))

    assert out == ""
    csv_out, _ = run(write(tmp_path, "decisions.csv", CYCLE))
    assert target.read_text(encoding="utf-8") == csv_out
    assert f"wrote {target}" in err


def test_a_coin_flipping_judge_is_named_on_stderr(tmp_path):
    rng = np.random.default_rng(3)
    true = rng.normal(0, 2.0, 60)
    lines, seen = ["judge,winner,loser"], set()
    for k in range(2400):
        judge = f"심사위원{k % 10}"
        a, b = rng.choice(60, 2, replace=False)
        if (judge, min(a, b), max(a, b)) in seen:
            continue
        seen.add((judge, min(a, b), max(a, b)))
        chance = 0.5 if judge == "심사위원7" else expit(true[a] - true[b])
        winner, loser = (a, b) if rng.random() < chance else (b, a)
        lines.append(f"{judge},E{winner:02d},E{loser:02d}")

    out, err = run(write(tmp_path, "decisions.csv", "\n".join(lines) + "\n"))

    assert "misfitting judges (infit > mean + 2 sd): 심사위원7 (" in err
    ranked = [line.split(",")[1] for line in out.splitlines()[1:]]
    assert len(ranked) == 60
    assert f"E{int(np.argmax(true)):02d}" in ranked[:5]  # the truly best is near the top


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "judge,winner\nJ1,A\n",
            "decisions.csv: missing column(s) 'loser' (the header row has 'judge', 'winner')",
        ),
        (
            "judge,winner,loser\nJ1,A,B\nJ1,A,A\n",
            "decisions.csv, row 3, column 'loser': 'A' cannot be compared with itself",
        ),
        (
            "judge,winner,loser\nJ1,A,B\nJ2,A,B\nJ1,B,A\n",
            "decisions.csv, row 4, column 'judge,winner,loser': judge 'J1' already compared "
            "'A' and 'B' in row 2",
        ),
        (
            "judge,winner,loser\nJ1,A,B\nJ1,,C\n",
            "decisions.csv, row 3, column 'winner': empty; a value is required",
        ),
    ],
)
def test_a_bad_file_names_the_file_column_and_row(tmp_path, text, message):
    with pytest.raises(CommandError) as caught:
        run(write(tmp_path, "decisions.csv", text))
    assert str(caught.value).endswith(message)
