from django.db import models
from django.utils.translation import gettext_lazy as _

from contests.methods import Method

__all__ = [
    "METHOD_CHOICES",
    "METHOD_LABELS",
    "ContestStatus",
    "Method",
    "PrizeKind",
    "RoundKind",
    "Track",
]


class Track(models.TextChoices):
    SMART_CITY = "S", _("Smart-city demonstration (teams)")
    DRAWING = "D", _("Children's drawing")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    JUDGING = "judging", _("Judging")
    PUBLISHED = "published", _("Results published")
    ARCHIVED = "archived", _("Archived")


PUBLIC_STATUSES = tuple(s for s in ContestStatus.values if s != ContestStatus.DRAFT)


METHOD_LABELS = {
    Method.MEAN: _("Mean"),
    Method.TRIMMED_MEAN: _("Trimmed mean (drop highest and lowest)"),
    Method.Z_SCORE: _("Standardised (z-score)"),
    Method.RANK_SUM: _("Rank sum"),
    Method.CALIBRATED: _("Calibrated (judge leniency corrected)"),
}
METHOD_CHOICES = [(m.value, METHOD_LABELS[m]) for m in Method]


class PrizeKind(models.TextChoices):
    PRIZE = "prize", _("Prize money (taxed)")
    GRANT = "grant", _("Demonstration grant (not withheld)")


class RoundKind(models.TextChoices):
    """How a round's judges judge: a rubric scorecard per entry, or comparative judgement
    (two entries side by side, "which is better?"; DOMAIN §5)."""

    RUBRIC = "rubric", _("Rubric scorecards")
    PAIRWISE = "pairwise", _("Comparative judgement (pairs)")
