from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The WSCE 2021 demo: the one place that may import every app (``seed_wsce2021``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
