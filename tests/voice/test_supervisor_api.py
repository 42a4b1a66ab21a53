"""Supervisor monitoring through the API (test client): what a supervisor's device shows, the
notifications of each change, and every refusal (a GWS error, nothing changed, nothing sent)."""
import pytest

from provisioning.choices import Role
from provisioning.models import ContactCenterFeature
from tests.conftest import assert_error
from voice.models import SupervisorMonitoring, VoiceParty

from .conftest import Agent, last_call_id

BASE = "http://testserver/api/v2"
FEATURE = "api-supervisor-monitoring"


@pytest.fixture
def feature(admin):
    return ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id=FEATURE)


@pytest.fixture
def sue(admin, django_capture_on_commit_callbacks):
    """A supervisor with a phone (5010)."""
    made = Agent(admin, "sue@redwings.com", "5010", django_capture_on_commit_callbacks)
    made.user.roles = [Role.SUPERVISOR]
    made.user.save(update_fields=["roles_text"])
    return made


def device_uri(agent):
    return f"{BASE}/devices/{agent.device.pk}"


def supervise(supervisor, operation="ListenIn", **params):
    return supervisor.post(f"/api/v2/me/devices/{supervisor.device.pk}", {"operationName": operation, **params})


def device_messages(agent):
    return [m["devices"][0] for m in agent.messages("/v2/me/devices") if m["messageType"] == "DeviceStateChangeMessage"]


def my_device(agent):
    return agent.client.get(f"/api/v2/me/devices/{agent.device.pk}").json()["device"]


# ---------------------------------------------------------------------------------------------
# The device
# ---------------------------------------------------------------------------------------------


def test_a_supervisors_device_offers_monitoring_only_with_the_feature(sue, agent_a):
    assert my_device(sue)["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]
    ContactCenterFeature.objects.create(contact_center=sue.user.contact_center, feature_id=FEATURE)
    assert my_device(sue)["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn", "ListenIn", "Coach", "BargeIn"]
    assert "supervisorMonitoringState" not in my_device(sue)
    assert my_device(agent_a)["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]


def test_listen_in_announces_the_monitoring_state_then_cancel_removes_it(feature, sue, agent_b):
    response = supervise(sue, targetDeviceUri=device_uri(agent_b))
    assert response.status_code == 200 and response.json() == {"statusCode": 0}
    [device] = device_messages(sue)
    assert device["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn", "ListenIn", "Coach", "BargeIn", "CancelSupervisorMonitoring"]
    assert device["supervisorMonitoringState"] == {"state": "ListenIn", "mode": "AllCalls", "scope": "Call", "targetDeviceUri": device_uri(agent_b)}
    assert my_device(sue)["supervisorMonitoringState"] == device["supervisorMonitoringState"]
    supervise(sue, "Coach", targetDeviceUri=device_uri(agent_b), supervisorMonitoringScope="Agent", supervisorMonitoringMode="NextCall")
    assert device_messages(sue)[-1]["supervisorMonitoringState"] == {
        "state": "Coach", "mode": "NextCall", "scope": "Agent", "targetDeviceUri": device_uri(agent_b)
    }
    assert supervise(sue, "CancelSupervisorMonitoring").json() == {"statusCode": 0}
    cancelled = device_messages(sue)[-1]
    assert "supervisorMonitoringState" not in cancelled
    assert cancelled["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn", "ListenIn", "Coach", "BargeIn"]
    assert not SupervisorMonitoring.objects.exists()
    assert agent_b.messages("/v2/me/devices") == []  # the monitored agent is not told


def test_barge_in_on_a_call_in_progress_brings_the_supervisor_in_at_once(feature, sue, agent_a, agent_b, established_call):
    supervise(sue, "BargeIn", targetDeviceUri=device_uri(agent_b))
    [call] = sue.calls()
    assert call["id"] == established_call and call["state"] == "Established"
    assert call["participants"] == ["5005", "5001"] and call["callType"] == "Internal"
    assert (call["monitoring"], call["supervisorListeningIn"], call["monitoredUserMuted"], call["mute"]) == (True, False, False, "Off")
    assert "SwitchToListenIn" in call["capabilities"] and "RemoveParticipantFromConference" in call["capabilities"]
    assert "MuteCall" not in call["capabilities"]
    [agent_view] = agent_b.calls()
    assert agent_view["participants"] == ["5005", "5010"] and agent_view["monitoring"] is False
    assert [m["notificationType"] for m in agent_b.messages()] == ["ParticipantsUpdated"]


def test_switch_and_mute_operations_on_the_supervisors_call(feature, sue, agent_a, agent_b, established_call):
    supervise(sue, targetDeviceUri=device_uri(agent_b))
    sue.clear()
    agent_b.clear()
    assert sue.operate(established_call, "SwitchToBargeIn").json() == {"statusCode": 0}
    [barged] = sue.messages()
    assert barged["notificationType"] == "StatusChange" and barged["call"]["mute"] == "Off"
    assert sue.operate(established_call, "MuteMonitoredUser").json() == {"statusCode": 0}
    muted = sue.messages()[-1]
    assert muted["notificationType"] == "MonitoredUserMutedStateChange" and muted["call"]["monitoredUserMuted"] is True
    assert agent_b.messages()[-1]["notificationType"] == "MonitoredUserMutedStateChange"
    assert agent_b.call(established_call)["monitoredUserMuted"] is True
    assert_error(sue.operate(established_call, "MuteMonitoredUser"), 400, 2)  # already muted
    sue.operate(established_call, "UnmuteMonitoredUser")
    assert sue.messages()[-1]["call"]["monitoredUserMuted"] is False


# ---------------------------------------------------------------------------------------------
# Refusals: a GWS error, nothing changed, nothing sent
# ---------------------------------------------------------------------------------------------


def unchanged(*agents):
    assert not SupervisorMonitoring.objects.exists()
    for agent in agents:
        assert agent.messages("/v2/me/devices") == [] and agent.messages() == []


def test_without_the_feature_monitoring_operations_do_not_exist(sue, agent_b, agent_a, established_call):
    assert_error(supervise(sue, targetDeviceUri=device_uri(agent_b)), 400, 10)
    assert_error(supervise(sue, "CancelSupervisorMonitoring"), 400, 10)
    for operation in ("SwitchToBargeIn", "SwitchToListenIn", "MuteMonitoredUser", "UnmuteMonitoredUser"):
        assert_error(agent_b.operate(established_call, operation), 400, 10)
    unchanged(sue, agent_b)


def test_monitoring_by_a_non_supervisor_is_refused(feature, agent_a, agent_b):
    assert_error(supervise(agent_a, targetDeviceUri=device_uri(agent_b)), 403, 5)
    unchanged(agent_a, agent_b)


@pytest.mark.parametrize(
    "params, status, code",
    [
        ({}, 400, 1),
        ({"targetDeviceUri": ""}, 400, 1),
        ({"targetDeviceUri": 42}, 400, 1),
        ({"targetDeviceUri": f"{BASE}/devices/9c14cad7-17c4-48d0-8492-7cf0ff92c224"}, 404, 6),
        ({"targetDeviceUri": f"{BASE}/devices/not-a-device"}, 404, 6),
        ({"targetDeviceUri": "TARGET", "supervisorMonitoringScope": "Team"}, 400, 10),
        ({"targetDeviceUri": "TARGET", "supervisorMonitoringMode": "Sometimes"}, 400, 10),
        ({"targetDeviceUri": "TARGET", "supervisorMonitoringMode": 1}, 400, 1),
        ({"targetDeviceUri": "TARGET", "colour": "blue"}, 400, 10),
        ({"targetDeviceUri": "OWN"}, 400, 10),
    ],
)
def test_bad_parameters_are_refused(feature, sue, agent_b, params, status, code):
    params = {k: {"TARGET": device_uri(agent_b), "OWN": device_uri(sue)}.get(v, v) if isinstance(v, str) else v for k, v in params.items()}
    assert_error(supervise(sue, **params), status, code)
    unchanged(sue, agent_b)


def test_a_device_of_another_contact_center_is_unknown(feature, sue, foreign_admin):
    from provisioning import services

    foreign = services.create_device(foreign_admin, {"phoneNumber": "5001"})
    assert_error(supervise(sue, targetDeviceUri=f"{BASE}/devices/{foreign.pk}"), 404, 6)
    unchanged(sue)


def test_a_second_supervisor_on_the_same_target_is_refused(feature, admin, sue, agent_b, django_capture_on_commit_callbacks):
    supervise(sue, targetDeviceUri=device_uri(agent_b))
    tom = Agent(admin, "tom@redwings.com", "5011", django_capture_on_commit_callbacks)
    tom.user.roles = [Role.SUPERVISOR]
    tom.user.save(update_fields=["roles_text"])
    assert_error(supervise(tom, "BargeIn", targetDeviceUri=device_uri(agent_b)), 409, 19)
    assert list(SupervisorMonitoring.objects.values_list("supervisor_device_id", flat=True)) == [sue.device.pk]
    assert tom.messages("/v2/me/devices") == []


def test_operations_outside_the_capabilities_are_refused(feature, sue, agent_a, agent_b, established_call):
    assert_error(supervise(sue, "CancelSupervisorMonitoring"), 400, 2)  # not monitoring
    assert_error(supervise(sue, "CancelSupervisorMonitoring", targetDeviceUri=device_uri(agent_b)), 400, 10)
    for operation in ("SwitchToBargeIn", "SwitchToListenIn", "MuteMonitoredUser", "UnmuteMonitoredUser"):
        assert_error(agent_b.operate(established_call, operation), 400, 2)  # the agent's own call
    supervise(sue, targetDeviceUri=device_uri(agent_b))  # ListenIn: joins the call
    sue.clear()
    assert_error(sue.operate(established_call, "SwitchToListenIn"), 400, 2)
    assert_error(sue.operate(established_call, "UnmuteMonitoredUser"), 400, 2)
    assert_error(sue.operate(established_call, "MuteCall"), 400, 2)
    assert sue.messages() == []
    assert VoiceParty.objects.get(call_id=established_call, device=sue.device).monitor_mode == "ListenIn"


def test_the_monitored_call_is_not_the_supervisors_before_it_joins(feature, sue, agent_a, agent_b, ringing_call):
    supervise(sue, targetDeviceUri=device_uri(agent_b))
    assert_error(sue.operate(ringing_call, "SwitchToBargeIn"), 404, 6)
    agent_b.operate(ringing_call, "Answer")
    assert last_call_id(sue) == ringing_call
