"""
Supervisor monitoring, the API side: ListenIn, Coach, BargeIn and CancelSupervisorMonitoring on
``POST /me/devices/{id}`` (checked here, carried out by the switch: voice/switch/engine.py), and
how a supervisor's device shows it (its capabilities, ``supervisorMonitoringState``).

The call operations (SwitchToBargeIn, SwitchToListenIn, MuteMonitoredUser, UnmuteMonitoredUser)
are ordinary call operations (voice/operations.py) gated by the same feature.
"""
import uuid

from gws_project.api.errors import InUse, InvalidState, InvalidValue, MissingParameter, NoPermission, NotFound
from provisioning import features
from provisioning.models import Device

from .models import SupervisorMonitoring, VoiceParty
from .switch.model import State, Supervision

FEATURE = "api-supervisor-monitoring"
CONFIGURE = Supervision.STATES  # ListenIn, Coach, BargeIn: the operation names are the states
CANCEL = "CancelSupervisorMonitoring"
DEVICE_OPERATIONS = (*CONFIGURE, CANCEL)
PARAMETERS = ("targetDeviceUri", "supervisorMonitoringScope", "supervisorMonitoringMode")


# ---------------------------------------------------------------------------------------------
# How a supervisor's device looks
# ---------------------------------------------------------------------------------------------


class _Facts:
    """What rendering devices needs to know, read once per rendering context: whether the
    contact center has the feature, and its supervisors' monitoring rows."""

    def __init__(self, contact_center_id):
        self.contact_center_id = contact_center_id
        self._feature = None
        self._monitors = None

    def feature(self):
        if self._feature is None:
            self._feature = features.has(self.contact_center_id, FEATURE)
        return self._feature

    def monitors(self):
        if self._monitors is None:
            rows = SupervisorMonitoring.objects.filter(supervisor_device__contact_center_id=self.contact_center_id)
            self._monitors = {row.supervisor_device_id: row for row in rows}
        return self._monitors


def _facts(device, ctx):
    facts = getattr(ctx, "_supervision_facts", None) if ctx is not None else None
    if facts is None or facts.contact_center_id != device.contact_center_id:
        facts = _Facts(device.contact_center_id)
        if ctx is not None:
            ctx._supervision_facts = facts
    return facts


def _supervises(device, ctx):
    """Whether the device offers supervisor monitoring: its user is a supervisor, the feature is
    the contact center's (the user is checked first: it costs no query on listed devices)."""
    return bool(device.user_id) and device.user.is_supervisor and _facts(device, ctx).feature()


def capabilities(device, ctx=None):
    """ListenIn, Coach, BargeIn on a supervisor's device, and CancelSupervisorMonitoring while
    it monitors (the examples' order, after the DND and forwarding pair)."""
    if not _supervises(device, ctx):
        return []
    found = list(CONFIGURE)
    if device.pk in _facts(device, ctx).monitors():
        found.append(CANCEL)
    return found


def monitoring_state(device, ctx):
    """The device's ``supervisorMonitoringState``, or None when it monitors nothing."""
    if not _supervises(device, ctx):
        return None
    row = _facts(device, ctx).monitors().get(device.pk)
    if row is None:
        return None
    return {"state": row.state, "mode": row.mode, "scope": row.scope, "targetDeviceUri": ctx.uri(f"/devices/{row.target_device_id}")}


def announce_device(device_id, base_uri):
    """A DeviceStateChangeMessage for a device whose monitoring the switch changed."""
    from .agent_state import announce

    device = Device.objects.filter(pk=device_id).select_related("user").first()
    if device is not None:
        announce(device, base_uri)


# ---------------------------------------------------------------------------------------------
# ListenIn, Coach, BargeIn, CancelSupervisorMonitoring
# ---------------------------------------------------------------------------------------------


def _choice(body, key, choices, default):
    value = body.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise MissingParameter(f"'{key}' must be a string ({' or '.join(choices)})")
    if value not in choices:
        raise InvalidValue(f"'{key}' must be {' or '.join(choices)}, not '{value}'")
    return value


def _target(device, body):
    """The device targetDeviceUri names (a URI ending in /devices/{id}), of the same contact center."""
    uri = body.get("targetDeviceUri")
    if uri is None:
        raise MissingParameter("Missing mandatory parameter 'targetDeviceUri'")
    if not isinstance(uri, str) or not uri.strip():
        raise MissingParameter("'targetDeviceUri' must be a non-empty device URI string")
    try:
        target_id = uuid.UUID(uri.strip().rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        target_id = None
    target = Device.objects.filter(contact_center_id=device.contact_center_id, pk=target_id).first() if target_id else None
    if target is None:
        raise NotFound(f"Device '{uri.strip()}' does not exist")
    if target.pk == device.pk:
        raise InvalidValue("A supervisor cannot monitor its own device")
    return target


def device_operation(actor, device, name, body, base_uri):
    """POST /me/devices/{id} with a supervisor operation: checked here (nothing changes when it
    is refused), then carried out by the switch, which joins the target's call in progress."""
    from .operations import _require_service, _submit

    features.require(device.contact_center_id, FEATURE, operation=name)
    if not actor.is_supervisor:
        raise NoPermission(f"{name} needs the role ROLE_SUPERVISOR")
    allowed = PARAMETERS if name in CONFIGURE else ()
    for key in body:
        if key != "operationName" and key not in allowed:
            raise InvalidValue(f"Unknown parameter '{key}' for {name}")
    offered = capabilities(device)
    if name not in offered:
        raise InvalidState(f"{name} is not possible in the device's current state ({', '.join(offered)})")
    request = {"operation": name, "contact_center_id": device.contact_center_id, "device_id": str(device.pk), "base_uri": base_uri}
    if name in CONFIGURE:
        scope = _choice(body, "supervisorMonitoringScope", Supervision.SCOPES, Supervision.CALL)
        mode = _choice(body, "supervisorMonitoringMode", Supervision.MODES, Supervision.ALL_CALLS)
        target = _target(device, body)
        holder = SupervisorMonitoring.objects.filter(target_device=target).exclude(supervisor_device=device).exists()
        if holder:
            raise InUse("The target device is already monitored by another supervisor")
        request["params"] = {
            "target_device_id": str(target.pk),
            "scope": scope,
            "mode": mode,
            "own_number": device.e164_number,
            "own_network": device.telephony_network,
        }
        # The target's call in progress, so that the switch loads it and brings the supervisor in now.
        request["call_id"] = (
            VoiceParty.objects.filter(device=target, state=State.ESTABLISHED, monitor_mode="")
            .order_by("created_at")
            .values_list("call_id", flat=True)
            .first()
            or ""
        )
    _require_service(device)
    return _submit(device, request)
