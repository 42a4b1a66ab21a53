"""Calls through the public API: Dial, Answer, Hold, Retrieve, Hangup, GET /me/calls, and the
synchronous checks that refuse a request before it reaches the switch."""
from tests.conftest import assert_error
from voice.models import VoiceCall, VoiceParty

from .conftest import last_call_id

DIALING = ["DeleteUserDataPair", "AttachUserData", "Hangup", "DeleteUserData", "SendDtmf", "UpdateUserData"]
RINGING = ["AttachUserData", "Answer", "UpdateUserData", "DeleteUserData", "DeleteUserDataPair"]
ESTABLISHED = [
    "AttachUserData", "InitiateConference", "UpdateUserData", "Hold", "SingleStepTransfer", "DeleteUserData",
    "SingleStepConference", "Hangup", "DeleteUserDataPair", "SendDtmf", "InitiateTransfer",
]
HELD = [
    "Retrieve", "DeleteUserDataPair", "AttachUserData", "Hangup", "DeleteUserData", "InitiateConference",
    "InitiateTransfer", "SingleStepConference", "UpdateUserData", "SingleStepTransfer",
]


def test_dial_device_to_device(agent_a, agent_b):
    response = agent_a.dial("5001", userData={"CustomerSegment": "Gold"})
    assert response.status_code == 200 and response.json() == {"statusCode": 0}
    call_id = last_call_id(agent_a)
    [dialing] = agent_a.messages()
    assert dialing["messageType"] == "CallStateChangeMessage" and dialing["notificationType"] == "StatusChange"
    assert dialing["phoneNumber"] == "5005"
    call = dialing["call"]
    assert call["id"] == call_id and call["state"] == "Dialing" and call["callType"] == "Internal"
    assert call["participants"] == ["5001"] and call["dnis"] == "5001"
    assert call["participantsInfo"] == [{"digits": "5001", "e164Number": "5001", "formattedPhoneNumber": "5001"}]
    assert sorted(call["capabilities"]) == sorted(DIALING)
    assert call["userData"] == {"CustomerSegment": "Gold"}
    assert call["uri"] == f"http://testserver/api/v2/me/calls/{call_id}"
    assert call["deviceUri"] == f"http://testserver/api/v2/devices/{agent_a.device.pk}"
    assert call["duration"] == "0" and call["mute"] == "Off"
    assert call["supervisorListeningIn"] is False and call["monitoredUserMuted"] is False
    [ringing] = agent_b.messages()
    assert ringing["call"]["id"] == call_id and ringing["call"]["state"] == "Ringing"
    assert ringing["phoneNumber"] == "5001" and ringing["call"]["participants"] == ["5005"]
    assert sorted(ringing["call"]["capabilities"]) == sorted(RINGING)


def test_answer_hold_retrieve_hangup(ringing_call, agent_a, agent_b):
    agent_a.clear()
    agent_b.clear()
    assert agent_b.operate(ringing_call, "Answer").json() == {"statusCode": 0}
    assert agent_b.events() == [("StatusChange", ringing_call, "Established")]
    assert agent_a.events() == [("StatusChange", ringing_call, "Established")]
    assert sorted(agent_b.messages()[0]["call"]["capabilities"]) == sorted(ESTABLISHED)
    agent_a.operate(ringing_call, "Hold")
    held = agent_a.messages()[-1]["call"]
    assert held["state"] == "Held" and sorted(held["capabilities"]) == sorted(HELD)
    agent_a.operate(ringing_call, "Retrieve")
    assert agent_a.events()[-1] == ("StatusChange", ringing_call, "Established")
    agent_b.operate(ringing_call, "Hangup")
    assert agent_b.events()[-1] == ("StatusChange", ringing_call, "Released")
    assert agent_a.events()[-1] == ("StatusChange", ringing_call, "Released")
    released = agent_a.messages()[-1]["call"]
    assert released["capabilities"] == [] and released["participants"] == ["5001"]
    assert agent_a.calls() == [] and agent_b.calls() == []


def test_get_calls_is_each_users_own_view(established_call, agent_a, agent_b):
    [mine] = agent_a.calls()
    [theirs] = agent_b.calls()
    assert mine["id"] == theirs["id"] == established_call
    assert mine["deviceUri"].endswith(str(agent_a.device.pk)) and theirs["deviceUri"].endswith(str(agent_b.device.pk))
    assert mine["participants"] == ["5001"] and theirs["participants"] == ["5005"]
    assert agent_a.call(established_call) == mine
    body = agent_a.client.get("/api/v2/me/calls").json()
    assert body["paths"] == [f"/me/calls/{established_call}"]
    me = agent_a.client.get("/api/v2/me?subresources=*").json()["user"]
    assert [call["id"] for call in me["calls"]] == [established_call]
    assert me["calls"][0]["state"] == "Established"


def test_notifications_match_what_get_returns(established_call, agent_a):
    agent_a.operate(established_call, "Hold")
    pushed = agent_a.messages()[-1]["call"]
    fetched = agent_a.call(established_call)
    pushed.pop("duration"), fetched.pop("duration")
    assert pushed == fetched


def _unchanged(call_id):
    return list(VoiceParty.objects.filter(call_id=call_id).order_by("id").values()), list(
        VoiceCall.objects.filter(pk=call_id).values()
    )


def test_operation_not_in_capabilities_is_refused_with_2(ringing_call, agent_a, agent_b):
    before = _unchanged(ringing_call)
    agent_b.clear()
    assert_error(agent_b.operate(ringing_call, "Hold"), 400, 2)
    assert_error(agent_a.operate(ringing_call, "Answer"), 400, 2)
    assert _unchanged(ringing_call) == before and agent_b.messages() == []


def test_unknown_operation_is_refused_with_10(ringing_call, agent_b):
    assert_error(agent_b.operate(ringing_call, "Teleport"), 400, 10)
    assert_error(agent_b.post(f"/api/v2/me/calls/{ringing_call}", {"operationName": 5}), 400, 1)
    assert_error(agent_b.post(f"/api/v2/me/calls/{ringing_call}", {}), 400, 1)


def test_missing_parameter_is_refused_with_1(established_call, agent_a):
    before = _unchanged(established_call)
    assert_error(agent_a.operate(established_call, "SendDtmf"), 400, 1)
    assert_error(agent_a.operate(established_call, "AttachUserData", userData="x"), 400, 1)
    assert_error(agent_a.operate(established_call, "SingleStepTransfer"), 400, 1)
    assert_error(agent_a.operate(established_call, "SingleStepTransfer", destination={"phone": "1"}), 400, 1)
    assert_error(agent_a.operate(established_call, "DeleteUserDataPair"), 400, 1)
    assert_error(agent_a.operate(established_call, "SendDtmf", digits="12a"), 400, 10)
    assert_error(agent_a.operate(established_call, "Hold", color="blue"), 400, 10)
    assert _unchanged(established_call) == before


def test_unknown_or_someone_elses_call_is_6(established_call, agent_c):
    assert_error(agent_c.operate(established_call, "Hangup"), 404, 6)
    assert_error(agent_c.operate("00000000deadbeef", "Hangup"), 404, 6)
    assert_error(agent_c.client.get(f"/api/v2/me/calls/{established_call}"), 404, 6)
    assert agent_c.calls() == []


def test_dial_from_someone_elses_device_is_6(agent_a, agent_b):
    response = agent_b.post(f"/api/v2/me/devices/{agent_a.device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5000"}})
    assert_error(response, 404, 6)
    assert not VoiceParty.objects.exists()


def test_dial_refuses_bad_requests(agent_a):
    url = f"/api/v2/me/devices/{agent_a.device.pk}/calls"
    assert_error(agent_a.post(url, {"operationName": "Dial"}), 400, 1)
    assert_error(agent_a.post(url, {"operationName": "Dial", "destination": "5001"}), 400, 1)
    assert_error(agent_a.post(url, {"operationName": "Dial", "destination": {"phoneNumber": "5001"}, "userData": []}), 400, 1)
    assert_error(agent_a.post(url, {"operationName": "Hangup"}), 400, 10)
    assert not VoiceParty.objects.exists()


def test_invalid_called_dn_is_an_asynchronous_error_message(agent_a):
    assert agent_a.dial("5005").status_code == 200
    [error] = agent_a.messages("/v2/me/devices")
    assert error == {
        "messageType": "ErrorMessage",
        "deviceUri": f"http://testserver/api/v2/devices/{agent_a.device.pk}",
        "errorMessage": "Invalid Called Dn",
    }
    assert not VoiceParty.objects.exists()


def test_dial_user_data_merges_voice_operations_defaults_request_wins(admin_client, agent_a, agent_b):
    response = admin_client.post(
        "/api/v2/settings/voice-operations",
        {"operationName": "Dial", "userData": {"subscriberId": "1234567890", "region": "EU"}},
    )
    assert response.json()["statusCode"] == 0
    agent_a.dial("5001", userData={"region": "US"})
    assert agent_a.messages()[0]["call"]["userData"] == {"subscriberId": "1234567890", "region": "US"}


def test_toast_for_ringing_and_case_for_established(admin_client, agent_a, agent_b):
    admin_client.post("/api/v2/settings/voice", {"name": "toast-filter", "value": [{"attachedDataKey": "CustomerName", "displayName": "Customer"}]})
    admin_client.post(
        "/api/v2/settings/voice",
        {"name": "case-filter", "value": [
            {"attachedDataKey": "CustomerName", "displayName": "Customer"},
            {"attachedDataKey": "POC", "displayName": "Purpose of Call"},
        ]},
    )
    agent_a.dial("5001", userData={"POC": "New Service", "CustomerName": "Chris"})
    ringing = agent_b.messages()[0]["call"]
    assert ringing["toast"] == [{"key": "CustomerName", "displayName": "Customer", "value": "Chris"}]
    assert "case" not in ringing
    agent_b.operate(ringing["id"], "Answer")
    established = agent_b.messages()[-1]["call"]
    assert "toast" not in established
    assert established["case"] == [
        {"key": "CustomerName", "displayName": "Customer", "value": "Chris"},
        {"key": "POC", "displayName": "Purpose of Call", "value": "New Service"},
    ]
    assert established["userData"] == {"POC": "New Service", "CustomerName": "Chris"}


def test_answer_never_offered_on_public_network(admin, agent_a, django_capture_on_commit_callbacks):
    from .conftest import Agent

    public = Agent(admin, "pub@redwings.com", "5009", django_capture_on_commit_callbacks, telephonyNetwork="Public")
    agent_a.dial("5009")
    call = public.messages()[0]["call"]
    assert "Answer" not in call["capabilities"]
    assert_error(public.operate(call["id"], "Answer"), 400, 2)


def test_voice_service_inactive_answers_503_and_changes_nothing(admin_client, ringing_call, agent_b):
    response = admin_client.put("/api/v2/voice-simulation/service", {"state": "Inactive"})
    assert response.json() == {"statusCode": 0}
    before = _unchanged(ringing_call)
    response = agent_b.operate(ringing_call, "Answer")
    assert response.status_code == 503
    assert response.json() == {"statusCode": 4, "statusMessage": "Voice service is not available at this time"}
    assert _unchanged(ringing_call) == before
    admin_client.put("/api/v2/voice-simulation/service", {"state": "Active"})
    assert agent_b.operate(ringing_call, "Answer").status_code == 200
