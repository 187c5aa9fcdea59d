"""Vectorised kernels behind the ranking engine (`results.ranking`).

Pure numpy/pandas, no Django. Every function works on integer codes (0..n-1, as produced by
`pd.factorize`), never on labels, and none loops in Python over entries, judges or rows.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

#: Scores are rounded to this many decimals before any comparison (ties, ranks) and in output,
#: so floating-point noise (0.1 + 0.2 vs 0.3, the order of a sum) never splits or merges a tie.
DECIMALS = 6


def exact(values: np.ndarray) -> np.ndarray:
    """Round to `DECIMALS` and turn -0.0 into 0.0: the form in which scores are compared."""
    return np.round(np.asarray(values, dtype=np.float64), DECIMALS) + 0.0


class Labels(NamedTuple):
    """Labels numbered in the order of their string forms (Python code-point order)."""

    codes: np.ndarray  # int64 code per input value; -1 where the value is missing
    labels: pd.Index  # the original labels, indexed by code
    strings: list[str]  # str(label), indexed by code (sorted)


def canonical_labels(values: Any) -> Labels:
    """Factorize `values` so that codes follow str(label) order, whatever the input row order.

    Raises ValueError when two different labels have the same string form (1 and "1"), which
    would make the canonical order ambiguous.
    """
    codes, uniques = pd.factorize(values)
    uniques = pd.Index(uniques)
    position, strings = pd.factorize(uniques.astype(str), sort=True)
    if len(strings) != len(uniques):
        raise ValueError("labels with the same string form")
    canonical = position[np.maximum(codes, 0)].astype(np.int64)
    canonical[codes < 0] = -1
    return Labels(canonical, uniques.take(np.argsort(position)), strings.tolist())


class GroupStats(NamedTuple):
    count: np.ndarray
    total: np.ndarray
    mean: np.ndarray
    std: np.ndarray  # population standard deviation (ddof=0)
    min: np.ndarray
    max: np.ndarray


def group_stats(groups: np.ndarray, values: np.ndarray, n_groups: int) -> GroupStats:
    """Count, sum, mean, population std (two-pass, for accuracy), min and max per group."""
    count = np.bincount(groups, minlength=n_groups)
    total = np.bincount(groups, weights=values, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        deviation = values - mean[groups]
        std = np.sqrt(
            np.bincount(groups, weights=deviation * deviation, minlength=n_groups) / count
        )
    low = np.full(n_groups, np.inf)
    high = np.full(n_groups, -np.inf)
    np.minimum.at(low, groups, values)
    np.maximum.at(high, groups, values)
    return GroupStats(count, total, mean, std, low, high)


def card_z(card_judge: np.ndarray, totals: np.ndarray, judge: GroupStats) -> np.ndarray:
    """Each scorecard total standardised over its judge's totals (population std); a judge who
    gave every entry the same total gets z = 0 throughout."""
    flat = judge.min == judge.max
    spread = np.where(flat, 1.0, judge.std)[card_judge]
    return np.where(flat[card_judge], 0.0, (totals - judge.mean[card_judge]) / spread)


def component_roots(u: np.ndarray, v: np.ndarray, n_nodes: int) -> np.ndarray:
    """Connected components of the undirected graph with edges (u[i], v[i]).

    Returns, for every node, the smallest node id of its component. Vectorised hook-and-compress
    (Shiloach–Vishkin style): each round hooks every root to the smallest root across its edges,
    then pointer-jumps until every node points at a root. Parents only ever decrease, so there
    are no cycles, and every round with a remaining cross edge merges at least two components.
    """
    parent = np.arange(n_nodes)
    while True:
        root_u, root_v = parent[u], parent[v]
        cross = root_u != root_v
        if not cross.any():
            return parent
        lo, hi = np.minimum(root_u[cross], root_v[cross]), np.maximum(root_u[cross], root_v[cross])
        np.minimum.at(parent, hi, lo)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand


def competition_ranks(groups: np.ndarray, keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Competition ranks ("1, 2, 2, 4") within each group.

    `keys` are compared in order, smaller is better; they must hold no NaN. Items equal on every
    key share a rank. Returns (order, ranks): `order` sorts items by (group, keys..., item index)
    — lexsort is stable, so equal items stay in index order — and `ranks[i]` is item i's rank.
    """
    n = len(groups)
    order = np.lexsort((*reversed(keys), groups))
    sorted_groups = groups[order]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = sorted_groups[1:] != sorted_groups[:-1]
    new_run = new_group.copy()
    for key in keys:
        sorted_key = key[order]
        new_run[1:] |= sorted_key[1:] != sorted_key[:-1]
    index = np.arange(n)
    run_start = np.maximum.accumulate(np.where(new_run, index, 0))
    group_start = np.maximum.accumulate(np.where(new_group, index, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = run_start - group_start + 1
    return order, ranks


def descending_average_ranks(groups: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Rank values within each group, highest = 1, ties get the average of their ranks."""
    ranked = pd.Series(values).groupby(groups, sort=False).rank(method="average", ascending=False)
    return ranked.to_numpy(dtype=np.float64)


def json_bytes(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_parts(*parts: bytes) -> str:
    """SHA-256 over length-prefixed parts, so no two different part lists hash alike."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()
