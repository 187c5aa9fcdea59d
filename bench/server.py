"""PostgreSQL for the benchmarks, throwaway databases and a gunicorn server.

:func:`postgres_url` finds the PostgreSQL every database benchmark (and ``make prod-like``) uses
— ``DATABASE_URL`` when it names one, else the local default — and starts the local cluster when
it is installed but stopped, creating the role when it can; when PostgreSQL is missing it says
so with the commands to run (:class:`PostgresUnavailable`). Everything binds to 127.0.0.1 and is
stopped by the caller's ``finally`` (or a context manager here); nothing outlives the benchmark.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import boto3
import psycopg

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


DEFAULT_DATABASE_URL = "postgres://gongmo:gongmo@127.0.0.1:5432/gongmo"
_ROLE_SQL = (
    "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gongmo') THEN "
    "CREATE ROLE gongmo LOGIN PASSWORD 'gongmo' CREATEDB; END IF; END $$;"
)
SETUP_HINT = f"""\
  Install it and create the benchmarks' role (Debian/Ubuntu; CI's .ci/run does the same):
    sudo apt-get install postgresql
    sudo -u postgres psql -c "CREATE ROLE gongmo LOGIN PASSWORD 'gongmo' CREATEDB"
    sudo -u postgres createdb -O gongmo gongmo
  then run `make bench` again — or point DATABASE_URL=postgres://user:pass@host:5432/db at a
  server whose role may CREATE DATABASE (default: {DEFAULT_DATABASE_URL})."""


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL to benchmark against; the message says what to run."""


def log(message: str) -> None:
    print(f"  [postgres] {message}", flush=True)


def _tool(name: str) -> str | None:
    """A PostgreSQL client tool from PATH or Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    return str(versions[0]) if versions else None


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    ready = _tool("pg_isready")
    if ready is None:  # no client tools: try the protocol itself
        with (
            contextlib.suppress(OSError),
            socket.create_connection(
                (parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1
            ),
        ):
            return True
        return False
    argv = [ready, "-q", "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    return subprocess.run(argv, check=False).returncode == 0  # noqa: S603 (a system tool)


def _as_postgres(argv: list[str]) -> subprocess.CompletedProcess | None:
    """Run a command as the postgres OS user without asking for a password, or None."""
    if getpass.getuser() == "postgres":
        prefix: list[str] = []
    elif os.geteuid() == 0 and shutil.which("runuser"):
        prefix = ["runuser", "-u", "postgres", "--"]
    elif shutil.which("sudo"):
        prefix = ["sudo", "-n", "-u", "postgres"]
    else:
        return None
    return subprocess.run(  # noqa: S603 (system tools, fixed arguments)
        [*prefix, *argv], capture_output=True, text=True, check=False, timeout=60
    )


def _start_local_cluster() -> bool:
    """Start the first local cluster (Debian's pg_ctlcluster) when there is one."""
    clusters, ctl = shutil.which("pg_lsclusters"), shutil.which("pg_ctlcluster")
    if not (clusters and ctl):
        return False
    listed = subprocess.run(  # noqa: S603 (a system tool, fixed arguments)
        [clusters, "--no-header"], capture_output=True, text=True, check=False
    ).stdout.split()
    if len(listed) < 2:
        return False
    log(f"PostgreSQL is installed but stopped: starting cluster {listed[0]} {listed[1]}")
    done = subprocess.run(  # noqa: S603 (a system tool, fixed arguments)
        [ctl, listed[0], listed[1], "start"], capture_output=True, text=True, check=False
    )
    if done.returncode and "already running" not in done.stderr:
        raise PostgresUnavailable(
            f"PostgreSQL cluster {listed[0]} {listed[1]} did not start: {done.stderr.strip()}\n"
            f"  start it yourself: sudo pg_ctlcluster {listed[0]} {listed[1]} start"
        )
    return True


def _installed() -> bool:
    return bool(shutil.which("pg_lsclusters") or _tool("postgres") or _tool("pg_ctl"))


def _connects(url: str) -> str | None:
    """None when ``url`` connects, else the server's reason."""
    try:
        with psycopg.connect(url, connect_timeout=5):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)


def _create_default_role() -> bool:
    """The default URL's role and database, as .ci/run makes them, when we may act as postgres."""
    made = _as_postgres(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-c", _ROLE_SQL])
    if made is None or made.returncode:
        return False
    exists = _as_postgres(["psql", "-tAc", "SELECT 1 FROM pg_database WHERE datname='gongmo'"])
    if exists is not None and exists.stdout.strip() != "1":
        _as_postgres(["createdb", "-O", "gongmo", "gongmo"])
    log("created the role gongmo (CREATEDB) and its database gongmo")
    return True


@functools.cache
def _postgres_url() -> str | PostgresUnavailable:
    env_url = os.environ.get("DATABASE_URL", "")
    url = env_url if env_url.startswith("postgres") else DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    shown = f"{parts.hostname}:{parts.port or 5432}{parts.path}"  # no password in messages
    local = (parts.hostname or "127.0.0.1") in ("127.0.0.1", "localhost", "::1")
    try:
        if not _answers(url):
            if not (local and _installed()):
                where = "is not installed" if local else f"does not answer at {shown}"
                raise PostgresUnavailable(f"PostgreSQL {where}.\n{SETUP_HINT}")
            if not _start_local_cluster():
                raise PostgresUnavailable(
                    f"PostgreSQL is installed but has no cluster.\n{SETUP_HINT}"
                )
            for _ in range(30):
                if _answers(url):
                    break
                time.sleep(1)
            else:
                raise PostgresUnavailable(f"PostgreSQL did not answer on {shown} within 30 s.")
        reason = _connects(url)
        if reason and url == DEFAULT_DATABASE_URL and local and _create_default_role():
            reason = _connects(url)
        if reason:
            raise PostgresUnavailable(f"cannot connect to {shown}: {reason}\n{SETUP_HINT}")
    except PostgresUnavailable as exc:
        return exc
    return url


def postgres_url() -> str:
    """The PostgreSQL of the benchmarks, running and reachable, or :class:`PostgresUnavailable`.

    ``DATABASE_URL`` when it is ``postgres://…`` (a role that may CREATE DATABASE), else
    ``postgres://gongmo:gongmo@127.0.0.1:5432/gongmo``. A local cluster that is installed but
    stopped is started (Debian's ``pg_ctlcluster``, as ``make prod-like`` always did); the
    default role is created when this user may act as ``postgres`` without a password. Decided
    once per process.
    """
    found = _postgres_url()
    if isinstance(found, PostgresUnavailable):
        raise found
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def workers_for_cores() -> int:
    """gunicorn's rule of thumb for sync workers: 2 × cores + 1."""
    return 2 * (os.cpu_count() or 1) + 1


@contextlib.contextmanager
def fresh_database(base_url: str, prefix: str = "gongmo_bench") -> Iterator[str]:
    """CREATE a new database next to ``base_url``'s (the role needs CREATEDB), DROP it after."""

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    parts = urlsplit(base_url)
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like process: DEBUG off, bench URLconf, no TLS redirect."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_", "STORAGE_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-" + uuid.uuid4().hex,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="60",  # persistent connections, as docs/deploy.md recommends
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_json(env: dict[str, str], module: str, *args: str, timeout: float = 600) -> dict:
    """Run ``python -m module args`` and parse the JSON object on its last stdout line."""
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"{module} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class Gunicorn:
    """gunicorn serving ``app`` (config.wsgi) on 127.0.0.1:<free port>, sync workers from the
    cores."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int | None = None,
        timeout: int = 30,
        app: str = "config.wsgi:application",
    ):
        self.env, self.app = env, app
        self.workers = workers or workers_for_cores()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.proc = subprocess.Popen(  # noqa: S603 (the virtualenv's gunicorn)
            [
                str(BIN / "gunicorn"),
                self.app,
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={self.workers}",
                f"--timeout={self.timeout}",
                "--log-level=warning",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/api/v1/contests/", timeout=2):  # noqa: S310
                    pass
                break
            except urllib.error.HTTPError:
                break  # answering (401 is fine)
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 30 s")
        return self

    def worker_pids(self) -> list[int]:
        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in kids.read_text().split()] if kids.exists() else []

    def peak_rss_mb(self) -> dict[str, float]:
        """VmHWM of each worker (the process's peak resident memory so far), in MB."""
        peaks = [_status_kb(pid, "VmHWM") for pid in self.worker_pids()]
        peaks = [p for p in peaks if p is not None]
        return {"max_worker": max(peaks) / 1024, "sum_workers": sum(peaks) / 1024}

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes so far (Linux /proc)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two ``cpu_by_pid`` readings: a process that started meanwhile
    counts in full, one that ended meanwhile is lost (never a negative)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


_PG_WRITERS = ("checkpointer", "background writer", "walwriter")  # the cluster's own writers


def postgres_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends serving the database of ``database_url`` and the cluster's
    writers — not the backends of other databases, which other work on a shared machine keeps
    busy."""
    database = urlsplit(database_url).path.lstrip("/")
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() != "postgres":
                    continue
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if f" {database} " in title or title.rstrip().endswith(_PG_WRITERS):
                pids.append(int(entry.name))
    return pids


def _status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


S3_REGION, S3_ACCESS_KEY, S3_SECRET_KEY = "us-east-1", "gongmo-bench", "gongmo-bench-secret"


def moto_bucket(endpoint: str, bucket: str) -> dict[str, str]:
    """Create ``bucket`` on a local moto server; return the app's S3 environment for it."""

    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY,
        aws_secret_access_key=S3_SECRET_KEY,
    ).create_bucket(Bucket=bucket)
    return {
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": S3_REGION,
        "AWS_ACCESS_KEY_ID": S3_ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY,
    }
