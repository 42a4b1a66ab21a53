"""Agent state (POST /me/channels/voice and POST /me) and device operations (POST /me/devices/{id}):
the device's userState, DND and forwarding with their effect in the switch, their notifications
and their failures."""
import pytest

from provisioning import agent_states, settings_groups
from tests.conftest import assert_error
from voice.models import VoiceCall, VoiceParty

from .conftest import last_call_id

READY = {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready", "state": "Ready"}
NOT_READY = {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready", "state": "NotReady"}
AUX = {"id": "2B36138D-C564-4562-A8CB-3C32D564F296", "displayName": "AuxWork", "state": "NotReady", "workMode": "AuxWork"}
ACW = {
    "id": "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
    "displayName": "AfterCallWork",
    "state": "NotReady",
    "workMode": "AfterCallWork",
}
OFFLINE = {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "displayName": "Offline", "state": "LoggedOut"}
TRAINING = {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}


def device_messages(agent):
    return agent.messages("/v2/me/devices")


def user_state(agent):
    return agent.client.get("/api/v2/me/devices?fields=*").json()["devices"][0]["userState"]


def set_state(agent, name, path="/api/v2/me/channels/voice"):
    return agent.post(path, {"operationName": name})


@pytest.mark.parametrize(
    "name, expected",
    [("Ready", READY), ("NotReady", NOT_READY), ("AuxWork", AUX), ("AfterCallWork", ACW)],
)
def test_system_operation_announces_the_documented_device(agent_a, name, expected):
    response = set_state(agent_a, name)
    assert response.status_code == 200 and response.json() == {"statusCode": 0}
    [message] = device_messages(agent_a)
    device = agent_a.device
    assert message == {
        "messageType": "DeviceStateChangeMessage",
        "devices": [
            {
                "id": str(device.pk),
                "deviceState": "Active",
                "userState": expected,
                "phoneNumber": "5005",
                "e164Number": "5005",
                "country": {"name": "", "code": "", "callingCode": ""},
                "telephonyNetwork": "Private",
                "doNotDisturb": "Off",
                "voiceEnvironmentUri": f"http://testserver/api/v2/voice-environments/{device.voice_environment_id}",
                "capabilities": ["DoNotDisturbOn", "ForwardCallsOn"],
                "userUri": f"http://testserver/api/v2/users/{agent_a.user.pk}",
            }
        ],
    }
    assert user_state(agent_a) == expected


def test_offline_after_ready_and_the_device_starts_logged_out(agent_a):
    assert user_state(agent_a) == OFFLINE
    set_state(agent_a, "Ready")
    set_state(agent_a, "Offline")
    assert [m["devices"][0]["userState"] for m in device_messages(agent_a)] == [READY, OFFLINE]
    assert user_state(agent_a) == OFFLINE


def test_duplicate_requests_change_nothing_and_announce_nothing(agent_a):
    set_state(agent_a, "NotReady")
    assert set_state(agent_a, "NotReady").status_code == 200
    assert set_state(agent_a, "NotReady", path="/api/v2/me").status_code == 200
    assert len(device_messages(agent_a)) == 1


def test_ready_posted_to_me_as_the_seed_sample_does(agent_a):
    assert set_state(agent_a, "Ready", path="/api/v2/me").json() == {"statusCode": 0}
    assert [m["devices"][0]["userState"] for m in device_messages(agent_a)] == [READY]


def test_custom_training_state_is_matched_by_id_and_display_name(admin, agent_a):
    settings_groups.create_setting(admin, "agent-states", dict(TRAINING))
    operation_id = next(op["id"] for op in agent_states.operations(admin.contact_center_id) if op["operationName"] == "Training")
    set_state(agent_a, "Training")
    [message] = device_messages(agent_a)
    state = message["devices"][0]["userState"]
    assert state == {"id": operation_id, "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}
    assert user_state(agent_a) == state
    # Back to plain AuxWork: same state and workMode, no reason: the system operation matches.
    set_state(agent_a, "AuxWork")
    assert user_state(agent_a) == AUX


def test_a_state_no_operation_matches_has_no_id(admin, agent_a):
    settings_groups.create_setting(admin, "agent-states", dict(TRAINING))
    set_state(agent_a, "Training")
    # The operation goes away: the device keeps its state, without an id and displayName.
    from provisioning.models import Setting

    Setting.objects.filter(group="agent-states").delete()
    assert user_state(agent_a) == {"state": "NotReady", "workMode": "AuxWork", "reason": "Training"}


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({}, 400, 1),
        ({"operationName": 5}, 400, 1),
        ({"operationName": ["Ready"]}, 400, 1),
        ({"operationName": "Lunch"}, 400, 10),
        ({"operationName": "Ready", "reason": "x"}, 400, 10),
        ({"operationName": "Answer"}, 400, 10),
    ],
)
def test_agent_state_failures_change_nothing(agent_a, body, status, code):
    assert_error(agent_a.post("/api/v2/me/channels/voice", body), status, code)
    assert device_messages(agent_a) == []
    assert user_state(agent_a) == OFFLINE


def test_unknown_me_operation_is_refused(agent_a):
    assert_error(agent_a.post("/api/v2/me", {"operationName": "Lunch"}), 400, 10)
    assert_error(agent_a.post("/api/v2/me", {}), 400, 1)


def test_a_user_without_a_device_cannot_change_state(agent_client):
    from provisioning.models import Device

    Device.objects.update(user=None)
    assert_error(agent_client.post("/api/v2/me/channels/voice", {"operationName": "Ready"}), 400, 2)


def test_agent_state_needs_a_running_voice_service(agent_a, admin_client):
    admin_client.put("/api/v2/voice-simulation/service", {"state": "Inactive"})
    assert_error(set_state(agent_a, "Ready"), 503, 4)
    assert user_state(agent_a) == OFFLINE


# ---------------------------------------------------------------------------------------------
# Device operations
# ---------------------------------------------------------------------------------------------


def device_op(agent, name, **params):
    return agent.post(f"/api/v2/me/devices/{agent.device.pk}", {"operationName": name, **params})


def test_do_not_disturb_on_and_off(agent_a):
    assert device_op(agent_a, "DoNotDisturbOn").json() == {"statusCode": 0}
    assert device_op(agent_a, "DoNotDisturbOff").status_code == 200
    on, off = [m["devices"][0] for m in device_messages(agent_a)]
    assert (on["doNotDisturb"], on["capabilities"]) == ("On", ["DoNotDisturbOff", "ForwardCallsOn"])
    assert (off["doNotDisturb"], off["capabilities"]) == ("Off", ["DoNotDisturbOn", "ForwardCallsOn"])


def test_forward_calls_on_and_off(agent_a):
    assert device_op(agent_a, "ForwardCallsOn", destination="5001").json() == {"statusCode": 0}
    device = agent_a.client.get(f"/api/v2/me/devices/{agent_a.device.pk}").json()["device"]
    assert (device["forwardTo"], device["capabilities"]) == ("5001", ["DoNotDisturbOn", "ForwardCallsOff"])
    assert device_op(agent_a, "ForwardCallsOff").status_code == 200
    on, off = [m["devices"][0] for m in device_messages(agent_a)]
    assert on["forwardTo"] == "5001" and on["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOff"]
    assert "forwardTo" not in off and off["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"operationName": "ForwardCallsOn"}, 400, 1),
        ({"operationName": "ForwardCallsOn", "destination": ""}, 400, 1),
        ({"operationName": "ForwardCallsOn", "destination": 5001}, 400, 1),
        ({"operationName": "ForwardCallsOn", "destination": "not a number"}, 400, 10),
        ({"operationName": "ForwardCallsOn", "destination": "5005"}, 400, 10),
        ({"operationName": "DoNotDisturbOff"}, 400, 2),
        ({"operationName": "ForwardCallsOff"}, 400, 2),
        ({"operationName": "Ready"}, 400, 10),
        ({"operationName": "DoNotDisturbOn", "destination": "5001"}, 400, 10),
        ({}, 400, 1),
    ],
)
def test_device_operation_failures_change_nothing(agent_a, body, status, code):
    assert_error(agent_a.post(f"/api/v2/me/devices/{agent_a.device.pk}", body), status, code)
    assert device_messages(agent_a) == []
    agent_a.device.refresh_from_db()
    assert (agent_a.device.do_not_disturb, agent_a.device.forward_to) == ("Off", "")


def test_operation_not_in_capabilities_twice(agent_a):
    device_op(agent_a, "DoNotDisturbOn")
    assert_error(device_op(agent_a, "DoNotDisturbOn"), 400, 2)
    assert len(device_messages(agent_a)) == 1


def test_someone_elses_device_is_not_found(agent_a, agent_b):
    assert_error(agent_a.post(f"/api/v2/me/devices/{agent_b.device.pk}", {"operationName": "DoNotDisturbOn"}), 404, 6)


def test_a_dnd_device_does_not_ring_and_the_caller_gets_busy(agent_a, agent_b):
    device_op(agent_b, "DoNotDisturbOn")
    agent_b.clear()
    assert agent_a.dial("5001").status_code == 200
    assert VoiceCall.objects.count() == 0
    assert agent_b.messages() == [] and agent_b.messages("/v2/me/devices") == []
    [error] = device_messages(agent_a)
    assert error["messageType"] == "ErrorMessage" and error["errorMessage"] == "Destination busy"
    # Off again: the call rings.
    device_op(agent_b, "DoNotDisturbOff")
    agent_a.dial("5001")
    assert [e[2] for e in agent_b.events()] == ["Ringing"]


def test_a_forwarded_device_calls_go_to_the_destination(agent_a, agent_b, agent_c):
    device_op(agent_b, "ForwardCallsOn", destination="5000")
    assert agent_a.dial("5001").status_code == 200
    call_id = last_call_id(agent_a)
    assert agent_b.events() == []
    assert agent_c.events() == [("StatusChange", call_id, "Ringing")]
    assert agent_c.operate(call_id, "Answer").status_code == 200
    assert VoiceParty.objects.get(call_id=call_id, device=agent_c.device).state == "Established"
    # A forwarding loop (b -> c -> b) ends where it began: b rings.
    device_op(agent_c, "ForwardCallsOn", destination="5001")
    agent_a.operate(call_id, "Hangup")
    agent_b.clear()
    agent_c.clear()
    agent_a.dial("5001")
    assert [e[2] for e in agent_b.events()] == ["Ringing"]
    assert agent_c.events() == []
