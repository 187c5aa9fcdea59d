from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role

EMAIL_TAKEN = _("An account with this email address already exists.")


class User(AbstractUser):
    """One account per person. ``role`` says which journey the person takes.

    Students and guardians register themselves; judges and organizers are created by
    organizers (admin or ``manage.py create_staff_user``).
    """

    name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.STUDENT)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
            # one account per address, whatever its case (accounts.identity.email_normalise)
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_ci_unique",
                violation_error_message=EMAIL_TAKEN,
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:  # Django's (the admin's greeting): our one name field
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    @property
    def roles(self) -> list[str]:
        roles = [self.role]
        if self.is_superuser and Role.ORGANIZER not in roles:
            roles.append(Role.ORGANIZER.value)
        return roles
