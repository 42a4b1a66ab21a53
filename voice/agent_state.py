"""
Device state: agent states, do-not-disturb and forwarding, and how a device looks on the wire.

A T-Server keeps, per DN, the agent logged in on it (state, workmode, reason) and the DN's
do-not-disturb and forwarding; GWS turns each change into a DeviceStateChangeMessage on
/v2/me/devices. Here the state is rows (voice.agents.DeviceAgentState; DND and forwarding on
provisioning's Device), changed in one transaction while holding the switch's turn
(voice/services.switch_turn), so device and call notifications reach each user in the order the
changes were made. A change to what a device already has is ignored without a notification
("Genesys Web Services and Genesys TServer are generally tolerant of duplicate requests").
"""
import time

from django.db import transaction

from gws_project.api.errors import InvalidState, InvalidValue, MissingParameter
from notifications.publish import publish
from provisioning import access, agent_states, features
from provisioning.choices import OnOff
from provisioning.models import Device

from . import messages
from .agents.models import AgentState, DeviceAgentState

DEVICE_OPERATIONS = ("DoNotDisturbOn", "DoNotDisturbOff", "ForwardCallsOn", "ForwardCallsOff")


class RenderContext:
    """The part of gws_project.api.resources.Context a representation needs, without a request
    (notifications are built after commit, or by the user monitor)."""

    def __init__(self, base_uri, actor=None):
        self.base_uri, self.actor, self.request = base_uri, actor, None

    def uri(self, path):
        return self.base_uri + path


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def state_row(device):
    """The device's agent state (an unsaved LoggedOut row when nobody ever logged in on it)."""
    try:
        return device.agent_state
    except DeviceAgentState.DoesNotExist:
        return DeviceAgentState(device=device)


def _operations(device, ctx):
    """The contact center's agent-state operations, read once per rendering context."""
    cache = getattr(ctx, "_agent_state_operations", None) if ctx is not None else None
    if cache is None or cache[0] != device.contact_center_id:
        cache = (device.contact_center_id, agent_states.operations(device.contact_center_id))
        if ctx is not None:
            ctx._agent_state_operations = cache
    return cache[1]


def user_state(device, ctx=None):
    """The device's ``userState``: the matching operation's id and displayName (when one
    matches, "Agent State Matching in Device State"), then state, workMode and reason.

    A logged-out device shows ``LoggedOut`` (the Offline example); the Offline operation's own
    state is ``Logout`` (the agent-states settings example), so that is what it is matched by.
    """
    row = state_row(device)
    matched_state = "Logout" if row.state == AgentState.LOGGED_OUT else row.state
    result = agent_states.user_state(device.contact_center_id, matched_state, row.work_mode, row.reason, _operations(device, ctx))
    result["state"] = row.state
    return result


def capabilities(device, ctx=None):
    """The device operations valid now ("What Are Capabilities?"): one of each On/Off pair, then
    a supervisor's monitoring operations (voice/supervisor.py)."""
    from .supervisor import capabilities as supervisor_capabilities

    return [
        "DoNotDisturbOff" if device.do_not_disturb == OnOff.ON else "DoNotDisturbOn",
        "ForwardCallsOff" if device.forward_to else "ForwardCallsOn",
        *supervisor_capabilities(device, ctx),
    ]


def device_resource(device, base_uri):
    """The device resource as a DeviceStateChangeMessage carries it (as GET /devices/{id})."""
    from provisioning.resources import DEVICES

    return DEVICES.represent(device, RenderContext(base_uri))


def announce(device, base_uri):
    """Publish a DeviceStateChangeMessage for the device to its user (on commit)."""
    if device.user_id:
        data = {"messageType": "DeviceStateChangeMessage", "devices": [device_resource(device, base_uri)]}
        publish(device.user_id, messages.DEVICES_CHANNEL, data)
        from .push import push

        push(device.user_id, data)  # to a mobile session without a CometD client


# ---------------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------------


def _locked_devices(queryset):
    """The devices, locked in primary-key order, with their agent-state rows (created if missing)."""
    devices = list(queryset.select_for_update().order_by("pk"))
    existing = {row.device_id: row for row in DeviceAgentState.objects.select_for_update().filter(device__in=devices)}
    for device in devices:
        row = existing.get(device.pk)
        if row is None:
            row = DeviceAgentState.objects.create(device=device)
        device.agent_state = row
    return devices


def set_state(device, state, work_mode="", reason="", base_uri="", now=None, queues=None):
    """Put the agent on device into state (a locked device from _locked_devices). Returns whether
    anything changed; a change is announced."""
    row = device.agent_state
    new = (state, work_mode or "", reason or "")
    changed = (row.state, row.work_mode, row.reason) != new
    if queues is not None and row.queues != queues:
        row.queues = queues
        row.save(update_fields=["queues"])
    if not changed:
        return False
    row.state, row.work_mode, row.reason = new
    row.ready_since = (now or time.time()) if state == AgentState.READY else None
    row.wrapup_due = None
    row.save(update_fields=["state", "work_mode", "reason", "ready_since", "wrapup_due"])
    announce(device, base_uri)
    return True


def operation_name(body):
    name = body.get("operationName")
    if name is None:
        raise MissingParameter("Missing mandatory parameter 'operationName'")
    if not isinstance(name, str) or not name:
        raise MissingParameter("'operationName' must be a non-empty string")
    return name


def _no_other_parameters(body, name, allowed=()):
    for key in body:
        if key != "operationName" and key not in allowed:
            raise InvalidValue(f"Unknown parameter '{key}' for {name}")


def _require_voice_service(devices):
    from .operations import _require_service

    for device in devices:
        _require_service(device)


def _user_devices(actor):
    contact_center_id = access.contact_center_id(actor)
    return Device.objects.filter(contact_center_id=contact_center_id, user=actor)


def agent_state_operation(actor, body, base_uri):
    """POST /me/channels/voice {"operationName": <agent-state operation>}: the user's devices
    take the operation's state, workMode and reason."""
    from .services import switch_turn

    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    name = operation_name(body)
    operation = agent_states.find(contact_center_id, name)
    if operation is None:
        raise InvalidValue(f"'{name}' is not an agent state operation of this contact center")
    _no_other_parameters(body, name)
    devices = list(_user_devices(actor))
    if not devices:
        raise InvalidState("The user has no device to change the agent state of")
    _require_voice_service(devices)
    state = AgentState.LOGGED_OUT if operation["state"] == "Logout" else operation["state"]
    with switch_turn(), transaction.atomic():
        for device in _locked_devices(_user_devices(actor)):
            set_state(device, state, operation.get("workMode", ""), operation.get("reason", ""), base_uri)
    if state == AgentState.READY:
        from .queues import route_waiting

        route_waiting(contact_center_id)  # an agent became available: calls waiting in queues


def device_operation(actor, device_id, body, base_uri):
    """POST /me/devices/{id}: DoNotDisturbOn/Off, ForwardCallsOn {destination}/ForwardCallsOff,
    and SetCallDisposition {callUri|callUuid, ...} (its page's sample URL)."""
    from .operations import DEVICE_CALL_OPERATIONS, device_call_operation
    from .services import switch_turn

    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    device = access.get_or_404(_user_devices(actor), device_id, "Device")
    name = operation_name(body)
    if name in DEVICE_CALL_OPERATIONS:
        return device_call_operation(actor, device, body, base_uri)
    from . import supervisor

    if name in supervisor.DEVICE_OPERATIONS:  # ListenIn, Coach, BargeIn, CancelSupervisorMonitoring
        return supervisor.device_operation(actor, device, name, body, base_uri)
    if name not in DEVICE_OPERATIONS:
        raise InvalidValue(f"'{name}' is not an operation on a device ({', '.join(DEVICE_OPERATIONS)})")
    _no_other_parameters(body, name, ("destination",) if name == "ForwardCallsOn" else ())
    destination = None
    if name == "ForwardCallsOn":
        destination = _forward_destination(device, body.get("destination"))
    _require_voice_service([device])
    with switch_turn(), transaction.atomic():
        [device] = _locked_devices(Device.objects.filter(pk=device.pk))
        if name not in capabilities(device):
            raise InvalidState(f"{name} is not possible in the device's current state ({', '.join(capabilities(device))})")
        if name == "DoNotDisturbOn":
            device.do_not_disturb = OnOff.ON
        elif name == "DoNotDisturbOff":
            device.do_not_disturb = OnOff.OFF
        elif name == "ForwardCallsOn":
            device.forward_to = destination
        else:
            device.forward_to = ""
        device.save(update_fields=["do_not_disturb", "forward_to"])
        announce(device, base_uri)


def _forward_destination(device, value):
    """ForwardCallsOn's destination: a dialable number other than the device's own."""
    from .store import DatabaseDirectory

    if value is None:
        raise MissingParameter("Missing mandatory parameter 'destination'")
    if isinstance(value, dict):  # the call operations' {"phoneNumber": ...} form, accepted too
        value = value.get("phoneNumber")
    if not isinstance(value, str) or not value.strip():
        raise MissingParameter("'destination' must be a non-empty phone number string")
    raw = value.strip()
    number = DatabaseDirectory(device.contact_center).normalise(raw) if raw.lstrip("+").replace("*", "").replace("#", "").isdigit() else None
    if not number:
        raise InvalidValue(f"'{raw}' is not a dialable number")
    if number == device.e164_number:
        raise InvalidValue("A device cannot forward its calls to itself")
    return raw
