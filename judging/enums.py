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
