"""Simulation: which pairing default keeps the organizer's SSR honest, and at what cost?

Adaptive pairing is known to inflate Scale Separation Reliability (Bramley 2015; Bramley &
Vitello 2018): pairs follow the estimates' own noise, so the scale spreads more than the data
warrant. This simulation runs whole rounds through the real engines (``judging.pairwise``
serves the pairs, ``judging.comparative`` fits the scale), the way the service runs them:

* N drawings with true θ ~ N(0, SD²); JUDGES judges ask for pairs in turn; a judge prefers the
  drawing of higher θ with the Bradley–Terry chance σ(θ_a − θ_b);
* the scale is refitted every REFIT decisions (the service refits when the decisions grew by
  ``judging.scale.PAIRING_REFIT``) and the round stops by the product's stopping rule
  (:func:`judging.pairwise.round_complete`: SSR ≥ target and every drawing compared ≥ 10
  times), or at CAP comparisons per drawing;
* at the stop: decisions per drawing, the SSR the organizer reads, and the **true
  reliability** r² = corr(θ̂, θ)² (what SSR estimates); the gap SSR − r² is the overstatement.
  Also Spearman's ρ with the truth and, for the advancement cut of Track D 예선, the share of
  the true top 10 % that the estimate puts in its top 10 %.

Policies: ``explore`` (after the burn-in, the chance that a partner is random instead of the
most informative neighbour) × the SSR target. Means over SEEDS rounds (± standard error).

Outcome (README "Comparative judgement"): only random partners (explore 1) keep SSR within
±0.01 of the true reliability in every regime; the product ships that.

Run: .venv/bin/python -m bench.sim_pairwise  (about 40 minutes on one core; markdown tables)
"""

from __future__ import annotations

import sys
import time

import numpy as np
from scipy.special import expit
from scipy.stats import spearmanr

from judging.comparative import scale_fit
from judging.pairwise import PairingState, next_pair, round_complete

SEEDS = 20
JUDGES = 8
REFIT = 30
CAP = 40  # comparisons per drawing at most, whatever SSR says
POLICIES = [  # (explore, SSR target)
    (0.0, 0.80),
    (0.0, 0.85),
    (0.0, 0.90),
    (0.25, 0.80),
    (0.5, 0.80),
    (0.5, 0.85),
    (0.75, 0.80),
    (0.75, 0.85),
    (1.0, 0.80),  # what judging.services.comparisons ships (EXPLORE = 1)
]
REGIMES = [(100, 1.5), (100, 1.0), (300, 1.5)]  # (drawings, SD of true θ)


def one_round(n: int, sd: float, explore: float, target: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    true = rng.normal(0.0, sd, n)
    ids = list(range(n))
    state = PairingState.build(entries=ids, seed=seed)
    judges, winners, losers = [], [], []
    fit = None
    turn = 0
    while True:
        judge = turn % JUDGES
        turn += 1
        pair = next_pair(state=state, judge=judge, rng=rng, explore=explore)
        if pair is None:
            break
        left, right = pair
        state.record(judge=judge, left=left, right=right)
        left_wins = rng.random() < expit(true[left] - true[right])
        judges.append(judge)
        winners.append(left if left_wins else right)
        losers.append(right if left_wins else left)
        if len(judges) % REFIT:
            continue
        fit = scale_fit(judges=judges, winners=winners, losers=losers, entries=ids)
        state.update_estimates(entries=fit.entries, theta=fit.theta, se=fit.se)
        done = round_complete(
            ssr=fit.ssr, comparisons=fit.comparisons, min_comparisons=10, ssr_target=target
        )
        if done.complete:
            break
        if 2 * len(judges) >= CAP * n:
            break
    fit = scale_fit(judges=judges, winners=winners, losers=losers, entries=ids)
    estimate = fit.theta[np.searchsorted(fit.entries, ids)]
    r2 = float(np.corrcoef(estimate, true)[0, 1] ** 2)
    top = max(1, int(np.ceil(0.1 * n)))
    truly_top = set(np.argsort(-true)[:top].tolist())
    picked = set(np.argsort(-estimate)[:top].tolist())
    return {
        "per_drawing": 2 * len(judges) / n,
        "ssr": fit.ssr,
        "r2": r2,
        "gap": fit.ssr - r2,
        "rho": float(spearmanr(estimate, true).statistic),
        "top10": len(truly_top & picked) / top,
    }


def _cell(values: list[float], digits: int = 2) -> str:
    array = np.asarray(values)
    se = array.std(ddof=1) / np.sqrt(len(array)) if len(array) > 1 else 0.0
    return f"{array.mean():.{digits}f} ± {se:.{digits}f}"


def main() -> int:
    started = time.perf_counter()
    for n, sd in REGIMES:
        print(f"\n### {n} drawings, true θ ~ N(0, {sd:g}²), {JUDGES} judges, {SEEDS} rounds\n")
        print(
            "| explore | SSR target | comparisons per drawing | SSR at stop | true r² | "
            "SSR − r² | Spearman ρ | true top 10 % kept |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for explore, target in POLICIES:
            rows = [one_round(n, sd, explore, target, seed) for seed in range(SEEDS)]
            column = {key: [r[key] for r in rows] for key in rows[0]}
            print(
                f"| {explore:g} | {target:.2f} | {_cell(column['per_drawing'], 1)} | "
                f"{_cell(column['ssr'])} | {_cell(column['r2'])} | {_cell(column['gap'])} | "
                f"{_cell(column['rho'])} | {_cell(column['top10'])} |",
                flush=True,
            )
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
