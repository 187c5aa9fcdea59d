"""Rankings, prize allocations and publications (DOMAIN §6–§8).

The tables keep their original names (``judging_*``): these models moved here from
``judging`` without moving any data (migration ``results.0001`` only changes Django's state).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Round


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
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} published {self.published_at:%Y-%m-%d}"
