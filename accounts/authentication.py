"""API tokens expire (DOMAIN §10 "Accounts"): ``Authorization: Token <key>`` is accepted for
``API_TOKEN_TTL_DAYS`` days after the token was issued, then answers 401 ``token_expired``
and the token is deleted; ``POST auth/token/`` issues a new one. A change or reset of the
password deletes every token of the account (``accounts.passwords``)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = _("Your API token has expired. Log in again for a new one.")
    default_code = "token_expired"


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def token_expired(token: Token, *, now: datetime | None = None) -> bool:
    return (now or timezone.now()) >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise TokenExpired()
        return user, token
