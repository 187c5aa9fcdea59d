"""`make prod-like`: the production topology on this machine, and a smoke test through it.

Starts PostgreSQL (the local cluster, if it is stopped) with a fresh database, Redis, moto's
S3 server as the object store, a Celery worker and gunicorn in S3 mode — all on 127.0.0.1,
free ports — then drives the whole pipeline over HTTP: students register and enter with an
uploaded proposal PDF (presigned POST straight to the store) → the worker makes the judges'
copies → assign → judges score → rank → advance → round 2 → final ranking → allocate →
approve → publish → public results, and /healthz. Everything is stopped on the way out
(``finally``, also on Ctrl-C or a failure). Exit status 0 when the smoke test passes.

Needs redis-server (Debian: ``apt-get install redis-server``) and PostgreSQL, found as the
benchmarks find it (``bench.server.postgres_url``: DATABASE_URL, else
postgres://gongmo:gongmo@127.0.0.1:5432/gongmo, a role that may CREATE DATABASE).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

import socket

from moto.server import ThreadedMotoServer
from PIL import Image, ImageDraw

from bench import server

PASSWORD = "prod-like-" + uuid.uuid4().hex[:12]
UNIVERSITIES = ["서울대학교", "KAIST", "부산대학교"]


def check(condition: object, context: object) -> None:
    """The smoke test's assertion (kept under ``python -O`` too)."""
    if not condition:
        raise AssertionError(str(context)[:1000])


def log(message: str) -> None:
    print(f"[prod-like {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Proc:
    """A child process in its own session, its output in a log file; stopped with TERM."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.log = name, logdir / f"{name}.log"
        self.proc = subprocess.Popen(  # noqa: S603 (our own binaries)
            argv,
            env=env,
            cwd=server.ROOT,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def tail(self, n: int = 40) -> str:
        lines = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        return "\n".join(lines[-n:])


def wait_port(port: int, what: str, timeout: float = 20) -> None:

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port}")


def proposal_pdf(n: int) -> bytes:

    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).text((100, 100), f"prod-like proposal {n} {uuid.uuid4()}", fill="black")
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150)
    return out.getvalue()


class Api:
    def __init__(self, base: str, token: str | None = None):
        self.base, self.session = base, requests.Session()
        self.session.headers["Accept-Language"] = "en"
        if token:
            self.session.headers["Authorization"] = f"Token {token}"

    def call(self, method: str, path: str, expect: int = 200, **kw):
        response = self.session.request(method, self.base + path, timeout=60, **kw)
        if response.status_code != expect:
            raise AssertionError(
                f"{method} {path}: {response.status_code}, expected {expect}: {response.text[:500]}"
            )
        return response.json() if response.content else None


def login(base: str, username: str, password: str) -> Api:
    token = Api(base).call(
        "POST", "/api/v1/auth/token/", json={"username": username, "password": password}
    )["token"]
    return Api(base, token)


def score_round(base: str, judges: list[str], round_id: int) -> int:
    scored = 0
    for username in judges:
        judge = login(base, username, PASSWORD)
        queue = judge.call("GET", f"/api/v1/judging/assignments/?round={round_id}&page_size=200")
        for i, a in enumerate(queue["results"]):
            scores = {c["code"]: c["max_points"] - (i % 3) for c in a["rubric"]}
            judge.call(
                "PUT",
                f"/api/v1/judging/assignments/{a['id']}/scorecard/",
                json={"scores": scores, "comment": "smoke", "submit": True},
            )
            scored += 1
    return scored


def smoke(base: str, seed: dict, close_submissions, mailed_token) -> None:
    anon = Api(base)
    health = anon.call("GET", "/healthz")
    check(health["status"] == "ok", health)
    slug = seed["smart"]
    for n in range(3):
        username = f"prodlike-student{n}"
        anon.call(
            "POST",
            "/api/v1/auth/register/",
            expect=201,
            json={"username": username, "password": PASSWORD, "email": f"{username}@example.com",
                  "name": f"학생{n}", "role": "student"},
        )  # fmt: skip
        student = login(base, username, PASSWORD)
        entry = student.call(
            "POST",
            f"/api/v1/contests/{slug}/entries/",
            expect=201,
            json={
                "team_name": f"스모크팀{n}",
                "theme": "mobility",
                "title": f"스모크 테스트 {n}",
                "abstract": "운영 환경과 같은 구성에서 끝까지 지나가는지 봅니다.",
                "members": [
                    {"name": f"팀장{n}", "university": UNIVERSITIES[n], "department": "도시공학과",
                     "email": f"{username}@example.com", "phone": "010-1111-2222",
                     "is_leader": True},
                    {"name": f"팀원{n}", "university": UNIVERSITIES[n], "department": "전산학부",
                     "email": f"member{n}@example.com", "phone": "010-3333-4444"},
                ],
                "consents": {"privacy": True, "originality": True},
            },
        )  # fmt: skip
        # The leader is the account holder (confirmed by creating the entry); the other member
        # confirms through the link the worker mailed (console mail backend: the worker's log).
        token = mailed_token(f"member{n}@example.com")
        anon.call("POST", f"/api/v1/team-invitations/{token}/confirm/", json={"consent": True})
        pdf = proposal_pdf(n)
        ticket = student.call(
            "POST",
            f"/api/v1/entries/{entry['id']}/uploads/",
            expect=201,
            json={"slot": "proposal", "filename": "proposal.pdf",
                  "content_type": "application/pdf", "size": len(pdf)},
        )  # fmt: skip
        stored = requests.post(
            ticket["url"],
            data=ticket["fields"],
            files={"file": ("proposal.pdf", pdf, "application/pdf")},
            timeout=30,
        )
        check(stored.status_code in (200, 201, 204), stored.text[:300])
        student.call(
            "POST", f"/api/v1/entries/{entry['id']}/uploads/{ticket['upload_id']}/complete/"
        )
        submitted = student.call("POST", f"/api/v1/entries/{entry['id']}/submit/")
        check(submitted["receipt_number"], submitted)
    log("3 teams registered, uploaded to S3 (presigned POST) and submitted")
    close_submissions(slug)  # time passes: judging starts after the deadline (contests.phases)

    org = login(base, "organizer", PASSWORD)
    r1, r2 = seed["r1"], seed["r2"]
    assigned = org.call("POST", f"/api/v1/rounds/{r1}/assignment/", json={"seed": 1})
    check(assigned["assigned"] == 9, assigned)  # 3 entries × 3 judges
    judge = login(base, seed["judges"][0], PASSWORD)
    deadline = time.monotonic() + 60
    while True:  # the Celery worker makes the judges' PDF copies after each upload
        queue = judge.call("GET", f"/api/v1/judging/assignments/?round={r1}")["results"]
        if queue and all(a["files"] for a in queue):
            break
        if time.monotonic() > deadline:
            raise AssertionError(f"the worker made no judge copies within 60 s: {queue}")
        time.sleep(1)
    log("round 1 assigned; the Celery worker made the judges' copies")
    log(f"round 1: {score_round(base, seed['judges'], r1)} scorecards submitted")
    org.call("POST", f"/api/v1/rounds/{r1}/rankings/", expect=201, json={"method": "mean"})
    advanced = org.call("POST", f"/api/v1/rounds/{r1}/advance/")["advanced"]
    check(len(advanced) == 3, advanced)
    org.call("POST", f"/api/v1/rounds/{r2}/assignment/", json={"seed": 1})
    log(f"round 2: {score_round(base, seed['judges'], r2)} scorecards submitted")
    org.call("POST", f"/api/v1/rounds/{r2}/rankings/", expect=201, json={})
    final = org.call("POST", f"/api/v1/contests/{slug}/rankings/final/", expect=201)
    check(len(final["rows"]) == 3, final)
    allocation = org.call("POST", f"/api/v1/contests/{slug}/allocation/")
    check(allocation["awards"], allocation)
    if allocation["contested_boundaries"]:  # approval asks for the organizer's word first
        org.call(
            "POST",
            f"/api/v1/contests/{slug}/allocation/boundaries/",
            json={"decision": "confirmed", "note": "스모크 테스트: 계산된 순서를 확정합니다."},
        )
    org.call("POST", f"/api/v1/contests/{slug}/allocation/approve/")
    org.call("POST", f"/api/v1/contests/{slug}/publish/")
    public = anon.call("GET", f"/api/v1/contests/{slug}/results/")
    check(len(public["winners"]) == len(allocation["awards"]), public)
    log(f"ranked, allocated, approved, published: {len(public['winners'])} public winners")


CONFIRM_LINK = re.compile(r"/team/confirm/([^/\s]+)/")


def mailbox(log: Path):
    """Read the confirmation link mailed to an address from the worker's console-mail log."""

    def mailed_token(address: str) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            text = log.read_text(errors="replace") if log.exists() else ""
            for message in text.split("\nTo: ")[1:]:
                if message.startswith(address) and (found := CONFIRM_LINK.search(message)):
                    return found.group(1)
            time.sleep(0.5)
        raise AssertionError(f"no confirmation mail to {address} within 60 s")

    return mailed_token


def main() -> int:
    if not shutil.which("redis-server"):
        raise SystemExit("redis-server is missing (Debian: apt-get install redis-server)")
    try:
        base_url = server.postgres_url()  # starts the local cluster when it is stopped
    except server.PostgresUnavailable as exc:
        raise SystemExit(str(exc)) from exc
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    started = time.monotonic()
    logdir = Path(tempfile.mkdtemp(prefix="gongmo-prod-like-"))
    procs: list[Proc] = []
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        endpoint, bucket = f"http://{host}:{port}", "gongmo-prod-like"
        s3_env = server.moto_bucket(endpoint, bucket)
        redis_port = server.free_port()
        procs.append(
            Proc(
                "redis",
                ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no"],
                dict(os.environ),
                logdir,
            )
        )  # fmt: skip
        wait_port(redis_port, "redis-server")
        with server.fresh_database(base_url, prefix="gongmo_prodlike") as url:
            env = server.django_env(
                url,
                DJANGO_SETTINGS_MODULE="config.settings",
                PYTHONWARNINGS="ignore::UserWarning",
                LOG_LEVEL="INFO",
                **s3_env,
                CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
                CACHE_BACKEND="django.core.cache.backends.redis.RedisCache",
                CACHE_LOCATION=f"redis://127.0.0.1:{redis_port}/1",
            )
            server.manage(env, "migrate", "--verbosity", "0")
            seed = server.run_json(env, "bench.http_seed", "prod-like", PASSWORD)
            log(f"PostgreSQL database, Redis :{redis_port}, moto S3 :{port} ready")
            procs.append(
                Proc(
                    "celery",
                    [str(server.BIN / "celery"), "-A", "config.celery", "worker",
                     "--concurrency", "2", "--loglevel", "INFO", "--without-gossip",
                     "--without-mingle", "--prefetch-multiplier", "1"],
                    env,
                    logdir,
                )
            )  # fmt: skip
            try:
                with server.Gunicorn(env, timeout=60) as gunicorn:
                    log(f"gunicorn {gunicorn.workers} workers on {gunicorn.url}, S3 mode, Celery")
                    smoke(
                        gunicorn.url,
                        seed,
                        lambda slug: server.run_json(
                            env, "bench.http_seed", "close-submissions", slug
                        ),
                        mailbox(procs[-1].log),
                    )
            except BaseException:
                for p in procs:
                    print(f"--- {p.name} log (last lines) ---\n{p.tail()}", file=sys.stderr)
                raise
    finally:
        for p in reversed(procs):
            p.stop()
        moto.stop()
        shutil.rmtree(logdir, ignore_errors=True)
    log(f"smoke test passed in {time.monotonic() - started:.0f} s; everything stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
