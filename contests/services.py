"""Checks and writes on contest configuration, shared by the admin, the seed and the API."""

from django.utils.translation import gettext as _

from contests.budget import budget_excess
from contests.models import Contest, Round
from core.errors import ValidationFailed

RUBRIC_TOTAL = 100


def rubric_validate(*, round: Round, max_points: list[int] | None = None) -> None:
    """A round's criteria must add up to exactly 100 points."""
    points = max_points if max_points is not None else [c.max_points for c in round.criteria.all()]
    total = sum(points)
    if total != RUBRIC_TOTAL:
        raise ValidationFailed(
            _("The rubric of round %(round)s adds up to %(total)d points; it must be 100.")
            % {"round": round.code, "total": total},
            code="rubric_total",
            detail={"round": round.code, "total": total},
        )


def tiers_validate(*, contest: Contest, totals: list[int] | None = None) -> None:
    """The prize tiers together may not promise more than the contest's budget: the one check
    for every way in (admin, seed, API, allocation). ``totals``: the tiers as a form would save
    them (default: the stored tiers)."""
    if totals is None:
        totals = [tier.total for tier in contest.prize_tiers.all()]
    total = sum(totals)
    if budget_excess(totals=totals, budget=contest.budget):
        raise ValidationFailed(
            _("Prize tiers total %(total)s KRW, more than the budget of %(budget)s KRW.")
            % {"total": f"{total:,}", "budget": f"{contest.budget:,}"},
            code="tiers_over_budget",
            detail={"tiers_total": total, "budget": contest.budget},
        )
