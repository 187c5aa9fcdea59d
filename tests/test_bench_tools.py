"""The benchmark plumbing (bench/): how figures are judged against their targets, how the
README's Scale tables are regenerated from bench/results.json, and that a missing PostgreSQL is
said out loud — with the commands to install it — instead of silently skipping figures."""

import pytest

from bench import readme, run, server


def test_met_is_computed_from_the_target_on_value_or_ratio():
    slow = run.normalize({"value": 3.2, "unit": "s", "baseline": 70.0, "ratio": 0.046,
                          "target": 3.0, "target_op": "<=", "target_on": "value"})  # fmt: skip
    fast = run.normalize({"value": 900.0, "unit": "req/s", "baseline": 1000.0, "ratio": 0.9,
                          "target": 0.8, "target_op": ">=", "target_on": "ratio"})  # fmt: skip
    bare = run.normalize({"value": 0.2, "unit": "s"})

    assert slow["met"] is False
    assert fast["met"] is True
    assert (bare["baseline"], bare["ratio"], "met" in bare) == (None, None, False)


RESULTS = {
    "assignment_seconds": {
        "value": 1.45, "unit": "s", "baseline": 1.38, "ratio": 1.05, "target": 5.0,
        "target_op": "<=", "target_on": "value", "met": True, "module": "bench.bench_assignment",
        "load_avg": [[1.2, 1.0, 0.9], [1.9, 1.1, 0.9]],
    },
    "http_upload_slot_rps": {
        "value": 637.0, "unit": "req/s", "baseline": 1150.0, "ratio": 0.554, "target": 0.8,
        "target_op": ">=", "target_on": "ratio", "met": False, "p95_ms": 18.2,
        "baseline_p95_ms": 10.1, "module": "bench.bench_http",
        "load_avg": [[2.0, 1.0, 0.9], [2.5, 1.1, 0.9]],
    },
    "bench.bench_surge": {"module": "bench.bench_surge", "skipped": "PostgreSQL is not installed.",
                          "load_avg": [[0.5, 0.4, 0.3]]},
    "queue_depth_max": {"value": 12.0, "unit": "count", "baseline": 10.0, "ratio": 1.2},
    "cpu_upload_slot_app_ms": {"value": 1.96, "unit": "ms", "baseline": 1.29, "ratio": 0.66},
    "cpu_upload_slot_pg_ms": {"value": 0.31, "unit": "ms", "baseline": 0.13, "ratio": 0.42},
}  # fmt: skip


def test_the_scale_table_is_one_row_per_figure_and_says_what_was_skipped():
    table = readme.figures_table(RESULTS).splitlines()

    assert table[0] == "| benchmark | value | baseline (same run) | ratio | target | load |"
    assert table[2] == (
        "| assignment 50,000 × 200 × k=3, seconds | 1.45 s | 1.38 s (two-pass) | 1.05 | "
        "≤ 5.00 s ✓ | 1.2–1.9 |"
    )
    assert table[3] == (
        "| HTTP upload-slot request (POST) | 637 req/s, p95 18 ms | 1,150 req/s, p95 10 ms "
        "(bare write) | 0.55 | ≥ 0.8 × ✗ | 2.0–2.5 |"
    )
    assert table[4] == (
        "| the deadline surge (S3, PostgreSQL) | skipped: PostgreSQL is not installed. | | | | "
        "0.5 |"
    )
    assert table[5] == "| `queue_depth_max` | 12 | 10 | 1.20 |  |  |"  # no label: its key
    assert len(table) == 6  # the CPU figures have their own table


def test_the_readme_blocks_are_replaced_between_their_markers():
    text = "intro\n<!-- bench:cpu -->\nold\nrows\n<!-- /bench:cpu -->\nafter\n"

    new = readme.replace_block(text, "cpu", readme.cpu_table(RESULTS))

    assert new.startswith("intro\n<!-- bench:cpu -->\n| CPU per request |")
    assert "| upload slot | 1.96 ms | 0.66 | 0.31 ms | 0.42 |\n<!-- /bench:cpu -->\nafter\n" in new
    assert "old" not in new
    with pytest.raises(SystemExit, match="bench:figures"):
        readme.replace_block(text, "figures", "x")


def test_an_unreachable_postgresql_says_what_to_run(monkeypatch):
    server._postgres_url.cache_clear()
    monkeypatch.setenv("DATABASE_URL", "postgres://u:secret@192.0.2.1:5432/db")  # TEST-NET-1
    monkeypatch.setattr(server, "_answers", lambda url: False)
    try:
        with pytest.raises(server.PostgresUnavailable) as caught:
            server.postgres_url()
    finally:
        server._postgres_url.cache_clear()

    message = str(caught.value)
    assert message.startswith("PostgreSQL does not answer at 192.0.2.1:5432/db.")
    assert "sudo apt-get install postgresql" in message
    assert "CREATE ROLE gongmo LOGIN PASSWORD 'gongmo' CREATEDB" in message
    assert "secret" not in message  # no password in what is printed


def test_a_stopped_local_cluster_is_started(monkeypatch):
    server._postgres_url.cache_clear()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    answers = iter([False, True])
    started = []
    monkeypatch.setattr(server, "_answers", lambda url: next(answers))
    monkeypatch.setattr(server, "_installed", lambda: True)
    monkeypatch.setattr(server, "_start_local_cluster", lambda: started.append(1) or True)
    monkeypatch.setattr(server, "_connects", lambda url: None)
    try:
        url = server.postgres_url()
    finally:
        server._postgres_url.cache_clear()

    assert url == server.DEFAULT_DATABASE_URL
    assert started == [1]


def test_postgresql_missing_locally_is_said_so(monkeypatch):
    server._postgres_url.cache_clear()
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(server, "_answers", lambda url: False)
    monkeypatch.setattr(server, "_installed", lambda: False)
    try:
        with pytest.raises(server.PostgresUnavailable, match="PostgreSQL is not installed"):
            server.postgres_url()
    finally:
        server._postgres_url.cache_clear()
