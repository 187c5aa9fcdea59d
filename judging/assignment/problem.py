"""The problem in arrays: canonical order, allowed pairs, affinities, the load band."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from judging.assignment.types import (
    AFFINITY_SCALE,
    EntrySpec,
    JudgeSpec,
    NoValidAssignment,
    Problem,
    key_of,
)


def pairs_index(pairs: Iterable, e_at: dict, j_at: dict, *, strict: bool) -> tuple:
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


def prepare(entries, judges, conflicts, affinity, fixed, k) -> Problem:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError("k must be a positive integer")
    ents = sorted(
        (x if isinstance(x, EntrySpec) else EntrySpec(x) for x in entries),
        key=lambda x: key_of(x.id),
    )
    juds = sorted(
        (x if isinstance(x, JudgeSpec) else JudgeSpec(x) for x in judges),
        key=lambda x: key_of(x.id),
    )
    e_ids, j_ids = [x.id for x in ents], [x.id for x in juds]
    e_at, j_at = {x: i for i, x in enumerate(e_ids)}, {x: i for i, x in enumerate(j_ids)}
    if len(e_at) < len(e_ids) or len(j_at) < len(j_ids):
        raise ValueError("entry and judge ids must be unique")
    n, m = len(e_ids), len(j_ids)
    allowed = np.ones((n, m), dtype=bool)
    allowed[pairs_index(((e, j) for j, e in conflicts), e_at, j_at, strict=False)] = False
    fixed_e, fixed_j = pairs_index(fixed, e_at, j_at, strict=True)
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
    return Problem(e_ids, j_ids, k, allowed, pos, ae, aj, cost, fixed_e, fixed_j, need,
                    fixed_load, cap, floor, ceiling)  # fmt: skip


def entries_check(p: Problem) -> None:
    """The cheap test first: an entry with fewer unconflicted judges (with room) than k."""
    free = p.allowed[:, p.cap > p.fixed_load].sum(axis=1)
    short = np.flatnonzero(free < p.need)
    if short.size:
        available = {p.entry_ids[e]: int(free[e] + p.k - p.need[e]) for e in short}
        raise NoValidAssignment(available, f"fewer than k={p.k} unconflicted judges", available)


def level_of(p: Problem) -> int | None:
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


def band_of(p: Problem, h: int, a: int, b: int) -> tuple[np.ndarray, np.ndarray]:
    return np.clip(h - 1 - a, p.floor, p.ceiling), np.clip(h + b, p.floor, p.ceiling)
