"""A change or reset of the password ends every API token of the account (DOMAIN §10).

Django calls ``password_changed()`` of every entry of ``AUTH_PASSWORD_VALIDATORS`` when a user
whose password was set is saved (``AbstractBaseUser.save``): the one moment every way of
changing a password passes through — the reset link, the admin, ``manage.py changepassword``,
a service calling ``set_password``. Sessions need nothing here: Django keeps the password's
hash in each session and ends every session whose hash no longer matches (the session that
changed the password keeps itself with ``update_session_auth_hash``).
"""

from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token


class PasswordChangeEndsTokens:
    """Not a rule on the password itself (``validate`` accepts all): the change's consequence."""

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            Token.objects.filter(user=user).delete()

    def get_help_text(self) -> str:  # listed with the rules under every new-password field
        return _("Setting a new password signs you out everywhere else and ends your API tokens.")
