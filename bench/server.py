"""Throwaway PostgreSQL databases and a gunicorn server for the HTTP benchmarks.

Everything binds to 127.0.0.1 and is stopped by the caller's ``finally`` (or a context
manager here); nothing outlives the benchmark.
"""

from __future__ import annotations

import contextlib
import json
import os
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
    """gunicorn serving config.wsgi on 127.0.0.1:<free port>, sync workers from the cores."""

    def __init__(self, env: dict[str, str], workers: int | None = None, timeout: int = 30):
        self.env = env
        self.workers = workers or workers_for_cores()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.timeout = timeout
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.proc = subprocess.Popen(  # noqa: S603 (the virtualenv's gunicorn)
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
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
