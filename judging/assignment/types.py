"""The assignment engine's vocabulary: ids, inputs, the result, the failure, the problem."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

AFFINITY_SCALE = 1000  # float affinities are multiplied by this and rounded to integer costs
INLINE_ZERO_ARCS = 8  # entries with at most this many zero-affinity judges keep direct arcs
EXHAUSTIVE_WIDENING = 2  # every band split is tried up to this much widening
REALIZE_SAMPLE = 24  # hub slots are first realised among this many random judges per entry

EntryId = Hashable
JudgeId = Hashable
Pair = tuple[EntryId, JudgeId]


def key_of(value: Hashable) -> tuple[str, Hashable]:
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
        self.entries = sorted(entries, key=key_of)
        self.reason = reason
        self.available = dict(available or {})
        super().__init__(reason)


class Problem(NamedTuple):
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


class Solution(NamedTuple):
    e: np.ndarray
    j: np.ndarray
    cost: int
