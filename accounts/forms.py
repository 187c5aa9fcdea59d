from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role


class RegisterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I am"),
        widget=forms.RadioSelect,
        choices=[
            (Role.STUDENT, _("a university student (smart-city team)")),
            (Role.GUARDIAN, _("a parent or guardian (children's drawing)")),
        ],
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
