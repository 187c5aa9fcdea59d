"""Organizers configure every part of a contest here, without code (Korean labels).

The admin is a way in like any other (DOMAIN §10, CONVENTIONS "Where rules live"):

* what a user sees and may open is ``contests.permissions.organizes_q`` — the API's rule — for
  every list, change and delete view (``OrganizerScopedAdmin.get_queryset``);
* every foreign-key choice of every form and inline lists only what the user organizes
  (``ScopedChoices``), so a forged POST naming another contest's id is "not a valid choice":
  the form is shown again and nothing is saved; a tier's division must be of the tier's contest;
* the settings' phase rule (``contests.changes.settings_change_require``) guards every form,
  inline row, inline deletion and deletion: no status set to "published" by hand, no deadline
  moved once passed, no criterion or division reshaped under entries and scorecards, nothing
  changed while the results are published;
* the budget rule (``contests.services.tiers_validate``) guards the standalone prize tier, the
  contest's tiers inline and a change of the contest's budget; the rubric rule
  (``rubric_validate``) the round's criteria; a round's tie-break is a list of its criteria.

Only superusers create or delete contests and choose their organizers (the picker would list
every account; a contest's deletion would take the families' entries with it).
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contests.changes import settings_change_require
from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.permissions import organizes_q
from contests.services import rubric_validate, tiers_validate
from core.errors import DomainError

# How each configurable model reaches its contest: the ``path`` of ``organizes_q``.
CONTEST_PATHS: dict[type[Model], str] = {
    Contest: "",
    Division: "contest",
    Round: "contest",
    PrizeTier: "contest",
    Criterion: "round__contest",
}


def organized(model: type[Model], user) -> QuerySet:
    """The rows of ``model`` whose contest ``user`` organizes (all of them for superusers)."""
    return model._default_manager.filter(organizes_q(user, CONTEST_PATHS[model])).distinct()


def won(amount: int | None) -> str:
    """Money as people read it: 290,000,000원 (290,000,000 KRW on the English page)."""
    if amount is None:
        return "—"
    return gettext("%(amount)s KRW") % {"amount": f"{amount:,}"}


def _refusal(error: DomainError) -> ValidationError:
    return ValidationError(str(error.message), code=error.code)


class ScopedChoices:
    """Foreign keys to a contest, division, round … list only the user's own contests'."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in CONTEST_PATHS:
            kwargs["queryset"] = organized(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.related_model in CONTEST_PATHS:
            kwargs["queryset"] = organized(db_field.related_model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class OrganizerScopedAdmin(ScopedChoices, admin.ModelAdmin):
    """Organizers see, open and change only the contests they run; superusers see all."""

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(organizes_q(request.user, CONTEST_PATHS[self.model]))
            .distinct()
        )


# ---- the phase rule of the settings (contests.changes) --------------------------------------


def _contest_of(obj: Model | None) -> Contest | None:
    """The stored contest a row belongs to (None for a new contest)."""
    if obj is None:
        return None
    if isinstance(obj, Contest):
        return Contest.objects.filter(pk=obj.pk).first() if obj.pk else None
    if isinstance(obj, Criterion):
        return _contest_of(getattr(obj, "round", None))
    contest_id = getattr(obj, "contest_id", None)
    return Contest.objects.filter(pk=contest_id).first() if contest_id else None


def settings_refusal(obj: Model, *, fields=(), **kwargs) -> ValidationError | None:
    """The phase rule's refusal of a change of ``obj`` (see ``settings_change_require``): the
    sentence for the whole form, and beside each field it names, what is wrong with it."""
    contest = _contest_of(obj)
    if contest is None:
        return None
    try:
        settings_change_require(contest=contest, model=type(obj), fields=fields, **kwargs)
    except DomainError as error:
        named = {
            name: [str(m) for m in messages]
            for name, messages in (error.detail or {}).items()
            if name in fields and isinstance(messages, list)
        }
        if named:
            return ValidationError({NON_FIELD_ERRORS: [str(error.message)], **named})
        return _refusal(error)
    return None


class PhaseGuarded(forms.ModelForm):
    """Every admin form of a contest's settings asks the phase rule before it saves."""

    def clean(self):
        cleaned = super().clean()
        probe = self.instance
        for name in ("contest", "round"):  # its parent as posted: a new row, or one moved
            if name in self.fields and cleaned.get(name) is not None:
                probe = type(self.instance)(**{name: cleaned[name]})
        refusal = settings_refusal(
            probe,
            fields=[name for name in self.changed_data if name != "DELETE"],
            adding=self.instance.pk is None,
            values=cleaned,
        )
        if refusal is not None:
            raise refusal
        return cleaned


class PhaseGuardedFormSet(forms.BaseInlineFormSet):
    """An inline's deleted rows ask the phase rule too."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.pk:
                refusal = settings_refusal(form.instance, deleting=True)
                if refusal is not None:
                    raise refusal


class PhaseGuardedAdmin:
    """Deleting a row (its page or the list's bulk action) asks the phase rule."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and settings_refusal(obj, deleting=True) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        refused = [obj for obj in queryset if settings_refusal(obj, deleting=True) is not None]
        if refused:
            self.message_user(
                request,
                gettext("Nothing was deleted: %(rows)s can no longer be removed.")
                % {"rows": ", ".join(str(obj) for obj in refused)},
                level="error",
            )
            return
        super().delete_queryset(request, queryset)


# ---- forms: one rule each, shared by the standalone pages and the inlines -------------------


class RoundForm(PhaseGuarded):
    class Meta:
        model = Round
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def clean_tie_break(self):
        value = self.cleaned_data.get("tie_break")
        if value in (None, ""):
            return []  # an empty box: no tie-break (the column is NOT NULL)
        if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
            raise ValidationError(
                _('Enter criterion codes as a list, e.g. ["feasibility", "creativity"].'),
                code="invalid_tie_break",
            )
        return value


class DivisionForm(PhaseGuarded):
    class Meta:
        model = Division
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)


class CriterionForm(PhaseGuarded):
    class Meta:
        model = Criterion
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)


class PrizeTierForm(PhaseGuarded):
    class Meta:
        model = PrizeTier
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def tier_contest(self) -> Contest | None:
        contest = self.cleaned_data.get("contest")
        if contest is None and self.instance.contest_id is not None:
            contest = self.instance.contest
        return contest

    def clean(self):
        cleaned = super().clean()
        division, contest = cleaned.get("division"), self.tier_contest()
        if division is not None and contest is not None and division.contest_id != contest.pk:
            self.add_error("division", _("This division belongs to another contest."))
        return cleaned

    def tier_total(self) -> int | None:
        count, amount = self.cleaned_data.get("count"), self.cleaned_data.get("amount")
        if count is None or amount is None:
            return None
        return PrizeTier(count=count, amount=amount).total


class StandalonePrizeTierForm(PrizeTierForm):
    """One tier on its own page: the contest's other tiers, as stored, plus this one."""

    def clean(self):
        cleaned = super().clean()
        contest, total = self.tier_contest(), self.tier_total()
        if self.errors or contest is None or total is None:
            return cleaned
        others = contest.prize_tiers.exclude(pk=self.instance.pk)
        try:
            tiers_validate(contest=contest, totals=[t.total for t in others] + [total])
        except DomainError as error:
            raise _refusal(error) from error
        return cleaned


class PrizeTierFormSet(PhaseGuardedFormSet):
    """The contest's tiers as they will be saved — the stored ones the POST did not mention, the
    posted ones, minus deletions — against the budget as it will be saved."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        contest = self.instance
        posted = {f.instance.pk for f in self.forms if f.instance.pk is not None}
        stored = [] if contest.pk is None else contest.prize_tiers.exclude(pk__in=posted)
        totals = [t.total for t in stored]
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # an empty extra row
            if self.can_delete and self._should_delete_form(form):
                continue
            totals.append(form.tier_total() or 0)
        try:
            tiers_validate(contest=contest, totals=totals)
        except DomainError as error:
            raise _refusal(error) from error


class CriterionFormSet(PhaseGuardedFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not (self.can_delete and self._should_delete_form(f))
        ]
        try:
            rubric_validate(round=self.instance, max_points=[c["max_points"] for c in kept])
        except DomainError as error:
            raise _refusal(error) from error
        unknown = [c for c in self.instance.tie_break or [] if c not in {k["code"] for k in kept}]
        if unknown:
            raise ValidationError(
                _("The tie-break names criteria this round does not have: %(codes)s.")
                % {"codes": ", ".join(unknown)},
                code="invalid_tie_break",
            )


class ContestForm(PhaseGuarded):
    """A change of the budget meets the stored tiers — unless the tiers inline is on the page,
    which checks the tiers as posted against the new budget (``PrizeTierFormSet``)."""

    tiers_inline = False  # set by ContestAdmin.get_form

    class Meta:
        model = Contest
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose what is shown)

    def clean(self):
        cleaned = super().clean()
        budget = cleaned.get("budget")
        if self.tiers_inline or budget is None or self.instance.pk is None:
            return cleaned
        stored = Contest.objects.get(pk=self.instance.pk).prize_tiers.all()
        probe = Contest(pk=self.instance.pk, budget=budget)
        try:
            tiers_validate(contest=probe, totals=[t.total for t in stored])
        except DomainError as error:
            self.add_error("budget", _refusal(error))
        return cleaned


# ---- inlines --------------------------------------------------------------------------------


class DivisionInline(ScopedChoices, admin.TabularInline):
    model = Division
    form = DivisionForm
    formset = PhaseGuardedFormSet
    extra = 0


class PrizeTierInline(ScopedChoices, admin.TabularInline):
    model = PrizeTier
    form = PrizeTierForm
    formset = PrizeTierFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        contest_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "division" and field is not None:
            field.queryset = (
                field.queryset.filter(contest_id=contest_id)
                if contest_id
                else field.queryset.none()  # a new contest has no divisions yet
            )
        return field


class RoundInline(ScopedChoices, admin.TabularInline):
    model = Round
    form = RoundForm
    formset = PhaseGuardedFormSet
    extra = 0
    fields = ["order", "code", "name_ko", "judges_per_entry", "kind", "method", "weight"]
    show_change_link = True  # criteria are edited on the round's own page


class CriterionInline(ScopedChoices, admin.TabularInline):
    model = Criterion
    form = CriterionForm
    formset = CriterionFormSet
    extra = 0


# ---- the pages ------------------------------------------------------------------------------


@admin.register(Contest)
class ContestAdmin(OrganizerScopedAdmin):
    form = ContestForm
    list_display = ["title_ko", "slug", "track", "status", "opens_at", "closes_at", "budget_won"]
    list_filter = ["track", "status"]
    search_fields = ["title_ko", "title_en", "slug"]
    filter_horizontal = ["organizers"]
    inlines = [DivisionInline, RoundInline, PrizeTierInline]

    @admin.display(description=_("prize budget"), ordering="budget")
    def budget_won(self, contest: Contest) -> str:
        return won(contest.budget)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "organizers"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.tiers_inline = any(
            isinstance(inline, PrizeTierInline)
            for inline in self.get_inline_instances(request, obj)
        )
        if obj is not None and "budget" in form.base_fields:
            total = sum(t.total for t in obj.prize_tiers.all())
            form.base_fields["budget"].help_text = _(
                "Now %(budget)s; the prize tiers total %(total)s. The tiers may not exceed it."
            ) % {"budget": won(obj.budget), "total": won(total)}
        return form


@admin.register(Round)
class RoundAdmin(PhaseGuardedAdmin, OrganizerScopedAdmin):
    form = RoundForm
    list_display = ["__str__", "contest", "order", "kind", "judges_per_entry", "method", "weight"]
    list_filter = [("contest", admin.RelatedOnlyFieldListFilter), "kind", "method"]
    inlines = [CriterionInline]


@admin.register(PrizeTier)
class PrizeTierAdmin(PhaseGuardedAdmin, OrganizerScopedAdmin):
    form = StandalonePrizeTierForm
    list_display = [
        "__str__",
        "contest",
        "division",
        "count",
        "amount_won",
        "total_won",
        "min_score",
        "kind",
    ]
    list_filter = [("contest", admin.RelatedOnlyFieldListFilter), "kind"]

    @admin.display(description=_("amount each"), ordering="amount")
    def amount_won(self, tier: PrizeTier) -> str:
        return won(tier.amount)

    @admin.display(description=_("total"))
    def total_won(self, tier: PrizeTier) -> str:
        return won(tier.total)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "amount" in form.base_fields:
            budgets = ", ".join(
                f"{c.title}: {won(c.budget)}" for c in organized(Contest, request.user)
            )
            form.base_fields["amount"].help_text = _(
                "In won, e.g. 5,000,000. All tiers together may not exceed the budget "
                "(%(budgets)s)."
            ) % {"budgets": budgets or "—"}
        return form
