"""Guardian verification: a one-time code sent to the guardian's email (DOMAIN §3, §10).

The rules, the same for the page (``/me/verify/``) and the API (``me/verification/``):

* a code has 6 digits and is valid for 10 minutes; only the latest code of an account counts
  (asking for a new one ends the previous one);
* at most ``MAX_ATTEMPTS`` wrong tries per code, then the code is dead, even with the right
  digits. Each wrong try is committed before the refusal is raised: a refusal that rolled its
  own count back would leave the code open to guessing;
* at most ``MAX_CODES_PER_HOUR`` codes per account in any hour (``TooManyCodes``: 429 with
  ``Retry-After``); the account row is locked while counting, so parallel requests cannot
  slip past the limit;
* a code goes only to the account's own address: nothing a client sends names a destination.
"""

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Throttled, ValidationFailed
from submissions.enums import ConsentKind, VerificationChannel
from submissions.models import Consent, GuardianVerification

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
CODES_WINDOW = timedelta(hours=1)


class TooManyCodes(Throttled):
    """More codes asked for than the hour allows; ``retry_after`` is in seconds."""

    code = "too_many_codes"

    def __init__(self, *, retry_after: int):
        self.retry_after = retry_after
        at = timezone.localtime(timezone.now() + timedelta(seconds=retry_after))
        super().__init__(
            _(
                "You have asked for %(n)d codes in the last hour. You can ask for a new code "
                "at %(time)s (KST). Use the latest code we sent until then."
            )
            % {"n": MAX_CODES_PER_HOUR, "time": at.strftime("%H:%M")},
            detail={"retry_after_seconds": retry_after},
        )


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
    """Mail a new code to the account's own address (after commit); the previous code ends."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()  # one at a time
    now = timezone.now()
    recent = list(
        GuardianVerification.objects.filter(user=user, created_at__gt=now - CODES_WINDOW)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:MAX_CODES_PER_HOUR]
    )
    if len(recent) >= MAX_CODES_PER_HOUR:
        oldest = recent[-1]  # the one whose hour ends first, freeing a place
        raise TooManyCodes(retry_after=max(1, int((oldest + CODES_WINDOW - now).total_seconds())))
    GuardianVerification.objects.filter(
        user=user, verified_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    address = user.email  # never an address from the request
    verification = GuardianVerification.objects.create(
        user=user,
        channel=VerificationChannel.EMAIL,
        destination=address,
        code_hash=make_password(code),
        expires_at=now + CODE_TTL,
    )
    transaction.on_commit(
        lambda: send_mail(
            _("[gongmo] Your verification code"),
            _("Your verification code is %(code)s. It is valid for 10 minutes.") % {"code": code},
            None,
            [address],
        )
    )
    return verification


def guardian_code_verify(*, user, code: str) -> datetime:
    """Check a code against the account's latest one. The outcome (a wrong try counted, or
    the verification) is committed first; a refusal is raised only afterwards."""
    with transaction.atomic():
        outcome = _code_check(user=user, code=code)
    if isinstance(outcome, ValidationFailed):
        raise outcome
    return outcome


def _code_check(*, user, code: str) -> datetime | ValidationFailed:
    latest = (
        GuardianVerification.objects.select_for_update()
        .filter(user=user, verified_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if latest is None:
        return ValidationFailed(
            _("Request a code first: we send it to your email address."),
            code="code_not_requested",
        )
    now = timezone.now()
    if latest.expires_at <= now:
        return ValidationFailed(_("The code has expired. Ask for a new one."), code="code_expired")
    if latest.attempts >= MAX_ATTEMPTS:
        return ValidationFailed(
            _("Too many wrong codes. Ask for a new one."), code="code_attempts_exceeded"
        )
    if not check_password((code or "").strip(), latest.code_hash):
        latest.attempts += 1
        latest.save(update_fields=["attempts"])
        return ValidationFailed(_("The code is not correct."), code="code_invalid")
    latest.verified_at = now
    latest.save(update_fields=["verified_at"])
    # Guardian consents given before verifying now carry the evidence.
    Consent.objects.filter(
        given_by=user, kind=ConsentKind.GUARDIAN, verified_at__isnull=True
    ).update(verified_at=latest.verified_at, verification_method=VerificationChannel.EMAIL)
    return latest.verified_at
