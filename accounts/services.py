"""Account writes: self-registration (students, guardians) and staff creation (organizers)."""

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework.authtoken.models import Token

from accounts.authentication import token_expired
from accounts.enums import SELF_REGISTERED_ROLES, STAFF_ROLES, Role
from accounts.identity import InvalidPhone, email_normalise, phone_normalise
from accounts.models import EMAIL_TAKEN, User
from accounts.throttling import (
    client_ip,
    login_failure_record,
    login_failures_clear,
    login_throttle_check,
)
from core.errors import ValidationFailed

ORGANIZER_GROUP = "운영자"  # organizers: its name shows in the (Korean) admin
PHONE_INVALID = _lazy("Enter a Korean phone number, e.g. 010-1234-5678 or 02-123-4567.")
ORGANIZER_APPS = ("contests", "submissions", "judging")


def _validate_account(*, username: str, password: str, email: str, name: str, phone: str) -> None:
    """``email`` and ``phone`` as normalised by ``accounts.identity``."""
    errors: dict[str, list[str]] = {}
    if not username or len(username) > 150:
        errors["username"] = [_("Enter a user name of at most 150 characters.")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This user name is already taken.")]
    try:
        validate_email(email)
    except DjangoValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    else:
        if email_taken(email):
            errors["email"] = [str(EMAIL_TAKEN)]
    if phone is None:
        errors["phone"] = [str(PHONE_INVALID)]
    if not name.strip():
        errors["name"] = [_("Enter your name.")]
    try:
        password_validation.validate_password(password, User(username=username, email=email))
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        code = "username_taken" if "username" in errors and len(errors) == 1 else "invalid"
        raise ValidationFailed(_("Please correct the marked fields."), code=code, detail=errors)


def email_taken(
    email: str, *, except_username: str | None = None, except_pk: int | None = None
) -> bool:
    """Whether another account already has this address, in any case (one per address; the
    database holds the same rule, ``user_email_ci_unique``)."""
    others = User.objects.filter(email__iexact=email_normalise(email)).exclude(email="")
    if except_username is not None:
        others = others.exclude(username=except_username)
    if except_pk is not None:
        others = others.exclude(pk=except_pk)
    return others.exists()


def _phone_or_none(phone: str) -> str | None:
    try:
        return phone_normalise(phone)
    except InvalidPhone:
        return None


def _taken(exc: IntegrityError) -> ValidationFailed:
    """Two registrations raced for one user name or one address: the database said no."""
    if "email" in str(exc).lower():
        return ValidationFailed(
            _("Please correct the marked fields."),
            code="invalid",
            detail={"email": [str(EMAIL_TAKEN)]},
        )
    return ValidationFailed(
        _("This user name is already taken."),
        code="username_taken",
        detail={"username": [_("This user name is already taken.")]},
    )


@transaction.atomic
def user_register(
    *, username: str, password: str, email: str, name: str, phone: str = "", role: str
) -> User:
    """A student or guardian creates their own account."""
    if role not in SELF_REGISTERED_ROLES:
        raise ValidationFailed(
            _("You can register only as a student or a guardian."),
            code="invalid_role",
            detail={"role": [_("Choose student or guardian.")]},
        )
    email, normal_phone = email_normalise(email), _phone_or_none(phone)
    _validate_account(
        username=username, password=password, email=email, name=name, phone=normal_phone
    )
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=username,
                password=password,
                email=email,
                name=name.strip(),
                phone=normal_phone,
                role=role,
            )
    except IntegrityError as exc:
        raise _taken(exc) from exc


def organizer_group() -> Group:
    """The group whose members may use the admin to configure and run contests."""
    group, created = Group.objects.get_or_create(name=ORGANIZER_GROUP)
    if created or not group.permissions.exists():
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=ORGANIZER_APPS))
    return group


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    password: str,
    email: str,
    name: str,
    role: str,
    affiliation: str = "",
    phone: str = "",
) -> User:
    """An organizer creates a judge or organizer account (never self-registration)."""
    if role not in STAFF_ROLES:
        raise ValidationFailed(_("Staff accounts are judges or organizers."), code="invalid_role")
    email, normal_phone = email_normalise(email), _phone_or_none(phone)
    _validate_account(
        username=username, password=password, email=email, name=name, phone=normal_phone
    )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                password=password,
                email=email,
                name=name,
                phone=normal_phone,
                affiliation=affiliation,
                role=role,
                is_staff=(role == Role.ORGANIZER),
            )
    except IntegrityError as exc:
        raise _taken(exc) from exc
    if role == Role.ORGANIZER:
        user.groups.add(organizer_group())
    return user


@transaction.atomic
def auth_token_obtain(*, username: str, password: str, request=None) -> Token:
    """The account's API token: the one it has while that lives (``API_TOKEN_TTL_DAYS`` from
    its issue), else a new one. Throttled like every log-in (``accounts.throttling``)."""
    ip = client_ip(request)
    login_throttle_check(username=username, ip=ip)
    user = authenticate(request, username=username, password=password)
    if user is None:
        login_failure_record(username=username, ip=ip)
        raise ValidationFailed(
            _("The user name or password is incorrect."), code="invalid_credentials"
        )
    login_failures_clear(username=username, ip=ip)
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token
