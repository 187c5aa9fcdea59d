from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    IN_JUDGING = "in_judging", _("In judging")
    ADVANCED = "advanced", _("Advanced")
    ELIMINATED = "eliminated", _("Eliminated")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An entry in one of these states holds its place: one per child, one team per person.
INACTIVE_STATUSES = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)
# Until the deadline an entrant may still edit or withdraw, screened or not: nothing an
# organizer does while submissions are open takes that away (judging starts after it).
ENTRANT_EDITABLE = (
    EntryStatus.DRAFT,
    EntryStatus.SUBMITTED,
    EntryStatus.ELIGIBLE,
    EntryStatus.INELIGIBLE,
)
WITHDRAWABLE = ENTRANT_EDITABLE
SCREENED = (EntryStatus.ELIGIBLE, EntryStatus.INELIGIBLE)


class FileSlot(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal (PDF)")
    SUPPORTING = "supporting", _("Supporting file")
    VIDEO = "video", _("Video (MP4)")
    DRAWING = "drawing", _("Drawing")


class FileStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for upload")
    ACCEPTED = "accepted", _("Accepted")
    QUARANTINED = "quarantined", _("Quarantined")


class ConsentKind(models.TextChoices):
    PRIVACY = "privacy", _("Collection and use of personal data")
    ORIGINALITY = "originality", _("Originality pledge")
    GUARDIAN = "guardian", _("Legal guardian's consent")
    PUBLISH_NAME = "publish_name", _("Publish the child's name (masked) if awarded")
    PUBLISH_WORK = "publish_work", _("Publish the drawing if awarded")


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("Code sent by email")
