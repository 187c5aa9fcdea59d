from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Method(models.TextChoices):
    MEAN = "mean", _("Mean")
    TRIMMED_MEAN = "trimmed_mean", _("Trimmed mean (drop highest and lowest)")
    Z_SCORE = "z_score", _("Standardised (z-score)")
    RANK_SUM = "rank_sum", _("Rank sum")


class PrizeKind(models.TextChoices):
    PRIZE = "prize", _("Prize money (taxed)")
    GRANT = "grant", _("Demonstration grant (not withheld)")
