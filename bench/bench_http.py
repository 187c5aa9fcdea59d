"""Benchmark: HTTP throughput of the API under gunicorn on PostgreSQL, each endpoint against the
bare endpoint of its own kind served by the same gunicorn in the same run.

A fresh PostgreSQL database is created (and dropped afterwards), migrated and seeded
(``bench.http_seed``: the demo through the real services, Track S published, 40 bench judges
with 25 assignments each, 1,000 submitted drawings, 200 guardians with a draft). gunicorn serves
it on 127.0.0.1 with ``bench.settings`` (production settings, DEBUG off, persistent database
connections, plus the bench-only bare endpoints of ``bench/urls.py``) and 2 × cores + 1 sync
workers. The load comes from a second process (``bench.loadgen``): fixed concurrency, a
warm-up, then a fixed time per scenario, in this order:

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
  the cache (results/public_cache.py) — against the bare read;
* ``bare_write_again``, ``bare_read_again`` — the baselines once more: each ratio's baseline is
  the mean of its two runs, so a drift of the shared machine during the run shows.

Then ``ceiling``: a WSGI app answering two bytes without Django (``bench/trivial_wsgi.py``) under
the same gunicorn — the most any endpoint can reach here, reported against the bare read.

ratio = requests/s of the endpoint ÷ requests/s of its baseline. PostgreSQL comes from
``bench.server.postgres_url`` (started if stopped). Run: ``python -m bench.bench_http``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

from bench import server

DURATION, WARMUP, CONCURRENCY = 10.0, 2.0, 8
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
        {**bare_write, "name": "bare_write_again"},
        {**bare_read, "name": "bare_read_again"},
    ]  # fmt: skip


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
            results = _load(gunicorn.url, env, scenarios(data))
            facts = {"workers": gunicorn.workers, "rss": gunicorn.peak_rss_mb()}
        with server.Gunicorn(env, app="bench.trivial_wsgi:application") as trivial:
            ceiling = [{"name": "ceiling", "requests": [{"path": "/api/v1/contests/"}]}]
            results.update(_load(trivial.url, env, ceiling))
        return results, facts


def summarize(results: dict, facts: dict) -> dict:
    baselines = {}
    for name in ("bare_read", "bare_write"):
        first, again = results[name], results[f"{name}_again"]
        baselines[name] = {
            "rps": (first["rps"] + again["rps"]) / 2,
            "p95_ms": (first["p95_ms"] + again["p95_ms"]) / 2,
            "runs": (first["rps"], again["rps"]),
        }
    for name, r in results.items():
        if r["errors"]:
            raise RuntimeError(f"{name}: {r['errors']} errors, statuses {r['statuses']}")
    setup = (
        f"gunicorn {facts['workers']} sync workers, {CONCURRENCY} connections, "
        f"{DURATION:.0f} s after {WARMUP:.0f} s warm-up"
    )
    out = {}
    for name, (kind, target) in BASELINES.items():
        r, base = results[name], baselines[kind]
        first, last = base["runs"]
        out[f"http_{name}_rps"] = {
            "value": r["rps"],
            "unit": "req/s",
            "baseline": base["rps"],
            "baseline_name": kind,
            "ratio": r["rps"] / base["rps"],
            **({"target": target, "target_op": ">=", "target_on": "ratio"} if target else {}),
            "p95_ms": r["p95_ms"],
            "baseline_p95_ms": base["p95_ms"],
            "note": f"{setup}; baseline = {kind} (first {first:.0f}, last {last:.0f} req/s)",
        }
    for kind, base in baselines.items():
        out[f"http_{kind}_rps"] = {
            "value": base["rps"],
            "unit": "req/s",
            "baseline": base["rps"],
            "ratio": 1.0,
            "p95_ms": base["p95_ms"],
            "note": f"{BASELINE_NOTES[kind]}; mean of the first and last run "
            f"({base['runs'][0]:.0f}, {base['runs'][1]:.0f} req/s)",
        }
    return out


def run() -> dict:
    results, facts = measure(server.postgres_url())
    return summarize(results, facts)


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:<34} {row['value']:10.1f} {row['unit']:<6} ratio {row['ratio']:.2f}")
