"""The audit trail in the admin, for superusers: read-only, in words (``core.audit_labels``);
organizers read their contest's trail at ``api/v1/contests/{slug}/audit/``."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.audit_labels import action_label, target_label
from core.models import AuditRecord


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditRecord.objects.order_by("action").values_list("action", flat=True)
        return [(code, action_label(code)) for code in actions.distinct()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: audit records are append-only and never edited through the app."""

    list_display = ["created_at", "contest", "actor", "what", "target"]
    list_filter = [ActionFilter, ("contest", admin.RelatedOnlyFieldListFilter)]
    fields = ["created_at", "contest", "actor", "what", "target", "before", "after", "reason"]
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def what(self, record: AuditRecord) -> str:
        return action_label(record.action)

    @admin.display(description=_("changed"))
    def target(self, record: AuditRecord) -> str:
        return target_label(record.target_type, record.target_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
