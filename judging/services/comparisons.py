"""Comparative judgement for judges: the next pair, a decision, a recusal (DOMAIN §5).

A pairwise round needs no per-entry assignment: its entries are "assigned" to its panel as a
whole (``judges_assign`` on such a round writes no assignment; it only moves round 1's entries
into judging, as for a rubric round). Every judge of the panel may be served any pair of the
round's entries except:

* an entry judges may not see (:func:`judging.selectors.round_entries` — e.g. a drawing whose
  guardian withdrew the consent, taken out of every pair at once);
* an entry the judge is conflicted with (:func:`judging.selectors.conflict_pairs`: automatic,
  declared, recusals);
* a pair the judge was already served, in either order (also enforced by the database);
* in a round ranked per division, two entries of different divisions.

The pairing (:mod:`judging.services.pairing`) is :func:`judging.pairwise.next_pair` with
``EXPLORE`` = 1: the focal drawing is the least compared one the judge may see (coverage
first), its partner random among the drawings the judge may pair it with, left/right balanced.
Fully adaptive partners (closest estimates) would reach the stopping rule with fewer
comparisons, but the SSR they produce overstates the reliability (see the README's
"Comparative judgement" and ``bench/sim_pairwise.py``), and the stopping rule is only as good
as that number. A judge holds at most :data:`OPEN_PAIRS` served pairs: the one on screen and
the next, whose images the page loads in advance; asking again returns the same ones. Served
pairs count towards coverage at once, so two judges asking at the same time get different
pairs.

Decisions are saved at once. The comparison's id is the idempotency key: deciding it again
the same way (a double tap) changes nothing and answers the same; deciding it differently is
``already_decided``. Serving, deciding and recusing follow the contest's phase rule
(``contests.phases``) as scoring and rubric recusals do: after the deadline, inside the round's
judging window (``judging_window_closed`` outside it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.enums import RoundKind
from contests.models import Round
from contests.phases import Action, phase_require
from core.audit import audit_record
from core.errors import NotFound, ValidationFailed
from judging.enums import ComparisonOutcome, ConflictKind
from judging.errors import AlreadyDecided, PairWithdrawn
from judging.models import Comparison, Conflict, PanelMember
from judging.pair_selectors import (
    JudgeProgress,
    ServedPair,
    comparison_get,
    judge_progress,
    pairwise_round_get,
    served_pairs,
)
from judging.permissions import is_judge
from judging.services.assignment import assignments_release_conflicted
from judging.services.pairing import eligible, round_scale_recent, serve

OPEN_PAIRS = 2  # the pair on screen and the next one
CHOICES = {"left": ComparisonOutcome.LEFT, "right": ComparisonOutcome.RIGHT}


def judging_window_check(rnd: Round) -> None:
    """Comparing is scoring: after the deadline, inside the round's judging window."""
    phase_require(rnd.contest, Action.SCORE, round=rnd, round_list=[rnd])


def _seat(user, rnd: Round) -> Round:
    """The round, if it is pairwise and ``user`` sits on its panel as a judge; the seat is
    locked so that one judge's requests are served one at a time."""
    if not is_judge(user):
        raise NotFound()
    seat = (
        PanelMember.objects.select_for_update()
        .select_related("round__contest")
        .filter(round_id=rnd.pk, judge=user, round__kind=RoundKind.PAIRWISE)
        .first()
    )
    if seat is None:
        raise NotFound()
    return seat.round


def _void(comparisons: list[Comparison]) -> None:
    if comparisons:
        Comparison.objects.filter(
            pk__in=[c.pk for c in comparisons], outcome=ComparisonOutcome.PENDING
        ).update(outcome=ComparisonOutcome.VOID, decided_at=timezone.now())


@transaction.atomic
def pair_next(*, user, round: Round) -> list[Comparison]:
    """The judge's open pairs in the round, current first, after serving new ones up to
    :data:`OPEN_PAIRS` (an empty list: nothing left the judge may compare). Open pairs whose
    entry left judging or became a conflict meanwhile are voided and replaced."""
    rnd = _seat(user, round)
    judging_window_check(rnd)
    held = list(
        Comparison.objects.filter(
            round=rnd, judge=user, outcome=ComparisonOutcome.PENDING
        ).order_by("served_at", "id")
    )
    if held:
        allowed = eligible(rnd, user, {c.left_id for c in held} | {c.right_id for c in held})
        stale = [c for c in held if not {str(c.left_id), str(c.right_id)} <= allowed]
        _void(stale)
        held = [c for c in held if c not in stale]
    if len(held) < OPEN_PAIRS:
        held += serve(rnd, user, OPEN_PAIRS - len(held))
    return held


def _choice(winner, skip: bool) -> str:
    if skip and winner is None:
        return ComparisonOutcome.SKIP
    if not skip and winner in CHOICES:
        return CHOICES[winner]
    raise ValidationFailed(
        _("Choose the left or the right entry, or skip the pair."),
        code="invalid_choice",
        detail={"winner": [_('Send "left" or "right", or skip: true with no winner.')]},
    )


@transaction.atomic
def comparison_decide(
    *, user, comparison_id, winner: str | None = None, skip: bool = False
) -> Comparison:
    """Save the judge's decision on a served pair: ``winner`` "left" or "right", or ``skip``
    (판단 보류). Idempotent: the same decision again returns the comparison unchanged."""
    outcome = _choice(winner, skip)
    comparison = comparison_get(user, comparison_id)
    if comparison.outcome == outcome:
        return comparison  # a double tap: already saved
    if comparison.outcome != ComparisonOutcome.PENDING:
        raise AlreadyDecided(detail={"outcome": comparison.outcome})
    rnd = comparison.round
    if (
        rnd.kind != RoundKind.PAIRWISE
        or not PanelMember.objects.filter(round=rnd, judge=user).exists()
    ):
        raise NotFound()
    judging_window_check(rnd)
    pair = {str(comparison.left_id), str(comparison.right_id)}
    if not pair <= eligible(rnd, user, pair):
        raise PairWithdrawn()  # the next pair_next voids it and serves another
    now = timezone.now()
    changed = Comparison.objects.filter(pk=comparison.pk, outcome=ComparisonOutcome.PENDING).update(
        outcome=outcome, decided_at=now
    )
    if not changed:  # another request decided it between the read and the write
        comparison.refresh_from_db()
        if comparison.outcome == outcome:
            return comparison
        raise AlreadyDecided(detail={"outcome": comparison.outcome})
    comparison.outcome, comparison.decided_at = outcome, now
    audit_record(
        actor=user,
        action="comparison.decide",
        target=comparison,
        contest=rnd.contest_id,
        before={"outcome": ComparisonOutcome.PENDING},
        after={
            "outcome": outcome,
            "left": str(comparison.left_id),
            "right": str(comparison.right_id),
        },
    )
    return comparison


@transaction.atomic
def comparison_recuse(*, user, comparison_id, side: str, reason: str = "") -> Comparison:
    """The judge declares a conflict of interest with the ``side`` ("left" or "right") entry of
    a served pair: a per-entry conflict (as ``assignment_recuse``), at once. The pair is closed
    as recused, any other open pair with that entry is voided, the judge's earlier decisions
    involving it stop counting (``judging.scale``), and their assignments on it in rubric
    rounds go to other judges."""
    if side not in CHOICES:
        raise ValidationFailed(detail={"side": [_('Send "left" or "right".')]})
    comparison = comparison_get(user, comparison_id)
    if comparison.outcome != ComparisonOutcome.PENDING:
        raise AlreadyDecided(detail={"outcome": comparison.outcome})
    rnd = comparison.round
    phase_require(rnd.contest, Action.RECUSE, round=rnd)
    entry_id = comparison.left_id if side == "left" else comparison.right_id
    text = (reason or "").strip()[:2000]
    Conflict.objects.create(
        contest=rnd.contest,
        judge=user,
        entry_id=entry_id,
        kind=ConflictKind.RECUSAL,
        reason=text,
        created_by=user,
    )
    now = timezone.now()
    Comparison.objects.filter(pk=comparison.pk).update(
        outcome=ComparisonOutcome.RECUSED, decided_at=now
    )
    comparison.outcome, comparison.decided_at = ComparisonOutcome.RECUSED, now
    _void(
        list(
            Comparison.objects.filter(
                Q(left_id=entry_id) | Q(right_id=entry_id),
                round=rnd,
                judge=user,
                outcome=ComparisonOutcome.PENDING,
            )
        )
    )
    audit_record(
        actor=user,
        action="comparison.recuse",
        target=comparison,
        contest=rnd.contest_id,
        before={"outcome": ComparisonOutcome.PENDING},
        after={"outcome": ComparisonOutcome.RECUSED, "entry": str(entry_id)},
        reason=text,
    )
    assignments_release_conflicted(actor=user, contest=rnd.contest, judge=user)
    return comparison


@dataclass(frozen=True)
class PairPage:
    """What a judge's comparison page (and ``GET judging/rounds/{id}/pair/``) shows."""

    round: Round
    current: ServedPair | None  # None: nothing left this judge may compare
    upcoming: ServedPair | None  # the next pair, so its images load in advance
    progress: JudgeProgress
    ssr: float | None  # the round's reliability as organizers see it (latest fit)
    ssr_decisions: int  # decisions that fit was made of
    complete: bool  # the stopping rule is met


def pair_page(*, user, round_id) -> PairPage:
    """Serve (or re-serve) the judge's pairs and say where the round stands."""
    rnd = pairwise_round_get(user, round_id)
    held = pair_next(user=user, round=rnd)
    shown = served_pairs(held[:OPEN_PAIRS])
    scale = round_scale_recent(rnd)
    ssr = None if scale is None or np.isnan(scale.ssr) else float(scale.ssr)
    return PairPage(
        round=rnd,
        current=shown[0] if shown else None,
        upcoming=shown[1] if len(shown) > 1 else None,
        progress=judge_progress(user, rnd),
        ssr=ssr,
        ssr_decisions=scale.decisions if scale is not None else 0,
        complete=scale is not None and scale.complete,
    )
