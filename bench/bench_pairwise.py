"""Benchmark: comparative judgement at Track D scale (judging/comparative.py, judging/pairwise.py).

A round of 50,000 drawings judged by 200 judges in 250,000 decisions (10 per drawing): true θ ~
N(0, 1.5²); half the pairs random, half between near neighbours in true order (as adaptive
pairing makes them); outcomes drawn from Bradley–Terry. Labels are strings, as in a file.

* ``pairwise_fit_seconds``: :func:`scale_fit` end to end (labels → codes, Newton–CG fit to
  max |gradient| ≤ 1e-8, approximate SEs, infit, SSR), median of 3. Baseline, same run:
  ``scipy.optimize.minimize(method="L-BFGS-B")`` on the same penalised log-likelihood with an
  analytic vectorised gradient, given the integer codes for free, to max |gradient| ≤ 1e-6
  (looser; its relative-decrease stop switched off, else it stops 1e-2 away). ``choix`` cannot
  be the baseline at this size: its ILSR and Newton-CG build dense n × n matrices (20 GB at
  50,000 entries).
* ``pairwise_refit_warm_seconds``: refit after 2,500 more decisions, warm-started from the fit.
* ``pairwise_next_pair_p50_ms`` / ``_p95_ms``: :func:`next_pair` latency over 1,000 calls
  (judges in turn, each pair recorded) on the state after those 250,000 pairs, every judge
  conflicted with 250 drawings. Baseline: a naive random pair under the same rules (draw two
  drawings at random until the pair is valid for the judge).

ratio = value / baseline, as every bench. Run: .venv/bin/python -m bench.bench_pairwise
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, log_expit

from judging.comparative import RIDGE, scale_fit
from judging.pairwise import PairingState, next_pair

N_ENTRIES, N_DECISIONS, N_JUDGES, CONFLICTS = 50_000, 250_000, 200, 250
CALLS, RUNS = 1_000, 3


def make_round(seed: int = 16) -> dict:
    rng = np.random.default_rng(seed)
    true = rng.normal(0.0, 1.5, N_ENTRIES)
    order = np.argsort(true)
    position = np.empty(N_ENTRIES, dtype=np.int64)
    position[order] = np.arange(N_ENTRIES)
    m = N_DECISIONS + N_DECISIONS // 100
    a = rng.integers(0, N_ENTRIES, m)
    near = order[np.clip(position[a] + rng.integers(-50, 51, m), 0, N_ENTRIES - 1)]
    b = np.where(rng.random(m) < 0.5, (a + rng.integers(1, N_ENTRIES, m)) % N_ENTRIES, near)
    b = np.where(b == a, (a + 1) % N_ENTRIES, b)
    a_wins = rng.random(m) < expit(true[a] - true[b])
    ids = np.array([f"WSCE21-D-{i + 1:05d}" for i in range(N_ENTRIES)], dtype=object)
    judges = np.array([f"judge-{j + 1:03d}" for j in range(N_JUDGES)], dtype=object)
    return {
        "ids": ids,
        "judge": judges[rng.integers(0, N_JUDGES, m)],
        "winner": np.where(a_wins, a, b),
        "loser": np.where(a_wins, b, a),
        "left": a,
        "right": b,
        "conflicts": {j: ids[rng.choice(N_ENTRIES, CONFLICTS, replace=False)] for j in judges},
    }


def lbfgs_baseline(winner: np.ndarray, loser: np.ndarray) -> np.ndarray:
    n = N_ENTRIES

    def negative(theta: np.ndarray) -> tuple[float, np.ndarray]:
        d = theta[winner] - theta[loser]
        q = expit(-d)
        gradient = np.bincount(winner, q, n) - np.bincount(loser, q, n) - RIDGE * theta
        value = log_expit(d).sum() - 0.5 * RIDGE * float(np.einsum("i,i", theta, theta))
        return -value, -gradient

    result = minimize(
        negative,
        np.zeros(n),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": 1e-6, "ftol": 1e-15, "maxiter": 10_000, "maxcor": 20},
    )
    return result.x


def _median(action, runs: int = RUNS) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), value


def _latencies(state: PairingState, pick, judges: list) -> np.ndarray:
    took = []
    for k in range(CALLS):
        judge = judges[k % len(judges)]
        started = time.perf_counter()
        pair = pick(judge)
        took.append(time.perf_counter() - started)
        state.record(judge=judge, left=pair[0], right=pair[1])
    return np.array(took) * 1000.0


def _random_pair(state: PairingState, judge, rng: np.random.Generator):
    n = len(state.entries)
    blocked = set(state.conflicts[judge].tolist())
    seen = state.seen.get(judge, set())
    while True:
        i, j = (int(x) for x in rng.integers(0, n, 2))
        if i != j and i not in blocked and j not in blocked and state._key(i, j) not in seen:
            return state.entries[i], state.entries[j]


def run() -> dict:
    data = make_round()
    ids, m = data["ids"], N_DECISIONS
    columns = {
        "entries": ids,  # the round's entries (a few are never drawn in 250,000 random pairs)
        "judges": data["judge"][:m],
        "winners": ids[data["winner"][:m]],
        "losers": ids[data["loser"][:m]],
    }
    fit_seconds, fit = _median(lambda: scale_fit(**columns))
    if not fit.converged or len(fit.entries) != N_ENTRIES:
        raise RuntimeError("the benchmark round must converge over every entry")
    baseline_seconds, baseline = _median(
        lambda: lbfgs_baseline(data["winner"][:m], data["loser"][:m])
    )
    codes = np.searchsorted(fit.entries, ids)  # fit order → the baseline's integer order
    gap = float(np.abs(fit.theta[codes] - baseline).max())
    more = {
        "entries": ids,
        "judges": data["judge"],
        "winners": ids[data["winner"]],
        "losers": ids[data["loser"]],
    }
    warm_seconds, warm = _median(lambda: scale_fit(**more, start=fit))

    judges = sorted(data["conflicts"])
    served = zip(data["judge"][:m], ids[data["left"][:m]], ids[data["right"][:m]], strict=True)
    seen, history = set(), []
    for judge, left, right in served:
        key = (judge, min(left, right), max(left, right))
        if key not in seen:
            seen.add(key)
            history.append((judge, left, right))
    started = time.perf_counter()
    state = PairingState.build(entries=ids.tolist(), conflicts=data["conflicts"], served=history)
    state.update_estimates(entries=fit.entries, theta=fit.theta, se=fit.se)
    build_seconds = time.perf_counter() - started
    rng = np.random.default_rng(1)
    engine = _latencies(state, lambda judge: next_pair(state=state, judge=judge, rng=rng), judges)
    naive = _latencies(state, lambda judge: _random_pair(state, judge, rng), judges)

    note = f"{N_ENTRIES:,} entries, {N_DECISIONS:,} decisions, {N_JUDGES} judges"
    p50, p95 = np.percentile(engine, [50, 95])
    b50, b95 = np.percentile(naive, [50, 95])
    return {
        "pairwise_fit_seconds": {
            "value": fit_seconds,
            "unit": "s",
            "baseline": baseline_seconds,
            "ratio": fit_seconds / baseline_seconds,
            "note": (
                f"{note}; median of {RUNS}; {fit.iterations} Newton steps, SSR {fit.ssr:.3f}; "
                f"baseline scipy L-BFGS-B on the same objective, max |θ diff| {gap:.1e}"
            ),
        },
        "pairwise_refit_warm_seconds": {
            "value": warm_seconds,
            "unit": "s",
            "note": f"+{N_DECISIONS // 100:,} decisions from the fit: {warm.iterations} steps",
        },
        "pairwise_next_pair_p50_ms": {
            "value": float(p50),
            "unit": "ms",
            "baseline": float(b50),
            "ratio": float(p50 / b50),
            "note": (
                f"{CALLS:,} calls after {len(history):,} served pairs, {CONFLICTS} conflicts per "
                f"judge; baseline a random valid pair; state built in {build_seconds:.1f} s"
            ),
        },
        "pairwise_next_pair_p95_ms": {
            "value": float(p95),
            "unit": "ms",
            "baseline": float(b95),
            "ratio": float(p95 / b95),
            "note": "as p50",
        },
    }


if __name__ == "__main__":
    print(f"{'metric':<28} {'value':>10} {'baseline':>10} {'ratio':>7}  note")
    for name, row in run().items():
        baseline = f"{row['baseline']:.3f}" if "baseline" in row else "-"
        ratio = f"{row['ratio']:.2f}" if "ratio" in row else "-"
        print(
            f"{name:<28} {row['value']:>8.3f}{row['unit']:<2} {baseline:>10} {ratio:>7}  "
            f"{row['note']}"
        )
