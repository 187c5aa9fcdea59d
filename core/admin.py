from django.contrib import admin

from core.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: audit records are append-only and never edited through the app."""

    list_display = ["created_at", "contest", "actor", "action", "target_type", "target_id"]
    list_filter = ["action", "contest"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
