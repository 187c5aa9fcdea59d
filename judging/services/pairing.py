"""Choosing the next pair for a judge from the database: the inputs of
:func:`judging.pairwise.next_pair`, gathered fast enough for a request at 50,000 entries.

* Each worker process keeps, per round, the engine's state (:class:`RoundPairing`: one
  :class:`judging.pairwise.PairingState` per group, the entries' institutions for the conflict
  rule). It is rebuilt from the database every :data:`REBUILD_SECONDS`, or at once when the
  round's token in the shared cache changed or is gone (:func:`pairing_forget`, a cleared
  cache) — so no worker serves from a state another has declared stale.
* In between, every request first reads the comparisons created since the last one the
  state counted (``id > last_id``: a few rows, by the primary key), whichever worker served
  them: the counts that drive coverage and the pairs each judge has been served stay in step
  across workers. A pair this worker serves is counted at once (two pairs in one request,
  two judges in a row, get different focal entries), and not again when its row comes back.
  Outcomes that change later (a pair voided) are corrected by the next rebuild: coverage only
  needs to be about right.
* What must be exact is read fresh on every request: the judge's conflicts
  (:mod:`judging.pair_conflicts`; the entries' institutions come from the state) and — once a
  pair is chosen — that both entries may still be judged (a consent withdrawn a second ago,
  an entry withdrawn): a pair that fails is dropped and another chosen. A judge is never
  served the same pair twice: the state knows every pair served to the judge, and the
  database refuses a repeat.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, Max
from django.db.models.functions import Cast

from contests.models import Round
from core.tasks import run_after_commit
from judging import pairwise
from judging.enums import DECIDED, ComparisonOutcome
from judging.models import Comparison
from judging.pair_conflicts import institutions_index, judge_blocked_entries
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
REBUILD_SECONDS = 300  # the catch-up keeps counts in step; a rebuild only corrects drift
TOKEN_SECONDS = 24 * 3600
MAX_TRIES = 20  # pairs dropped (an entry left judging meanwhile) before giving up


def _as_text(column: str) -> Cast:
    return Cast(column, CharField())


@dataclass(eq=False)
class RoundPairing:
    """One round's pairing state in this process (see the module docstring)."""

    token: str
    built: float  # time.monotonic() of the rebuild
    last_id: int  # every comparison with an id up to this one is counted
    groups: list[pairwise.PairingState]
    group_of: dict[str, int]  # entry id → its group
    ids: frozenset[str]
    institutions: dict[str, list[str]]
    judges: set = field(default_factory=set)  # judges whose served pairs are loaded
    mine: set[int] = field(default_factory=set)  # ids served here, counted already
    scale_decided: int = -1  # the decisions of the estimates applied (adaptive pairing)
    lock: threading.Lock = field(default_factory=threading.Lock)


_rounds: dict[int, RoundPairing] = {}
_rounds_lock = threading.Lock()


def _token_key(rnd: Round) -> str:
    return f"gongmo:pairing-token:{rnd.pk}"


def _build(rnd: Round, token: str) -> RoundPairing:
    served = Comparison.objects.filter(round=rnd)
    last_id = served.aggregate(last=Max("id"))["last"] or 0
    rows = list(round_entries(rnd).order_by("pk").values_list(_as_text("pk"), "division__code"))
    ids = [canon_id(pk) for pk, _code in rows]
    keys = sorted({code for _pk, code in rows}) if rnd.per_division else [None]
    members: dict[object, list[str]] = {key: [] for key in keys}
    for entry_id, (_pk, code) in zip(ids, rows, strict=True):
        members[code if rnd.per_division else None].append(entry_id)
    rng = np.random.default_rng()
    groups, group_of = [], {}
    for group in members.values():
        if len(group) < 2:
            continue
        state = pairwise.PairingState.build(entries=group, seed=int(rng.integers(2**31)))
        group_of.update(dict.fromkeys(group, len(groups)))
        groups.append(state)
    counted = served.filter(id__lte=last_id, outcome__in=SERVED)
    for column, on_left in (("left_id", True), ("right_id", False)):
        grouped = counted.values(text=_as_text(column)).annotate(n=Count("id")).order_by()
        for text, n in grouped.values_list("text", "n"):
            entry_id = canon_id(text)
            at = group_of.get(entry_id)
            if at is not None:
                state = groups[at]
                i = state.index[entry_id]
                state.comparisons[i] += n
                if on_left:
                    state.left[i] += n
    id_set = frozenset(ids)
    return RoundPairing(
        token=token,
        built=time.monotonic(),
        last_id=last_id,
        groups=groups,
        group_of=group_of,
        ids=id_set,
        institutions=institutions_index(rnd, id_set),
    )


def round_pairing(rnd: Round) -> RoundPairing:
    """This process's state of the round, rebuilt when stale or declared stale."""
    token = cache.get(_token_key(rnd))
    with _rounds_lock:
        state = _rounds.get(rnd.pk)
    fresh = (
        state is not None
        and token == state.token
        and time.monotonic() - state.built <= REBUILD_SECONDS
    )
    if fresh:
        return state
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(_token_key(rnd), token, TOKEN_SECONDS):
            token = cache.get(_token_key(rnd)) or token
    state = _build(rnd, token)
    with _rounds_lock:
        _rounds[rnd.pk] = state
    return state


def pairing_forget(rnd: Round) -> None:
    """Every worker rebuilds the round's state at its next request."""
    cache.delete(_token_key(rnd))


def _catch_up(state: RoundPairing, rnd: Round) -> None:
    """Count the comparisons created since the state's last one, by any worker."""
    new = (
        Comparison.objects.filter(round=rnd, id__gt=state.last_id)
        .order_by("id")
        .values_list("id", "judge_id", _as_text("left_id"), _as_text("right_id"), "outcome")
    )
    for pk, judge_id, left, right, outcome in new:
        state.last_id = max(state.last_id, pk)
        if pk in state.mine:
            state.mine.discard(pk)
            continue
        left, right = canon_id(left), canon_id(right)
        at = state.group_of.get(left)
        if at is None or at != state.group_of.get(right):
            continue
        group = state.groups[at]
        i, j = group.index[left], group.index[right]
        if judge_id in state.judges:
            group.seen.setdefault(judge_id, set()).add(group._key(i, j))
        if outcome in SERVED:
            group.comparisons[[i, j]] += 1
            group.left[i] += 1


def _load_judge(state: RoundPairing, rnd: Round, user) -> None:
    """The pairs already served to ``user`` (up to the state's last id; later ones come with
    :func:`_catch_up`), once per state."""
    if user.pk in state.judges:
        return
    pairs = Comparison.objects.filter(round=rnd, judge=user, id__lte=state.last_id).values_list(
        _as_text("left_id"), _as_text("right_id")
    )
    for left, right in pairs:
        left, right = canon_id(left), canon_id(right)
        at = state.group_of.get(left)
        if at is not None and at == state.group_of.get(right):
            group = state.groups[at]
            key = group._key(group.index[left], group.index[right])
            group.seen.setdefault(user.pk, set()).add(key)
    state.judges.add(user.pk)


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


def _estimates(state: RoundPairing, rnd: Round) -> None:
    """θ and se per entry for an adaptive pairing (an adaptive pairing on stale estimates is a
    random one), applied when the scale changed; nothing when partners are random."""
    if EXPLORE >= 1:
        return
    scale = round_scale_recent(rnd)
    if scale is None or scale.decided == state.scale_decided:
        return
    estimates = scale.estimates()
    for group in state.groups:
        known = [e for e in group.entries if e in estimates]
        if known:
            group.update_estimates(
                entries=known,
                theta=[estimates[e][0] for e in known],
                se=[estimates[e][1] for e in known],
            )
    state.scale_decided = scale.decided


def eligible(rnd: Round, user, entry_ids) -> set[str]:
    """Of ``entry_ids``, those the judge may see in the round now (exact, a few rows)."""
    entries = list(round_entries(rnd).filter(pk__in=list(entry_ids)).select_related("child"))
    blocked = {e for _j, e in conflict_pairs(rnd.contest, entries, [user])}
    return {str(e.pk) for e in entries} - blocked


class Pairing:
    """One judge's request: the round's state with the judge's conflicts set."""

    def __init__(self, rnd: Round, user, state: RoundPairing) -> None:
        self.rnd, self.user, self.state = rnd, user, state
        self.rng = np.random.default_rng()
        blocked = judge_blocked_entries(rnd, user, state.ids, state.institutions)
        for group in state.groups:  # ids not in the group are ignored
            group.conflicts_set(judge=user.pk, entries=blocked)

    def _order(self) -> list[pairwise.PairingState]:
        """Groups by the fewest comparisons among the entries the judge may see (coverage
        first across divisions too), ties at random."""
        keyed = []
        for group in self.state.groups:
            visible = np.ones(len(group.entries), dtype=bool)
            visible[group.conflicts.get(self.user.pk, np.zeros(0, dtype=np.int64))] = False
            if visible.sum() >= 2:
                keyed.append((int(group.comparisons[visible].min()), self.rng.random(), group))
        return [group for _n, _r, group in sorted(keyed, key=lambda k: k[:2])]

    def _exclude(self, entry_id: str) -> None:
        """An entry found not judgeable: never offered again in this request."""
        group = self.state.groups[self.state.group_of[entry_id]]
        blocked = group.conflicts.get(self.user.pk, np.zeros(0, dtype=np.int64))
        group.conflicts[self.user.pk] = np.union1d(blocked, [group.index[entry_id]])

    def next(self) -> tuple[str, str] | None:
        """A pair both of whose entries may be judged now, counted as served, or None."""
        for _try in range(MAX_TRIES):
            pair = None
            for group in self._order():
                pair = pairwise.next_pair(
                    state=group, judge=self.user.pk, rng=self.rng, explore=EXPLORE
                )
                if pair is not None:
                    break
            if pair is None:
                return None
            ok = eligible(self.rnd, self.user, pair)
            if set(pair) <= ok:
                group.record(judge=self.user.pk, left=pair[0], right=pair[1])
                return pair
            for entry_id in set(pair) - ok:
                self._exclude(entry_id)
        return None


def serve(rnd: Round, user, count: int) -> list[Comparison]:
    """Serve up to ``count`` new pairs to ``user`` (call inside the seat's lock)."""
    state = round_pairing(rnd)
    made = []
    with state.lock:
        _catch_up(state, rnd)
        _load_judge(state, rnd, user)
        _estimates(state, rnd)
        pairing = Pairing(rnd, user, state)
        for _attempt in range(count + MAX_TRIES):
            pair = pairing.next()
            if pair is None:
                break
            try:
                with transaction.atomic():
                    comparison = Comparison.objects.create(
                        round=rnd, judge=user, left_id=pair[0], right_id=pair[1]
                    )
            except IntegrityError:
                # Served to this judge already, by a transaction that committed after a higher
                # id was counted: the pair is now in the state's record; choose another.
                continue
            state.mine.add(comparison.pk)
            made.append(comparison)
            if len(made) == count:
                break
    return made
