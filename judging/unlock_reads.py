"""Reads about unlocks: what a judge is told on the queue and the scoring page, and the
requests an organizer answers on the round's page."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from contests.models import Round
from judging.enums import ScorecardStatus, UnlockRequestStatus
from judging.models import Assignment, Scorecard, UnlockRequest

DECLINED_SHOWN = timedelta(days=14)  # a declined request stays on the queue this long


def judge_unlock_news(user) -> list[Scorecard]:
    """The judge's scorecards an organizer unlocked (not yet submitted again), each with
    ``assignment_id`` to link to, newest first (two queries)."""
    cards = list(
        Scorecard.objects.filter(
            judge=user, status=ScorecardStatus.DRAFT, unlocked_at__isnull=False
        )
        .select_related("entry", "round")
        .order_by("-unlocked_at")
    )
    _with_assignment(user, cards)
    return cards


def judge_declined_requests(user) -> list[UnlockRequest]:
    """The judge's requests declined in the last two weeks, with the organizer's answer."""
    since = timezone.now() - DECLINED_SHOWN
    requests = list(
        UnlockRequest.objects.filter(
            scorecard__judge=user, status=UnlockRequestStatus.DECLINED, decided_at__gte=since
        )
        .select_related("scorecard__entry", "scorecard__round")
        .order_by("-decided_at")
    )
    _with_assignment(user, [r.scorecard for r in requests])
    return requests


def _with_assignment(user, cards: list[Scorecard]) -> None:
    if not cards:
        return
    pairs = Q()
    for c in cards:
        pairs |= Q(round_id=c.round_id, entry_id=c.entry_id)
    found = {
        (r, str(e)): pk
        for pk, r, e in Assignment.objects.filter(pairs, judge=user).values_list(
            "pk", "round_id", "entry_id"
        )
    }
    for c in cards:
        c.assignment_id = found.get((c.round_id, str(c.entry_id)))


def card_latest_request(card: Scorecard | None) -> UnlockRequest | None:
    """The newest request about this scorecard (the page shows it waiting, or declined)."""
    if card is None:
        return None
    return card.unlock_requests.order_by("-created_at", "-pk").first()


def round_unlock_requests(rnd: Round) -> QuerySet[UnlockRequest]:
    """Requests of this round's judges waiting for an organizer, oldest first."""
    return (
        UnlockRequest.objects.filter(scorecard__round=rnd, status=UnlockRequestStatus.PENDING)
        .select_related("scorecard__entry", "scorecard__judge")
        .order_by("created_at", "pk")
    )


def judge_recused_from(user, assignment_id) -> bool:
    """The judge once held this assignment and recused (their old link is not a dead end)."""
    try:
        key = int(assignment_id)
    except (TypeError, ValueError, OverflowError):
        return False
    return Assignment.objects.filter(pk=key, judge=user, recused_at__isnull=False).exists()
