"""A comparative-judgement round's scale, read from the database (DOMAIN §5).

The model is the pure :func:`judging.comparative.scale_fit` with its defaults — the same call
``manage.py rank_pairs`` makes on a file — so a round's decisions exported as
``judge,winner,loser`` give the same θ, SE, infit and SSR from the command (per division, when
the round ranks per division: see below). This module decides *which* decisions and entries
go in, and caches the result.

What goes in
------------
* **Entries**: the round's entries judges may see (:func:`judging.selectors.round_entries`: a
  withdrawn guardian consent takes a drawing out at once) plus those already compared in the
  round (after advancement round 1's entries change status but keep their scale); never a
  withdrawn, ineligible or draft entry, nor one whose consent is withdrawn. Entries not yet
  compared are on the scale at θ = 0 with the prior's SE, so SSR counts them (a round with
  drawings still unseen is not reliable yet).
* **Decisions**: comparisons decided left or right (a skip, 판단 보류, carries no preference and
  is not a decision), except those of a judge who has since declared a conflict of interest
  with either entry (a recusal or an organizer's record): they no longer count.
* **Groups**: a round that ranks per division (Track D 예선) is judged and scaled per division
  — pairs are only served within a division (a 유아부 drawing is never weighed against a
  초등 고학년 one), each division gets its own scale with mean 0, its own SSR and its own
  stopping rule, and the round is complete when every division is. Otherwise one group.

Caching: a fit is kept in Django's cache under the round and a version of its inputs (number
and latest time of decisions, the conflicts with entries, the entries in the pool), so the
organizer's page refits only when something changed. A fit of 250,000 decisions over 50,000
entries takes under a second (bench/bench_pairwise.py); loading them dominates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import CharField, Count, Max, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from scipy.special import expit

from contests.enums import RoundKind
from contests.models import Round
from judging import comparative, pairwise
from judging.enums import DECIDED, ComparisonOutcome
from judging.errors import NotPairwise
from judging.models import Comparison, Conflict
from judging.selectors import round_entries
from submissions.enums import EntryStatus
from submissions.models import Entry
from submissions.selectors import judging_allowed_q

MIN_COMPARISONS = pairwise.MIN_COMPARISONS  # every drawing compared at least this often …
SSR_TARGET = pairwise.SSR_TARGET  # … and SSR at least this: the round may stop
CACHE_SECONDS = 24 * 3600
NOT_ON_SCALE = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN, EntryStatus.INELIGIBLE)


@dataclass(frozen=True)
class Pool:
    """The round's entries on the scale, in a fixed order (by receipt number)."""

    ids: list[str]  # entry primary keys as strings
    receipts: list[str]
    group: np.ndarray  # int64 group per entry (0 when the round is not per division)
    group_codes: list[str | None]  # division code per group, None for a single group
    group_names: list[str]
    index: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Decisions:
    """Decided comparisons in the order they were decided: pool positions and judge ids."""

    judge: np.ndarray  # int64 user ids
    winner: np.ndarray  # int64 pool positions
    loser: np.ndarray
    decided_at: list  # datetimes, same order
    total: int = 0  # decided comparisons of the round, before leaving any out


@dataclass(frozen=True)
class GroupScale:
    code: str | None
    name: str
    positions: np.ndarray  # pool positions of the group's entries, in the fit's label order
    fit: comparative.ScaleFit  # labels: pool positions
    completion: pairwise.Completion

    @property
    def size(self) -> int:
        return len(self.positions)

    @property
    def judged(self) -> bool:
        """A group of one entry has nothing to compare: it is left out of the stopping rule."""
        return self.size >= 2


@dataclass(frozen=True)
class RoundScale:
    round_id: int
    version: str
    base: str  # the version of the pool and conflicts (see inputs_version)
    pool: Pool
    decisions: int  # the decisions the fit used
    groups: list[GroupScale]
    judges: np.ndarray  # user ids
    judge_comparisons: np.ndarray
    judge_infit: np.ndarray  # over every group
    judge_misfit: np.ndarray
    decided: int = 0  # the round's decided comparisons when it was fitted (none left out)

    @property
    def ssr(self) -> float:
        """The round's SSR: its least reliable group's (NaN while a group has no spread)."""
        values = [g.fit.ssr for g in self.groups if g.judged]
        if not values:
            return float("nan")
        return float("nan") if any(np.isnan(values)) else float(min(values))

    @property
    def complete(self) -> bool:
        judged = [g for g in self.groups if g.judged]
        return bool(judged) and all(g.completion.complete for g in judged)

    @property
    def min_compared(self) -> int:
        counts = [int(g.fit.comparisons.min()) for g in self.groups if g.judged]
        return min(counts) if counts else 0

    def estimates(self) -> dict[str, tuple[float, float]]:
        """Entry id → (θ, se), for the pairing."""
        out = {}
        for g in self.groups:
            for label, theta, se in zip(g.fit.entries, g.fit.theta, g.fit.se, strict=True):
                out[self.pool.ids[int(label)]] = (float(theta), float(se))
        return out


def pairwise_round_required(rnd: Round) -> Round:
    """``rnd`` if it is judged in pairs; ``not_pairwise`` otherwise (an organizer's round, found
    with ``round_managed_get``: its existence is no secret to them)."""
    if rnd.kind != RoundKind.PAIRWISE:
        raise NotPairwise()
    return rnd


POOL_COLUMNS = (
    "pk",
    "receipt_number",
    "division__code",
    "division__name_ko",
    "division__name_en",
    "division__order",
)


def _pool_rows(rnd: Round) -> list[tuple]:
    """The round's entries judges may see, plus those already compared in the round but no
    longer among them (after advancement), in receipt order. Four queries, none scaling with
    an IN list except for those last ones."""
    columns = (Cast("pk", CharField()), *POOL_COLUMNS[1:])  # ids as text: no UUID per row
    rows = [
        (canon_id(r[0]), *r[1:])
        for r in round_entries(rnd).exclude(status__in=NOT_ON_SCALE).values_list(*columns)
    ]
    have = {r[0] for r in rows}
    compared: set[str] = set()
    for column in ("left_id", "right_id"):
        values = Comparison.objects.filter(round_id=rnd.pk).values_list(
            Cast(column, CharField()), flat=True
        )
        compared.update(canon_id(v) for v in values.order_by().distinct())
    extra = compared - have
    if extra:
        rows += [
            (canon_id(r[0]), *r[1:])
            for r in Entry.objects.filter(contest_id=rnd.contest_id, pk__in=sorted(extra))
            .filter(judging_allowed_q())
            .exclude(status__in=NOT_ON_SCALE)
            .values_list(*columns)
        ]
    return sorted(rows, key=lambda r: (r[1] or "", r[0]))


def canon_id(text: str) -> str:
    """An entry id as text in one form: SQLite keeps 32 hex digits, PostgreSQL dashes them."""
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def pool_load(rnd: Round) -> Pool:
    """The pool in receipt order, grouped by division when the round ranks per division."""
    rows = _pool_rows(rnd)
    if rnd.per_division:
        divisions = sorted({(r[5], r[2], r[3], r[4]) for r in rows})
        codes = [d[1] for d in divisions]
        names = [_division_name(d[2], d[3]) for d in divisions]
    else:
        codes, names = [None], [""]
    at = {code: i for i, code in enumerate(codes)}
    group = np.array([at[r[2]] if rnd.per_division else 0 for r in rows], dtype=np.int64)
    ids = [r[0] for r in rows]
    return Pool(
        ids=ids,
        receipts=[r[1] or r[0] for r in rows],
        group=group,
        group_codes=codes,
        group_names=names,
        index={entry_id: i for i, entry_id in enumerate(ids)},
    )


def _division_name(ko: str, en: str) -> str:
    return en if (get_language() or "ko").startswith("en") and en else ko


def _conflicted(rnd: Round) -> QuerySet[Conflict]:
    return Conflict.objects.filter(contest_id=rnd.contest_id, entry__isnull=False)


def inputs_version(rnd: Round, pool: Pool) -> tuple[str, str]:
    """(version, base): the version changes whenever the fit's inputs may have (a decision, a
    conflict, the pool); the base only with the conflicts and the pool, so a fit of the first
    k decisions stays valid under the same base (decisions are appended, never changed)."""
    decided = Comparison.objects.filter(round_id=rnd.pk, outcome__in=DECIDED).aggregate(
        n=Count("id"), last=Max("decided_at")
    )
    conflicts = _conflicted(rnd).aggregate(n=Count("id"), last=Max("id"))
    base = hashlib.sha256()
    base.update(f"{rnd.pk}|{rnd.per_division}|{conflicts['n']}|{conflicts['last']}|".encode())
    base.update("\n".join(pool.ids).encode())
    base_hex = base.hexdigest()
    version = hashlib.sha256(f"{base_hex}|{decided['n']}|{decided['last']}".encode())
    return version.hexdigest(), base_hex


def decisions_load(rnd: Round, pool: Pool) -> Decisions:
    """The round's decisions that count, in the order they were decided (one query for the
    decisions, one for the conflicts). Entry ids come as text (no UUID object per row: 250,000
    rows load in about a second)."""
    rows = list(
        Comparison.objects.filter(round_id=rnd.pk, outcome__in=DECIDED)
        .order_by("decided_at", "id")
        .values_list(
            "judge_id",
            Cast("left_id", CharField()),
            Cast("right_id", CharField()),
            "outcome",
            "decided_at",
        )
    )
    index = pool.index
    m = len(rows)
    judge = np.fromiter((r[0] for r in rows), dtype=np.int64, count=m)
    left = np.fromiter((index.get(canon_id(r[1]), -1) for r in rows), dtype=np.int64, count=m)
    right = np.fromiter((index.get(canon_id(r[2]), -1) for r in rows), dtype=np.int64, count=m)
    left_won = np.fromiter((r[3] == ComparisonOutcome.LEFT for r in rows), dtype=bool, count=m)
    keep = (left >= 0) & (right >= 0)
    n = max(len(pool.ids), 1)
    blocked = {
        judge_id * n + pool.index[str(entry_id)]
        for judge_id, entry_id in _conflicted(rnd).values_list("judge_id", "entry_id")
        if str(entry_id) in pool.index
    }
    if blocked:
        blocked_keys = np.fromiter(blocked, dtype=np.int64, count=len(blocked))
        keep &= ~np.isin(judge * n + left, blocked_keys)
        keep &= ~np.isin(judge * n + right, blocked_keys)
    judge, left, right, left_won = judge[keep], left[keep], right[keep], left_won[keep]
    return Decisions(
        judge=judge,
        winner=np.where(left_won, left, right),
        loser=np.where(left_won, right, left),
        decided_at=[r[4] for r, kept in zip(rows, keep.tolist(), strict=True) if kept],
        total=m,
    )


def fit_groups(pool: Pool, decisions: Decisions, upto: int | None = None) -> list[GroupScale]:
    """One :func:`judging.comparative.scale_fit` per group, with its defaults, over the first
    ``upto`` decisions (all of them by default)."""
    judge, winner, loser = decisions.judge, decisions.winner, decisions.loser
    if upto is not None:
        judge, winner, loser = judge[:upto], winner[:upto], loser[:upto]
    groups = []
    for g, (code, name) in enumerate(zip(pool.group_codes, pool.group_names, strict=True)):
        positions = np.flatnonzero(pool.group == g)
        mine = pool.group[winner] == g if len(winner) else np.zeros(0, dtype=bool)
        fit = comparative.scale_fit(
            judges=judge[mine], winners=winner[mine], losers=loser[mine], entries=positions
        )
        completion = pairwise.round_complete(
            ssr=fit.ssr,
            comparisons=fit.comparisons,
            min_comparisons=MIN_COMPARISONS,
            ssr_target=SSR_TARGET,
        )
        groups.append(GroupScale(code, name, fit.entries, fit, completion))
    return groups


def _judges_overall(
    groups: list[GroupScale], decisions: Decisions, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each judge's comparisons, infit (Σ (1 − p)² / Σ p(1 − p) over their decisions in every
    group) and misfit flag. With one group these are the fit's own arrays."""
    if len(groups) == 1:
        fit = groups[0].fit
        return fit.judges, fit.judge_comparisons, fit.judge_infit, fit.judge_misfit
    theta = np.zeros(n)
    for g in groups:
        theta[g.fit.entries.astype(np.int64)] = g.fit.theta
    judges, codes = np.unique(decisions.judge, return_inverse=True)
    p = expit(theta[decisions.winner] - theta[decisions.loser])
    infit = comparative.weighted_infit(
        residual_sq=(1.0 - p) ** 2, information=p * (1.0 - p), groups=codes, n=len(judges)
    )
    counts = np.bincount(codes, minlength=len(judges)).astype(np.int64)
    return judges, counts, infit, comparative.misfit_flags(infits=infit)


def scale_compute(rnd: Round, pool: Pool, version: str, base: str) -> RoundScale:
    decisions = decisions_load(rnd, pool)
    groups = fit_groups(pool, decisions)
    judges, counts, infit, misfit = _judges_overall(groups, decisions, len(pool.ids))
    return RoundScale(
        round_id=rnd.pk,
        version=version,
        base=base,
        pool=pool,
        decisions=len(decisions.judge),
        groups=groups,
        judges=judges,
        judge_comparisons=counts,
        judge_infit=infit,
        judge_misfit=misfit,
        decided=decisions.total,
    )


def decided_count(rnd: Round) -> int:
    return Comparison.objects.filter(round_id=rnd.pk, outcome__in=DECIDED).count()


def pairwise_scale(*, round: Round, lag: float = 0.0) -> RoundScale:
    """The round's scale now: cached per round and version of its inputs. ``lag`` > 0 accepts
    the last fit made (by anyone) while the decisions have not grown by more than that share
    since — for large rounds, whose version changes with every decision (see
    ``judging.scale_report``)."""
    if lag > 0:
        latest = latest_scale(round)
        if latest is not None and decided_count(round) - latest.decided <= lag * max(
            latest.decided, 1
        ):
            return latest
    pool = pool_load(round)
    version, base = inputs_version(round, pool)
    key = f"gongmo:pairwise-scale:{round.pk}:{version}"
    scale = cache.get(key)
    if scale is None:
        scale = scale_compute(round, pool, version, base)
        cache.set(key, scale, CACHE_SECONDS)
    cache.set(f"gongmo:pairwise-latest:{round.pk}", scale, CACHE_SECONDS)
    return scale


def latest_scale(rnd: Round) -> RoundScale | None:
    """The last scale computed for the round (by anyone), without refitting."""
    return cache.get(f"gongmo:pairwise-latest:{rnd.pk}")


def stopping_text(scale: RoundScale) -> str:
    """The stopping rule in words, e.g. "SSR 0.84 ≥ 0.8, every drawing compared ≥ 10 times:
    종료 가능"."""
    ssr = scale.ssr
    ssr_text = "—" if np.isnan(ssr) else f"{ssr:.2f}"
    values = {"ssr": ssr_text, "target": f"{SSR_TARGET:g}", "n": MIN_COMPARISONS}
    if scale.complete:
        return (
            _("SSR %(ssr)s ≥ %(target)s, every entry compared ≥ %(n)d times: the round may end.")
            % values
        )
    short = sum(g.completion.below_minimum for g in scale.groups if g.judged)
    values["short"] = short
    if not np.isnan(ssr) and ssr >= SSR_TARGET:
        return (
            _(
                "SSR %(ssr)s ≥ %(target)s, but %(short)d entries have fewer than %(n)d "
                "comparisons: keep judging."
            )
            % values
        )
    return (
        _(
            "SSR %(ssr)s < %(target)s (%(short)d entries have fewer than %(n)d comparisons): "
            "keep judging."
        )
        % values
    )
