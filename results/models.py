"""Rankings, prize allocations and publications (DOMAIN §6–§8).

The tables keep their original names (``judging_*``): these models moved here from
``judging`` without moving any data (migration ``results.0001`` only changes Django's state).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Round
from core.fields import BulkJSONField
from results.enums import AppealStatus, CertificateKind, CommentShareStatus


class RankingSnapshot(models.Model):
    """A computed ranking, stored with the SHA-256 of its inputs: same scorecards and settings
    give the same hash and the same rows. ``round`` is empty for a contest's final ranking."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rankings")
    round = models.ForeignKey(
        Round, null=True, blank=True, on_delete=models.CASCADE, related_name="rankings"
    )
    method = models.CharField(max_length=16)
    params = models.JSONField(default=dict, help_text="method, tie-break, divisions, weights")
    inputs_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=list)
    judges = models.JSONField(default=list)
    certainty = models.JSONField(
        default=dict,
        blank=True,
        help_text="how sure the order is: resamples, seed, the cut and tiers, the ICCs",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "judging_rankingsnapshot"
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.contest_id}/{self.round_id or 'final'} {self.method} {self.inputs_sha256[:8]}"
        )


class BoundaryDecision(models.TextChoices):
    """What the organizer decided about contested prize boundaries before approving."""

    CONFIRMED = "confirmed", _("The order stands as computed")
    DELIBERATED = "deliberated", _("The judges deliberated; the order stands")


class Allocation(models.Model):
    """Prize money allocated from a final ranking; approved before it can be published."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="allocations")
    ranking = models.ForeignKey(RankingSnapshot, on_delete=models.PROTECT, related_name="+")
    awards = models.JSONField(default=list)
    unawarded = models.JSONField(default=list)
    tiers_total = models.BigIntegerField()
    awarded_total = models.BigIntegerField()
    unallocated = models.BigIntegerField()
    remainder = models.BigIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Contested prize boundaries (results.services.certainty): the organizer's acknowledgement
    boundaries_decision = models.CharField(
        max_length=16, blank=True, choices=BoundaryDecision.choices
    )
    boundaries_note = models.TextField(blank=True)
    boundaries_acknowledged_at = models.DateTimeField(null=True, blank=True)
    boundaries_acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        db_table = "judging_allocation"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(awarded_total__gte=0)
                & Q(unallocated__gte=0)
                & Q(remainder__gte=0)
                & Q(tiers_total=F("awarded_total") + F("unallocated") + F("remainder")),
                name="allocation_money_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} allocation {self.pk}"


class PublicationQuerySet(models.QuerySet):
    def live(self) -> "PublicationQuerySet":
        """Not unpublished: what the public sees (at most one per contest, by a constraint)."""
        return self.filter(unpublished_at__isnull=True)


class Publication(models.Model):
    """The frozen public results. Later score changes never alter it; unpublishing is
    recorded with a reason. At most one is live per contest (database)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="publications")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="+")
    winners = models.JSONField(default=list)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unpublished_at = models.DateTimeField(null=True, blank=True)
    unpublish_reason = models.TextField(blank=True)
    # Versions (DOMAIN §8 "After publication"): 1, 2, … per contest; a republication names the
    # version it replaces. Set by ``results.services.after_publication.publication_versioned``.
    version = models.PositiveIntegerField(default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    objects = PublicationQuerySet.as_manager()

    class Meta:
        db_table = "judging_publication"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest"],
                condition=Q(unpublished_at__isnull=True),
                name="publication_one_live_per_contest",
            ),
            models.UniqueConstraint(
                fields=["contest", "version"], name="publication_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} published {self.published_at:%Y-%m-%d}"


# ---- After publication (DOMAIN §8): shared comments, feedback, certificates, appeals ---------


class CommentShare(models.Model):
    """The organizer's decision on sharing one judge's comment with the entrant: approved
    (possibly edited: ``text``), or hidden. ``source`` is the judge's comment the decision was
    made on; if the judge changes the comment later (an unlocked scorecard), the decision no
    longer applies and the comment is unreviewed again. Never the judge's name or scores."""

    scorecard = models.OneToOneField(
        "judging.Scorecard", on_delete=models.CASCADE, related_name="share"
    )
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("sharing"),
        max_length=16,
        choices=CommentShareStatus.choices,
        default=CommentShareStatus.PENDING,
    )
    text = models.TextField(_("text the entrant reads"), blank=True)
    source = models.TextField(_("the judge's comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shared comment")
        verbose_name_plural = _("shared comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentShareStatus.values), name="commentshare_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id}: {self.status}"


class FeedbackRound(models.Model):
    """A round as every entrant's feedback shows it, frozen with the publication: its criteria
    (names, maximum points) and the round's mean per criterion (``None`` when the round had
    too few entries for a mean that reveals no other entry)."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="feedback_rounds"
    )
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=1)
    name_ko = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    criteria = models.JSONField(default=list)  # [{code, name_ko, name_en, max_points, mean}]
    entries = models.PositiveIntegerField(default=0)  # entries scored in the round

    class Meta:
        ordering = ["publication", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "round"], name="feedbackround_once_per_publication"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id}/{self.round_id}"


class EntryFeedback(models.Model):
    """One entry's feedback, frozen with the publication (later score changes do not alter
    it): per round its judges' count and per-criterion means (``None`` below the minimum
    number of judges), its rank band, and the comments the organizer approved for sharing."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="feedback")
    entry = models.ForeignKey("submissions.Entry", on_delete=models.CASCADE, related_name="+")
    rounds = BulkJSONField(default=dict)  # {round_id: {"judges": n, "means": {code: x}|None}}
    band = BulkJSONField(default=dict)  # {"kind": award|advanced|top|taken_part, …}
    comments = BulkJSONField(default=list)  # [{"round": round_id, "text": …}]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "entry"], name="entryfeedback_once_per_publication"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication_id}/{self.entry_id}"


class CertificateDesign(models.Model):
    """Who issues a contest's certificates and how they look (``CertificateStyle``): the
    organizer's name, the signatory, an accent colour and a logo (stored already scaled to
    the certificate's logo box, so every PDF embeds a small image)."""

    contest = models.OneToOneField(
        Contest, on_delete=models.CASCADE, related_name="certificate_design"
    )
    issuer = models.CharField(_("issued by"), max_length=200)
    signatory_name = models.CharField(_("signatory"), max_length=100)
    signatory_title = models.CharField(_("signatory's title"), max_length=100)
    accent = models.CharField(_("accent colour"), max_length=7, default="#1f3a5f")
    logo = models.BinaryField(_("logo"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("certificate design")
        verbose_name_plural = _("certificate designs")

    def __str__(self) -> str:
        return f"{self.contest_id}: {self.issuer}"


class Certificate(models.Model):
    """A 상장 or 참가확인서 with its public serial. ``data`` is what the PDF prints (so the PDF
    is rendered on demand, the same bytes each time); ``recipient_masked`` is what the public
    verification page shows. Unpublishing revokes; a republication reinstates a certificate
    whose content is unchanged (``content_sha256``) and issues new ones for the rest."""

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="certificates")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(
        "submissions.Entry", on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    recipient_key = models.CharField(max_length=40)  # "child" or "member:<id>"
    recipient_name = models.CharField(max_length=200, blank=True)  # blanked by the purge
    recipient_masked = models.CharField(max_length=200)
    tier_code = models.CharField(max_length=40, blank=True)
    tier_name = models.CharField(max_length=200, blank=True)
    tier_name_en = models.CharField(max_length=200, blank=True)
    amount = models.BigIntegerField(default=0)
    data = BulkJSONField(default=dict)
    content_sha256 = models.CharField(max_length=64)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["entry", "kind", "recipient_key"]
        indexes = [models.Index(fields=["contest", "revoked_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "recipient_key"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_live_per_recipient",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CertificateKind.values), name="certificate_kind_valid"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="certificate_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.serial


class CertificateBatch(models.Model):
    """One run of issuing a contest's certificates (a background job): what it did and the
    entries whose text the certificate font cannot print (they were skipped)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued = models.PositiveIntegerField(default=0)
    reinstated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # [{"entry": receipt, "fields": {field: chars}}]
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.contest_id} batch {self.pk}"


class Appeal(models.Model):
    """이의신청: one per entry, filed by its entrant during the appeal window; the organizer
    accepts (re-examines: unlocks scorecards, re-ranks, re-allocates, republishes) or rejects,
    always with a reason. Open appeals hold back the purge of personal data."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="appeals")
    entry = models.OneToOneField(
        "submissions.Entry", on_delete=models.CASCADE, related_name="appeal"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    unlocked = models.JSONField(default=list, blank=True)  # scorecard ids unlocked on accepting
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_in = models.ForeignKey(
        Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_changed = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["filed_at", "id"]
        indexes = [models.Index(fields=["contest", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.status}"
