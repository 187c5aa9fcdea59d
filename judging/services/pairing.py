"""Choosing the next pair for a judge from the database: the inputs of
:func:`judging.pairwise.next_pair`, gathered fast enough for a request at 50,000 entries.

* The round's entries, their division and how often each has been served (coverage) change
  slowly and only need to be about right: they are kept in the cache as a **snapshot**,
  rebuilt from the database every :data:`SNAPSHOT_SECONDS` and counted forward by every pair
  this process serves in between.
* What must be exact is read fresh on every request: the pairs this judge has already been
  served (never twice), the judge's conflicts (:mod:`judging.pair_conflicts`), and — once a
  pair is chosen — that both entries may still be judged (a consent withdrawn a second ago,
  an entry withdrawn): a pair that fails is dropped and another chosen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count
from django.db.models.functions import Cast

from contests.models import Round
from core.tasks import run_after_commit
from judging import pairwise
from judging.enums import DECIDED, ComparisonOutcome
from judging.models import Comparison
from judging.pair_conflicts import judge_blocked_entries
from judging.scale import RoundScale, canon_id, decided_count, latest_scale
from judging.selectors import conflict_pairs, round_entries

# After the burn-in, the chance that a partner is random rather than the most informative
# neighbour. 1: random partners, so that the SSR organizers read is honest (bench/sim_pairwise.py:
# at the stop SSR − true reliability is −0.01…+0.01 with 1, +0.06…+0.10 with 0.5, +0.13…+0.29
# with 0); the focal drawing is still the least compared one, so coverage stays adaptive.
EXPLORE = 1.0
REFIT_MIN = 30  # an adaptive pairing refits the scale after this many new decisions …
REFIT_SHARE = 0.02  # … or this share of the decisions, whichever is more
SERVED = (ComparisonOutcome.PENDING, *DECIDED)  # what counts towards an entry's coverage
SNAPSHOT_SECONDS = 60
MAX_TRIES = 20  # pairs dropped (an entry left judging meanwhile) before giving up


def _as_text(column: str) -> Cast:
    return Cast(column, CharField())


@dataclass
class Snapshot:
    ids: list[str]
    division: list[str]
    counts: np.ndarray  # pairs served per entry (pending or decided)
    lefts: np.ndarray  # times on the left
    built: float  # time.monotonic() of the rebuild


def _snapshot_build(rnd: Round) -> Snapshot:
    rows = list(round_entries(rnd).order_by("pk").values_list(_as_text("pk"), "division__code"))
    ids = [canon_id(pk) for pk, _code in rows]
    at = {entry_id: i for i, entry_id in enumerate(ids)}
    counts = np.zeros(len(ids), dtype=np.int64)
    lefts = np.zeros(len(ids), dtype=np.int64)
    served = Comparison.objects.filter(round=rnd, outcome__in=SERVED)
    for column, sides in (("left_id", (counts, lefts)), ("right_id", (counts,))):
        grouped = served.values(text=_as_text(column)).annotate(n=Count("id")).order_by()
        for row in grouped.values_list("text", "n"):
            i = at.get(canon_id(row[0]))
            if i is not None:
                for array in sides:
                    array[i] += row[1]
    return Snapshot(ids, [code for _pk, code in rows], counts, lefts, time.monotonic())


def _snapshot_key(rnd: Round) -> str:
    return f"gongmo:pairing-snapshot:{rnd.pk}"


def round_snapshot(rnd: Round) -> Snapshot:
    snapshot = cache.get(_snapshot_key(rnd))
    if snapshot is None or time.monotonic() - snapshot.built > SNAPSHOT_SECONDS:
        snapshot = _snapshot_build(rnd)
        cache.set(_snapshot_key(rnd), snapshot, SNAPSHOT_SECONDS * 10)
    return snapshot


def snapshot_forget(rnd: Round) -> None:
    """Rebuild at the next request (e.g. after a recusal voided pairs)."""
    cache.delete(_snapshot_key(rnd))


def round_scale_recent(rnd: Round) -> RoundScale | None:
    """The round's latest scale from the cache, refitted when the decisions grew by
    :data:`REFIT_MIN` or :data:`REFIT_SHARE` since — after commit, and in the background where
    there is a worker (``judging.tasks.round_scale_refresh``), so a judge's request does not
    wait for a fit of the whole round. None before the first fit."""
    decided = decided_count(rnd)
    scale = latest_scale(rnd)
    if scale is None or decided - scale.decided >= max(REFIT_MIN, REFIT_SHARE * decided):
        run_after_commit("judging.tasks.round_scale_refresh", round_id=rnd.pk)
        scale = latest_scale(rnd)  # refitted already when the work runs in-process
    return scale


def _estimates(rnd: Round) -> dict[str, tuple[float, float]]:
    """θ and se per entry for an adaptive pairing (an adaptive pairing on stale estimates is a
    random one); nothing when partners are random."""
    if EXPLORE >= 1:
        return {}
    scale = round_scale_recent(rnd)
    return scale.estimates() if scale is not None else {}


def eligible(rnd: Round, user, entry_ids) -> set[str]:
    """Of ``entry_ids``, those the judge may see in the round now (exact, a few rows)."""
    entries = list(round_entries(rnd).filter(pk__in=list(entry_ids)).select_related("child"))
    blocked = {e for _j, e in conflict_pairs(rnd.contest, entries, [user])}
    return {str(e.pk) for e in entries} - blocked


class Pairing:
    """The engine's state for one judge's request: one :class:`PairingState` per group."""

    def __init__(self, rnd: Round, user) -> None:
        self.rnd, self.user = rnd, user
        self.snapshot = snap = round_snapshot(rnd)
        blocked = judge_blocked_entries(rnd, user, snap.ids)
        mine = [
            (user.pk, canon_id(a), canon_id(b))
            for a, b in Comparison.objects.filter(round=rnd, judge=user).values_list(
                _as_text("left_id"), _as_text("right_id")
            )
        ]
        estimates = _estimates(rnd)
        self.rng = np.random.default_rng()
        self.states: list[pairwise.PairingState] = []
        self.position = {entry_id: i for i, entry_id in enumerate(snap.ids)}
        keys = sorted(set(snap.division)) if rnd.per_division else [None]
        for key in keys:
            at = [i for i, d in enumerate(snap.division) if key is None or d == key]
            if len(at) < 2:
                continue
            group = [snap.ids[i] for i in at]
            members = set(group)
            state = pairwise.PairingState.build(
                entries=group,
                conflicts={user.pk: [e for e in group if e in blocked]},
                served=[(j, a, b) for j, a, b in mine if a in members and b in members],
                seed=int(self.rng.integers(2**31)),
            )
            state.comparisons[:] = snap.counts[at]
            state.left[:] = snap.lefts[at]
            known = [e for e in group if e in estimates]
            if known:
                state.update_estimates(
                    entries=known,
                    theta=[estimates[e][0] for e in known],
                    se=[estimates[e][1] for e in known],
                )
            self.states.append(state)

    def _order(self) -> list[pairwise.PairingState]:
        """Groups by the fewest comparisons among the entries the judge may see (coverage
        first across divisions too), ties at random."""
        keyed = []
        for state in self.states:
            visible = np.ones(len(state.entries), dtype=bool)
            visible[state.conflicts.get(self.user.pk, np.zeros(0, dtype=np.int64))] = False
            if visible.sum() >= 2:
                keyed.append((int(state.comparisons[visible].min()), self.rng.random(), state))
        return [state for _n, _r, state in sorted(keyed, key=lambda k: k[:2])]

    def _exclude(self, entry_id: str) -> None:
        """An entry found not judgeable: never offered again in this request."""
        for state in self.states:
            if entry_id in state.index:
                blocked = state.conflicts.get(self.user.pk, np.zeros(0, dtype=np.int64))
                state.conflicts[self.user.pk] = np.union1d(blocked, [state.index[entry_id]])

    def next(self) -> tuple[str, str] | None:
        """A pair both of whose entries may be judged now, recorded as served (here and in
        the snapshot), or None."""
        for _try in range(MAX_TRIES):
            pair = None
            for state in self._order():
                pair = pairwise.next_pair(
                    state=state, judge=self.user.pk, rng=self.rng, explore=EXPLORE
                )
                if pair is not None:
                    break
            if pair is None:
                return None
            ok = eligible(self.rnd, self.user, pair)
            if set(pair) <= ok:
                state.record(judge=self.user.pk, left=pair[0], right=pair[1])
                self._count(pair)
                return pair
            for entry_id in set(pair) - ok:
                self._exclude(entry_id)
        return None

    def _count(self, pair: tuple[str, str]) -> None:
        snap = self.snapshot
        left, right = self.position[pair[0]], self.position[pair[1]]
        snap.counts[[left, right]] += 1
        snap.lefts[left] += 1
        cache.set(_snapshot_key(self.rnd), snap, SNAPSHOT_SECONDS * 10)


def serve(rnd: Round, user, count: int) -> list[Comparison]:
    """Serve up to ``count`` new pairs to ``user`` (call inside the seat's lock)."""
    pairing = Pairing(rnd, user)
    made = []
    for _attempt in range(count):
        pair = pairing.next()
        if pair is None:
            break
        try:
            with transaction.atomic():
                made.append(
                    Comparison.objects.create(
                        round=rnd, judge=user, left_id=pair[0], right_id=pair[1]
                    )
                )
        except IntegrityError:  # pragma: no cover - the seat lock serialises a judge's calls
            break
    return made
