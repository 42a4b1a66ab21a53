from django.apps import AppConfig


class VoiceConfig(AppConfig):
    """The Voice API: the embedded switch, calls, call operations and their notifications."""

    name = "voice"
    default_auto_field = "django.db.models.BigAutoField"
