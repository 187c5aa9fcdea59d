"""Shared set-up of the comparative-judgement tests: a Track D 예선 turned pairwise."""

from datetime import timedelta

from django.utils import timezone

from contests.enums import RoundKind
from judging.models import Comparison
from judging.services.comparisons import comparison_decide, pair_next
from submissions.models import Entry


def make_pairwise(rnd, *, per_division: bool | None = None):
    """The round judged in pairs, its judging window open now."""
    rnd.kind = RoundKind.PAIRWISE
    rnd.judging_opens_at = timezone.now() - timedelta(hours=1)
    rnd.judging_closes_at = timezone.now() + timedelta(days=1)
    if per_division is not None:
        rnd.per_division = per_division
    rnd.save()
    return rnd


def quality(entry_id) -> int:
    """A made-up true quality: the lower the receipt number, the better the drawing."""
    receipt = Entry.objects.get(pk=entry_id).receipt_number
    return -int(receipt.rsplit("-", 1)[1])


def decide_all(user, rnd, *, limit: int = 10_000, prefer=quality) -> list[Comparison]:
    """The judge takes pairs until none is left, always choosing the better drawing."""
    decided = []
    for _ in range(limit):
        pairs = pair_next(user=user, round=rnd)
        if not pairs:
            break
        c = pairs[0]
        winner = "left" if prefer(c.left_id) > prefer(c.right_id) else "right"
        decided.append(comparison_decide(user=user, comparison_id=c.pk, winner=winner))
    return decided
