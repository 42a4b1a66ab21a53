"""The simulation API and commands: inbound calls, remote parties, timers, Voice service outages."""
import pytest
from django.core.management import CommandError, call_command

from notifications.testing import NotificationRecorder
from tests.conftest import assert_error
from voice import services
from voice.models import RemoteNumber, VoiceParty

from .conftest import last_call_id


@pytest.fixture
def sim(admin_client, django_capture_on_commit_callbacks):
    """The admin's simulation API, with notifications delivered."""

    class Sim:
        def post(self, path, data):
            with django_capture_on_commit_callbacks(execute=True):
                return admin_client.post(f"/api/v2/voice-simulation/{path}", data)

        def put(self, path, data):
            with django_capture_on_commit_callbacks(execute=True):
                return admin_client.put(f"/api/v2/voice-simulation/{path}", data)

    return Sim()


def test_inbound_call_from_an_outside_number_with_user_data(sim, agent_b):
    response = sim.post("calls", {"from": "+14155550100", "to": "5001", "userData": {"CustomerName": "Chris"}})
    assert response.status_code == 200
    call_id = response.json()["id"]
    [ringing] = agent_b.messages()
    call = ringing["call"]
    assert (call["id"], call["state"], call["callType"]) == (call_id, "Ringing", "Inbound")
    assert call["participants"] == ["+14155550100"] and call["ani"] == "+14155550100" and call["dnis"] == "5001"
    assert call["userData"] == {"CustomerName": "Chris"}
    agent_b.operate(call_id, "Answer")
    assert agent_b.events()[-1] == ("StatusChange", call_id, "Established")
    agent_b.clear()
    assert sim.post(f"calls/{call_id}", {"operationName": "RemoteHangup"}).json() == {"statusCode": 0}
    assert agent_b.events() == [("StatusChange", call_id, "Released")]


def test_simulation_refuses_bad_requests(sim, agent_b):
    assert_error(sim.post("calls", {"to": "5001"}), 400, 1)
    assert_error(sim.post("calls", {"from": "+14155550100", "to": "5999"}), 404, 6)
    assert_error(sim.post("calls", {"from": "5001", "to": "5001"}), 400, 10)
    assert_error(sim.post("calls", {"from": "+14155550100", "to": "5001", "colour": 1}), 400, 10)
    assert_error(sim.post("calls/ffffffffffffffff", {"operationName": "RemoteHangup"}), 404, 6)
    assert_error(sim.put("remote-numbers", {"number": "5551212", "behaviour": "sing"}), 400, 10)
    assert_error(sim.put("service", {"state": "ReadOnly"}), 400, 10)
    assert not VoiceParty.objects.exists()


def test_simulation_is_for_admins_only(agent_b):
    assert_error(agent_b.post("/api/v2/voice-simulation/calls", {"from": "+14155550100", "to": "5001"}), 403, 5)
    assert_error(agent_b.client.put("/api/v2/voice-simulation/service", {"state": "Inactive"}), 403, 5)


def test_remote_party_answers_after_its_delay(sim, agent_a):
    sim.put("remote-numbers", {"number": "5551212", "behaviour": "answer", "delay": 2})
    agent_a.dial("5551212")
    call_id = last_call_id(agent_a)
    assert agent_a.events() == [("StatusChange", call_id, "Dialing")]
    assert agent_a.messages()[0]["call"]["callType"] == "Outbound"
    assert services.run_due_timers() == 0  # not yet
    with agent_a._committing(execute=True):
        assert services.run_due_timers(now=services.store.now() + 2.5) == 1
    assert agent_a.events()[-1] == ("StatusChange", call_id, "Established")


def test_busy_remote_number(sim, agent_a):
    sim.put("remote-numbers", {"number": "5551212", "behaviour": "busy"})
    agent_a.dial("5551212")
    [error] = agent_a.messages("/v2/me/devices")
    assert error["errorMessage"] == "Destination busy"
    assert agent_a.calls() == []


def test_no_answer_remote_number_rings_until_hangup(sim, agent_a):
    sim.put("remote-numbers", {"number": "5551212", "behaviour": "no-answer"})
    agent_a.dial("5551212")
    call_id = last_call_id(agent_a)
    assert services.run_due_timers(now=services.store.now() + 3600) == 0
    assert agent_a.calls()[0]["state"] == "Dialing"
    assert sim.post(f"calls/{call_id}", {"operationName": "RemoteAnswer"}).status_code == 200
    assert agent_a.calls()[0]["state"] == "Established"


def test_service_down_and_up_announced_to_clients(sim, agent_a, agent_b):
    assert sim.put("service", {"state": "Inactive"}).json() == {"statusCode": 0}
    [message] = [m["data"] for m in agent_a.recorder.messages("/notifications/services")]
    assert message["messageType"] == "ServiceStateChangeMessage"
    assert message["service"]["type"] == "Voice" and message["service"]["state"] == "Inactive"
    response = agent_a.dial("5001")
    assert response.status_code == 503 and response.json()["statusCode"] == 4
    assert_error(sim.post("calls", {"from": "+14155550100", "to": "5001"}), 503, 4)
    sim.put("service", {"state": "Active"})
    assert [m["data"]["service"]["state"] for m in agent_a.recorder.messages("/notifications/services")] == ["Inactive", "Active"]
    assert agent_a.dial("5001").status_code == 200


def test_commands(contact_center, agent_b, django_capture_on_commit_callbacks, capsys):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("voice_simulate", "inbound", "--contact-center", "Redwings", "--from", "+14155550100", "--to", "5001", "--user-data", '{"a": "b"}')
    call_id = capsys.readouterr().out.strip()
    assert agent_b.messages()[0]["call"]["id"] == call_id
    assert agent_b.messages()[0]["call"]["uri"] == f"http://127.0.0.1:8000/api/v2/me/calls/{call_id}"
    call_command("voice_simulate", "remote-number", "--contact-center", "Redwings", "5551212", "busy")
    assert RemoteNumber.objects.get().behaviour == "busy"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("voice_simulate", "hangup", "--contact-center", "Redwings", call_id)
    assert agent_b.events()[-1] == ("StatusChange", call_id, "Released")
    call_command("voice_simulate", "service", "--contact-center", "Redwings", "down")
    assert contact_center.voice_environments.get().service_state == "Inactive"
    with pytest.raises(CommandError):
        call_command("voice_simulate", "hangup", "--contact-center", "Redwings", call_id)
    with pytest.raises(CommandError):
        call_command("voice_simulate", "service", "--contact-center", "Nowhere", "up")
