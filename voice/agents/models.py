"""Device and session state beyond calls: what a T-Server keeps per DN and per agent login.

Do-not-disturb and forwarding live on provisioning's Device row (the Devices API shows them);
the agent state of a device and the user's contact-center session live here.
"""
import uuid

from django.db import models

from provisioning.models import Device, User


class AgentState:
    """The states a device's userState shows (Offline is ``LoggedOut`` on devices)."""

    READY = "Ready"
    NOT_READY = "NotReady"
    LOGGED_OUT = "LoggedOut"


class DeviceAgentState(models.Model):
    """The agent state on one device (the T-Server's agent login on that DN)."""

    device = models.OneToOneField(Device, primary_key=True, on_delete=models.CASCADE, related_name="agent_state")
    state = models.CharField(max_length=12, default=AgentState.LOGGED_OUT)
    work_mode = models.CharField(max_length=32, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    # When the agent last became Ready (longest idle first), seconds since the epoch.
    ready_since = models.FloatField(null=True, blank=True)
    # After a queue call: when AfterCallWork ends and the agent is Ready again.
    wrapup_due = models.FloatField(null=True, blank=True, db_index=True)
    # Queue numbers the agent is logged into (StartContactCenterSession's queue).
    queues = models.JSONField(default=list, blank=True)
    login_code = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.device_id}: {self.state}"


class ContactCenterSession(models.Model):
    """A user's contact-center session (StartContactCenterSession .. EndContactCenterSession)."""

    user = models.OneToOneField(User, primary_key=True, on_delete=models.CASCADE, related_name="contact_center_session")
    channels = models.JSONField(default=list)
    place = models.CharField(max_length=255, blank=True)
    # A place that is not one of the user's own devices ("assigned to the user for the duration
    # of the session"): the device, the user it belonged to by default (None: nobody), and the
    # user's own devices moved off for the session; EndContactCenterSession restores them.
    place_device = models.OneToOneField(
        Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="place_session"
    )
    place_default_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    default_devices = models.JSONField(default=list, blank=True)
    login_code = models.CharField(max_length=64, blank=True)
    queue = models.CharField(max_length=64, blank=True)
    # The mobileSession object as given (mobileDeviceId, mobilePushType, filter, timeout, debug).
    mobile_session = models.JSONField(null=True, blank=True)
    # Whether notifications currently go to Genesys Mobile Services (no CometD client).
    push_active = models.BooleanField(default=False)
    # When the user's last CometD client went away (None while one is connected): the user
    # monitor ends the session once its timeout has passed since then.
    disconnected_at = models.FloatField(null=True, blank=True, db_index=True)
    started_at = models.FloatField()

    def __str__(self):
        return f"session of {self.user_id}"


class Queue(models.Model):
    """A voice queue (an ACD queue / routing point): calls to its number wait there and go to the
    longest-idle Ready agent logged into it who has every skill it requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact_center = models.ForeignKey("provisioning.ContactCenter", on_delete=models.CASCADE, related_name="queues")
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=255, blank=True)
    channel = models.CharField(max_length=16, default="voice")
    # The number callers dial (E.164 as provisioning normalises device numbers).
    number = models.CharField(max_length=64)
    # [{"name": skill name, "level": minimum level}], every one required.
    skills = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["contact_center", "number"], name="unique_queue_number")]

    def __str__(self):
        return f"{self.name} ({self.number})"
