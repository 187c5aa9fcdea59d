"""Exact reviewer assignment (DOMAIN §5) as one min-cost flow.

Pure module: plain data in, plain data out; no Django. The service layer loads entries, judges,
conflicts and affinities, calls :func:`assign` and stores ``result.pairs``.

Rules, as implemented
---------------------
* Every entry gets exactly ``k`` distinct judges and never a conflicted one. ``fixed`` pairs
  ``(entry, judge)`` are kept as they are and count toward ``k`` and the loads, so a recusal is:
  drop the pair, add the conflict, call again with every other pair fixed.
* **Balanced loads.** With ``T = len(entries) * k`` slots (fixed ones included), judge ``j`` has
  a floor ``m_j = max(min_load, fixed load)`` and a ceiling ``c_j = min(max_load, fixed load +
  number of open entries it may judge)``. The level ``h`` is the smallest integer with
  ``sum_j clamp(h, m_j, c_j) >= T`` and judge ``j`` must carry between ``clamp(h - 1, m_j, c_j)``
  and ``clamp(h, m_j, c_j)``. So judges held by nothing differ by at most one; a declared cap
  holds a judge lower; a judge conflicted with nearly everything takes all it can instead of
  widening everyone's band.
* **As balanced as possible.** If conflicts still make that band infeasible (a group of entries
  whose eligible judges are too few), the band is widened to ``[h - 1 - a, h + b]`` (clamped as
  above): every split with ``a + b = 1``, then ``2`` (feasible split with the best affinity
  wins, ties to the smaller ``a``); beyond that both ends widen together, binary-searched.
  ``result.widened`` is ``a + b`` and ``result.load_bounds`` the per-judge bounds used. The wider
  band applies to every judge (a known simplification: a lexicographic "max-min fair" fill
  would keep the unobstructed judges within one of each other). Only when no band works — no
  ``k``-assignment exists within caps and minimums, both of which are hard — is
  :class:`NoValidAssignment` raised, naming the entries that cannot be served.
* Among the assignments within the band, the one with the **largest total affinity** is chosen.
  ``EntrySpec.division`` is carried for callers; it does not constrain the solve.

The flow network (one min-cost flow per band)
---------------------------------------------
::

    source ──need_e, 0──▶ entry e ──1, −a_ej──▶ judge j ──hi_j − lo_j, 0──▶ sink

Supplies: ``source = R`` (open slots), ``judge j = −(lo_j − fixed_j)`` (the standard lower-bound
transformation: the judge's minimum is a demand at its node), ``sink = −(R − Σ demands)``. A
feasible flow is exactly an assignment within the band, and its minimum cost is minus the
maximum affinity. Costs must be integers: integer affinities are used as they are, otherwise all
are multiplied by :data:`AFFINITY_SCALE` and rounded (the optimum is exact for those values).

**Zero-affinity hub (an exact reduction).** With sparse affinity most ``entry → judge`` arcs cost
0 (50 000 × 200 is 10 M arcs, 5–10 s to solve). Those arcs are replaced by ``entry e ──min(need_e,
z_e)──▶ hub ──hi_j──▶ judge j`` (``z_e`` = zero-affinity judges ``e`` may take); entries with at
most :data:`INLINE_ZERO_ARCS` such judges keep direct arcs. The hub network is a relaxation (it
forgets which judge a hub slot reaches), so its optimum bounds the true one. The hub slots are
then realised as real pairs by a feasibility flow (hub entries × judges, conflicts and used pairs
excluded) with the same loads and affinity — a realised relaxation is therefore optimal. If the
realisation fails (only under dense conflicts) the band is solved on the full network.

Determinism: ids (str or int; ids of one type must be comparable) are put in canonical order
(type name, then value) first, so the result does not depend on input order; ``seed`` permutes
node numbers and arc order (``numpy.default_rng``), so it only decides between assignments of
equal affinity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

AFFINITY_SCALE = 1000  # float affinities are multiplied by this and rounded to integer costs
INLINE_ZERO_ARCS = 8  # entries with at most this many zero-affinity judges keep direct arcs
EXHAUSTIVE_WIDENING = 2  # every band split is tried up to this much widening
REALIZE_SAMPLE = 24  # hub slots are first realised among this many random judges per entry

EntryId = Hashable
JudgeId = Hashable
Pair = tuple[EntryId, JudgeId]


def _key(value: Hashable) -> tuple[str, Hashable]:
    return (type(value).__name__, value)


@dataclass(frozen=True)
class EntrySpec:
    id: EntryId
    division: str | None = None


@dataclass(frozen=True)
class JudgeSpec:
    id: JudgeId
    min_load: int | None = None
    max_load: int | None = None  # a declared cap


@dataclass(frozen=True)
class AssignmentResult:
    pairs: list[Pair]  # (entry, judge), fixed pairs included, sorted by entry then judge
    total_affinity: float  # sum of the given affinities over all pairs (fixed ones included)
    loads: dict[JudgeId, int]  # every judge, fixed pairs included
    min_load: int
    max_load: int
    load_bounds: dict[JudgeId, tuple[int, int]]  # the (low, high) total load each judge had
    widened: int = 0  # 0: the ideal band; otherwise how far it was widened


class NoValidAssignment(Exception):
    """No valid assignment. ``entries`` (sorted) cannot all get ``k`` judges; ``available``
    counts, per such entry, the unconflicted judges with room (fixed ones included)."""

    def __init__(self, entries: Iterable[EntryId], reason: str, available: Mapping | None = None):
        self.entries = sorted(entries, key=_key)
        self.reason = reason
        self.available = dict(available or {})
        super().__init__(reason)


class _Problem(NamedTuple):
    entry_ids: list
    judge_ids: list
    k: int
    allowed: np.ndarray  # (n, m) bool: the pair may still be added (no conflict, not fixed)
    pos: np.ndarray  # (n, m) bool: allowed and positive affinity
    aff_e: np.ndarray  # positive, allowed affinity cells and their integer costs
    aff_j: np.ndarray
    aff_cost: np.ndarray
    fixed_e: np.ndarray
    fixed_j: np.ndarray
    need: np.ndarray  # (n,) judges still missing per entry
    fixed_load: np.ndarray  # (m,)
    cap: np.ndarray  # (m,) declared cap (n*k when none)
    floor: np.ndarray  # (m,) max(min_load, fixed load)
    ceiling: np.ndarray  # (m,) min(cap, fixed load + eligible open entries)


class _Solution(NamedTuple):
    e: np.ndarray
    j: np.ndarray
    cost: int


def _index(pairs: Iterable, e_at: dict, j_at: dict, *, strict: bool) -> tuple:
    es, js = [], []
    for e, j in pairs:
        ei, ji = e_at.get(e), j_at.get(j)
        if ei is None or ji is None:
            if strict:
                raise ValueError(f"fixed pair ({e!r}, {j!r}) names an unknown entry or judge")
            continue
        es.append(ei)
        js.append(ji)
    return np.array(es, dtype=np.int64), np.array(js, dtype=np.int64)


def _prepare(entries, judges, conflicts, affinity, fixed, k) -> _Problem:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k must be a positive integer")
    ents = sorted(
        (x if isinstance(x, EntrySpec) else EntrySpec(x) for x in entries), key=lambda x: _key(x.id)
    )
    juds = sorted(
        (x if isinstance(x, JudgeSpec) else JudgeSpec(x) for x in judges), key=lambda x: _key(x.id)
    )
    e_ids, j_ids = [x.id for x in ents], [x.id for x in juds]
    e_at, j_at = {x: i for i, x in enumerate(e_ids)}, {x: i for i, x in enumerate(j_ids)}
    if len(e_at) < len(e_ids) or len(j_at) < len(j_ids):
        raise ValueError("entry and judge ids must be unique")
    n, m = len(e_ids), len(j_ids)
    allowed = np.ones((n, m), dtype=bool)
    allowed[_index(((e, j) for j, e in conflicts), e_at, j_at, strict=False)] = False
    fixed_e, fixed_j = _index(fixed, e_at, j_at, strict=True)
    if np.unique(fixed_e * m + fixed_j).size < fixed_e.size:
        raise ValueError("fixed pairs must be unique")
    if not allowed[fixed_e, fixed_j].all():
        raise ValueError("a fixed pair is a conflict")
    need = k - np.bincount(fixed_e, minlength=n)
    if (need < 0).any():
        raise ValueError(f"an entry has more than k={k} fixed judges")
    allowed[fixed_e, fixed_j] = False

    affinity = affinity or {}
    size = len(affinity)
    ae = np.fromiter((e_at.get(e, -1) for _, e in affinity), np.int64, size)
    aj = np.fromiter((j_at.get(j, -1) for j, _ in affinity), np.int64, size)
    av = np.fromiter(affinity.values(), np.float64, size)
    if not (np.isfinite(av).all() and (av >= 0).all()):
        raise ValueError("affinities must be finite and >= 0")
    keep = (ae >= 0) & (aj >= 0)
    ae, aj, av = ae[keep], aj[keep], av[keep]
    scale = 1 if np.array_equal(av, np.round(av)) else AFFINITY_SCALE
    cost = np.rint(av * scale).astype(np.int64)
    keep = np.flatnonzero((cost > 0) & allowed[ae, aj])
    keep = keep[np.argsort(ae[keep] * m + aj[keep])]  # canonical order: input order is irrelevant
    ae, aj, cost = ae[keep], aj[keep], cost[keep]
    pos = np.zeros((n, m), dtype=bool)
    pos[ae, aj] = True

    for x in juds:
        bounds = [b for b in (x.min_load, x.max_load) if b is not None]
        if any(isinstance(b, bool) or not isinstance(b, int) or b < 0 for b in bounds):
            raise ValueError(f"judge {x.id!r}: loads must be non-negative integers")
        if len(bounds) == 2 and bounds[0] > bounds[1]:
            raise ValueError(f"judge {x.id!r}: min_load is above max_load")
    dmin = np.array([x.min_load or 0 for x in juds], dtype=np.int64)
    cap = np.array([n * k if x.max_load is None else x.max_load for x in juds], dtype=np.int64)
    fixed_load = np.bincount(fixed_j, minlength=m)
    for j in np.flatnonzero(fixed_load > cap):
        raise NoValidAssignment(
            [], f"judge {j_ids[j]!r} has {fixed_load[j]} fixed entries, over its cap {cap[j]}"
        )
    floor = np.maximum(dmin, fixed_load)
    ceiling = np.minimum(cap, fixed_load + allowed[need > 0].sum(axis=0))
    for j in np.flatnonzero(floor > ceiling):
        raise NoValidAssignment(
            [], f"judge {j_ids[j]!r} cannot reach min_load {dmin[j]}: at most {ceiling[j]} entries"
        )
    return _Problem(e_ids, j_ids, k, allowed, pos, ae, aj, cost, fixed_e, fixed_j, need,
                    fixed_load, cap, floor, ceiling)  # fmt: skip


def _check_entries(p: _Problem) -> None:
    """The cheap test first: an entry with fewer unconflicted judges (with room) than k."""
    free = p.allowed[:, p.cap > p.fixed_load].sum(axis=1)
    short = np.flatnonzero(free < p.need)
    if short.size:
        available = {p.entry_ids[e]: int(free[e] + p.k - p.need[e]) for e in short}
        raise NoValidAssignment(available, f"fewer than k={p.k} unconflicted judges", available)


def _level(p: _Problem) -> int | None:
    """The smallest h with sum(clamp(h, floor, ceiling)) >= T; None if the ceilings fall short."""
    total = len(p.entry_ids) * p.k
    if p.floor.sum() > total:
        raise NoValidAssignment([], f"minimum loads add up to more than the {total} slots")
    if p.ceiling.sum() < total:
        return None
    low, high = 0, int(p.ceiling.max(initial=0))
    while low < high:
        mid = (low + high) // 2
        low, high = (
            (low, mid) if np.clip(mid, p.floor, p.ceiling).sum() >= total else (mid + 1, high)
        )
    return low


def _band(p: _Problem, h: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    return np.clip(h - 1 - a, p.floor, p.ceiling), np.clip(h + b, p.floor, p.ceiling)


def _flow(parts: list[tuple], supplies: np.ndarray, seed: int, *, max_flow: bool = False):
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


def _solve(p: _Problem, lo, hi, seed: int, compress: bool, units: int | None = None):
    """The optimum within per-judge total-load bounds [lo, hi] as a _Solution, or None."""
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
    solved = _flow(
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
        extra = _realize(zero, hub_e[hub_in > 0], hub_in[hub_in > 0], hub_j[hub_out > 0],
                         hub_out[hub_out > 0], seed)  # fmt: skip
        if extra is None:  # the relaxation cannot be realised: solve the full network
            return _solve(p, lo, hi, seed, compress=False, units=units)
        e, j = np.concatenate([e, extra[0]]), np.concatenate([j, extra[1]])
    return _Solution(e, j, cost)


def _realize(zero, ue, d, uj, h, seed: int):
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
        solved = _flow(arcs, supplies, seed)
        if solved is not None:
            used = solved[0][1] > 0
            return ue[r[used]], uj[c[used]]
    return None


def _diagnose(p: _Problem):
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
    (got, pair_flow, _), _ = _flow(arcs, supplies, 0, max_flow=True)
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


def _search(p: _Problem, h: int, seed: int, compress: bool):
    """The narrowest feasible band (see the module docstring) and its optimum."""
    tried: dict[bytes, _Solution | None] = {}

    def attempt(a: int, b: int):
        lo, hi = _band(p, h, a, b)
        key = lo.tobytes() + hi.tobytes()
        if key not in tried:
            tried[key] = _solve(p, lo, hi, seed, compress)
            if tried[key] is None and np.array_equal(lo, p.floor) and np.array_equal(hi, p.ceiling):
                _diagnose(p)  # not even the widest band: raises
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


def _start(entries, judges, conflicts, affinity, fixed, k) -> tuple[_Problem, int]:
    """Validate, check every entry cheaply, find the level h (or explain the infeasibility)."""
    p = _prepare(entries, judges, conflicts, affinity, fixed, k)
    _check_entries(p)
    h = _level(p) if p.need.any() else 0
    if h is None:
        _diagnose(p)
    return p, h


def _result(p: _Problem, affinity, e, j, lo, hi, widened: int) -> AssignmentResult:
    e, j = np.concatenate([p.fixed_e, e]), np.concatenate([p.fixed_j, j])
    order = np.lexsort((j, e))
    pairs = [
        (p.entry_ids[a], p.judge_ids[b])
        for a, b in zip(e[order].tolist(), j[order].tolist(), strict=True)
    ]
    loads = np.bincount(j, minlength=len(p.judge_ids))
    total = sum(affinity.get((b, a), 0) for a, b in pairs) if affinity else 0
    return AssignmentResult(
        pairs=pairs,
        total_affinity=total,
        loads=dict(zip(p.judge_ids, loads.tolist(), strict=True)),
        min_load=int(loads.min()) if loads.size else 0,
        max_load=int(loads.max()) if loads.size else 0,
        load_bounds={x: (int(a), int(b)) for x, a, b in zip(p.judge_ids, lo, hi, strict=True)},
        widened=widened,
    )


def assign(
    *,
    entries: Iterable[EntrySpec | EntryId],
    judges: Iterable[JudgeSpec | JudgeId],
    k: int,
    conflicts: Iterable[tuple[JudgeId, EntryId]] = (),
    affinity: Mapping[tuple[JudgeId, EntryId], float] | None = None,
    fixed: Iterable[Pair] = (),
    seed: int = 0,
    compress: bool = True,
) -> AssignmentResult:
    """The balanced, conflict-free assignment of ``k`` judges per entry with maximum affinity.

    ``conflicts`` and ``affinity`` keys are ``(judge, entry)``; ``fixed`` and the result's pairs
    are ``(entry, judge)``. Unknown ids in conflicts and affinity are ignored. ``compress=False``
    builds every entry–judge arc (slow; for verification). Raises :class:`NoValidAssignment`.
    """
    p, h = _start(entries, judges, conflicts, affinity, fixed, k)
    if not p.need.any():
        empty = np.empty(0, dtype=np.int64)
        return _result(p, affinity, empty, empty, p.fixed_load, p.fixed_load, 0)
    solution, lo, hi, widened = _search(p, h, seed, compress)
    return _result(p, affinity, solution.e, solution.j, lo, hi, widened)


def compute_loads(pairs: Iterable[Pair]) -> dict[JudgeId, int]:
    """Judge → number of entries, from ``(entry, judge)`` pairs (judges without pairs absent)."""
    return dict(Counter(judge for _, judge in pairs))
