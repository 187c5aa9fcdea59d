from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "name", "role", "affiliation", "email", "is_staff"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["username", "name", "email", "affiliation"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("gongmo"), {"fields": ("role", "name", "phone", "affiliation")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("gongmo"), {"fields": ("role", "name", "email", "phone", "affiliation")}),
    )
