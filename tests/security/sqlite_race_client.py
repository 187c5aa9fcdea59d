"""Run by tests/security/test_sqlite_races.py in a separate process, against a SQLite *file*
(the test database lives in memory, where SQLite's shared cache never waits for a lock).

    DATABASE_URL=sqlite:////tmp/x.db python -m tests.security.sqlite_race_client SLUG TOKEN N

Sends N ``POST contests/SLUG/publish/`` at once, each from its own thread and connection; a
barrier in ``results.services.publication.publication_live`` holds every request that has read
the contest until all have (or 3 s have passed), so they race for the write. Prints
``[[status, body], …]`` as JSON.
"""

import contextlib
import json
import os
import sys
import threading
from unittest import mock

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from results.services import publication  # noqa: E402


def main(slug: str, token: str, parties: int) -> list:
    setup_test_environment()  # the test client's host, mail kept in memory
    barrier = threading.Barrier(parties, timeout=3)
    real = publication.publication_live

    def meeting_point(*args, **kwargs):
        with contextlib.suppress(threading.BrokenBarrierError):  # the others wait for the lock
            barrier.wait()
        return real(*args, **kwargs)

    answers: list = [None] * parties

    def publish(i: int) -> None:
        try:
            client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")
            response = client.post(f"/api/v1/contests/{slug}/publish/")
            answers[i] = [response.status_code, response.content.decode()[:300]]
        finally:
            connections.close_all()

    with mock.patch.object(publication, "publication_live", meeting_point):
        threads = [threading.Thread(target=publish, args=(i,)) for i in range(parties)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return answers


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
