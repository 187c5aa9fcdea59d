"""Benchmark: HTTP throughput of the API under gunicorn on PostgreSQL.

A fresh PostgreSQL database is created (and dropped afterwards), migrated and seeded
(``bench.http_seed``: the demo through the real services, Track S published, 40 bench judges
with 25 assignments each, 1,000 submitted drawings, 200 guardians with a draft). gunicorn serves
it on 127.0.0.1 with ``bench.settings`` (production settings, DEBUG off, persistent database
connections, plus a bench-only bare endpoint) and 2 × cores + 1 sync workers. The load comes
from a second process (``bench.loadgen``): fixed concurrency, a warm-up, then a fixed time per
endpoint:

* ``bare`` — GET a DRF endpoint with token auth and one small query: the baseline, measured
  first and last; its mean is the baseline of every ratio;
* ``scorecard_submit`` — PUT judging/assignments/{id}/scorecard/ (draft save, version=None),
  each thread with its own judges;
* ``upload_slot`` — POST entries/{id}/uploads/ (a guardian asks for a drawing slot);
* ``entry_list`` — GET entries/?contest=… as the organizer (a page of 50 of 1,200 entries);
* ``public_results`` — GET contests/{slug}/results/ anonymously, after publication.

ratio = requests/s of the endpoint ÷ requests/s of bare (target ≥ 0.8 for scorecard submit
and upload slot). Needs DATABASE_URL=postgres://… with a role that may CREATE DATABASE.
Run: ``python -m bench.bench_http``.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server

DURATION, WARMUP, CONCURRENCY = 10.0, 2.0, 8
TARGETS = {"scorecard_submit": 0.8, "upload_slot": 0.8}


def scenarios(data: dict) -> list[dict]:
    def auth(token: str | None) -> dict:
        return {"Authorization": f"Token {token}"} if token else {}

    bare = {
        "name": "bare",
        "requests": [
            {"path": "/api/v1/bench/ping/", "headers": auth(j["token"])} for j in data["judges"]
        ],
    }
    criteria = data["criteria"]
    scorecards = [
        {
            "method": "PUT",
            "path": f"/api/v1/judging/assignments/{a}/scorecard/",
            "headers": auth(j["token"]),
            "body": {
                "scores": {code: max_points // 2 for code, max_points in criteria[:-1]},
                "comment": "초안",
                "submit": False,
                "version": None,
            },
        }
        for j in data["judges"]
        for a in j["assignments"][:4]
    ]
    uploads = [
        {
            "method": "POST",
            "path": f"/api/v1/entries/{g['entry']}/uploads/",
            "headers": auth(g["token"]),
            "body": {
                "slot": "drawing",
                "filename": "그림.jpg",
                "content_type": "image/jpeg",
                "size": 1_000_000,
            },
        }
        for g in data["guardians"]
    ]
    org = auth(data["organizer_token"])
    return [
        bare,
        {"name": "scorecard_submit", "requests": scorecards},
        {"name": "upload_slot", "requests": uploads},
        {"name": "entry_list", "requests": [
            {"path": f"/api/v1/entries/?contest={data['drawing']}", "headers": org}]},
        {"name": "public_results", "requests": [
            {"path": f"/api/v1/contests/{data['smart']}/results/"}]},
        {**bare, "name": "bare_again"},
    ]  # fmt: skip


def measure(base_url: str) -> tuple[dict, dict]:
    """Seed a fresh database, serve it, load it; returns (loadgen results, server facts)."""
    media = tempfile.TemporaryDirectory(prefix="gongmo-bench-media-")
    with media, server.fresh_database(base_url) as url:
        env = server.django_env(url, MEDIA_ROOT=media.name, PYTHONWARNINGS="ignore::UserWarning")
        server.manage(env, "migrate", "--verbosity", "0")
        data = server.run_json(env, "bench.http_seed", "http")
        with server.Gunicorn(env) as gunicorn, tempfile.NamedTemporaryFile("w") as spec:
            json.dump(
                {
                    "base": gunicorn.url,
                    "duration": DURATION,
                    "warmup": WARMUP,
                    "concurrency": CONCURRENCY,
                    "scenarios": scenarios(data),
                },
                spec,
            )
            spec.flush()
            results = server.run_json(env, "bench.loadgen", spec.name, timeout=300)
            return results, {"workers": gunicorn.workers, "rss": gunicorn.peak_rss_mb()}


def run() -> dict:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        print("  skipped: needs DATABASE_URL=postgres://… (the SQLite default is not measured)")
        return {}
    results, facts = measure(base)
    bare_rps = (results["bare"]["rps"] + results["bare_again"]["rps"]) / 2
    bare_p95 = (results["bare"]["p95_ms"] + results["bare_again"]["p95_ms"]) / 2
    setup = (
        f"gunicorn {facts['workers']} sync workers, {CONCURRENCY} connections, "
        f"{DURATION:.0f} s after {WARMUP:.0f} s warm-up; baseline = bare DRF endpoint "
        f"(first {results['bare']['rps']:.0f}, last {results['bare_again']['rps']:.0f} req/s)"
    )
    out = {}
    for name, r in results.items():
        if name.startswith("bare"):
            continue
        if r["errors"]:
            raise RuntimeError(f"{name}: {r['errors']} errors, statuses {r['statuses']}")
        out[f"http_{name}_rps"] = {
            "value": r["rps"],
            "unit": "req/s",
            "baseline": bare_rps,
            "ratio": r["rps"] / bare_rps,
            "target": TARGETS.get(name),
            "note": setup,
        }
        out[f"http_{name}_p95_ms"] = {
            "value": r["p95_ms"],
            "unit": "ms",
            "baseline": bare_p95,
            "ratio": r["p95_ms"] / bare_p95,
            "p50_ms": r["p50_ms"],
            "p99_ms": r["p99_ms"],
        }
    out["http_bare_rps"] = {
        "value": bare_rps,
        "unit": "req/s",
        "baseline": bare_rps,
        "ratio": 1.0,
        "p95_ms": bare_p95,
        "note": "token auth + one small query; the baseline of every http_* ratio",
    }
    return out


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:<34} {row['value']:10.1f} {row['unit']:<6} ratio {row['ratio']:.2f}")
