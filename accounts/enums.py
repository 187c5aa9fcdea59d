from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    GUARDIAN = "guardian", _("Guardian")
    JUDGE = "judge", _("Judge")
    ORGANIZER = "organizer", _("Organizer")


SELF_REGISTERED_ROLES = (Role.STUDENT, Role.GUARDIAN)
STAFF_ROLES = (Role.JUDGE, Role.ORGANIZER)
