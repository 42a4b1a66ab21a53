from django.apps import AppConfig


class DispositionsConfig(AppConfig):
    """Hierarchical dispositions and agent groups: the Grouping API and its settings view."""

    name = "dispositions"
    default_auto_field = "django.db.models.BigAutoField"
