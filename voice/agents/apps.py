from django.apps import AppConfig


class VoiceAgentsConfig(AppConfig):
    """Agent and device state of the Voice API: agent states, DND and forwarding, contact-center
    sessions (its own app, so its migrations never collide with the call tables')."""

    name = "voice.agents"
    label = "voice_agents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .. import monitor  # noqa: F401 - connects the user-monitor hooks
