"""Labels of what happens after publication (DOMAIN §8): shared comments, certificates,
appeals. One label table per enum; a user sees the label, never the stored value."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommentShareStatus(models.TextChoices):
    PENDING = "pending", _("Not reviewed")
    APPROVED = "approved", _("Shared with the entrant")
    HIDDEN = "hidden", _("Hidden")


class CertificateKind(models.TextChoices):
    """The values are the engine's (``results.certificates.CertificateKind``)."""

    AWARD = "award", _("Certificate of award (상장)")
    PARTICIPATION = "participation", _("Certificate of participation (참가확인서)")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Filed, awaiting a decision")
    ACCEPTED = "accepted", _("Accepted: under re-examination")
    REJECTED = "rejected", _("Rejected")
    RESOLVED = "resolved", _("Resolved")


# An appeal in one of these states is open: the purge of personal data waits for it.
APPEAL_OPEN = (AppealStatus.FILED, AppealStatus.ACCEPTED)
