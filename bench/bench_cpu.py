"""Benchmark: CPU per request of the app and of PostgreSQL, one request at a time.

``bench_http`` measures throughput with every process sharing the machine's cores, so a ratio
there mixes the app's Python, PostgreSQL's work and the load generator. This one explains it:
one gunicorn worker, one client sending the same requests as ``bench_http`` one after another,
and the CPU time (user + system, from /proc) that the worker and the PostgreSQL processes
spent per request. ratio = the bare endpoint's CPU ÷ the endpoint's (like req/s: 1 is as cheap
as the baseline). Needs DATABASE_URL=postgres://… and Linux's /proc.
Run: ``python -m bench.bench_cpu``.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server
from bench.bench_http import scenarios

REQUESTS, WARMUP = 1500, 100
MEASURED = ("bare", "scorecard_submit", "upload_slot", "entry_list", "public_results")


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # a process that ended meanwhile
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


class _Client:
    def __init__(self, url: str):
        self.host, self.port = "127.0.0.1", int(url.rsplit(":", 1)[1])
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def send(self, req: dict) -> None:
        headers, body = dict(req.get("headers") or {}), None
        if "body" in req:
            body = json.dumps(req["body"]).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(req.get("method", "GET"), req["path"], body=body, headers=headers)
        response = self.conn.getresponse()
        response.read()
        if not 200 <= response.status < 300:
            raise RuntimeError(f"{req['path']}: HTTP {response.status}")
        if response.will_close:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)


def measure(base_url: str) -> dict[str, dict[str, float]]:
    media = tempfile.TemporaryDirectory(prefix="gongmo-bench-media-")
    with media, server.fresh_database(base_url) as url:
        env = server.django_env(url, MEDIA_ROOT=media.name, PYTHONWARNINGS="ignore::UserWarning")
        server.manage(env, "migrate", "--verbosity", "0")
        data = server.run_json(env, "bench.http_seed", "http")
        plans = {s["name"]: s["requests"] for s in scenarios(data)}
        out = {}
        with server.Gunicorn(env, workers=1) as gunicorn:
            time.sleep(0.5)
            worker = _children(gunicorn.proc.pid)
            client = _Client(gunicorn.url)
            for name in MEASURED:
                requests = plans[name]
                for i in range(WARMUP):
                    client.send(requests[i % len(requests)])
                pg = _postgres_pids()
                app0, pg0, wall0 = _cpu_seconds(worker), _cpu_seconds(pg), time.perf_counter()
                for i in range(REQUESTS):
                    client.send(requests[i % len(requests)])
                wall = time.perf_counter() - wall0
                out[name] = {
                    "app_ms": (_cpu_seconds(worker) - app0) / REQUESTS * 1000,
                    "pg_ms": (_cpu_seconds(pg) - pg0) / REQUESTS * 1000,
                    "wall_ms": wall / REQUESTS * 1000,
                }
        return out


def run() -> dict:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres") or not Path("/proc/self/stat").exists():
        print("  skipped: needs DATABASE_URL=postgres://… and Linux's /proc")
        return {}
    cpu = measure(base)
    bare = cpu["bare"]
    out = {}
    for name, row in cpu.items():
        if name == "bare":
            continue
        for part in ("app", "pg"):
            out[f"cpu_{name}_{part}_ms"] = {
                "value": row[f"{part}_ms"],
                "unit": "ms",
                "baseline": bare[f"{part}_ms"],
                "ratio": bare[f"{part}_ms"] / row[f"{part}_ms"] if row[f"{part}_ms"] else 0.0,
                "wall_ms": row["wall_ms"],
                "note": "CPU per request, one at a time; ratio = bare ÷ this (1 = as cheap)",
            }
    out["cpu_bare_app_ms"] = {
        "value": bare["app_ms"],
        "unit": "ms",
        "baseline": bare["app_ms"],
        "ratio": 1.0,
        "pg_ms": bare["pg_ms"],
        "note": "the bare endpoint's CPU per request: app worker (pg_ms: PostgreSQL)",
    }
    return out


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:34} {row['value']:8.3f} {row['unit']:<4} ratio {row['ratio']:.2f}")
