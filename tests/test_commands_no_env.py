"""The file commands run with no environment at all (API.md "Commands"): no secret key, no
database, no DJANGO_DEBUG — from ``manage.py`` and from the ``gongmo`` console script.

Each runs in a subprocess with a clean environment, as ``env -i PATH=… python manage.py …``
would, on small files in tmp_path; the outputs are the ones the in-process tests
(tests/judging/test_commands.py, tests/results/test_rank_pairs.py) pin.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLEAN_ENV = {"PATH": f"{BIN}:/usr/bin:/bin"}  # nothing else: no DJANGO_*, no DATABASE_URL

SCORES = "judge,entry,score\nJ1,A,95\nJ1,B,88\nJ1,C,88\nJ1,D,88\nJ1,E,80\nJ1,F,79\nJ1,G,70\n"
RANKING = (
    "rank,entry,score,n_judges\n1,A,95.000000,1\n2,B,88.000000,1\n2,C,88.000000,1\n"
    "2,D,88.000000,1\n5,E,80.000000,1\n6,F,79.000000,1\n7,G,70.000000,1\n"
)
TIERS = (
    "tier,name,count,amount,min_score\n"
    '대상,국토교통부 장관상,1,"50,000,000",90\n최우수상,,2,30000000,\n우수상,,3,20000000,\n'
)
AWARDS = (
    "entry,tier,amount,joint\nA,대상,50000000,false\nB,최우수상,26666666,true\n"
    "C,최우수상,26666666,true\nD,최우수상,26666666,true\nE,우수상,20000000,false\n"
    "F,우수상,20000000,false\n"
)
DECISIONS = "judge,winner,loser\nJ1,A,B\nJ1,B,C\nJ1,C,A\nJ2,A,D\nJ2,B,D\nJ2,C,D\n"
PAIRS = "entry,judge\nE1,J2\nE1,J3\nE2,J1\nE2,J3\nE3,J1\nE3,J2\n"


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and scripts, fixed arguments)
        argv, cwd=cwd, env=CLEAN_ENV, capture_output=True, text=True, timeout=120, check=False
    )


def manage(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run([sys.executable, str(ROOT / "manage.py"), *args], cwd)


def gongmo(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    script = BIN / "gongmo"
    assert script.exists(), "the console script is missing: run `make install` (pyproject changed)"
    return run([str(script), *args], cwd)


@pytest.fixture
def files(tmp_path):
    for name, text in {
        "scores.csv": SCORES,
        "ranking.csv": RANKING,
        "tiers.csv": TIERS,
        "decisions.csv": DECISIONS,
        "entries.csv": "entry,division\nE1,A\nE2,A\nE3,B\n",
        "judges.csv": "judge\nJ1\nJ2\nJ3\n",
        "conflicts.csv": "judge,entry\nJ1,E1\n",
        "affinity.csv": "judge,entry,affinity\nJ2,E1,5\nJ3,E2,3\n",
    }.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


ASSIGN = ["--entries", "entries.csv", "--judges", "judges.csv", "--conflicts", "conflicts.csv",
          "--affinity", "affinity.csv", "--k", "2"]  # fmt: skip


@pytest.mark.parametrize(
    ("manage_args", "gongmo_args", "stdout"),
    [
        (["rank_scores", "scores.csv"], ["rank", "scores.csv"], RANKING),
        (
            ["allocate_prizes", "--ranking", "ranking.csv", "--tiers", "tiers.csv"],
            ["allocate", "--ranking", "ranking.csv", "--tiers", "tiers.csv"],
            AWARDS,
        ),
        (["solve_assignment", *ASSIGN], ["assign", *ASSIGN], PAIRS),
    ],
    ids=["rank_scores", "allocate_prizes", "solve_assignment"],
)
def test_file_commands_need_no_environment(files, manage_args, gongmo_args, stdout):
    by_manage = manage(*manage_args, cwd=files)
    by_script = gongmo(*gongmo_args, cwd=files)

    assert (by_manage.returncode, by_manage.stdout) == (0, stdout), by_manage.stderr
    assert (by_script.returncode, by_script.stdout) == (0, stdout), by_script.stderr
    assert "DJANGO_SECRET_KEY" not in by_manage.stderr + by_script.stderr
    assert not (files / "db.sqlite3").exists()


def test_rank_pairs_needs_no_environment(files):
    by_manage = manage("rank_pairs", "decisions.csv", "--summary", "summary.json", cwd=files)
    by_script = gongmo("rank-pairs", "decisions.csv", cwd=files)

    assert by_manage.returncode == 0, by_manage.stderr
    assert by_script.stdout == by_manage.stdout
    lines = by_manage.stdout.splitlines()
    assert lines[0] == "rank,entry,theta,se,comparisons,infit"
    assert [line.split(",")[:2] for line in lines[1:]] == [["1", "A"], ["1", "B"], ["1", "C"],
                                                           ["4", "D"]]  # fmt: skip
    assert '"comparisons": 6' in (files / "summary.json").read_text(encoding="utf-8")


def test_refusals_keep_their_exit_codes_and_messages(files):
    missing = gongmo("rank", "nowhere.csv", cwd=files)
    infeasible = manage(
        "solve_assignment", "--entries", "entries.csv", "--judges", "judges.csv", "--k", "4",
        cwd=files,
    )  # fmt: skip
    unknown = gongmo("rank_scores", cwd=files)

    assert (missing.returncode, missing.stdout) == (1, "")
    assert "nowhere.csv: no such file" in missing.stderr
    assert infeasible.returncode == 2  # 3 judges cannot give each entry 4
    assert "infeasible" in infeasible.stderr
    assert unknown.returncode == 2
    assert "unknown command 'rank_scores'" in unknown.stderr
    assert "rank-pairs" in unknown.stderr  # the list of commands


def test_gongmo_help_lists_the_commands(files):
    listing = gongmo("--help", cwd=files)
    usage = gongmo("allocate", "--help", cwd=files)

    assert listing.returncode == 0
    assert [line.split()[0] for line in listing.stdout.splitlines()[2:6]] == [
        "rank", "rank-pairs", "assign", "allocate"
    ]  # fmt: skip
    assert usage.stdout.startswith("usage: gongmo allocate")


def test_the_site_itself_still_needs_its_secret_key(files):
    # Only the file commands are spared: any other command loads config.settings, which stops
    # outside DEBUG without DJANGO_SECRET_KEY (tests/test_settings.py pins the message).
    check = manage("check", cwd=files)

    assert check.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in check.stderr
