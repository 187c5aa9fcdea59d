"""Panels, conflicts, assignments and scorecards. The database holds the invariants:
one scorecard per judge, entry and round; 0 ≤ points ≤ max; one assignment per pair."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Criterion, Round
from judging.enums import ConflictKind, ScorecardStatus
from submissions.models import Entry


class JudgeProfile(models.Model):
    """What the assignment needs to know about a judge beyond the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profile"
    )
    expertise = models.JSONField(
        _("expertise"),
        default=list,
        blank=True,
        help_text=_("Theme or division codes the judge knows best (raises affinity)."),
    )

    class Meta:
        verbose_name = _("judge profile")
        verbose_name_plural = _("judge profiles")

    def __str__(self) -> str:
        return str(self.user)


class PanelMember(models.Model):
    """A judge sitting on a round's panel, with an optional load cap."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="panel")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panels"
    )
    max_load = models.PositiveIntegerField(_("maximum entries"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(fields=["round", "judge"], name="panel_judge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} @ {self.round}"


class Conflict(models.Model):
    """A declared conflict of interest or a recusal. Automatic conflicts (affiliation equals
    an entrant's university or school) are computed at assignment time, not stored."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="conflicts")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConflictKind.choices)
    entry = models.ForeignKey(
        Entry, null=True, blank=True, on_delete=models.CASCADE, related_name="conflicts"
    )
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False) | ~Q(institution=""),
                name="conflict_names_entry_or_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge}: {self.entry_id or self.institution}"


class Assignment(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    queue_order = models.BigIntegerField(help_text="Shuffled per judge: reduces order bias.")
    affinity = models.IntegerField(default=0)
    recused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [models.Index(fields=["judge", "round", "queue_order"])]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "entry", "judge"], name="assignment_pair_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} → {self.entry_id} ({self.round.code})"


class Scorecard(models.Model):
    """One per (judge, entry, round). Draft → submitted (locked); only organizers unlock."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scorecards")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="scorecards")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    status = models.CharField(
        max_length=16, choices=ScorecardStatus.choices, default=ScorecardStatus.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    total = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scorecard")
        verbose_name_plural = _("scorecards")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "entry", "judge"], name="scorecard_once_per_judge_entry_round"
            ),
            models.CheckConstraint(
                condition=Q(total__gte=0, total__lte=100), name="scorecard_total_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.entry_id} · {self.round.code}"


class Score(models.Model):
    """Points for one criterion; ``max_points`` is copied so the database can check the range."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(max_digits=5, decimal_places=2)
    max_points = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="score_once"),
            models.CheckConstraint(
                condition=Q(points__gte=0) & Q(points__lte=F("max_points")),
                name="score_points_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}"


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ranking")
        verbose_name_plural = _("rankings")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.contest_id}/{self.round_id or 'final'} {self.method} {self.inputs_sha256[:8]}"
        )


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

    class Meta:
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

    class Meta:
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
