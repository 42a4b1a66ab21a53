"""GWS wire values used by provisioning models."""
from django.db import models


class Role(models.TextChoices):
    AGENT = "ROLE_AGENT", "Agent"
    SUPERVISOR = "ROLE_SUPERVISOR", "Supervisor"
    ADMIN = "ROLE_ADMIN", "Contact Center Admin"


class TelephonyNetwork(models.TextChoices):
    PUBLIC = "Public"
    PRIVATE = "Private"


class DeviceState(models.TextChoices):
    ACTIVE = "Active"
    INACTIVE = "Inactive"


class OnOff(models.TextChoices):
    ON = "On"
    OFF = "Off"
