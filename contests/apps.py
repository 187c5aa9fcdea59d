from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contests"
    verbose_name = _("Contests")  # the admin's section title

    def ready(self) -> None:
        from contests import checks  # noqa: F401, PLC0415 (registers the deploy check)
