"""Min-cost flows over the problem: the band's optimum, the hub's realisation, widening, and
the diagnosis when no band works (see the package docstring for the network)."""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from judging.assignment.problem import band_of
from judging.assignment.types import (
    EXHAUSTIVE_WIDENING,
    INLINE_ZERO_ARCS,
    REALIZE_SAMPLE,
    NoValidAssignment,
    Problem,
    Solution,
)


def flow_solve(parts: list[tuple], supplies: np.ndarray, seed: int, *, max_flow: bool = False):
    """Solve with OR-Tools' array calls. ``parts`` are groups of arcs ``(tails, heads,
    capacities, unit costs)``, arrays or scalars broadcast together. Node numbers and arc order
    are permuted by ``seed``. Returns (flows per part, optimal cost), or None when infeasible."""
    shapes = [np.broadcast_shapes(*(np.shape(x) for x in part)) for part in parts]
    tails, heads, caps, costs = (
        np.concatenate(
            [np.broadcast_to(part[i], shape) for part, shape in zip(parts, shapes, strict=True)]
        )
        for i in range(4)
    )
    rng = np.random.default_rng(seed)
    relabel = rng.permutation(supplies.size).astype(np.int32)
    order = rng.permutation(tails.size)
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(
        relabel[tails[order]], relabel[heads[order]], caps[order].astype(np.int64),
        costs[order].astype(np.int64),
    )  # fmt: skip
    solver.set_nodes_supplies(relabel, supplies.astype(np.int64))
    status = solver.solve_max_flow_with_min_cost() if max_flow else solver.solve()
    if status == solver.INFEASIBLE:
        return None
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    flows = np.empty(tails.size, dtype=np.int64)
    flows[order] = solver.flows(np.arange(tails.size, dtype=np.int32))
    return np.split(flows, np.cumsum([int(np.prod(s)) for s in shapes])[:-1]), solver.optimal_cost()


def solve(p: Problem, lo, hi, seed: int, compress: bool, units: int | None = None):
    """The optimum within per-judge total-load bounds [lo, hi] as a Solution, or None."""
    n, m = p.allowed.shape
    lo_r, hi_r = lo - p.fixed_load, hi - p.fixed_load
    units = int(p.need.sum()) if units is None else units
    if lo_r.sum() > units or hi_r.sum() < units:
        return None
    is_open, active = p.need > 0, hi_r > 0
    zero = p.allowed & ~p.pos & is_open[:, None] & active
    sel = is_open[p.aff_e] & active[p.aff_j]
    ae, aj, ac = p.aff_e[sel], p.aff_j[sel], p.aff_cost[sel]
    if compress:
        zcount = zero.sum(axis=1)
        rows = np.flatnonzero((zcount > 0) & (zcount <= INLINE_ZERO_ARCS))
        r, zj = np.nonzero(zero[rows])
        de, dj = np.concatenate([ae, rows[r]]), np.concatenate([aj, zj])
        dc = np.concatenate([ac, np.zeros(zj.size, dtype=np.int64)])
        hub_e = np.flatnonzero(zcount > INLINE_ZERO_ARCS)
        hub_cap = np.minimum(p.need, zcount)[hub_e]
    else:
        de, dj = np.nonzero(p.allowed & is_open[:, None] & active)
        dc = np.zeros(de.size, dtype=np.int64)
        dc[np.searchsorted(de * m + dj, ae * m + aj)] = ac  # nonzero() gives cells in order
        hub_e = hub_cap = np.empty(0, dtype=np.int64)
    en, jn = np.flatnonzero(is_open), np.flatnonzero(active)
    hub_j = jn if hub_e.size else jn[:0]
    hub, sink = n + m + 1, n + m + 2
    supplies = np.zeros(n + m + 3, dtype=np.int64)
    supplies[0], supplies[1 + n : 1 + n + m], supplies[sink] = units, -lo_r, lo_r.sum() - units
    solved = flow_solve(
        [
            (0, 1 + en, p.need[en], 0),  # source → entry: the judges it still needs
            (1 + de, 1 + n + dj, 1, -dc),  # entry → judge: once, for its affinity
            (1 + hub_e, hub, hub_cap, 0),  # entry → hub: its zero-affinity slots
            (hub, 1 + n + hub_j, hi_r[hub_j], 0),
            (1 + n + jn, sink, (hi_r - lo_r)[jn], 0),  # judge → sink: above the minimum
        ],
        supplies,
        seed,
    )
    if solved is None:
        return None
    (_, direct, hub_in, hub_out, _), cost = solved
    e, j = de[direct > 0], dj[direct > 0]
    if hub_in.any():
        extra = realize(zero, hub_e[hub_in > 0], hub_in[hub_in > 0], hub_j[hub_out > 0],
                         hub_out[hub_out > 0], seed)  # fmt: skip
        if extra is None:  # the relaxation cannot be realised: solve the full network
            return solve(p, lo, hi, seed, compress=False, units=units)
        e, j = np.concatenate([e, extra[0]]), np.concatenate([j, extra[1]])
    return Solution(e, j, cost)


def realize(zero, ue, d, uj, h, seed: int):
    """Turn hub flow into pairs: entry ue[i] needs d[i] zero-affinity judges, judge uj[t]
    takes exactly h[t]. A plain feasibility flow, first on a random sample of
    :data:`REALIZE_SAMPLE` cells per entry (fast, and nearly always enough), then on all of
    them; None when impossible."""
    cells = zero[np.ix_(ue, uj)]
    a, b = ue.size, uj.size
    supplies = np.zeros(a + b + 2, dtype=np.int64)
    supplies[0], supplies[-1] = d.sum(), -d.sum()
    rng = np.random.default_rng(seed)
    for sample in [True, False] if b > REALIZE_SAMPLE else [False]:
        if sample:  # the REALIZE_SAMPLE cells with the smallest random keys, per entry
            keys = np.where(cells, rng.random(cells.shape), 2.0)
            c = np.argpartition(keys, REALIZE_SAMPLE, axis=1)[:, :REALIZE_SAMPLE]
            r = np.broadcast_to(np.arange(a)[:, None], c.shape)
            r, c = r[keys[r, c] < 2.0], c[keys[r, c] < 2.0]
        else:
            r, c = np.nonzero(cells)
        arcs = [(0, 1 + np.arange(a), d, 0), (1 + r, 1 + a + c, 1, 0),
                (1 + a + np.arange(b), a + b + 1, h, 0)]  # fmt: skip
        solved = flow_solve(arcs, supplies, seed)
        if solved is not None:
            used = solved[0][1] > 0
            return ue[r[used]], uj[c[used]]
    return None


def diagnose(p: Problem):
    """Raise NoValidAssignment. A max flow within the caps (no balance) either serves every
    entry — then the minimum loads are to blame — or leaves some short; the entries reachable
    from those in the residual network are the canonical group that cannot all be served."""
    n, m = p.allowed.shape
    room = np.maximum(p.cap - p.fixed_load, 0)
    grid = p.allowed & (p.need > 0)[:, None] & (room > 0)
    de, dj = np.nonzero(grid)
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[0], supplies[-1] = p.need.sum(), -p.need.sum()
    arcs = [(0, 1 + np.arange(n), p.need, 0), (1 + de, 1 + n + dj, 1, 0),
            (1 + n + np.arange(m), n + m + 1, room, 0)]  # fmt: skip
    (got, pair_flow, _), _ = flow_solve(arcs, supplies, 0, max_flow=True)
    if (got == p.need).all():
        raise NoValidAssignment([], "the judges' min_load values cannot all be met")
    assigned = np.zeros((n, m), dtype=bool)
    assigned[de[pair_flow > 0], dj[pair_flow > 0]] = True
    free = grid & ~assigned
    reach_e, reach_j = got < p.need, np.zeros(m, dtype=bool)
    frontier = reach_e.copy()
    while frontier.any():
        new_j = free[frontier].any(axis=0) & ~reach_j
        reach_j |= new_j
        frontier = assigned[:, new_j].any(axis=1) & ~reach_e
        reach_e |= frontier
    short = np.flatnonzero(reach_e)
    count = grid.sum(axis=1) + p.k - p.need
    reason = (
        f"{short.size} entries need {p.need[short].sum()} more judges but conflicts and judge caps "
        f"allow only {got[short].sum()}"
    )
    raise NoValidAssignment(
        [p.entry_ids[e] for e in short], reason, {p.entry_ids[e]: int(count[e]) for e in short}
    )


def search(p: Problem, h: int, seed: int, compress: bool):
    """The narrowest feasible band (see the module docstring) and its optimum."""
    tried: dict[bytes, Solution | None] = {}

    def attempt(a: int, b: int):
        lo, hi = band_of(p, h, a, b)
        key = lo.tobytes() + hi.tobytes()
        if key not in tried:
            tried[key] = solve(p, lo, hi, seed, compress)
            if tried[key] is None and np.array_equal(lo, p.floor) and np.array_equal(hi, p.ceiling):
                diagnose(p)  # not even the widest band: raises
        return tried[key], lo, hi

    for w in range(EXHAUSTIVE_WIDENING + 1):
        found = [(s, lo, hi) for s, lo, hi in (attempt(a, w - a) for a in range(w + 1)) if s]
        if found:
            return (*min(found, key=lambda x: x[0].cost), w)  # min() keeps the first (smaller a)
    low, high = EXHAUSTIVE_WIDENING // 2, EXHAUSTIVE_WIDENING // 2 + 1  # band (t, t), t = high
    while attempt(high, high)[0] is None:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if attempt(mid, mid)[0] else (mid, high)
    return (*attempt(high, high), 2 * high)
