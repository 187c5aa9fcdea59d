"""A two-pass assignment: the baseline ``make bench`` measures the exact engine against.

It lives here, not beside the engine, because the app never calls it. It reuses the engine's
own building blocks (its private helpers, on purpose: the two differ only in how they fill the
band) so the comparison is about the method, not the plumbing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from judging.assignment import (
    AssignmentResult,
    EntryId,
    EntrySpec,
    JudgeId,
    JudgeSpec,
    NoValidAssignment,
    Pair,
)
from judging.assignment.flow import solve
from judging.assignment.problem import band_of
from judging.assignment.solver import result_of, start


def assign_two_pass(
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
    """The benchmark's baseline — the app never calls it. Same ideal band as
    :func:`assign`, filled in two flows: first every judge's minimum load (max affinity), then
    the remaining slots with those pairs frozen. It can be strictly worse and can fail where
    :func:`assign` succeeds; it never widens the band."""
    p, h = start(entries, judges, conflicts, affinity, fixed, k)
    lo, hi = band_of(p, h, 0, 0)
    first = solve(p, lo, lo, seed, compress, units=int((lo - p.fixed_load).sum()))
    if first is None:
        raise NoValidAssignment([], "two-pass baseline: the minimum loads cannot be filled")
    counts = np.bincount(first.e, minlength=len(p.entry_ids))
    allowed = p.allowed.copy()
    allowed[first.e, first.j] = False
    keep = allowed[p.aff_e, p.aff_j]
    second_problem = p._replace(
        allowed=allowed,
        pos=p.pos & allowed,
        aff_e=p.aff_e[keep],
        aff_j=p.aff_j[keep],
        aff_cost=p.aff_cost[keep],
        fixed_e=np.concatenate([p.fixed_e, first.e]),
        fixed_j=np.concatenate([p.fixed_j, first.j]),
        need=p.need - counts,
        fixed_load=lo,
    )
    second = solve(second_problem, lo, hi, seed, compress)
    if second is None:
        raise NoValidAssignment([], "two-pass baseline: the first pass left no valid completion")
    return result_of(second_problem, affinity, second.e, second.j, lo, hi, 0)
