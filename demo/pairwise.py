"""`seed_wsce2021 --demo --pairwise`: the demo contest being judged (Track D's configuration)
has its 예선 judged in pairs, with demo decisions, so comparative judgement can be tried in a
minute (log in as `judge` or `organizer`)."""

import random

from django.db import transaction
from scipy.special import expit

from contests.enums import RoundKind
from contests.models import Contest, Round
from judging.models import Comparison, PanelMember
from judging.services.comparisons import comparison_decide, pair_next

PAIRS_PER_JUDGE = 12  # demo judges other than `judge` decide this many pairs each


@transaction.atomic
def demo_pairwise_round(*, contest: Contest) -> Round:
    """The demo contest's 예선 (Track D's configuration) becomes pairwise; its calendar is
    moved by ``demo.judging.demo_judging_seed`` (submissions closed, round 1's window open)."""
    prelim = contest.rounds.get(order=1)
    prelim.kind = RoundKind.PAIRWISE
    prelim.save(update_fields=["kind"])
    return prelim


def demo_pairwise_decisions(*, prelim: Round, pairs_per_judge: int = PAIRS_PER_JUDGE) -> int:
    """Demo judges (all but `judge`) compare pairs through the real services, preferring the
    drawing of higher made-up quality with the Bradley–Terry chance. Idempotent: nothing once
    the round has comparisons."""
    if Comparison.objects.filter(round=prelim).exists():
        return 0
    rng = random.Random(16)  # noqa: S311 (demo decisions, not security)
    quality: dict = {}
    made = 0
    judges = [
        m.judge
        for m in PanelMember.objects.filter(round=prelim)
        .exclude(judge__username="judge")
        .select_related("judge")
        .order_by("judge__username")
    ]
    for judge in judges:
        for _pair in range(pairs_per_judge):
            held = pair_next(user=judge, round=prelim)
            if not held:
                break
            c = held[0]
            left = quality.setdefault(c.left_id, rng.gauss(0.0, 1.5))
            right = quality.setdefault(c.right_id, rng.gauss(0.0, 1.5))
            winner = "left" if rng.random() < expit(left - right) else "right"
            comparison_decide(user=judge, comparison_id=c.pk, winner=winner)
            made += 1
    return made
