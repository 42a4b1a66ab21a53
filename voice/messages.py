"""
How voice state looks on the wire: the call resource and every CometD message the Voice API
sends (CallStateChangeMessage with each notificationType, ErrorMessage). One builder per shape;
each has a shape test in tests/voice/test_messages.py.
"""
from .store import number_info
from .switch.model import State

CALLS_CHANNEL = "/v2/me/calls"
DEVICES_CHANNEL = "/v2/me/devices"


class Filters:
    """A contact center's toast-filter and case-filter settings ([{attachedDataKey, displayName}])."""

    def __init__(self, toast=None, case=None, country_code=""):
        self.toast = toast
        self.case = case
        self.country_code = country_code

    @classmethod
    def of(cls, contact_center):
        from provisioning import settings_groups

        return cls(
            toast=settings_groups.value(contact_center.pk, "voice", "toast-filter"),
            case=settings_groups.value(contact_center.pk, "voice", "case-filter"),
            country_code=contact_center.country_code,
        )


def _filtered(entries, user_data):
    return [
        {"key": entry["attachedDataKey"], "displayName": entry["displayName"], "value": user_data[entry["attachedDataKey"]]}
        for entry in entries
        if entry["attachedDataKey"] in user_data
    ]


def call_uri(base_uri, call_id):
    return f"{base_uri}/me/calls/{call_id}"


def device_uri(base_uri, device_id):
    return f"{base_uri}/devices/{device_id}"


def call_resource(view, base_uri, filters):
    """A call resource (the call resource pages, and the ``call`` of CallStateChangeMessage)."""
    data = {
        "id": view.call_id,
        "state": view.state,
        "callUuid": view.call_uuid,
        "connId": view.call_id,
        "deviceUri": device_uri(base_uri, view.device_id),
        "uri": call_uri(base_uri, view.call_id),
        "path": f"/me/calls/{view.call_id}",
        "participants": list(view.participants),
        "participantsInfo": [number_info(number, filters.country_code) for number in view.participants],
        "dnis": view.dnis,
    }
    if view.ani:
        data["ani"] = view.ani
    data["callType"] = view.call_type
    data["capabilities"] = list(view.capabilities)
    # "Note the absence of the userData property" once all user data is deleted.
    if view.user_data:
        data["userData"] = dict(view.user_data)
    if view.parent_call_id:
        data["parentCallUri"] = call_uri(base_uri, view.parent_call_id)
    if filters.toast is not None and view.state in (State.RINGING, State.DIALING):
        data["toast"] = _filtered(filters.toast, view.user_data)
    if filters.case is not None and view.state == State.ESTABLISHED:
        data["case"] = _filtered(filters.case, view.user_data)
    data.update(
        {
            "duration": str(view.duration),
            "mute": "On" if view.mute else "Off",
            "recordingState": "Stopped",
            "supervisorListeningIn": view.supervisor_listening_in,
            "monitoredUserMuted": view.monitored_user_muted,
            "monitoring": view.monitoring,
        }
    )
    return data


def call_state_change(notification_type, view, base_uri, filters):
    """CallStateChangeMessage data (published on /v2/me/calls)."""
    return {
        "messageType": "CallStateChangeMessage",
        "notificationType": notification_type,
        "call": call_resource(view, base_uri, filters),
        "phoneNumber": view.phone_number,
    }


def error_message(base_uri, device_id, message, call_id=""):
    """ErrorMessage data: on /v2/me/calls when it concerns a call, else on /v2/me/devices."""
    data = {"messageType": "ErrorMessage", "deviceUri": device_uri(base_uri, device_id)}
    if call_id:
        data["callUri"] = call_uri(base_uri, call_id)
    if message:
        data["errorMessage"] = message
    return (CALLS_CHANNEL if call_id else DEVICES_CHANNEL), data
