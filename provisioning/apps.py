from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """Contact centers, users, devices, skills and voice environments."""

    name = "provisioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from gws_project.api import csrf  # noqa: F401 - makes the GWS CSRF token at login
        from . import cors  # noqa: F401 - connects the dynamic CORS origin check
