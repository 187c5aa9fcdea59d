"""Benchmark: CPU per request of the app and of PostgreSQL, one request at a time.

``bench_http`` measures throughput with every process sharing the machine's cores, so a ratio
there mixes the app's Python, PostgreSQL's work and the load generator. This one explains it:
one gunicorn worker, one client sending the same requests as ``bench_http`` one after another,
and the CPU time (user + system, from /proc) that the worker and the PostgreSQL processes
spent per request, in three rounds (each endpoint in turn; the median round is reported).
Each endpoint is compared with the bare endpoint of its own kind, as in ``bench_http`` (the
writes with the bare write, the reads with the bare read): ratio = the bare endpoint's CPU ÷
the endpoint's (like req/s: 1 is as cheap as the baseline). PostgreSQL comes from
``bench.server.postgres_url``; needs Linux's /proc. Run: ``python -m bench.bench_cpu``.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server
from bench.bench_http import BASELINES, scenarios

REQUESTS, WARMUP, ROUNDS = 500, 50, 3  # per endpoint and round; the median round is reported
MEASURED = (
    "bare_read",
    "bare_write",
    "scorecard_submit",
    "upload_slot",
    "entry_list",
    "public_results",
)


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
        rounds: dict[str, list[dict]] = {name: [] for name in MEASURED}
        with server.Gunicorn(env, workers=1) as gunicorn:
            time.sleep(0.5)
            worker = _children(gunicorn.proc.pid)
            client = _Client(gunicorn.url)
            sent = dict.fromkeys(MEASURED, 0)
            # round-robin: a drift of the shared machine touches every endpoint alike
            for _ in range(ROUNDS):
                for name in MEASURED:
                    requests = plans[name]

                    def send(n: int, name=name, requests=requests) -> None:
                        for _ in range(n):
                            client.send(requests[sent[name] % len(requests)])
                            sent[name] += 1

                    send(WARMUP)
                    pg = server.postgres_pids(url)  # the worker's backend exists by now
                    app0, pg0 = server.cpu_seconds(worker), server.cpu_seconds(pg)
                    wall0 = time.perf_counter()
                    send(REQUESTS)
                    wall = time.perf_counter() - wall0
                    rounds[name].append(
                        {
                            "app_ms": (server.cpu_seconds(worker) - app0) / REQUESTS * 1000,
                            "pg_ms": (server.cpu_seconds(pg) - pg0) / REQUESTS * 1000,
                            "wall_ms": wall / REQUESTS * 1000,
                        }
                    )
        return {
            name: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            for name, runs in rounds.items()
        }


def run() -> dict:
    if not Path("/proc/self/stat").exists():
        print("  skipped: needs Linux's /proc")
        return {}
    cpu = measure(server.postgres_url())
    out = {}
    for name, row in cpu.items():
        if name.startswith("bare"):
            continue
        kind = BASELINES[name][0]
        bare = cpu[kind]
        for part in ("app", "pg"):
            out[f"cpu_{name}_{part}_ms"] = {
                "value": row[f"{part}_ms"],
                "unit": "ms",
                "baseline": bare[f"{part}_ms"],
                "baseline_name": kind,
                "ratio": bare[f"{part}_ms"] / row[f"{part}_ms"] if row[f"{part}_ms"] else 0.0,
                "wall_ms": row["wall_ms"],
                "note": f"CPU per request, one at a time; ratio = {kind} ÷ this (1 = as cheap)",
            }
    for kind in ("bare_read", "bare_write"):
        for part in ("app", "pg"):
            out[f"cpu_{kind}_{part}_ms"] = {
                "value": cpu[kind][f"{part}_ms"],
                "unit": "ms",
                "baseline": cpu[kind][f"{part}_ms"],
                "ratio": 1.0,
                "wall_ms": cpu[kind]["wall_ms"],
                "note": f"the {kind} endpoint's CPU per request (a baseline)",
            }
    return out


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:34} {row['value']:8.3f} {row['unit']:<4} ratio {row['ratio']:.2f}")
