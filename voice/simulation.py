"""
The developer's remote control of the embedded switch (not part of GWS; see docs/voice.md):
place an inbound call from an outside number to a device number, make a remote party hang up
or answer, choose how remote numbers behave, take the Voice service down and up.

Contact-center admins only (the API); the ``voice_simulate`` management command calls the same
functions for a contact center named on the command line.
"""
from gws_project.api.errors import InvalidState, InvalidValue, MissingParameter, NotFound, ServiceUnavailable
from provisioning import access
from provisioning.choices import ServiceState
from provisioning.models import Device, VoiceEnvironment
from provisioning.phone_numbers import normalise
from provisioning.service_states import set_voice_state

from .backend import SwitchUnreachable, get_backend
from .models import RemoteNumber, VoiceCall, VoiceParty
from .operations import UNAVAILABLE
from .switch.model import ACTIVE_STATES, RemoteBehaviour


def _string(body, key, required=True):
    value = body.get(key)
    if value is None:
        if required:
            raise MissingParameter(f"Missing mandatory parameter '{key}'")
        return None
    if not isinstance(value, str) or not value.strip():
        raise MissingParameter(f"'{key}' must be a non-empty string")
    return value.strip()


def _only(body, allowed):
    for key in body:
        if key not in allowed:
            raise InvalidValue(f"Unknown parameter '{key}'")


def _submit(environment, request):
    if environment.service_state != ServiceState.ACTIVE:
        raise ServiceUnavailable(UNAVAILABLE)
    try:
        return get_backend().submit(request)
    except SwitchUnreachable:
        set_voice_state(environment, ServiceState.INACTIVE)
        raise ServiceUnavailable(UNAVAILABLE) from None


# ---------------------------------------------------------------------------------------------
# For a contact center (the management command) ...
# ---------------------------------------------------------------------------------------------


def place_inbound_call(contact_center, body, base_uri):
    """An outside number ("from") calls a device number ("to"), optionally with userData and
    as if delivered from a queue ("queue": the call can then be rejected back to it)."""
    if not isinstance(body, dict):
        raise MissingParameter("The request body must be a JSON object")
    _only(body, ("from", "to", "userData", "queue"))
    origin, to = _string(body, "from"), _string(body, "to")
    queue = _string(body, "queue", required=False) or ""
    user_data = body.get("userData") or {}
    if not isinstance(user_data, dict):
        raise MissingParameter("'userData' must be a JSON object")
    try:
        origin = normalise(origin, contact_center.country_code).e164_number
        to_number = normalise(to, contact_center.country_code).e164_number
    except InvalidValue:
        raise
    device = Device.objects.filter(contact_center=contact_center, e164_number=to_number).select_related("voice_environment").first()
    if device is None and not queue:
        from .queues import place_queue_call, queue_for

        if queue_for(contact_center, to_number) is not None:  # a queue's number: the call waits there
            if Device.objects.filter(contact_center=contact_center, e164_number=origin).exists():
                raise InvalidValue(f"'{origin}' is a device number: devices call each other with Dial")
            return place_queue_call(contact_center, origin, to_number, user_data, base_uri)
    if device is None:
        raise NotFound(f"No device has the number '{to}'")
    if Device.objects.filter(contact_center=contact_center, e164_number=origin).exists():
        raise InvalidValue(f"'{origin}' is a device number: devices call each other with Dial")
    result = _submit(
        device.voice_environment,
        {
            "operation": "SimulateInbound",
            "contact_center_id": contact_center.pk,
            "params": {"from": origin, "to": to_number, "userData": user_data, "queue": queue},
            "base_uri": base_uri,
        },
    )
    return result["callId"]


def remote_party_operation(contact_center, call_id, body):
    """RemoteHangup or RemoteAnswer of a call's simulated party (optionally the one at "number")."""
    if not isinstance(body, dict):
        raise MissingParameter("The request body must be a JSON object")
    _only(body, ("operationName", "number"))
    name = _string(body, "operationName")
    if name not in ("RemoteHangup", "RemoteAnswer"):
        raise InvalidValue("operationName must be RemoteHangup or RemoteAnswer")
    number = _string(body, "number", required=False)
    call = VoiceCall.objects.filter(pk=call_id, contact_center=contact_center).first()
    if call is None:
        raise NotFound(f"Call '{call_id}' does not exist")
    remote = VoiceParty.objects.filter(call=call, device__isnull=True, state__in=ACTIVE_STATES)
    if number:
        remote = remote.filter(number=number)
    if name == "RemoteAnswer":
        remote = remote.filter(state="Ringing")
    if not remote.exists():
        raise InvalidState(f"The call has no {'ringing ' if name == 'RemoteAnswer' else ''}remote party to do this")
    environment = (
        VoiceEnvironment.objects.filter(devices__voice_parties__call=call).first()
        or VoiceEnvironment.objects.filter(contact_center=contact_center).first()
    )
    _submit(
        environment,
        {
            "operation": name,
            "contact_center_id": contact_center.pk,
            "call_id": call.pk,
            "params": {"number": number} if number else {},
        },
    )


def configure_remote_number(contact_center, body):
    """How a number that no device has behaves: answer (after "delay" seconds), busy, no-answer."""
    if not isinstance(body, dict):
        raise MissingParameter("The request body must be a JSON object")
    _only(body, ("number", "behaviour", "delay"))
    number = normalise(_string(body, "number"), contact_center.country_code).e164_number
    behaviour = _string(body, "behaviour")
    if behaviour not in RemoteBehaviour.ALL:
        raise InvalidValue(f"behaviour must be one of {', '.join(RemoteBehaviour.ALL)}")
    delay = body.get("delay", 0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)):
        raise MissingParameter("'delay' must be a number of seconds")
    if not 0 <= delay <= 3600:
        raise InvalidValue("'delay' must be between 0 and 3600 seconds")
    RemoteNumber.objects.update_or_create(
        contact_center=contact_center, number=number, defaults={"behaviour": behaviour, "delay": float(delay)}
    )


def set_voice_service(contact_center, body):
    """Take the contact center's Voice service(s) down ("Inactive") or up ("Active")."""
    if not isinstance(body, dict):
        raise MissingParameter("The request body must be a JSON object")
    _only(body, ("state", "voiceEnvironmentId"))
    state = _string(body, "state")
    if state not in (ServiceState.ACTIVE, ServiceState.INACTIVE):
        raise InvalidValue("state must be Active or Inactive")
    environments = VoiceEnvironment.objects.filter(contact_center=contact_center)
    environment_id = _string(body, "voiceEnvironmentId", required=False)
    if environment_id:
        environments = [access.get_or_404(environments, environment_id, "Voice environment")]
    for environment in environments:
        set_voice_state(environment, state)


# ---------------------------------------------------------------------------------------------
# ... and for an admin (the API)
# ---------------------------------------------------------------------------------------------


def inbound_call(actor, body, base_uri):
    access.require_admin(actor)
    return place_inbound_call(actor.contact_center, body, base_uri)


def remote_operation(actor, call_id, body):
    access.require_admin(actor)
    remote_party_operation(actor.contact_center, call_id, body)


def remote_numbers(actor):
    access.require_admin(actor)
    rows = RemoteNumber.objects.filter(contact_center_id=actor.contact_center_id).order_by("number")
    return {"remoteNumbers": [{"number": r.number, "behaviour": r.behaviour, "delay": r.delay} for r in rows]}


def set_remote_number(actor, body):
    access.require_admin(actor)
    configure_remote_number(actor.contact_center, body)


def reset_remote_number(actor, body):
    access.require_admin(actor)
    if not isinstance(body, dict):
        raise MissingParameter("The request body must be a JSON object")
    number = normalise(_string(body, "number"), actor.contact_center.country_code).e164_number
    deleted, _ = RemoteNumber.objects.filter(contact_center_id=actor.contact_center_id, number=number).delete()
    if not deleted:
        raise NotFound(f"No behaviour is configured for '{number}'")


def set_service_state(actor, body):
    access.require_admin(actor)
    set_voice_service(actor.contact_center, body)
