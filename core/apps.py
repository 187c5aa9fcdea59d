from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _

from core.converters import IdConverter


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = _("Records and background jobs")

    def ready(self) -> None:
        register_converter(IdConverter, "id")  # <id:…> in every URL module (core/converters.py)
