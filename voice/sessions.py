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
from django.db.models import Q

from gws_project.api.errors import InUse, InvalidState, InvalidValue, MissingParameter
from gws_project.api.csrf import forget
from gws_project.api.views import OK
from provisioning import access, features
from provisioning.models import Device

from . import agent_state
from .agents.models import AgentState, ContactCenterSession
from .models import VoiceParty
from .switch.model import ACTIVE_STATES

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


def _place_number(place):
    """The number a place names: as is ("5000") or in the document's sample form ("SIP_5000")."""
    return place.split("_", 1)[1] if "_" in place else place


def _place_device(actor, contact_center_id, place):
    """The device a place names in the contact center (10 when none does).

    This project has no place objects: every device is a place with its one DN, named by the
    device's number. The user's own device wins when numbers coincide.
    """
    number = _place_number(place)
    matches = Device.objects.filter(contact_center_id=contact_center_id).filter(
        Q(phone_number=number) | Q(e164_number=number) | Q(digits=number)
    )
    device = min(matches, key=lambda d: (d.user_id != actor.pk, str(d.pk)), default=None)
    if device is None:
        raise InvalidValue(f"Place '{place}' does not exist in this contact center (a place is a device number)")
    return device


# ---------------------------------------------------------------------------------------------
# Operations
# ---------------------------------------------------------------------------------------------


def start_session(actor, body, base_uri):
    """StartContactCenterSession: log in (NotReady) on the user's devices, or on the place.

    A place that is one of the user's own devices only chooses where to log in. Any other place's
    device is assigned to the user for the session (the document: "The device corresponding to
    this DN will be assigned to the user for the duration of the session"): the user's own devices
    are logged out and unassigned meanwhile, and EndContactCenterSession gives everything back.
    """
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
    # Decided under the switch's turn: a concurrent request of the user's could move devices.
    with switch_turn(), transaction.atomic():
        own = agent_state._user_devices(actor)
        place_device = _place_device(actor, contact_center_id, place) if place else None
        borrowed_id = ContactCenterSession.objects.filter(user=actor).values_list("place_device_id", flat=True).first()
        if borrowed_id is not None and (place_device is None or place_device.pk != borrowed_id):
            raise InvalidState("The session uses another place: end it (EndContactCenterSession) before starting with this one")
        # Another place than the user's own devices, not taken yet by this session: it moves there.
        borrowing = place_device is not None and place_device.user_id != actor.pk and borrowed_id is None
        if place_device is None:
            devices, involved = own, list(own)
        elif borrowing:
            devices, involved = Device.objects.filter(pk=place_device.pk), list(own) + [place_device]
        else:
            devices = own.filter(pk=place_device.pk)
            involved = list(devices)
        if not involved:
            raise InvalidState("The user has no device to log in on")
        agent_state._require_voice_service(involved)
        if borrowing:
            moved_off = _take_place(actor, place, place_device, base_uri)
        defaults = {
            "channels": channels,
            "place": place,
            "login_code": login_code,
            "queue": queue,
            "mobile_session": mobile,
            "push_active": False,
            "disconnected_at": None,
            "started_at": time.time(),
        }
        if borrowing:
            defaults.update(place_device=place_device, place_default_user_id=place_device.user_id, default_devices=moved_off)
        ContactCenterSession.objects.update_or_create(user=actor, defaults=defaults)
        if borrowing:
            Device.objects.filter(pk=place_device.pk).update(user=actor)
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


def _busy_devices(devices):
    """The numbers of those devices with a call in progress."""
    return sorted(
        VoiceParty.objects.filter(device__in=devices, state__in=ACTIVE_STATES).values_list("device__phone_number", flat=True).distinct()
    )


def _take_place(actor, place, place_device, base_uri):
    """Under the switch's turn: check the place is free, log the user out of its own devices and
    unassign them; returns their ids (the default assignment to restore). Refusals change nothing."""
    locked = agent_state._locked_devices(Device.objects.filter(Q(user=actor) | Q(pk=place_device.pk)))
    place_row = next(d for d in locked if d.pk == place_device.pk)
    own = [d for d in locked if d.pk != place_device.pk]
    owner_id = place_row.user_id
    # In use: another session's place, or its own user is logged in on it or has a session.
    if ContactCenterSession.objects.filter(place_device=place_row).exclude(user=actor).exists() or (
        owner_id not in (None, actor.pk)
        and (place_row.agent_state.state != AgentState.LOGGED_OUT or ContactCenterSession.objects.filter(user_id=owner_id).exists())
    ):
        raise InUse(f"Place '{place}' is in use by another agent")
    if _busy_devices([place_row]):
        raise InUse(f"Place '{place}' has a call in progress")
    busy = _busy_devices(own)
    if busy:
        raise InvalidState(f"The user has a call in progress on {', '.join(busy)}: it cannot move to another place")
    place_device.user_id = owner_id  # as locked (the session records it as the default user)
    for device in own:
        agent_state.set_state(device, AgentState.LOGGED_OUT, base_uri=base_uri, queues=[])
    Device.objects.filter(pk__in=[d.pk for d in own]).update(user=None)
    return [str(d.pk) for d in own]


def end_session(user, base_uri):
    """Log the user out on every device, restore the default device assignment of a session on
    another place, and forget the session (API or user monitor)."""
    from .services import switch_turn

    with switch_turn(), transaction.atomic():
        session = ContactCenterSession.objects.select_for_update().filter(user=user).first()
        if session is not None:
            session.delete()  # first: the logout below is no longer pushed to a mobile session
        devices = Device.objects.filter(contact_center_id=user.contact_center_id, user=user)
        for device in agent_state._locked_devices(devices):
            agent_state.set_state(device, AgentState.LOGGED_OUT, base_uri=base_uri, queues=[])
        if session is not None:
            _restore_default_assignment(user, session)


def _restore_default_assignment(user, session):
    """The place's device back to its default user, the user's own devices back to the user
    (each only if nobody reassigned it meanwhile)."""
    if session.place_device_id is not None:
        Device.objects.filter(pk=session.place_device_id, user=user).update(user_id=session.place_default_user_id)
    if session.default_devices:
        Device.objects.filter(pk__in=session.default_devices, user=None).update(user=user)
