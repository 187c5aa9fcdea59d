"""Accounts in the admin, for superusers (organizers' group has no permission here): every
address and phone number written as sign-up writes it (``accounts.identity``), one account per
address whatever its case."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.identity import InvalidPhone, email_normalise, phone_normalise
from accounts.models import EMAIL_TAKEN, User
from accounts.services import PHONE_INVALID, email_taken


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
class UserAdmin(BaseUserAdmin):
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
