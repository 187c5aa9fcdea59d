"""The judging commands: rank_scores, solve_assignment, allocate_prizes (API.md "Commands").

Files in tmp_path, the real argument parser (`call_command` with CLI strings), exact output
bytes. The engines have their own tests; these check the reading, the writing, the exit codes
and that every bad file is reported with its name, column and row.
"""

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(command: str, *args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# --- rank_scores -------------------------------------------------------------------------------

# Two judges, two criteria. Totals per judge and the mean:
#   E1: J1 40+50=90, J2 45+45=90 → 90      E3: J1 42+40=82, J2 38+44=82 → 82
#   E2: J1 30+50=80, J2 40+44=84 → 82      E4: J1 30+40=70, J2 35+40=75 → 72.5
# E2 and E3 tie at 82. Mean of c1: E2 (30+40)/2 = 35, E3 (42+38)/2 = 40 → c1 puts E3 first;
# mean of c2: E2 (50+44)/2 = 47, E3 (40+44)/2 = 42 → c2 puts E2 first.
CRITERIA_SCORES = [
    ("J1", "E1", "c1", 40), ("J1", "E1", "c2", 50), ("J2", "E1", "c1", 45), ("J2", "E1", "c2", 45),
    ("J1", "E2", "c1", 30), ("J1", "E2", "c2", 50), ("J2", "E2", "c1", 40), ("J2", "E2", "c2", 44),
    ("J1", "E3", "c1", 42), ("J1", "E3", "c2", 40), ("J2", "E3", "c1", 38), ("J2", "E3", "c2", 44),
    ("J1", "E4", "c1", 30), ("J1", "E4", "c2", 40), ("J2", "E4", "c1", 35), ("J2", "E4", "c2", 40),
]  # fmt: skip
TIED = (
    "rank,entry,score,n_judges\n"
    "1,E1,90.000000,2\n2,E2,82.000000,2\n2,E3,82.000000,2\n4,E4,72.500000,2\n"
)


def criteria_csv(tmp_path: Path, rows=CRITERIA_SCORES) -> str:
    lines = ["judge,entry,criterion,score"] + [",".join(map(str, row)) for row in rows]
    return write(tmp_path, "scores.csv", "\n".join(lines) + "\n")


def test_rank_scores_criteria_csv_ties_share_a_rank(tmp_path):
    out, err = run("rank_scores", criteria_csv(tmp_path))

    assert out == TIED
    assert "method mean; 4 entries, 2 judges, 16 rows of per-criterion scores" in err
    assert re.search(r"inputs sha256 [0-9a-f]{64}\n", err)


@pytest.mark.parametrize(
    ("tie_break", "expected"),
    [
        ("c1", "1,E1,90.000000,2\n2,E3,82.000000,2\n3,E2,82.000000,2\n4,E4,72.500000,2\n"),
        ("c2", "1,E1,90.000000,2\n2,E2,82.000000,2\n3,E3,82.000000,2\n4,E4,72.500000,2\n"),
        (" c2 , c1 ", "1,E1,90.000000,2\n2,E2,82.000000,2\n3,E3,82.000000,2\n4,E4,72.500000,2\n"),
    ],
)
def test_rank_scores_tie_break_chain(tmp_path, tie_break, expected):
    out, err = run("rank_scores", criteria_csv(tmp_path), "--tie-break", tie_break)

    assert out == "rank,entry,score,n_judges\n" + expected
    assert "tie-break c" in err


def test_rank_scores_out_file_gets_the_bytes_and_stdout_stays_empty(tmp_path):
    target = tmp_path / "ranking.csv"

    out, err = run("rank_scores", criteria_csv(tmp_path), "--out", str(target))

    assert out == ""
    assert target.read_bytes() == TIED.encode()
    assert f"wrote {target}" in err


def test_rank_scores_xlsx_gives_the_same_bytes_and_digest_as_csv(tmp_path):
    xlsx = tmp_path / "scores.xlsx"
    frame = pd.DataFrame(CRITERIA_SCORES, columns=["Judge", "Entry", "Criterion", "Score"])
    frame.to_excel(xlsx, index=False)  # header case differs on purpose

    xlsx_out, xlsx_err = run("rank_scores", str(xlsx))
    _, csv_err = run("rank_scores", criteria_csv(tmp_path))

    assert xlsx_out == TIED
    digest = re.compile(r"inputs sha256 ([0-9a-f]{64})")
    assert digest.search(xlsx_err).group(1) == digest.search(csv_err).group(1)


# Totals only, five judges each. E1: 10, 80, 82, 84, 100 → mean 71.2; trimmed (80+82+84)/3 = 82.
# E2: 81 from everyone → 81 either way. E3: 75 from everyone → 75.
TOTALS = {"E1": [10, 80, 82, 84, 100], "E2": [81] * 5, "E3": [75] * 5}


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("mean", "1,E2,81.000000,5\n2,E3,75.000000,5\n3,E1,71.200000,5\n"),
        ("trimmed_mean", "1,E1,82.000000,5\n2,E2,81.000000,5\n3,E3,75.000000,5\n"),
    ],
)
def test_rank_scores_totals_only(tmp_path, method, expected):
    lines = ["judge,entry,score"] + [
        f"J{j},{entry},{score}"
        for entry, scores in TOTALS.items()
        for j, score in enumerate(scores, 1)
    ]
    path = write(tmp_path, "totals.csv", "\n".join(lines))

    out, err = run("rank_scores", path, "--method", method)

    assert out == "rank,entry,score,n_judges\n" + expected
    assert f"method {method}; 3 entries, 5 judges, 15 rows of scorecard totals" in err


def test_rank_scores_tie_break_without_criteria_is_refused(tmp_path):
    path = write(tmp_path, "totals.csv", "judge,entry,score\nJ1,E1,80\nJ1,E2,70\n")

    with pytest.raises(CommandError, match=r"totals\.csv: --tie-break needs per-criterion"):
        run("rank_scores", path, "--tie-break", "c1")


# J1 scored E1, E2 and J2 scored E3, E4: two judge groups that share no entry.
DISCONNECTED = "judge,entry,score\nJ1,E1,80\nJ1,E2,70\nJ2,E3,60\nJ2,E4,50\n"


@pytest.mark.parametrize(
    ("extra", "code"),
    [([], "too_few_scores"), (["--min-judge-entries", "1"], "ranking_disconnected")],
)
def test_rank_scores_z_score_refusals(tmp_path, extra, code):
    path = write(tmp_path, "scores.csv", DISCONNECTED)

    with pytest.raises(CommandError, match=rf"scores\.csv: ranking refused \({code}\)"):
        run("rank_scores", path, "--method", "z_score", *extra)


SCORES_HEADER = "judge,entry,score\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("s.csv", "judge,entry,points\nJ1,E1,3\n", r"s\.csv: missing column\(s\) 'score'"),
        (
            "s.csv",
            SCORES_HEADER + "J1,E1,3\nJ1,E2,8\nJ2,E1,x\n",
            r"s\.csv, row 4, column 'score': 'x' is not a number",
        ),
        ("s.csv", SCORES_HEADER + "J1,E1,3\nJ1,E2,\n", r"row 3, column 'score': empty"),
        (
            "s.csv",
            SCORES_HEADER + "J1,E1,3\n\nJ1,E1,4\n",  # the blank line still counts as row 3
            r"row 4, column 'judge,entry': 'J1', 'E1' repeats row 2",
        ),
        (
            "s.csv",
            "judge,entry,criterion,score\nJ1,E1,c1,3\nJ1,E1,,4\n",
            r"row 3, column 'criterion': empty",
        ),
        (
            "s.csv",
            SCORES_HEADER + "J1,E1,3,9\n",
            r"s\.csv, row 2: 4 values but the header names only 3",
        ),
        ("s.csv", SCORES_HEADER, r"no_scores"),
        ("s.csv", "", r"s\.csv: the file is empty"),
        ("s.txt", SCORES_HEADER + "J1,E1,3\n", r"s\.txt: unsupported file type '\.txt'"),
        ("s.xlsx", "not a workbook", r"s\.xlsx: not a readable XLSX workbook"),
    ],
)
def test_rank_scores_bad_files_name_the_file_column_and_row(tmp_path, name, content, message):
    path = write(tmp_path, name, content)

    with pytest.raises(CommandError, match=message) as caught:
        run("rank_scores", path)
    assert str(caught.value).startswith(path)


def test_rank_scores_missing_file(tmp_path):
    with pytest.raises(CommandError, match=r"nope\.csv: no such file"):
        run("rank_scores", str(tmp_path / "nope.csv"))


# --- solve_assignment --------------------------------------------------------------------------


def assignment_files(tmp_path, judges="judge\nJ1\nJ2\nJ3\n", conflicts="judge,entry\nJ1,E1\n"):
    return [
        "--entries", write(tmp_path, "entries.csv", "entry,division\nE1,A\nE2,A\nE3,B\n"),
        "--judges", write(tmp_path, "judges.csv", judges),
        "--conflicts", write(tmp_path, "conflicts.csv", conflicts),
    ]  # fmt: skip


def test_solve_assignment_tiny_instance_exact_pairs(tmp_path):
    # 3 entries × k=2 = 6 slots over 3 judges: each judge carries exactly 2. J1 may not judge
    # E1, so E1 gets J2 and J3; E2 and E3 each take J1 and one of J2/J3. Affinity J3–E2 = 3
    # decides: E2 gets J3, E3 gets J2. Total affinity 5 (J2–E1) + 3 = 8.
    affinity = write(tmp_path, "affinity.csv", "judge,entry,affinity\nJ2,E1,5\nJ3,E2,3\n")

    out, err = run(
        "solve_assignment", *assignment_files(tmp_path), "--affinity", affinity, "--k", "2"
    )

    assert out == "entry,judge\nE1,J2\nE1,J3\nE2,J1\nE2,J3\nE3,J1\nE3,J2\n"
    assert "6 pairs: 3 entries × k=2, 3 judges, 1 conflict\n" in err
    assert "total affinity 8\n" in err
    assert "loads: min 2, max 2; 3 judges carry 2\n" in err
    assert re.search(r"solved in \d+\.\d{3} s", err)


def test_solve_assignment_respects_max_load(tmp_path):
    # J1 may take 1 entry, so J2 and J3 carry the other 5 of the 6 slots (3 + 2). Affinities
    # J1–E3 and J3–E3 make E3 = {J1, J3} the only optimum; E1 and E2 then need J2 and J3.
    judges = "judge,max_load\nJ1,1\nJ2,\nJ3,\n"
    affinity = write(tmp_path, "affinity.csv", "judge,entry,affinity\nJ1,E3,1\nJ3,E3,1\n")
    target = tmp_path / "pairs.csv"
    files = assignment_files(tmp_path, judges=judges, conflicts="judge,entry\n")

    out, err = run(
        "solve_assignment", *files, "--affinity", affinity, "--k", "2", "--out", str(target)
    )

    assert out == ""
    assert target.read_text() == "entry,judge\nE1,J2\nE1,J3\nE2,J2\nE2,J3\nE3,J1\nE3,J3\n"
    assert "loads: min 1, max 3; 1 judge carries 1, 1 judge carries 2, 1 judge carries 3" in err


def test_solve_assignment_infeasible_exits_2_naming_the_entries(tmp_path):
    # E1 conflicts with J1 and J2: one judge left for k=2.
    target = tmp_path / "pairs.csv"
    files = assignment_files(tmp_path, conflicts="judge,entry\nJ1,E1\nJ2,E1\n")
    err = io.StringIO()

    with pytest.raises(SystemExit) as caught:
        call_command(
            "solve_assignment", *files, "--k", "2", "--out", str(target),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip

    assert caught.value.code == 2
    assert "infeasible: fewer than k=2 unconflicted judges" in err.getvalue()
    assert "1 entry cannot get k=2 judges" in err.getvalue()
    assert "  E1: 1 available\n" in err.getvalue()
    assert not target.exists()


@pytest.mark.parametrize(
    ("judges", "conflicts", "message"),
    [
        ("judge\nJ1\nJ2\nJ3\n", "judge,entry\nJ1,E1\nJ9,E2\n",
         r"conflicts\.csv, row 3, column 'judge': unknown judge 'J9'"),
        ("judge\nJ1\nJ2\nJ3\n", "judge,entry\nJ1,E7\n",
         r"conflicts\.csv, row 2, column 'entry': unknown entry 'E7'"),
        ("judge,max_load\nJ1,2\nJ2,two\nJ3,2\n", "judge,entry\n",
         r"judges\.csv, row 3, column 'max_load': 'two' is not a whole number"),
        ("judge,max_load,min_load\nJ1,1,2\nJ2,,\nJ3,,\n", "judge,entry\n",
         r"judges\.csv, row 2, column 'min_load': min_load 2 is above max_load 1"),
        ("judge\nJ1\nJ2\nJ1\n", "judge,entry\n",
         r"judges\.csv, row 4, column 'judge': 'J1' repeats row 2"),
    ],
)  # fmt: skip
def test_solve_assignment_bad_files(tmp_path, judges, conflicts, message):
    files = assignment_files(tmp_path, judges=judges, conflicts=conflicts)

    with pytest.raises(CommandError, match=message):
        run("solve_assignment", *files, "--k", "2")


def test_solve_assignment_negative_affinity(tmp_path):
    affinity = write(tmp_path, "affinity.csv", "judge,entry,affinity\nJ2,E1,-1\n")

    with pytest.raises(CommandError, match=r"row 2, column 'affinity': '-1' is negative"):
        run("solve_assignment", *assignment_files(tmp_path), "--affinity", affinity, "--k", "2")


# --- allocate_prizes ---------------------------------------------------------------------------

# DOMAIN §7: A 95; B, C, D tied at 88 (rank 2); E 80; F 79; G 70 — as rank_scores writes it.
RANKING = (
    "rank,entry,score,n_judges\n1,A,95.000000,3\n2,B,88.000000,3\n2,C,88.000000,3\n"
    "2,D,88.000000,3\n5,E,80.000000,3\n6,F,79.000000,3\n7,G,70.000000,3\n"
)


def tiers_csv(tmp_path: Path, grand_min: int, encoding: str = "utf-8") -> str:
    text = (
        "tier,name,count,amount,min_score\n"
        f'대상,국토교통부 장관상,1,"50,000,000",{grand_min}\n'
        "최우수상,,2,30000000,\n"
        "우수상,,3,20000000,\n"
    )
    return write(tmp_path, "tiers.csv", text, encoding)


@pytest.mark.parametrize(
    ("grand_min", "expected", "awarded", "unallocated", "remainder"),
    [
        # A 대상; B, C, D share 최우수 1, 최우수 2, 우수 1: 80,000,000 // 3 = 26,666,666 rest 2;
        # E 우수 2, F 우수 3; G nothing. 50M + 79,999,998 + 40M = 169,999,998.
        (
            90,
            "A,대상,50000000,false\nB,최우수상,26666666,true\nC,최우수상,26666666,true\n"
            "D,최우수상,26666666,true\nE,우수상,20000000,false\nF,우수상,20000000,false\n",
            "169,999,998",
            "0",
            "2",
        ),
        # Nobody reaches 96: 대상 unawarded. A 최우수 1; B, C, D share 최우수 2, 우수 1, 우수 2:
        # 70,000,000 // 3 = 23,333,333 rest 1; E 우수 3. 30M + 69,999,999 + 20M = 119,999,999.
        (
            96,
            "A,최우수상,30000000,false\nB,최우수상,23333333,true\nC,최우수상,23333333,true\n"
            "D,최우수상,23333333,true\nE,우수상,20000000,false\n",
            "119,999,999",
            "50,000,000",
            "1",
        ),
    ],
)
def test_allocate_prizes_domain_example(
    tmp_path, grand_min, expected, awarded, unallocated, remainder
):
    ranking = write(tmp_path, "ranking.csv", RANKING)

    out, err = run(
        "allocate_prizes", "--ranking", ranking, "--tiers", tiers_csv(tmp_path, grand_min)
    )

    assert out == "entry,tier,amount,joint\n" + expected
    assert "tiers total 170,000,000 KRW in 6 slots\n" in err
    assert f"awarded {awarded} KRW" in err
    assert f"unallocated {unallocated} KRW\n" in err
    assert f"remainder {remainder} KRW\n" in err
    assert ("unawarded slots: 대상 × 1" in err) == (grand_min == 96)


def test_rank_scores_then_allocate_prizes(tmp_path):
    # One judge per entry, so each mean is the judge's total: the DOMAIN §7 ranking, end to end.
    scores = {"A": 95, "B": 88, "C": 88, "D": 88, "E": 80, "F": 79, "G": 70}
    lines = ["judge,entry,score"] + [f"J1,{entry},{score}" for entry, score in scores.items()]
    ranking, awards = tmp_path / "ranking.csv", tmp_path / "awards.csv"

    run("rank_scores", write(tmp_path, "scores.csv", "\n".join(lines)), "--out", str(ranking))
    run("allocate_prizes", "--ranking", str(ranking), "--tiers", tiers_csv(tmp_path, 90, "cp949"),
        "--out", str(awards))  # fmt: skip

    assert ranking.read_text() == RANKING.replace(",3\n", ",1\n")
    assert awards.read_text(encoding="utf-8").splitlines()[1:4] == [
        "A,대상,50000000,false",
        "B,최우수상,26666666,true",
        "C,최우수상,26666666,true",
    ]


ONE_RANKED = "rank,entry,score\n1,A,9\n"
ONE_TIER = "tier,count,amount\nT,1,100\n"


@pytest.mark.parametrize(
    ("ranking", "tiers", "message"),
    [
        ("rank,entry\n1,A\n", ONE_TIER, r"ranking\.csv: missing column\(s\) 'score'"),
        (
            "rank,entry,score\n1,A,9x\n",
            ONE_TIER,
            r"ranking\.csv, row 2, column 'score': '9x' is not a number",
        ),
        (
            "rank,entry,score\n1.5,A,9\n",
            ONE_TIER,
            r"ranking\.csv, row 2, column 'rank': '1.5' is not a whole number",
        ),
        (
            ONE_RANKED,
            ONE_TIER + "U,one,5\n",
            r"tiers\.csv, row 3, column 'count': 'one' is not a whole number",
        ),
        (
            ONE_RANKED,
            "tier,count,amount\nT,1,-100\n",
            r"tiers\.csv, row 2, column 'amount': '-100' is below the minimum 0",
        ),
        (
            ONE_RANKED,
            "tier,count,amount,kind\nT,1,100,cash\n",
            r"tiers\.csv, row 2, column 'kind': 'cash' is not one of prize, grant",
        ),
        (
            ONE_RANKED,
            ONE_TIER + "T,2,5\n",
            r"tiers\.csv, row 3, column 'tier': 'T' repeats row 2",
        ),
        (
            "rank,entry,score\n1,A,80\n2,B,90\n",
            ONE_TIER,
            r"ranking\.csv: invalid_ranking: Entry B \(rank 2",
        ),
    ],
)
def test_allocate_prizes_bad_files(tmp_path, ranking, tiers, message):
    files = ["--ranking", write(tmp_path, "ranking.csv", ranking)]
    files += ["--tiers", write(tmp_path, "tiers.csv", tiers)]

    with pytest.raises(CommandError, match=message):
        run("allocate_prizes", *files)
