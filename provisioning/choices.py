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


class ServiceState(models.TextChoices):
    ACTIVE = "Active"
    INACTIVE = "Inactive"
    READ_ONLY = "ReadOnly"


class AgentState(models.TextChoices):
    READY = "Ready"
    NOT_READY = "NotReady"
    LOGOUT = "Logout"


class WorkMode(models.TextChoices):
    """The work modes the document uses for agent-state operations."""

    AUX_WORK = "AuxWork"
    AFTER_CALL_WORK = "AfterCallWork"
