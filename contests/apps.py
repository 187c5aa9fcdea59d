from django.apps import AppConfig


class ContestsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contests"

    def ready(self) -> None:
        from contests import checks  # noqa: F401, PLC0415 (registers the deploy check)
