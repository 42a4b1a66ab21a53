"""Shape tests: each message builder against the document's examples (no database)."""
import pytest

from voice import messages
from voice.switch.model import PartyView

BASE = "http://127.0.0.1:8080/api/v2"
CALL_FIELDS = [
    "id", "state", "callUuid", "connId", "deviceUri", "uri", "path", "participants", "participantsInfo", "dnis",
    "callType", "capabilities", "duration", "mute", "recordingState", "supervisorListeningIn", "monitoredUserMuted",
    "monitoring",
]


def a_view(**changes):
    fields = dict(
        call_id="0071023821aec010",
        call_uuid="013V08JRL498H1OI04000VTAES00000G",
        device_id="efe1ab32-53f9-43ce-b65e-5768c61f7d4a",
        phone_number="5005",
        state="Dialing",
        call_type="Internal",
        participants=["5001"],
        dnis="5001",
        ani="",
        capabilities=["Hangup"],
        user_data={},
        duration=0,
        mute=False,
    )
    fields.update(changes)
    return PartyView(**fields)


def test_call_resource_shape():
    call = messages.call_resource(a_view(), BASE, messages.Filters())
    assert list(call) == CALL_FIELDS
    assert call["uri"] == f"{BASE}/me/calls/0071023821aec010"
    assert call["deviceUri"] == f"{BASE}/devices/efe1ab32-53f9-43ce-b65e-5768c61f7d4a"
    assert call["participantsInfo"] == [{"digits": "5001", "e164Number": "5001", "formattedPhoneNumber": "5001"}]
    assert (call["duration"], call["mute"], call["connId"]) == ("0", "Off", call["id"])


def test_call_resource_optional_fields():
    view = a_view(ani="5005", user_data={"a": "b"}, parent_call_id="007102385535e005", mute=True, state="Established", duration=12)
    call = messages.call_resource(view, BASE, messages.Filters(toast=[], case=[{"attachedDataKey": "a", "displayName": "A"}]))
    assert call["ani"] == "5005" and call["userData"] == {"a": "b"} and call["mute"] == "On"
    assert call["parentCallUri"] == f"{BASE}/me/calls/007102385535e005"
    assert call["case"] == [{"key": "a", "displayName": "A", "value": "b"}] and "toast" not in call
    assert call["duration"] == "12"


def test_participants_info_of_a_public_number():
    call = messages.call_resource(a_view(participants=["+19165550104"]), BASE, messages.Filters(country_code="US"))
    info = call["participantsInfo"][0]
    assert info["e164Number"] == "+19165550104" and info["digits"] == "19165550104"
    assert info["country"] == {"name": "United States", "code": "US", "callingCode": "1"}
    assert info["formattedPhoneNumber"] == "(916) 555-0104"


@pytest.mark.parametrize("notification_type", ["StatusChange", "ParticipantsUpdated", "AttachedDataChanged", "DtmfSent"])
def test_call_state_change_message(notification_type):
    data = messages.call_state_change(notification_type, a_view(), BASE, messages.Filters())
    assert list(data) == ["messageType", "notificationType", "call", "phoneNumber"]
    assert data["messageType"] == "CallStateChangeMessage" and data["notificationType"] == notification_type
    assert data["phoneNumber"] == "5005"


def test_error_message_for_a_call_and_for_a_device():
    channel, data = messages.error_message(BASE, "dev", "Incorrect object state", call_id="0071023821aec021")
    assert channel == "/v2/me/calls"
    assert data == {
        "messageType": "ErrorMessage",
        "deviceUri": f"{BASE}/devices/dev",
        "callUri": f"{BASE}/me/calls/0071023821aec021",
        "errorMessage": "Incorrect object state",
    }
    channel, data = messages.error_message(BASE, "dev", "Invalid Called Dn")
    assert channel == "/v2/me/devices" and "callUri" not in data
