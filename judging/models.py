"""Panels, conflicts, assignments, scorecards, unlock requests and comparisons. The database
holds the invariants: one scorecard per judge, entry and round; 0 ≤ points ≤ max; one
assignment per pair; one pending unlock request per scorecard; a judge is served the same two
entries at most once, never an entry with itself."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from contests.models import Contest, Criterion, Round
from judging.enums import ComparisonOutcome, ConflictKind, ScorecardStatus, UnlockRequestStatus
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
    # The last unlock, told to the judge on the queue and the scorecard until they submit again.
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlock_reason = models.TextField(blank=True)

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


class UnlockRequest(models.Model):
    """A judge asks the organizer to unlock a submitted scorecard; the organizer grants it
    (``scorecard_unlock``) or declines it, and the judge is told either way."""

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="unlock_requests"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=UnlockRequestStatus.choices,
        default=UnlockRequestStatus.PENDING,
    )
    answer = models.TextField(_("answer"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("unlock request")
        verbose_name_plural = _("unlock requests")
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard"],
                condition=Q(status="pending"),
                name="unlock_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard_id}: {self.status}"


class Comparison(models.Model):
    """A pair of a comparative-judgement round served to one judge, and what they made of it.

    The row is written when the pair is served (so the pairing counts it at once and a reload
    shows the same pair), then decided once: the left or the right drawing, skipped (판단
    보류), recused, or void (an entry left judging meanwhile). Its id is the decision's
    idempotency key: deciding it again the same way changes nothing. The database refuses an
    entry paired with itself and a judge served the same two entries twice, in either order.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comparisons")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comparisons"
    )
    left = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(
        _("outcome"),
        max_length=8,
        choices=ComparisonOutcome.choices,
        default=ComparisonOutcome.PENDING,
    )
    served_at = models.DateTimeField(_("served at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comparison")
        verbose_name_plural = _("comparisons")
        indexes = [
            models.Index(fields=["round", "judge", "outcome"], name="comparison_judge_open"),
            models.Index(fields=["round", "outcome"], name="comparison_round_outcome"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(left=F("right")), name="comparison_entries_differ"),
            models.UniqueConstraint(
                F("round"),
                F("judge"),
                Least("left", "right"),
                Greatest("left", "right"),
                name="comparison_pair_once_per_judge",
            ),
            models.CheckConstraint(
                condition=Q(outcome=ComparisonOutcome.PENDING, decided_at__isnull=True)
                | (~Q(outcome=ComparisonOutcome.PENDING) & Q(decided_at__isnull=False)),
                name="comparison_decided_at_when_decided",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ComparisonOutcome.values),
                name="comparison_outcome_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge_id}: {self.left_id} | {self.right_id} → {self.outcome}"
