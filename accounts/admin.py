"""Accounts in the admin, for superusers (organizers' group has no permission here): every
address and phone number written as sign-up writes it (``accounts.identity``), one account per
address whatever its case; permissions named in the page's language (Django stores their
names in English: "Can add prize tier")."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from accounts.identity import InvalidPhone, email_normalise, phone_normalise
from accounts.models import EMAIL_TAKEN, User
from accounts.services import PHONE_INVALID, email_taken

PERMISSION_VERBS = {
    "add": _("may add"),
    "change": _("may change"),
    "delete": _("may delete"),
    "view": _("may view"),
}


def permission_label(permission: Permission) -> str:
    """ "공모전 | 시상 등급 | 추가 가능" instead of "contests | prize tier | Can add prize tier"."""
    model = permission.content_type.model_class()
    verb = PERMISSION_VERBS.get(permission.codename.partition("_")[0])
    if model is None or verb is None:
        return permission.name
    meta = model._meta
    return f"{meta.app_config.verbose_name} | {meta.verbose_name} | {verb}"


def admin_permissions():
    """The permissions of the models the admin has pages for: the only ones it uses."""
    models = [model for model in admin.site._registry if model is not Permission]
    types = ContentType.objects.get_for_models(*models, for_concrete_models=False).values()
    return Permission.objects.filter(content_type__in=types).select_related("content_type")


class PermissionsInWords:
    """Mixed into the user and group admins: their permission pickers read as words and list
    the permissions of the admin's pages; the others an account or group holds (given in
    code, e.g. ``accounts.services.organizer_group``) are kept when the form is saved."""

    PERMISSION_FIELDS = ("permissions", "user_permissions")

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name in self.PERMISSION_FIELDS:
            kwargs["queryset"] = admin_permissions()
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field

    def save_related(self, request, form, formsets, change):
        shown = admin_permissions()
        kept = {
            name: list(getattr(form.instance, name).exclude(pk__in=shown))
            for name in self.PERMISSION_FIELDS
            if name in form.cleaned_data
        }
        super().save_related(request, form, formsets, change)
        for name, permissions in kept.items():
            getattr(form.instance, name).add(*permissions)


class AccountFields:
    def clean_email(self):
        email = email_normalise(self.cleaned_data.get("email", ""))
        if email and email_taken(email, except_pk=self.instance.pk):
            raise forms.ValidationError(EMAIL_TAKEN, code="email_taken")
        return email

    def clean_phone(self):
        try:
            return phone_normalise(self.cleaned_data.get("phone", ""))
        except InvalidPhone as exc:
            raise forms.ValidationError(PHONE_INVALID, code="invalid_phone") from exc


class AccountChangeForm(AccountFields, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class AccountCreationForm(AccountFields, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


@admin.register(User)
class UserAdmin(PermissionsInWords, BaseUserAdmin):
    form = AccountChangeForm
    add_form = AccountCreationForm
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


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionsInWords, BaseGroupAdmin):
    pass
