"""Organizers configure every part of a contest here, without code (Korean labels)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from contests.models import Contest, Criterion, Division, PrizeTier, Round
from contests.services import rubric_validate, tiers_validate
from core.errors import DomainError


class OrganizerScopedAdmin(admin.ModelAdmin):
    """Organizers see and edit only the contests they run; superusers see all."""

    contest_path = "contest"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.contest_path}__organizers": request.user}).distinct()


class DivisionInline(admin.TabularInline):
    model = Division
    extra = 0


class PrizeTierFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        totals = [
            f.cleaned_data["count"] * f.cleaned_data["amount"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            tiers_validate(contest=self.instance, totals=totals)
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc


class PrizeTierInline(admin.TabularInline):
    model = PrizeTier
    formset = PrizeTierFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = Division.objects.filter(
                contest_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    fields = [
        "order",
        "code",
        "name_ko",
        "judges_per_entry",
        "kind",
        "method",
        "weight",
    ]
    show_change_link = True  # criteria are edited on the round's own page


@admin.register(Contest)
class ContestAdmin(OrganizerScopedAdmin):
    contest_path = "pk"
    list_display = ["title_ko", "slug", "track", "status", "opens_at", "closes_at", "budget"]
    list_filter = ["track", "status"]
    search_fields = ["title_ko", "title_en", "slug"]
    filter_horizontal = ["organizers"]
    inlines = [DivisionInline, RoundInline, PrizeTierInline]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(organizers=request.user)


class CriterionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        points = [
            f.cleaned_data["max_points"]
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            rubric_validate(round=self.instance, max_points=points)
        except DomainError as exc:
            raise ValidationError(str(exc.message)) from exc


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionFormSet
    extra = 0


@admin.register(Round)
class RoundAdmin(OrganizerScopedAdmin):
    list_display = ["__str__", "contest", "order", "kind", "judges_per_entry", "method", "weight"]
    list_filter = ["contest", "kind", "method"]
    inlines = [CriterionInline]


@admin.register(PrizeTier)
class PrizeTierAdmin(OrganizerScopedAdmin):
    list_display = ["__str__", "contest", "division", "count", "amount", "min_score", "kind"]
    list_filter = ["contest", "kind"]
