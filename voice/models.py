"""Where the switch's state lives between requests: calls, parties, user events, remote numbers.

Rows are the switch's state (voice/switch/model.py) made durable, so that every server process
(and the switch process) sees the same calls, and calls survive a restart. Times are seconds
since the epoch (floats), the switch's clock.
"""
from django.db import models

from provisioning.models import ContactCenter, Device


class VoiceCall(models.Model):
    """A call: what all its parties share (id = the T-Server connection id)."""

    id = models.CharField(primary_key=True, max_length=16)
    uuid = models.CharField(max_length=32, unique=True)
    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="voice_calls")
    dnis = models.CharField(max_length=64, blank=True)
    ani = models.CharField(max_length=64, blank=True)
    user_data = models.JSONField(default=list, blank=True, help_text="Ordered [key, value] pairs.")
    queue = models.CharField(max_length=64, blank=True, help_text="The queue the call waits in after a Reject.")
    # The API base URI (http://host/api/v2) of the request that created the call: notifications
    # produced later (timers, the switch process) link to the same server.
    base_uri = models.CharField(max_length=255)
    created_at = models.FloatField()

    def __str__(self):
        return self.id


class VoiceParty(models.Model):
    """One number's leg of a call: a device's (its user's view) or a simulated remote party's."""

    id = models.CharField(primary_key=True, max_length=32)
    call = models.ForeignKey(VoiceCall, on_delete=models.CASCADE, related_name="parties")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="voice_parties")
    number = models.CharField(max_length=64)
    state = models.CharField(max_length=12, db_index=True)
    call_type = models.CharField(max_length=10)
    telephony_network = models.CharField(max_length=8, default="Private")
    mute = models.BooleanField(default=False)
    seq = models.PositiveIntegerField(default=0)
    parent_call_id = models.CharField(max_length=16, blank=True)
    from_queue = models.CharField(max_length=64, blank=True)
    created_at = models.FloatField()
    established_at = models.FloatField(null=True, blank=True)
    released_at = models.FloatField(null=True, blank=True)
    final_participants = models.JSONField(default=list, blank=True)
    timer_action = models.CharField(max_length=16, blank=True)
    timer_due = models.FloatField(null=True, blank=True, db_index=True)
    # Supervisor monitoring (voice/switch/model.py Party): a supervisor's mode, scope and the
    # device it monitors; an agent's party muted by its supervisor.
    monitor_mode = models.CharField(max_length=8, blank=True)
    monitor_scope = models.CharField(max_length=8, blank=True)
    monitored_device_id = models.CharField(max_length=36, blank=True)
    monitored_muted = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["device", "state"])]

    def __str__(self):
        return f"{self.call_id}/{self.number}: {self.state}"


class CallUserEvent(models.Model):
    """A user event (EventUserEvent): a disposition set on an already released call."""

    call = models.ForeignKey(VoiceCall, on_delete=models.CASCADE, related_name="user_events")
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)


class RemoteNumber(models.Model):
    """How a number that belongs to no device behaves when called (the simulation API sets it)."""

    contact_center = models.ForeignKey(ContactCenter, on_delete=models.CASCADE, related_name="remote_numbers")
    number = models.CharField(max_length=64)
    behaviour = models.CharField(max_length=12)
    delay = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["contact_center", "number"], name="unique_remote_number")]

    def __str__(self):
        return f"{self.number}: {self.behaviour}"


class SupervisorMonitoring(models.Model):
    """A supervisor device's monitoring of a target device (ListenIn, Coach or BargeIn): the
    device's ``supervisorMonitoringState``. One per supervisor device, one per target."""

    supervisor_device = models.OneToOneField(Device, primary_key=True, on_delete=models.CASCADE, related_name="supervisor_monitoring")
    target_device = models.OneToOneField(Device, on_delete=models.CASCADE, related_name="supervised_by")
    state = models.CharField(max_length=8)
    mode = models.CharField(max_length=8, default="AllCalls")
    scope = models.CharField(max_length=8, default="Call")
    # NextCall: a call has been monitored; the monitoring ends when the supervisor leaves it.
    used = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.supervisor_device_id} {self.state} {self.target_device_id}"
