"""``assign``: the one entry point the service and the command call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np

from judging.assignment.flow import diagnose, search
from judging.assignment.problem import entries_check, level_of, prepare
from judging.assignment.types import (
    AssignmentResult,
    EntryId,
    EntrySpec,
    JudgeId,
    JudgeSpec,
    Pair,
    Problem,
)


def start(entries, judges, conflicts, affinity, fixed, k) -> tuple[Problem, int]:
    """Validate, check every entry cheaply, find the level h (or explain the infeasibility)."""
    p = prepare(entries, judges, conflicts, affinity, fixed, k)
    entries_check(p)
    h = level_of(p) if p.need.any() else 0
    if h is None:
        diagnose(p)
    return p, h


def result_of(p: Problem, affinity, e, j, lo, hi, widened: int) -> AssignmentResult:
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
    p, h = start(entries, judges, conflicts, affinity, fixed, k)
    if not p.need.any():
        empty = np.empty(0, dtype=np.int64)
        return result_of(p, affinity, empty, empty, p.fixed_load, p.fixed_load, 0)
    solution, lo, hi, widened = search(p, h, seed, compress)
    return result_of(p, affinity, solution.e, solution.j, lo, hi, widened)


def compute_loads(pairs: Iterable[Pair]) -> dict[JudgeId, int]:
    """Judge → number of entries, from ``(entry, judge)`` pairs (judges without pairs absent)."""
    return dict(Counter(judge for _, judge in pairs))
