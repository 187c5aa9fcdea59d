"""Benchmark: the deadline surge in S3 mode — 1,000 guardians upload a drawing at once.

moto's S3 server (``ThreadedMotoServer`` on a free port) is the object store; gunicorn serves
the app in S3 mode on a fresh PostgreSQL database seeded with 1,000 verified guardians, each
with a draft drawing entry. A second process (``bench.loadgen surge``) plays the guardians with
bounded concurrency: request an upload slot (app), POST a distinct ~1 MB JPEG straight to the
store with the presigned POST (moto), confirm (app: HEAD + inspection of the stored object;
image derivatives run after commit in-process, as on the embedded default without Celery).

Reported: errors (target 0), p95 per step, and the app's peak memory — the largest gunicorn
worker VmHWM from /proc — after the first 250 uploads (the baseline) and after all 1,000. The
file bytes go browser → store, never through the app, so the two must be about equal
(ratio ≈ 1). PostgreSQL comes from ``bench.server.postgres_url``.
Run: ``python -m bench.bench_surge``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script, too

import numpy as np
from moto.server import ThreadedMotoServer
from PIL import Image

from bench import server

GUARDIANS, FIRST, CONCURRENCY = 1_000, 250, 16


def drawing_jpeg() -> bytes:
    """About 1 MB: noise compresses badly, so a modest picture is a megabyte of JPEG."""

    pixels = np.random.default_rng(2021).integers(0, 256, (1000, 1300, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=85)
    return out.getvalue()


def _surge(env: dict, url: str, guardians: list[dict], image: str, offset: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json") as spec:
        json.dump(
            {
                "base": url,
                "guardians": guardians,
                "image": image,
                "concurrency": CONCURRENCY,
                "offset": offset,
            },
            spec,
        )
        spec.flush()
        return server.run_json(env, "bench.loadgen", "surge", spec.name, timeout=240)


def _cpu(gunicorn: server.Gunicorn, database_url: str) -> dict:
    """CPU so far of each party: the app's workers and PostgreSQL (this database's backends and
    the writers) per process, moto (threads of this process, whose main thread only waits),
    and the load generator (a child process, counted once it has ended)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "app": server.cpu_by_pid(gunicorn.worker_pids()),
        "postgres": server.cpu_by_pid(server.postgres_pids(database_url)),
        "moto": time.process_time(),
        "loadgen": children.ru_utime + children.ru_stime,
    }


def _spent(before: dict, after: dict) -> dict[str, float]:
    spent = {}
    for k, now in after.items():
        is_per_process = isinstance(now, dict)
        spent[k] = server.cpu_spent(before[k], now) if is_per_process else now - before[k]
    return spent


def measure(base_url: str) -> dict:

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    try:
        host, port = moto.get_host_and_port()
        endpoint, bucket = f"http://{host}:{port}", f"gongmo-surge-{uuid.uuid4().hex[:8]}"
        s3_env = server.moto_bucket(endpoint, bucket)
        with (
            server.fresh_database(base_url) as url,
            tempfile.NamedTemporaryFile(suffix=".jpg") as image,
        ):
            image.write(drawing_jpeg())
            image.flush()
            env = server.django_env(
                url,
                PYTHONWARNINGS="ignore::UserWarning",
                **s3_env,
            )
            server.manage(env, "migrate", "--verbosity", "0")
            guardians = server.run_json(env, "bench.http_seed", "surge", str(GUARDIANS))[
                "guardians"
            ]
            with server.Gunicorn(env) as gunicorn:

                def phase(part: list[dict], offset: int) -> dict:
                    before = _cpu(gunicorn, url)
                    result = _surge(env, gunicorn.url, part, image.name, offset)
                    return {**result, "cpu": _spent(before, _cpu(gunicorn, url))}

                started = time.monotonic()
                first = phase(guardians[:FIRST], 0)
                rss_first = gunicorn.peak_rss_mb()
                rest = phase(guardians[FIRST:], FIRST)
                rss_all = gunicorn.peak_rss_mb()
                wall = time.monotonic() - started
            return {
                "first": first,
                "rest": rest,
                "rss_first": rss_first,
                "rss_all": rss_all,
                "wall_s": wall,
                "workers": gunicorn.workers,
                "bytes": os.path.getsize(image.name),
            }
    finally:
        moto.stop()


def run() -> dict:
    m = measure(server.postgres_url())
    first, rest = m["first"], m["rest"]
    errors = first["errors"] + rest["errors"]
    note = (
        f"{GUARDIANS} guardians, {CONCURRENCY} at a time, {m['bytes'] / 1e6:.2f} MB JPEG each, "
        f"gunicorn {m['workers']} sync workers, moto S3; {m['wall_s']:.0f} s in all"
    )
    out = {
        "surge_errors": {
            "value": errors,
            "unit": "count",
            "baseline": 0,
            "ratio": float(errors == 0),
            "target": 0,
            "target_op": "<=",
            "target_on": "value",
            "kinds": {**first["error_kinds"], **rest["error_kinds"]},
            "note": note,
        },
    }
    for step in ("slot", "upload", "confirm"):
        out[f"surge_{step}_p95_ms"] = {
            "value": rest[f"{step}_p95_ms"],
            "unit": "ms",
            "baseline": first[f"{step}_p95_ms"],
            "ratio": rest[f"{step}_p95_ms"] / first[f"{step}_p95_ms"],
            "p50_ms": rest[f"{step}_p50_ms"],
            "note": f"uploads {FIRST + 1}–{GUARDIANS}; baseline = the first {FIRST}",
        }
    peak, peak_first = m["rss_all"]["max_worker"], m["rss_first"]["max_worker"]
    out["surge_app_peak_rss_mb"] = {
        "value": peak,
        "unit": "MB",
        "baseline": peak_first,
        "ratio": peak / peak_first,
        "target": 1.1,
        "target_op": "<=",
        "target_on": "ratio",
        "sum_workers_mb": m["rss_all"]["sum_workers"],
        "note": f"largest gunicorn worker VmHWM after {GUARDIANS} uploads vs after {FIRST}",
    }
    rate, rate_first = (
        rest["completed"] / rest["wall_s"],
        first["completed"] / first["wall_s"],
    )
    per_upload = {k: v / rest["completed"] * 1000 for k, v in rest["cpu"].items()}
    per_upload_first = {k: v / first["completed"] * 1000 for k, v in first["cpu"].items()}
    total = sum(per_upload.values())
    cores = os.cpu_count() or 1
    split = ", ".join(f"{k} {v:.1f}" for k, v in per_upload.items())
    out["surge_uploads_per_second"] = {
        "value": rate,
        "unit": "1/s",
        "baseline": rate_first,
        "ratio": rate / rate_first,
        "cpu_ms_per_upload": per_upload,
        "ceiling_per_second": cores * 1000 / total,
        "note": (
            f"completed slot → upload → confirm per second, uploads {FIRST + 1}–{GUARDIANS}; "
            f"baseline = the first {FIRST}. CPU per upload (ms): {split}; {total:.0f} ms in all "
            f"on {cores} cores bounds it at {cores * 1000 / total:.0f}/s"
        ),
    }
    out["surge_app_cpu_per_upload_ms"] = {
        "value": per_upload["app"],
        "unit": "ms",
        "baseline": per_upload_first["app"],
        "ratio": per_upload["app"] / per_upload_first["app"],
        "note": (
            "the app workers' CPU per completed upload (slot + confirm, which re-reads and "
            "decodes the stored image and, with no Celery broker, makes the preview and "
            f"thumbnail in the request); baseline = the first {FIRST}"
        ),
    }
    return out


if __name__ == "__main__":
    for key, row in run().items():
        print(f"{key:<28} {row['value']:10.1f} {row['unit']:<5} ratio {row['ratio']:.2f}")
