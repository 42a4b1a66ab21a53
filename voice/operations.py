"""
The API side of call operations: check a request synchronously, then hand it to the switch.

Everything a client can get wrong is refused here, before anything reaches the switch, with the
GWS statusCode for it: an unknown operationName (10), a missing or malformed parameter (1), an
operation the call's capabilities do not list (2), a call that is unknown or someone else's (6),
a Voice service that is not available (4, HTTP 503). A refused request changes nothing. What
only the switch can find out (a number that does not answer, a state that changed meanwhile)
comes back asynchronously as an ErrorMessage, as from a T-Server.
"""
import re

from gws_project.api.errors import InvalidState, InvalidValue, MissingParameter, NotFound, ServiceUnavailable
from provisioning import access, features
from provisioning.choices import ServiceState
from provisioning.models import Device, VoiceEnvironment

from . import store
from .backend import SwitchUnreachable, get_backend
from .models import VoiceParty
from .switch import CALL_OPERATIONS
from .switch.engine import situation
from .switch.model import ACTIVE_STATES
from .switch.transitions import SUPERVISOR_CALL_OPERATIONS, allowed

UNAVAILABLE = "Voice service is not available at this time"

# ---------------------------------------------------------------------------------------------
# Parameters of each operation: name -> kind ("?": optional)
# ---------------------------------------------------------------------------------------------

PARAMETERS = {
    "Dial": {"destination": "destination", "userData": "object?"},
    "Answer": {},
    "Reject": {},
    "Hold": {},
    "Retrieve": {},
    "Hangup": {},
    "SendDtmf": {"digits": "dtmf"},
    "MuteCall": {},
    "UnmuteCall": {},
    "SetCallDisposition": {"disposition": "string", "dispositionKey": "string?", "callUri": "string?", "callUuid": "string?"},
    "SingleStepConference": {"destination": "destination", "userData": "object?"},
    "InitiateConference": {"destination": "destination", "userData": "object?"},
    "CompleteConference": {"consultCallUri": "call?"},
    "SingleStepTransfer": {"destination": "destination", "userData": "object?"},
    "InitiateTransfer": {"destination": "destination", "userData": "object?"},
    "CompleteTransfer": {"consultCallUri": "call?"},
    "RemoveParticipantFromConference": {"participant": "string"},
    "SwapCalls": {"otherCallUri": "call"},
    "MergeWithOtherCall": {"otherCallUri": "call"},
    "AttachUserData": {"userData": "object"},
    "UpdateUserData": {"userData": "object"},
    "DeleteUserData": {},
    "DeleteUserDataPair": {"key": "string"},
    # Supervisor monitoring (feature api-supervisor-monitoring, voice/supervisor.py)
    "SwitchToBargeIn": {},
    "SwitchToListenIn": {},
    "MuteMonitoredUser": {},
    "UnmuteMonitoredUser": {},
}
assert set(PARAMETERS) - {"Dial"} == set(CALL_OPERATIONS), "every switch operation has its parameters"

DTMF = re.compile(r"^[0-9*#]+$")


def operation_name(body):
    name = body.get("operationName")
    if name is None:
        raise MissingParameter("Missing mandatory parameter 'operationName'")
    if not isinstance(name, str):
        raise MissingParameter("'operationName' must be a string")
    return name


def _call_id_of(uri):
    return uri.rstrip("/").rsplit("/", 1)[-1]


def parameters(actor, name, body):
    """The operation's parameters, checked: 1 when missing or of the wrong JSON type, 10 when
    unknown or out of range, 6 when a call URI names none of the actor's calls."""
    spec = PARAMETERS[name]
    for key in body:
        if key != "operationName" and key not in spec:
            raise InvalidValue(f"Unknown parameter '{key}' for {name}")
    params = {}
    for key, kind in spec.items():
        optional = kind.endswith("?")
        kind = kind.rstrip("?")
        if key not in body or body[key] is None:
            if not optional:
                raise MissingParameter(f"Missing mandatory parameter '{key}'")
            continue
        value = body[key]
        if kind == "destination":
            if not isinstance(value, dict) or not isinstance(value.get("phoneNumber"), str):
                raise MissingParameter("'destination' must be an object with a 'phoneNumber' string")
            if not value["phoneNumber"].strip():
                raise MissingParameter("'destination.phoneNumber' is empty")
            value = {"phoneNumber": value["phoneNumber"].strip()}
        elif kind == "object":
            if not isinstance(value, dict):
                raise MissingParameter(f"'{key}' must be a JSON object")
        elif kind in ("string", "call", "dtmf"):
            if not isinstance(value, str) or not value.strip():
                raise MissingParameter(f"'{key}' must be a non-empty string")
            if kind == "dtmf" and not DTMF.match(value):
                raise InvalidValue("'digits' must be DTMF digits (0-9, * and #)")
            if kind == "call":
                _own_party(actor, _call_id_of(value))
        params[key] = value
    return params


# ---------------------------------------------------------------------------------------------
# Whose call is it
# ---------------------------------------------------------------------------------------------


def _own_party(actor, call_id, include_released=False, device=None):
    """The actor's party on a call (on any of its devices, or on ``device``), or 6 as if the
    call did not exist."""
    parties = VoiceParty.objects.filter(call_id=call_id, device__user=actor, call__contact_center_id=actor.contact_center_id)
    if device is not None:
        parties = parties.filter(device=device)
    if not include_released:
        parties = parties.filter(state__in=ACTIVE_STATES)
    party = parties.order_by("-seq").select_related("device", "call").first()
    if party is None:
        raise NotFound(f"Call '{call_id}' does not exist")
    return party


def _require_service(device):
    state = VoiceEnvironment.objects.filter(pk=device.voice_environment_id).values_list("service_state", flat=True).first()
    if state != ServiceState.ACTIVE:
        raise ServiceUnavailable(UNAVAILABLE)


def _submit(device, request):
    try:
        return get_backend().submit(request)
    except SwitchUnreachable:
        from provisioning.service_states import set_voice_state

        set_voice_state(device.voice_environment, ServiceState.INACTIVE)
        raise ServiceUnavailable(UNAVAILABLE) from None


# ---------------------------------------------------------------------------------------------
# Entry points (the views call these)
# ---------------------------------------------------------------------------------------------


def call_operation(actor, call_id, body, base_uri, device=None):
    """POST /me/calls/{id}: check the operation against the call, then send it to the switch.
    With ``device`` (POST /me/devices/{id}), the call must be one of that device's."""
    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    name = operation_name(body)
    if name not in PARAMETERS or name == "Dial":
        raise InvalidValue(f"'{name}' is not an operation on a call")
    if name in SUPERVISOR_CALL_OPERATIONS:
        features.require(contact_center_id, "api-supervisor-monitoring", operation=name)
    # SetCallDisposition also works on a released call (a user event records it).
    party = _own_party(actor, call_id, include_released=(name == "SetCallDisposition"), device=device)
    params = parameters(actor, name, body)
    if name == "SetCallDisposition" and params.get("callUuid") and params["callUuid"] != party.call.uuid:
        raise InvalidValue("'callUuid' is not the UUID of this call")
    snapshot, _ = store.load([call_id], [party.device_id], lock=False)
    if not allowed(situation(snapshot, snapshot.parties[party.id]), name):
        raise InvalidState(f"{name} is not possible in the call's current state ({party.state})")
    _require_service(party.device)
    return _submit(
        party.device,
        {
            "operation": name,
            "contact_center_id": contact_center_id,
            "device_id": str(party.device_id),
            "call_id": call_id,
            "params": params,
            "base_uri": base_uri,
        },
    )


# Call operations a device URL accepts, the call named in the body: the SetCallDisposition page
# posts to /me/devices/{id} with callUri and callUuid.
DEVICE_CALL_OPERATIONS = ("SetCallDisposition",)


def _named_call(device, body):
    """The id of the call the body names (callUri, else callUuid) among the device's calls."""
    for key in ("callUri", "callUuid"):
        if body.get(key) is not None and (not isinstance(body[key], str) or not body[key].strip()):
            raise MissingParameter(f"'{key}' must be a non-empty string")
    if body.get("callUri"):
        return _call_id_of(body["callUri"].strip())
    if body.get("callUuid"):
        call_id = VoiceParty.objects.filter(device=device, call__uuid=body["callUuid"].strip()).values_list("call_id", flat=True).first()
        if call_id is None:
            raise NotFound(f"Call with callUuid '{body['callUuid'].strip()}' does not exist")
        return call_id
    raise MissingParameter("Missing mandatory parameter 'callUri' (or 'callUuid')")


def device_call_operation(actor, device, body, base_uri):
    """POST /me/devices/{id} SetCallDisposition (a device of the actor's, already checked): the
    call the body names goes through call_operation, as POST /me/calls/{id} would."""
    return call_operation(actor, _named_call(device, body), body, base_uri, device=device)


def dial_defaults(contact_center_id):
    """The user data of the voice-operations setting for Dial ({} when there is none)."""
    from provisioning import settings_groups

    group = settings_groups.SYSTEM_GROUPS["voice-operations"]
    for setting in settings_groups.settings_of(contact_center_id, group):
        if setting.get("operationName") == "Dial":
            return dict(setting.get("userData") or {})
    return {}


def dial(actor, device_id, body, base_uri):
    """POST /me/devices/{id}/calls: Dial from one of the actor's devices."""
    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    device = access.get_or_404(Device.objects.filter(contact_center_id=contact_center_id, user=actor), device_id, "Device")
    name = operation_name(body)
    if name != "Dial":
        raise InvalidValue(f"'{name}' is not an operation on a device's calls (Dial)")
    params = parameters(actor, name, body)
    # The voice-operations defaults, under the request's own user data (the request wins).
    params["userData"] = {**dial_defaults(contact_center_id), **params.get("userData", {})}
    params["own_number"] = device.e164_number
    params["own_network"] = device.telephony_network
    _require_service(device)
    return _submit(
        device,
        {
            "operation": "Dial",
            "contact_center_id": contact_center_id,
            "device_id": str(device.pk),
            "params": params,
            "base_uri": base_uri,
        },
    )
