"""
Contact-center sessions ("Session Management"): POST /me StartContactCenterSession and
EndContactCenterSession, and the agent-state operations POST /me also accepts (the seed's CSRF
sample posts {"operationName": "Ready"} there).

StartContactCenterSession logs the agent in on its devices (NotReady, the T-Server's state after
a login) and records the session (with its mobileSession, for the user monitor and mobile push);
a device where the agent is already logged in is skipped, without a notification.
EndContactCenterSession logs the agent out, forgets the session and invalidates the HTTP session
(and with it the CSRF token). The user monitor (voice/monitor.py) runs the same end for a user
whose CometD clients have all been gone for the logout timeout.
"""
import time

from django.db import transaction

from gws_project.api.errors import InvalidValue, MissingParameter
from gws_project.api.csrf import forget
from gws_project.api.views import OK
from provisioning import access, features
from provisioning.models import Device

from . import agent_state
from .agents.models import AgentState, ContactCenterSession

START, END = "StartContactCenterSession", "EndContactCenterSession"
CHANNELS = ("voice",)
PUSH_TYPES = ("IOS", "Android")
MOBILE_TIMEOUTS = ("ThirtyMinutes", "OneHour")


def me_operation(request, body):
    """POST /me: a session operation or an agent-state operation; returns the response body."""
    base_uri = request.build_absolute_uri("/api/v2")
    name = agent_state.operation_name(body)
    if name == START:
        start_session(request.user, body, base_uri)
    elif name == END:
        agent_state._no_other_parameters(body, name)
        end_session(request.user, base_uri)
        # "This request also invalidates the client HTTP session": the session cookie and the
        # CSRF token it carries stop working (a client signs in again with Basic).
        forget(request.session)
        request.session.flush()
    else:
        agent_state.agent_state_operation(request.user, body, base_uri)
    return dict(OK)


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


def _optional_string(body, key):
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise MissingParameter(f"'{key}' must be a non-empty string")
    return value.strip()


def _channels(body):
    channels = body.get("channels")
    if channels is None:
        raise MissingParameter("Missing mandatory parameter 'channels'")
    if not isinstance(channels, list) or not channels or not all(isinstance(c, str) for c in channels):
        raise MissingParameter("'channels' must be a non-empty array of channel names")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise InvalidValue(f"Unknown channel '{unknown[0]}' (valid: {', '.join(CHANNELS)})")
    return list(dict.fromkeys(channels))


def _mobile_session(body):
    """The mobileSession object, checked, with its defaults (timeout ThirtyMinutes, debug false)."""
    value = body.get("mobileSession")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise MissingParameter("'mobileSession' must be an object")
    allowed = ("mobileDeviceId", "mobilePushType", "filter", "timeout", "debug")
    for key in value:
        if key not in allowed:
            raise InvalidValue(f"Unknown mobileSession property '{key}'")
    result = {}
    for key in ("mobileDeviceId", "mobilePushType"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            raise MissingParameter(f"Missing mandatory parameter 'mobileSession.{key}'")
        result[key] = value[key].strip()
    if result["mobilePushType"] not in PUSH_TYPES:
        raise InvalidValue(f"'mobileSession.mobilePushType' must be one of {', '.join(PUSH_TYPES)} (case sensitive)")
    if value.get("filter") is not None:
        if not isinstance(value["filter"], str) or not value["filter"].strip():
            raise MissingParameter("'mobileSession.filter' must be a non-empty string")
        result["filter"] = value["filter"].strip()
    timeout = value.get("timeout", "ThirtyMinutes")
    if timeout not in MOBILE_TIMEOUTS:
        raise InvalidValue(f"'mobileSession.timeout' must be one of {', '.join(MOBILE_TIMEOUTS)}")
    result["timeout"] = timeout
    debug = value.get("debug", False)
    if not isinstance(debug, bool):
        raise MissingParameter("'mobileSession.debug' must be true or false")
    result["debug"] = debug
    return result


def _place_devices(actor, place):
    """The devices the session logs in on: the user's, or only the one ``place`` names.

    This project has no places: a place names one of the user's own devices by its phone number,
    as such ("5000") or in the document's sample form ("SIP_5000").
    """
    devices = agent_state._user_devices(actor)
    if not place:
        return devices
    number = place.split("_", 1)[1] if "_" in place else place
    chosen = [d.pk for d in devices if number in (d.phone_number, d.e164_number, d.digits)]
    if not chosen:
        raise InvalidValue(f"Place '{place}' is not a place of this user (one of the user's device numbers)")
    return devices.filter(pk__in=chosen[:1])


# ---------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------


def start_session(actor, body, base_uri):
    from .services import switch_turn

    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    agent_state._no_other_parameters(body, START, ("channels", "place", "loginCode", "queue", "mobileSession"))
    channels = _channels(body)
    place = _optional_string(body, "place")
    login_code = _optional_string(body, "loginCode")
    queue = _optional_string(body, "queue")
    mobile = _mobile_session(body)
    if mobile is not None:
        features.require(contact_center_id, "api-mobile-push-notifications", operation=START)
    devices = _place_devices(actor, place)
    if not devices.exists():
        from gws_project.api.errors import InvalidState

        raise InvalidState("The user has no device to log in on")
    agent_state._require_voice_service(devices)
    with switch_turn(), transaction.atomic():
        ContactCenterSession.objects.update_or_create(
            user=actor,
            defaults={
                "channels": channels,
                "place": place,
                "login_code": login_code,
                "queue": queue,
                "mobile_session": mobile,
                "push_active": False,
                "disconnected_at": None,
                "started_at": time.time(),
            },
        )
        for device in agent_state._locked_devices(devices):
            row = device.agent_state
            if login_code and row.login_code != login_code:
                row.login_code = login_code
                row.save(update_fields=["login_code"])
            queues = [queue] if queue else []
            if row.state == AgentState.LOGGED_OUT:
                agent_state.set_state(device, AgentState.NOT_READY, base_uri=base_uri, queues=queues)
            elif queue and queue not in row.queues:
                # Already logged in: the login is skipped (no notification); the queue is added.
                agent_state.set_state(device, row.state, row.work_mode, row.reason, base_uri, queues=row.queues + [queue])


def end_session(user, base_uri):
    """Log the user out on every device and forget the session (API or user monitor)."""
    from .services import switch_turn

    with switch_turn(), transaction.atomic():
        ContactCenterSession.objects.filter(user=user).delete()
        devices = Device.objects.filter(contact_center_id=user.contact_center_id, user=user)
        for device in agent_state._locked_devices(devices):
            agent_state.set_state(device, AgentState.LOGGED_OUT, base_uri=base_uri, queues=[])
