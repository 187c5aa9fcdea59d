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

from judging.assignment.solver import assign, compute_loads
from judging.assignment.types import (
    AFFINITY_SCALE,
    AssignmentResult,
    EntryId,
    EntrySpec,
    JudgeId,
    JudgeSpec,
    NoValidAssignment,
    Pair,
)

__all__ = [
    "AFFINITY_SCALE",
    "AssignmentResult",
    "EntryId",
    "EntrySpec",
    "JudgeId",
    "JudgeSpec",
    "NoValidAssignment",
    "Pair",
    "assign",
    "compute_loads",
]
