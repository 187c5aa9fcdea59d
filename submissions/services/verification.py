"""Guardian verification: a one-time code sent to the guardian's email (DOMAIN §3, §10)."""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from submissions.enums import ConsentKind, VerificationChannel
from submissions.models import Consent, GuardianVerification

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def guardian_verified_at(user) -> datetime | None:
    """When the user last proved control of their email address, if ever."""
    latest = (
        GuardianVerification.objects.filter(user=user, verified_at__isnull=False)
        .order_by("-verified_at")
        .values_list("verified_at", flat=True)
        .first()
    )
    return latest


@transaction.atomic
def guardian_code_send(*, user) -> GuardianVerification:
    code = f"{secrets.randbelow(1_000_000):06d}"
    verification = GuardianVerification.objects.create(
        user=user,
        channel=VerificationChannel.EMAIL,
        destination=user.email,
        code_hash=make_password(code),
        expires_at=timezone.now() + CODE_TTL,
    )
    transaction.on_commit(
        lambda: send_mail(
            _("[gongmo] Your verification code"),
            _("Your verification code is %(code)s. It is valid for 10 minutes.") % {"code": code},
            None,
            [user.email],
        )
    )
    return verification


@transaction.atomic
def guardian_code_verify(*, user, code: str) -> datetime:
    pending = (
        GuardianVerification.objects.select_for_update()
        .filter(user=user, verified_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if pending is None:
        raise ValidationFailed(_("The code has expired. Ask for a new one."), code="code_expired")
    if pending.attempts >= MAX_ATTEMPTS:
        raise ValidationFailed(
            _("Too many wrong codes. Ask for a new one."), code="code_attempts_exceeded"
        )
    if not check_password((code or "").strip(), pending.code_hash):
        pending.attempts += 1
        pending.save(update_fields=["attempts"])
        raise ValidationFailed(_("The code is not correct."), code="code_invalid")
    pending.verified_at = timezone.now()
    pending.save(update_fields=["verified_at"])
    # Guardian consents given before verifying now carry the evidence.
    Consent.objects.filter(
        given_by=user, kind=ConsentKind.GUARDIAN, verified_at__isnull=True
    ).update(verified_at=pending.verified_at, verification_method=VerificationChannel.EMAIL)
    return pending.verified_at
