"""Prize allocation: walk a final ranking and fill the prize tiers (DOMAIN §7).

Pure module: plain data in, plain data out; no Django, no pandas. The service layer loads the
ranking snapshot and the tiers, calls :func:`prizes_allocate` (or
:func:`prizes_allocate_by_division`) and stores the result.

The rules, as implemented
-------------------------
* The tiers, in order, expand into a sequence of **slots** (대상 1, 최우수 1, 최우수 2, 우수 1, …),
  each worth its tier's amount and carrying its tier's minimum score.
* The ranking is read as **rank groups** in ascending rank; entries sharing a rank form one group
  and are never separated. Inside a group, members are ordered by entry id (plain ``str``
  ordering), so the result does not depend on the order of the input rows.
* A slot pointer walks the sequence. For each group, slots are taken one by one until the group
  has as many slots as members:

  - a slot whose tier minimum the group does not reach (``score < min_score``) is **skipped**:
    it stays unawarded (해당작 없음) and its money is reported as ``unallocated``. Because scores
    never increase down the ranking (checked), no later entry could reach it either, so skipping
    it is final — the money never moves to another tier;
  - when the slots run out the group stops: the missing slots are "past the last" and worth 0.

  A group that got at least one slot shares the total of its slots equally: each member gets
  ``total // size`` won and ``total % size`` is added to ``remainder`` (reported, not paid).
  Every member is listed under the tier of the group's first (= highest) slot; a group of two or
  more is marked ``joint`` (공동). A slot that is taken counts as awarded even if it is worth
  0 won (Track D 입선 is a certificate): the entry is still a winner.
* Slots the walk never reached (the ranking ran out) are unawarded as well.

Interpretations where the specification leaves room
---------------------------------------------------
* **Min scores and tied groups.** A rank group has one score (members are tied), so eligibility
  is decided once for the whole group: the group takes the next slots it is eligible for and
  skips — leaving unawarded — every slot it is not. The group's run of slots is therefore
  "consecutive" among the slots still open to it; if a stricter tier sits *between* two lenient
  ones (an unusual configuration), the group jumps over the stricter tier's slots and those are
  unallocated, never given to a lower-ranked entry. Should members of one rank carry slightly
  different scores (inconsistent input), the **lowest** member score decides, so nobody is paid
  from a slot whose minimum they do not reach.
* "Reaches the minimum" means ``score >= min_score``; ``min_score=None`` means no minimum.
* The ranking must be consistent: unique entries, ranks ≥ 1, finite scores, and no rank group
  scoring higher than a better-ranked one (equal scores on different ranks are fine — that is
  what a tie-break does). Violations raise :class:`InvalidRanking` rather than guess.
* Tier codes must be unique within one allocation: slots and awards are identified by them.
* Tiers may mix kinds (``prize`` taxed, ``grant`` not). If a tied group's slots span both kinds,
  each member's share is split into ``prize_amount`` (``prize slots total // size``) and
  ``grant_amount`` (the rest of the share), so the payout sheet can withhold on the prize part
  only; ``kind`` is the kind of the tier the award is listed under.
* Slot indices are 1-based within their tier (최우수 1, 최우수 2), as in DOMAIN §7.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import groupby, pairwise
from typing import Literal, NamedTuple

from contests.budget import tier_total

__all__ = [
    "GRANT",
    "PRIZE",
    "Allocation",
    "Award",
    "InvalidRanking",
    "InvalidTiers",
    "Kind",
    "PrizeError",
    "RankedEntry",
    "SlotRef",
    "Tier",
    "prizes_allocate",
    "prizes_allocate_by_division",
    "tiers_total",
]

Kind = Literal["prize", "grant"]
PRIZE: Kind = "prize"
GRANT: Kind = "grant"
_KINDS = frozenset({PRIZE, GRANT})

Score = Decimal | float | int


# --- errors ------------------------------------------------------------------------------------


class PrizeError(ValueError):
    """Base of this module's errors; ``code`` is stable, ``detail`` is JSON-friendly."""

    code = "prize_error"

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class InvalidTiers(PrizeError):
    code = "invalid_tiers"


class InvalidRanking(PrizeError):
    code = "invalid_ranking"


# --- input -------------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_score(value: object) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return _is_int(value)


@dataclass(frozen=True, slots=True)
class Tier:
    """One prize tier: ``count`` awards of ``amount`` KRW each, in rank order of the tiers."""

    code: str
    name: str
    count: int
    amount: int
    min_score: Score | None = None
    kind: Kind = PRIZE

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise InvalidTiers("A tier needs a non-empty code.", tier=repr(self.code))
        if not _is_int(self.count) or self.count < 0:
            raise InvalidTiers(
                f"Tier {self.code}: count must be a whole number ≥ 0.", tier=self.code
            )
        if not _is_int(self.amount) or self.amount < 0:
            raise InvalidTiers(f"Tier {self.code}: amount must be whole won ≥ 0.", tier=self.code)
        if self.min_score is not None and not _is_finite_score(self.min_score):
            raise InvalidTiers(
                f"Tier {self.code}: min_score must be a finite number or None.", tier=self.code
            )
        if self.kind not in _KINDS:
            raise InvalidTiers(
                f"Tier {self.code}: kind must be 'prize' or 'grant'.", tier=self.code
            )

    @property
    def total(self) -> int:
        return tier_total(count=self.count, amount=self.amount)

    def reached_by(self, score: Score) -> bool:
        return self.min_score is None or score >= self.min_score


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One row of a final ranking. Entries sharing ``rank`` are tied."""

    entry: str
    rank: int
    score: Score

    def __post_init__(self) -> None:
        if not isinstance(self.entry, str) or not self.entry:
            raise InvalidRanking("A ranked entry needs a non-empty id.", entry=repr(self.entry))
        if not _is_int(self.rank) or self.rank < 1:
            raise InvalidRanking(
                f"Entry {self.entry}: rank must be a whole number ≥ 1.", entry=self.entry
            )
        if not _is_finite_score(self.score):
            raise InvalidRanking(
                f"Entry {self.entry}: score must be a finite number.", entry=self.entry
            )


# --- output ------------------------------------------------------------------------------------


class SlotRef(NamedTuple):
    """One slot: the ``index``-th (1-based) award of tier ``tier_code``, worth ``amount``."""

    tier_code: str
    slot_index: int
    amount: int


@dataclass(frozen=True, slots=True)
class Award:
    """What one entry receives. ``amount == prize_amount + grant_amount``."""

    entry: str
    tier_code: str
    amount: int
    joint: bool
    rank: int
    slots: list[SlotRef]
    tier_name: str = ""
    kind: Kind = PRIZE
    prize_amount: int = 0
    grant_amount: int = 0
    group_size: int = 1
    division: str | None = None


@dataclass(frozen=True, slots=True)
class Allocation:
    """Result of one allocation. ``awarded_total + unallocated + remainder == tiers_total``."""

    awards: list[Award]
    awarded_total: int
    unallocated: int
    remainder: int
    tiers_total: int
    unawarded_slots: list[SlotRef]
    by_division: dict[str, Allocation] = field(default_factory=dict)
    # the unawarded slots the walk never reached because the ranking ran out (too few ranked
    # entries); every other unawarded slot was skipped for its tier's minimum score
    past_ranking: list[SlotRef] = field(default_factory=list)


# --- helpers -----------------------------------------------------------------------------------


def tiers_total(tiers: Sequence[Tier]) -> int:
    """Sum of ``count × amount`` over the tiers (KRW)."""
    return sum(tier.total for tier in tiers)


def _check_tiers(tiers: Sequence[Tier]) -> None:
    seen: set[str] = set()
    for tier in tiers:
        if not isinstance(tier, Tier):
            raise InvalidTiers("Tiers must be Tier objects.", tier=repr(tier))
        if tier.code in seen:
            raise InvalidTiers(f"Tier code {tier.code} appears twice.", tier=tier.code)
        seen.add(tier.code)


def _rank_groups(ranking: Sequence[RankedEntry]) -> list[list[RankedEntry]]:
    ranking = list(ranking)
    seen: set[str] = set()
    for row in ranking:
        if not isinstance(row, RankedEntry):
            raise InvalidRanking("Ranking rows must be RankedEntry objects.", row=repr(row))
        if row.entry in seen:
            raise InvalidRanking(f"Entry {row.entry} is ranked twice.", entry=row.entry)
        seen.add(row.entry)
    rows = sorted(ranking, key=lambda row: (row.rank, row.entry))
    groups = [list(group) for _, group in groupby(rows, key=lambda row: row.rank)]
    for better, worse in pairwise(groups):
        low = min(better, key=lambda row: row.score)
        high = max(worse, key=lambda row: row.score)
        if high.score > low.score:
            raise InvalidRanking(
                f"Entry {high.entry} (rank {high.rank}, score {high.score}) scores higher than "
                f"entry {low.entry} (rank {low.rank}, score {low.score}).",
                entry=high.entry,
            )
    return groups


# --- allocation --------------------------------------------------------------------------------


def prizes_allocate(*, ranking: Sequence[RankedEntry], tiers: Sequence[Tier]) -> Allocation:
    """Allocate the tiers' slots along the ranking; see the module docstring for the rules."""
    tiers = list(tiers)
    _check_tiers(tiers)
    groups = _rank_groups(ranking)
    slots = [
        (tier, SlotRef(tier.code, index, tier.amount))
        for tier in tiers
        for index in range(1, tier.count + 1)
    ]

    awards: list[Award] = []
    unawarded: list[SlotRef] = []
    remainder = 0
    position = 0
    for group in groups:
        if position >= len(slots):
            break
        size = len(group)
        score = min(row.score for row in group)  # all equal for a well-formed tie
        taken: list[tuple[Tier, SlotRef]] = []
        while len(taken) < size and position < len(slots):
            tier, slot = slots[position]
            position += 1
            if tier.reached_by(score):
                taken.append((tier, slot))
            else:
                unawarded.append(slot)  # no remaining entry scores higher: 해당작 없음
        if not taken:
            continue  # the slots ran out while skipping; later groups get nothing either
        total = sum(slot.amount for _, slot in taken)
        share, rest = divmod(total, size)
        remainder += rest
        prize_share = sum(slot.amount for tier, slot in taken if tier.kind == PRIZE) // size
        head = taken[0][0]
        slot_refs = [slot for _, slot in taken]
        for row in group:
            awards.append(
                Award(
                    entry=row.entry,
                    tier_code=head.code,
                    amount=share,
                    joint=size > 1,
                    rank=row.rank,
                    slots=list(slot_refs),
                    tier_name=head.name,
                    kind=head.kind,
                    prize_amount=prize_share,
                    grant_amount=share - prize_share,
                    group_size=size,
                )
            )
    past = [slot for _, slot in slots[position:]]
    unawarded.extend(past)

    return Allocation(
        awards=awards,
        awarded_total=sum(award.amount for award in awards),
        unallocated=sum(slot.amount for slot in unawarded),
        remainder=remainder,
        tiers_total=tiers_total(tiers),
        unawarded_slots=unawarded,
        past_ranking=past,
    )


def prizes_allocate_by_division(
    ranking_by_division: Mapping[str, Sequence[RankedEntry]],
    tiers_by_division: Mapping[str, Sequence[Tier]],
) -> Allocation:
    """Allocate each division on its own and concatenate the results.

    Divisions are processed in the order of ``tiers_by_division`` (the configured order). A
    division with tiers but no ranking allocates nothing (all its money is unallocated); a
    division ranked without a tiers entry is an error, as is an entry ranked in two divisions.
    The combined awards carry ``division``; ``by_division`` holds each division's own
    :class:`Allocation` (its ``unawarded_slots`` say which division a slot belongs to).
    """
    missing = [key for key in ranking_by_division if key not in tiers_by_division]
    if missing:
        raise InvalidTiers(
            f"No prize tiers for division(s) {', '.join(map(str, missing))}.", divisions=missing
        )
    rankings = {division: list(rows) for division, rows in ranking_by_division.items()}
    seen: dict[str, str] = {}
    for division, rows in rankings.items():
        for row in rows:
            if row.entry in seen:
                raise InvalidRanking(
                    f"Entry {row.entry} is ranked in divisions {seen[row.entry]} and {division}.",
                    entry=row.entry,
                )
            seen[row.entry] = division

    per_division: dict[str, Allocation] = {}
    awards: list[Award] = []
    unawarded: list[SlotRef] = []
    past: list[SlotRef] = []
    for division, tiers in tiers_by_division.items():
        result = prizes_allocate(ranking=rankings.get(division, []), tiers=tiers)
        result = replace(
            result, awards=[replace(award, division=division) for award in result.awards]
        )
        per_division[division] = result
        awards.extend(result.awards)
        unawarded.extend(result.unawarded_slots)
        past.extend(result.past_ranking)

    parts = per_division.values()
    return Allocation(
        awards=awards,
        awarded_total=sum(part.awarded_total for part in parts),
        unallocated=sum(part.unallocated for part in parts),
        remainder=sum(part.remainder for part in parts),
        tiers_total=sum(part.tiers_total for part in parts),
        unawarded_slots=unawarded,
        by_division=per_division,
        past_ranking=past,
    )
