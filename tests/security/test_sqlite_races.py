"""Races on SQLite, the zero-setup default (issue 13.8): three parallel ``publish`` answered
"database is locked" (a 500) to two of them. SQLite transactions now begin IMMEDIATE and wait
for the write lock (``config/settings.py``): one publication, the others a clear 409.

The requests run in a child process against a copy of the test database in a file
(``tests/security/sqlite_race_client.py``); PostgreSQL's own races are in ``test_races.py``.
"""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token

from results.models import Publication
from results.services.publication import results_unpublish
from tests.results.test_results_api import publish_drawing

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL's races are in test_races.py")


def test_sqlite_settings_wait_for_the_write_lock():
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 10


def test_three_parallel_publishes_give_one_200_and_two_409(judged, organizer, tmp_path):
    publish_drawing(judged, organizer)
    contest = judged["drawing"]
    results_unpublish(user=organizer, contest=contest, reason="재발표 시험")
    token = Token.objects.get_or_create(user=organizer)[0].key
    copy = tmp_path / "race.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(copy) as target:
        connection.connection.backup(target)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{copy}", "MEDIA_ROOT": str(tmp_path)}
    run = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "tests.security.sqlite_race_client", contest.slug, token, "3"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    assert sorted(status for status, _body in answers) == [200, 409, 409], answers
    for status, body in answers:
        if status == 409:
            assert json.loads(body)["code"] == "already_published"
    with sqlite3.connect(copy) as db:
        live = db.execute(
            f"SELECT count(*) FROM {Publication._meta.db_table} "  # noqa: S608 (a model's table)
            "WHERE contest_id = ? AND unpublished_at IS NULL",
            [contest.pk],
        ).fetchone()[0]
    assert live == 1
    assert Publication.objects.filter(contest=contest).count() == 1  # the test's own copy
