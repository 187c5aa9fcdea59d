from django.db import models
from django.utils.translation import gettext_lazy as _


class ScorecardStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class ConflictKind(models.TextChoices):
    ENTRY = "entry", _("Declared for an entry")
    INSTITUTION = "institution", _("Declared for an institution")
    RECUSAL = "recusal", _("Recusal on seeing the entry")


class UnlockRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the organizer")
    GRANTED = "granted", _("Unlocked")
    DECLINED = "declined", _("Declined")


class ComparisonOutcome(models.TextChoices):
    """What became of a pair served to a judge in a comparative-judgement round."""

    PENDING = "pending", _("Waiting for a decision")
    LEFT = "left", _("Left drawing preferred")
    RIGHT = "right", _("Right drawing preferred")
    SKIP = "skip", _("Undecided (skipped)")
    RECUSED = "recused", _("Recused: conflict of interest")
    VOID = "void", _("Withdrawn from judging")


DECIDED = (ComparisonOutcome.LEFT, ComparisonOutcome.RIGHT)  # the decisions the scale uses
