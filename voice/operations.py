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

from django.db.models import Q

from gws_project.api.errors import InvalidState, InvalidValue, MissingParameter, NotFound, ServiceUnavailable
from gws_project.api.prepared import Param, PreparedQuery
from provisioning import access, features
from provisioning.choices import ServiceState
from provisioning.models import Device, User, VoiceEnvironment

from . import store
from .backend import SwitchUnreachable, get_backend
from .models import VoiceCall, VoiceParty
from .switch import CALL_OPERATIONS, Snapshot
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
                _require_own_call(actor, _call_id_of(value))
        params[key] = value
    return params


# ---------------------------------------------------------------------------------------------
# Whose call is it
# ---------------------------------------------------------------------------------------------


def _require_own_call(actor, call_id):
    """6, as if the call did not exist, unless the actor has an active party on the call."""
    parties = VoiceParty.objects.filter(
        call_id=call_id, device__user=actor, call__contact_center_id=actor.contact_center_id, state__in=ACTIVE_STATES
    )
    if not parties.exists():
        raise NotFound(f"Call '{call_id}' does not exist")


# Every party of a call and every active party of a user's devices, with the columns the API
# checks: read before every call operation, so compiled once (gws_project/api/prepared.py).
CALL_AND_OWN_PARTIES = PreparedQuery(
    lambda: VoiceParty.objects.filter(
        Q(call_id=Param("call", VoiceCall._meta.pk))
        | Q(device_id__in=Device.objects.filter(user_id=Param("user", User._meta.pk)).values("pk"), state__in=ACTIVE_STATES)
    ).values_list(
        *store.PARTY_COLUMNS, "call__contact_center_id", "call__uuid", "device__voice_environment_id", "device__voice_environment__service_state"
    )
)


class OwnParty:
    """The actor's party on a call, with what the API checks before sending an operation on it:
    the party's situation (the call's parties, its device's other calls), the call's UUID, and
    its device's voice environment and that environment's service state."""

    def __init__(self, party, situation, call_uuid, environment_id, service_state):
        self.party, self.situation = party, situation
        self.call_uuid, self.environment_id, self.service_state = call_uuid, environment_id, service_state


def _own_party(actor, call_id, include_released=False, device=None):
    """The actor's party on a call (on any of its devices, or on ``device``; the latest it
    joined with), or 6 as if the call did not exist.

    One read: every party of the call and every active party of the actor's devices (a
    superset of the party's device's other calls), with the call and device columns checked."""
    parties, own = {}, None
    for *party_row, contact_center_id, call_uuid, environment_id, service_state in CALL_AND_OWN_PARTIES.rows(call=call_id, user=actor.pk):
        party_id, saved, owner = store.saved_party(party_row)
        parties[party_id] = store.to_party(party_id, saved)
        if (
            saved["call_id"] == call_id
            and owner == actor.pk
            and contact_center_id == actor.contact_center_id
            and (device is None or saved["device_id"] == str(device.pk))
            and (include_released or saved["state"] in ACTIVE_STATES)
            and (own is None or saved["seq"] > parties[own[0]].seq)
        ):
            own = (party_id, call_uuid, environment_id, service_state)
    if own is None:
        raise NotFound(f"Call '{call_id}' does not exist")
    party_id, call_uuid, environment_id, service_state = own
    party = parties[party_id]
    # The snapshot situation() reads: the call's parties and the party's device's active ones.
    snapshot = Snapshot(
        parties=[p for p in parties.values() if p.call_id == call_id or (p.device_id == party.device_id and p.active)]
    )
    return OwnParty(snapshot.parties[party_id], situation(snapshot, snapshot.parties[party_id]), call_uuid, environment_id, service_state)


def _require_active(service_state):
    if service_state != ServiceState.ACTIVE:
        raise ServiceUnavailable(UNAVAILABLE)


def _require_service(device):
    _require_active(VoiceEnvironment.objects.filter(pk=device.voice_environment_id).values_list("service_state", flat=True).first())


def _submit(device, request):
    return _send(device.voice_environment_id, request)


def _send(environment_id, request):
    """Hand a request to the switch; an unreachable switch makes the Voice service Inactive."""
    try:
        return get_backend().submit(request)
    except SwitchUnreachable:
        from provisioning.service_states import set_voice_state

        set_voice_state(VoiceEnvironment.objects.get(pk=environment_id), ServiceState.INACTIVE)
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
    own = _own_party(actor, call_id, include_released=(name == "SetCallDisposition"), device=device)
    params = parameters(actor, name, body)
    if name == "SetCallDisposition" and params.get("callUuid") and params["callUuid"] != own.call_uuid:
        raise InvalidValue("'callUuid' is not the UUID of this call")
    if not allowed(own.situation, name):
        raise InvalidState(f"{name} is not possible in the call's current state ({own.party.state})")
    _require_active(own.service_state)
    return _send(
        own.environment_id,
        {
            "operation": name,
            "contact_center_id": contact_center_id,
            "device_id": own.party.device_id,
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
    devices = Device.objects.filter(contact_center_id=contact_center_id, user=actor).select_related("voice_environment")
    device = access.get_or_404(devices, device_id, "Device")
    name = operation_name(body)
    if name != "Dial":
        raise InvalidValue(f"'{name}' is not an operation on a device's calls (Dial)")
    params = parameters(actor, name, body)
    # The voice-operations defaults, under the request's own user data (the request wins).
    params["userData"] = {**dial_defaults(contact_center_id), **params.get("userData", {})}
    params["own_number"] = device.e164_number
    params["own_network"] = device.telephony_network
    _require_active(device.voice_environment.service_state)
    return _send(
        device.voice_environment_id,
        {
            "operation": "Dial",
            "contact_center_id": contact_center_id,
            "device_id": str(device.pk),
            "params": params,
            "base_uri": base_uri,
        },
    )
