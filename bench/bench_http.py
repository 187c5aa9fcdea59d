"""Benchmark: HTTP throughput of the API under gunicorn on PostgreSQL, each endpoint against the
bare endpoint of its own kind served by the same gunicorn in the same run.

A fresh PostgreSQL database is created (and dropped afterwards), migrated and seeded
(``bench.http_seed``: the demo through the real services, Track S published, 40 bench judges
with 25 assignments each, 1,000 submitted drawings, 200 guardians with a draft). gunicorn serves
it on 127.0.0.1 with ``bench.settings`` (production settings, DEBUG off, persistent database
connections, plus the bench-only bare endpoints of ``bench/urls.py``) and 2 × cores + 1 sync
workers. The load comes from a second process (``bench.loadgen``): fixed concurrency, a
warm-up, then a fixed time per scenario, in three rounds of (a shared machine drifts; every
round measures each endpoint beside its baseline, and the median round is reported):

* ``bare_read`` — GET a DRF endpoint with token auth and one small query;
* ``bare_write`` — POST a JSON body to a DRF endpoint with token auth that stores it with one
  INSERT and commits (a durable write costs more than a read: the WAL is flushed);
* ``scorecard_submit`` — PUT judging/assignments/{id}/scorecard/ (draft save, version=None),
  each thread with its own judges — against the bare write;
* ``upload_slot`` — POST entries/{id}/uploads/ (a guardian asks for a drawing slot) — against
  the bare write;
* ``entry_list`` — GET entries/?contest=… as the organizer (a page of 50 of 1,200 entries) —
  against the bare read;
* ``public_results`` — GET contests/{slug}/results/ anonymously after publication, served from
  the cache (results/public_cache.py) — against the bare read.

Then ``ceiling``: a WSGI app answering two bytes without Django (``bench/trivial_wsgi.py``) under
the same gunicorn — the most any endpoint can reach here, reported against the bare read.

ratio = requests/s of the endpoint ÷ requests/s of its baseline in the same round, the median
over the rounds (value and baseline: the median requests/s). PostgreSQL comes from
``bench.server.postgres_url`` (started if stopped). Run: ``python -m bench.bench_http``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server

DURATION, WARMUP, CONCURRENCY, ROUNDS = 5.0, 1.0, 8, 3
# endpoint → (its baseline, target ratio or None)
BASELINES = {
    "scorecard_submit": ("bare_write", 0.8),
    "upload_slot": ("bare_write", 0.8),
    "entry_list": ("bare_read", 0.5),
    "public_results": ("bare_read", 3.0),
    "ceiling": ("bare_read", None),
}
BASELINE_NOTES = {
    "bare_read": "token auth + one small query (bench/urls.py)",
    "bare_write": "token auth + one INSERT + commit (bench/urls.py)",
}


def scorecard_body(criteria: list) -> dict:
    return {
        "scores": {code: max_points // 2 for code, max_points in criteria[:-1]},
        "comment": "초안",
        "submit": False,
        "version": None,
    }


def scenarios(data: dict) -> list[dict]:
    def auth(token: str | None) -> dict:
        return {"Authorization": f"Token {token}"} if token else {}

    body = scorecard_body(data["criteria"])
    bare_read = {
        "name": "bare_read",
        "requests": [
            {"path": "/api/v1/bench/ping/", "headers": auth(j["token"])} for j in data["judges"]
        ],
    }
    bare_write = {
        "name": "bare_write",
        "requests": [
            {"method": "POST", "path": "/api/v1/bench/write/", "headers": auth(j["token"]),
             "body": body}
            for j in data["judges"]
        ],
    }  # fmt: skip
    scorecards = [
        {
            "method": "PUT",
            "path": f"/api/v1/judging/assignments/{a}/scorecard/",
            "headers": auth(j["token"]),
            "body": body,
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
        bare_read,
        bare_write,
        {"name": "scorecard_submit", "requests": scorecards},
        {"name": "upload_slot", "requests": uploads},
        {"name": "entry_list", "requests": [
            {"path": f"/api/v1/entries/?contest={data['drawing']}", "headers": org}]},
        {"name": "public_results", "requests": [
            {"path": f"/api/v1/contests/{data['smart']}/results/"}]},
    ]  # fmt: skip


def rounds(plan: list[dict]) -> list[dict]:
    """The scenarios ROUNDS times over, named ``name#round``."""
    return [{**s, "name": f"{s['name']}#{r}"} for r in range(ROUNDS) for s in plan]


def _load(url: str, env: dict, plan: list[dict]) -> dict:
    with tempfile.NamedTemporaryFile("w") as spec:
        json.dump(
            {
                "base": url,
                "duration": DURATION,
                "warmup": WARMUP,
                "concurrency": CONCURRENCY,
                "scenarios": plan,
            },
            spec,
        )
        spec.flush()
        return server.run_json(env, "bench.loadgen", spec.name, timeout=300)


def measure(base_url: str) -> tuple[dict, dict]:
    """Seed a fresh database, serve it, load it; returns (loadgen results, server facts)."""
    media = tempfile.TemporaryDirectory(prefix="gongmo-bench-media-")
    with media, server.fresh_database(base_url) as url:
        env = server.django_env(url, MEDIA_ROOT=media.name, PYTHONWARNINGS="ignore::UserWarning")
        server.manage(env, "migrate", "--verbosity", "0")
        data = server.run_json(env, "bench.http_seed", "http")
        with server.Gunicorn(env) as gunicorn:
            results = _load(gunicorn.url, env, rounds(scenarios(data)))
            facts = {"workers": gunicorn.workers, "rss": gunicorn.peak_rss_mb()}
        with server.Gunicorn(env, app="bench.trivial_wsgi:application") as trivial:
            ceiling = [{"name": "ceiling", "requests": [{"path": "/api/v1/contests/"}]}]
            results.update(_load(trivial.url, env, rounds(ceiling)))
        return results, facts


def summarize(results: dict, facts: dict) -> dict:
    for name, r in results.items():
        if r["errors"]:
            raise RuntimeError(f"{name}: {r['errors']} errors, statuses {r['statuses']}")
    by = {}  # name → one result per round
    for key, r in results.items():
        name, _, _round = key.partition("#")
        by.setdefault(name, []).append(r)

    def median(name: str, field: str) -> float:
        return statistics.median(r[field] for r in by[name])

    setup = (
        f"gunicorn {facts['workers']} sync workers, {CONCURRENCY} connections, {ROUNDS} rounds "
        f"of {DURATION:.0f} s after {WARMUP:.0f} s warm-up"
    )
    out = {}
    for name, (kind, target) in BASELINES.items():
        ratios = [
            r["rps"] / b["rps"] for r, b in zip(by[name], by[kind][: len(by[name])], strict=True)
        ]
        spread = ", ".join(f"{x:.2f}" for x in ratios)
        out[f"http_{name}_rps"] = {
            "value": median(name, "rps"),
            "unit": "req/s",
            "baseline": median(kind, "rps"),
            "baseline_name": kind,
            "ratio": statistics.median(ratios),
            **({"target": target, "target_op": ">=", "target_on": "ratio"} if target else {}),
            "p95_ms": median(name, "p95_ms"),
            "baseline_p95_ms": median(kind, "p95_ms"),
            "rounds": [round(r["rps"], 1) for r in by[name]],
            "note": f"{setup}; baseline = {kind} in the same round; ratios by round {spread}",
        }
    for kind in ("bare_read", "bare_write"):
        out[f"http_{kind}_rps"] = {
            "value": median(kind, "rps"),
            "unit": "req/s",
            "baseline": median(kind, "rps"),
            "ratio": 1.0,
            "p95_ms": median(kind, "p95_ms"),
            "rounds": [round(r["rps"], 1) for r in by[kind]],
            "note": f"{BASELINE_NOTES[kind]}; median of {ROUNDS} rounds",
        }
    return out


def run() -> dict:
    results, facts = measure(server.postgres_url())
    return summarize(results, facts)


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:<34} {row['value']:10.1f} {row['unit']:<6} ratio {row['ratio']:.2f}")
