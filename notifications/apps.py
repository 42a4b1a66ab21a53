from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """CometD (Bayeux 1.0) notifications at /api/v2/notifications."""

    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
