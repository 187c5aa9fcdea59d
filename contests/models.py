"""Contest configuration: everything an organizer can change without code."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from contests.budget import tier_total
from contests.enums import METHOD_CHOICES, ContestStatus, Method, PrizeKind, RoundKind, Track


class Bilingual(models.Model):
    """Korean name with an optional English one; ``name`` follows the active language."""

    name_ko = models.CharField(_("name (Korean)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "ko").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ko


class Contest(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title_ko = models.CharField(_("title (Korean)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    track = models.CharField(_("track"), max_length=1, choices=Track.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("submissions open"))
    closes_at = models.DateTimeField(
        _("submissions close"), help_text=_("The last second at which a submission is accepted.")
    )
    results_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    # A publication the organizer scheduled (for the announcement date); ``publish_due`` runs
    # it. Set and cleared only by results.services.publication (not editable in the admin).
    publication_scheduled_for = models.DateTimeField(
        _("publication scheduled for"), null=True, blank=True, editable=False
    )
    publication_scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publication scheduled by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    budget = models.BigIntegerField(_("prize budget (KRW)"), default=0)
    receipt_prefix = models.CharField(_("receipt number prefix"), max_length=20)
    receipt_digits = models.PositiveSmallIntegerField(_("receipt number digits"), default=4)
    rules_ko = models.TextField(_("rules (Korean)"), blank=True)
    rules_en = models.TextField(_("rules (English)"), blank=True)
    share_scores = models.BooleanField(
        _("share scores with entrants after publication"), default=False
    )
    appeal_window_days = models.PositiveIntegerField(
        _("appeal window (days)"),
        default=30,
        help_text=_("After this many days, non-winners' personal data and files are deleted."),
    )
    # Withholding tax on prize money (DOMAIN §7). Configuration, not code.
    tax_expense_rate = models.DecimalField(
        _("deemed expense rate"), max_digits=4, decimal_places=3, default=Decimal("0.800")
    )
    tax_income_rate = models.DecimalField(
        _("income tax rate"), max_digits=4, decimal_places=3, default=Decimal("0.200")
    )
    tax_local_rate = models.DecimalField(
        _("local income tax rate (of income tax)"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
    )
    tax_threshold = models.PositiveIntegerField(
        _("no tax when taxable income is at most (KRW)"), default=50_000
    )
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizers"),
        related_name="organized_contests",
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["opens_at", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="contest_budget_nonnegative"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="contest_window_ordered"
            ),
            models.CheckConstraint(condition=Q(track__in=Track.values), name="contest_track_valid"),
            models.CheckConstraint(
                condition=Q(status__in=ContestStatus.values), name="contest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(tax_expense_rate__gte=0, tax_expense_rate__lte=1)
                & Q(tax_income_rate__gte=0, tax_income_rate__lte=1)
                & Q(tax_local_rate__gte=0, tax_local_rate__lte=1),
                name="contest_tax_rates_fraction",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if (get_language() or "ko").startswith("en") and self.title_en:
            return self.title_en
        return self.title_ko

    @property
    def rules(self) -> str:
        if (get_language() or "ko").startswith("en") and self.rules_en:
            return self.rules_en
        return self.rules_ko


class Division(Bilingual):
    """부문: a theme (Track S) or an age division (Track D, from the child's birth year)."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="divisions"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    birth_year_min = models.PositiveSmallIntegerField(_("born from (year)"), null=True, blank=True)
    birth_year_max = models.PositiveSmallIntegerField(_("born until (year)"), null=True, blank=True)

    class Meta:
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        ordering = ["contest", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="division_code_unique"),
            models.CheckConstraint(
                condition=Q(birth_year_min__isnull=True)
                | Q(birth_year_max__isnull=True)
                | Q(birth_year_min__lte=models.F("birth_year_max")),
                name="division_birth_years_ordered",
            ),
        ]


class Round(Bilingual):
    """심사 단계: who scores how many entries, how scores aggregate, who advances."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="rounds"
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(
        _("kind of judging"),
        max_length=16,
        choices=RoundKind.choices,
        default=RoundKind.RUBRIC,
        help_text=_(
            "Rubric: each judge scores the entries assigned to them. Comparative judgement: "
            "the judges of the panel pick the better of two entries, pair after pair, and a "
            "Bradley–Terry scale gives the round's scores (suited to drawings)."
        ),
    )
    judges_per_entry = models.PositiveSmallIntegerField(
        _("judges per entry"),
        null=True,
        blank=True,
        help_text=_("Empty: the whole panel scores every entry."),
    )
    method = models.CharField(
        _("aggregation method"), max_length=16, choices=METHOD_CHOICES, default=Method.MEAN
    )
    calibration_lambda = models.FloatField(
        _("calibration strength (λ)"),
        default=3.0,  # results.calibration.DEFAULT_LAMBDA (docs/ranking-calibration.md)
        validators=[MinValueValidator(0)],
        help_text=_(
            "Calibrated method only: how strongly a judge's estimated leniency is shrunk "
            "towards zero. 3 by default; larger values come closer to the plain mean."
        ),
    )
    tie_break = models.JSONField(
        _("tie-break criteria"),
        default=list,
        blank=True,
        help_text=_("Criterion codes in order; higher mean wins the tie."),
    )
    per_division = models.BooleanField(_("rank within each division"), default=False)
    advance_count = models.PositiveIntegerField(_("advance top N"), null=True, blank=True)
    advance_percent = models.DecimalField(
        _("advance top % per division"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    weight = models.DecimalField(
        _("weight in final score (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    judging_opens_at = models.DateTimeField(_("judging opens"), null=True, blank=True)
    judging_closes_at = models.DateTimeField(_("judging closes"), null=True, blank=True)

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="round_code_unique"),
            models.UniqueConstraint(fields=["contest", "order"], name="round_order_unique"),
            models.CheckConstraint(
                condition=Q(judges_per_entry__isnull=True) | Q(judges_per_entry__gte=1),
                name="round_k_positive",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100), name="round_weight_percent"
            ),
            models.CheckConstraint(
                condition=Q(advance_percent__isnull=True)
                | Q(advance_percent__gt=0, advance_percent__lte=100),
                name="round_advance_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(advance_count__isnull=True) | Q(advance_percent__isnull=True),
                name="round_one_advancement_rule",
            ),
            models.CheckConstraint(
                condition=Q(method__in=[m.value for m in Method]), name="round_method_valid"
            ),
            models.CheckConstraint(
                condition=Q(calibration_lambda__gte=0), name="round_calibration_lambda_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=RoundKind.values), name="round_kind_valid"),
        ]


class Criterion(Bilingual):
    """One rubric line; a round's criteria sum to 100 points (checked by rubric_validate)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.SlugField(_("code"), max_length=40)
    max_points = models.PositiveSmallIntegerField(_("maximum points"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # What the judges look for: shown beside the score field and on the contest's page.
    description_ko = models.TextField(_("description (Korean)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["round", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100),
                name="criterion_max_points_range",
            ),
        ]

    @property
    def description(self) -> str:
        if (get_language() or "ko").startswith("en") and self.description_en:
            return self.description_en
        return self.description_ko


class PrizeTier(Bilingual):
    """A prize tier (대상, 최우수상, …) in rank order, contest-wide or for one division."""

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="prize_tiers"
    )
    division = models.ForeignKey(
        Division,
        verbose_name=_("division"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="prize_tiers",
        help_text=_("Empty: the tier applies to the overall ranking."),
    )
    code = models.SlugField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    count = models.PositiveIntegerField(_("number of awards"))
    amount = models.BigIntegerField(_("amount each (KRW)"))
    min_score = models.DecimalField(
        _("minimum final score"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    kind = models.CharField(
        _("kind"), max_length=8, choices=PrizeKind.choices, default=PrizeKind.PRIZE
    )

    class Meta:
        verbose_name = _("prize tier")
        verbose_name_plural = _("prize tiers")
        ordering = ["contest", "division__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "code"],
                condition=Q(division__isnull=True),
                name="prizetier_code_unique_overall",
            ),
            models.UniqueConstraint(
                fields=["contest", "division", "code"],
                condition=Q(division__isnull=False),
                name="prizetier_code_unique_division",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="prizetier_amount_nonnegative"),
            models.CheckConstraint(condition=Q(count__gte=1), name="prizetier_count_positive"),
            models.CheckConstraint(
                condition=Q(min_score__isnull=True) | Q(min_score__gte=0, min_score__lte=100),
                name="prizetier_min_score_range",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PrizeKind.values), name="prizetier_kind_valid"
            ),
        ]

    @property
    def total(self) -> int:
        return tier_total(count=self.count, amount=self.amount)
