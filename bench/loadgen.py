"""A small HTTP load generator, run as a SECOND process beside the server it measures.

``python -m bench.loadgen spec.json`` — spec: ``{"base": "http://127.0.0.1:port",
"duration": s, "warmup": s, "concurrency": n, "scenarios": [{"name", "requests": [{"method",
"path", "headers", "body"}]}]}``. Each scenario runs for ``warmup`` then ``duration`` seconds
with ``concurrency`` threads; thread i cycles through requests i, i + n, i + 2n, … (so threads
never share a judge's or guardian's rows). Prints one JSON line: per scenario, requests/s,
p50/p95/p99 latency in ms, errors (non-2xx or connection failures) and their first statuses.

``python -m bench.loadgen surge spec.json`` — the deadline surge: for each guardian, request
an upload slot, POST the file straight to storage with the presigned POST, confirm; bounded
concurrency; per-step latency and errors.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class _Client:
    """One keep-alive connection (reopened when the server closes it, as sync gunicorn does)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, headers: dict, body: bytes | None):
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.conn.close()
            return response.status, data
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0, b""


def _prepare(req: dict) -> tuple[str, str, dict, bytes | None]:
    headers = dict(req.get("headers") or {})
    body = None
    if "body" in req:
        body = json.dumps(req["body"]).encode()
        headers["Content-Type"] = "application/json"
    return req.get("method", "GET"), req["path"], headers, body


def run_scenario(base: str, scenario: dict, concurrency: int, duration: float, warmup: float):
    requests = [_prepare(r) for r in scenario["requests"]]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    statuses: list[Counter] = [Counter() for _ in range(concurrency)]
    start = time.monotonic()
    measure_from, stop_at = start + warmup, start + warmup + duration

    def worker(i: int) -> None:
        client = _Client(base)
        mine = requests[i::concurrency] or requests
        n = 0
        while True:
            method, path, headers, body = mine[n % len(mine)]
            n += 1
            t0 = time.monotonic()
            if t0 >= stop_at:
                break
            status, _ = client.request(method, path, headers, body)
            t1 = time.monotonic()
            if t0 >= measure_from:
                latencies[i].append(t1 - t0)
                statuses[i][status] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat = [x for part in latencies for x in part]
    status = sum(statuses, Counter())
    errors = sum(n for s, n in status.items() if not 200 <= s < 300)
    return {
        "requests": len(lat),
        "rps": len(lat) / duration,
        "p50_ms": _pct(lat, 0.50) * 1000,
        "p95_ms": _pct(lat, 0.95) * 1000,
        "p99_ms": _pct(lat, 0.99) * 1000,
        "mean_ms": (statistics.fmean(lat) * 1000) if lat else float("nan"),
        "errors": errors,
        "statuses": {str(k): v for k, v in status.items()},
    }


def load(spec: dict) -> dict:
    return {
        s["name"]: run_scenario(
            spec["base"], s, spec["concurrency"], spec["duration"], spec.get("warmup", 1.0)
        )
        for s in spec["scenarios"]
    }


# -- the deadline surge ---------------------------------------------------------------------


def _multipart(fields: dict[str, str], file_bytes: bytes, filename: str, content_type: str):
    boundary = "----gongmo-bench-" + str(time.monotonic_ns())
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n".encode()
    )
    parts.append(file_bytes)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def unique_jpeg(base: bytes, n: int) -> bytes:
    """The same picture with a different JPEG comment (COM segment): a distinct file each time."""
    comment = f"gongmo bench upload {n:06d}".encode()
    return base[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + base[2:]


def surge(spec: dict) -> dict:
    base = spec["base"]
    image = open(spec["image"], "rb").read()  # noqa: SIM115 (read once, closed by GC)
    guardians = spec["guardians"]
    steps = {"slot": [], "upload": [], "confirm": []}
    errors: Counter = Counter()
    lock = threading.Lock()
    queue = list(enumerate(guardians))

    def one(n: int, g: dict, app: _Client) -> None:
        data = unique_jpeg(image, spec.get("offset", 0) + n)
        auth = {"Authorization": f"Token {g['token']}", "Content-Type": "application/json"}
        body = json.dumps(
            {"slot": "drawing", "filename": f"drawing-{n}.jpg", "content_type": "image/jpeg",
             "size": len(data)}
        ).encode()  # fmt: skip
        t0 = time.monotonic()
        status, raw = app.request("POST", f"/api/v1/entries/{g['entry']}/uploads/", auth, body)
        t1 = time.monotonic()
        if status != 201:
            errors[f"slot {status}"] += 1
            return
        ticket = json.loads(raw)
        payload, ctype = _multipart(ticket["fields"], data, f"drawing-{n}.jpg", "image/jpeg")
        target = urlsplit(ticket["url"])
        store = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
        try:
            store.request("POST", target.path or "/", body=payload, headers={"Content-Type": ctype})
            up = store.getresponse()
            up.read()
            up_status = up.status
        except (OSError, http.client.HTTPException):
            up_status = 0
        finally:
            store.close()
        t2 = time.monotonic()
        if not 200 <= up_status < 300:
            errors[f"upload {up_status}"] += 1
            return
        path = f"/api/v1/entries/{g['entry']}/uploads/{ticket['upload_id']}/complete/"
        status, raw = app.request("POST", path, auth, b"")
        t3 = time.monotonic()
        if status != 200:
            errors[f"confirm {status} {raw[:80]!r}"] += 1
            return
        with lock:
            steps["slot"].append(t1 - t0)
            steps["upload"].append(t2 - t1)
            steps["confirm"].append(t3 - t2)

    def worker() -> None:
        app = _Client(base)
        while True:
            with lock:
                if not queue:
                    return
                n, g = queue.pop(0)
            one(n, g, app)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(spec["concurrency"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    return {
        "guardians": len(guardians),
        "completed": len(steps["confirm"]),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "wall_s": wall,
        "bytes": len(image),
        **{f"{k}_p95_ms": _pct(v, 0.95) * 1000 for k, v in steps.items()},
        **{f"{k}_p50_ms": _pct(v, 0.50) * 1000 for k, v in steps.items()},
    }


def main(argv: list[str]) -> int:
    if argv[0] == "surge":
        with open(argv[1]) as f:
            print(json.dumps(surge(json.load(f))))
    else:
        with open(argv[0]) as f:
            print(json.dumps(load(json.load(f))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
