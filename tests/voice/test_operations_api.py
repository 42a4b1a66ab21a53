"""Every call operation through the API, asserting the notification sequence of its page."""
from tests.conftest import assert_error
from voice.models import CallUserEvent

from .conftest import last_call_id

BASE = "http://testserver/api/v2"


def uri(call_id):
    return f"{BASE}/me/calls/{call_id}"


def test_send_dtmf_confirms_with_dtmf_sent(established_call, agent_a):
    assert agent_a.operate(established_call, "SendDtmf", digits="7").json() == {"statusCode": 0}
    assert agent_a.events() == [("DtmfSent", established_call, "Established")]


def test_mute_and_unmute_in_a_conference(established_call, agent_a, agent_b, agent_c):
    assert_error(agent_a.operate(established_call, "MuteCall"), 400, 2)  # two parties: no MuteCall
    agent_a.operate(established_call, "SingleStepConference", destination={"phoneNumber": "5000"})
    agent_a.clear()
    agent_a.operate(established_call, "MuteCall")
    [muted] = agent_a.messages()
    assert muted["call"]["mute"] == "On" and "UnmuteCall" in muted["call"]["capabilities"]
    assert "MuteCall" not in muted["call"]["capabilities"]
    agent_a.operate(established_call, "UnmuteCall")
    assert agent_a.messages()[-1]["call"]["mute"] == "Off"


def test_user_data_operations(established_call, agent_a, agent_b):
    agent_a.operate(established_call, "AttachUserData", userData={"Colors": "Blue"})
    [changed] = agent_a.messages()
    assert changed["notificationType"] == "AttachedDataChanged" and changed["call"]["userData"] == {"Colors": "Blue"}
    assert agent_b.messages()[-1]["call"]["userData"] == {"Colors": "Blue"}  # the call's data: everyone's
    agent_a.operate(established_call, "UpdateUserData", userData={"CustomerNumber": "12345", "CustomerSegment": "Platinum", "CustomerName": "Willard"})
    agent_a.operate(established_call, "DeleteUserDataPair", key="CustomerSegment")
    assert agent_a.messages()[-1]["call"]["userData"] == {"Colors": "Blue", "CustomerNumber": "12345", "CustomerName": "Willard"}
    agent_a.operate(established_call, "DeleteUserData")
    last = agent_a.messages()[-1]
    assert last["notificationType"] == "AttachedDataChanged" and "userData" not in last["call"]
    assert [e[0] for e in agent_a.events()] == ["AttachedDataChanged"] * 4


def test_attach_user_data_allows_a_duplicate_key(established_call, agent_a):
    agent_a.operate(established_call, "AttachUserData", userData={"Colors": "Blue"})
    agent_a.operate(established_call, "AttachUserData", userData={"Colors": "Red"})
    from voice.models import VoiceCall

    assert VoiceCall.objects.get(pk=established_call).user_data == [["Colors", "Blue"], ["Colors", "Red"]]
    assert agent_a.call(established_call)["userData"] == {"Colors": "Red"}


def test_delete_missing_pair_is_an_asynchronous_error(established_call, agent_a):
    assert agent_a.operate(established_call, "DeleteUserDataPair", key="Nope").status_code == 200
    [error] = agent_a.messages()
    assert error == {
        "messageType": "ErrorMessage",
        "deviceUri": f"{BASE}/devices/{agent_a.device.pk}",
        "callUri": uri(established_call),
        "errorMessage": "Key 'Nope' is not in the call data",
    }


def test_set_call_disposition_active_then_released(established_call, agent_a):
    agent_a.operate(established_call, "SetCallDisposition", disposition="IssueResolved", dispositionKey="DispositionCode")
    [changed] = agent_a.messages()
    assert changed["notificationType"] == "AttachedDataChanged"
    assert changed["call"]["userData"] == {"DispositionCode": "IssueResolved"}
    agent_a.operate(established_call, "Hangup")
    agent_a.clear()
    response = agent_a.operate(established_call, "SetCallDisposition", disposition="Sale", callUri=uri(established_call))
    assert response.json() == {"statusCode": 0}
    assert agent_a.messages() == []
    assert CallUserEvent.objects.get().data == {"DispositionCode": "Sale"}


def test_single_step_transfer(established_call, agent_a, agent_b, agent_c):
    agent_b.operate(established_call, "SingleStepTransfer", destination={"phoneNumber": "5000"}, userData={"TransferReason": "Escalation"})
    [released] = agent_b.messages()
    assert released["call"]["state"] == "Released" and released["call"]["participants"] == ["5005"]
    assert released["call"]["userData"] == {"TransferReason": "Escalation"} and released["call"]["capabilities"] == []
    assert agent_c.events() == [("StatusChange", established_call, "Ringing")]
    assert agent_a.events() == [("ParticipantsUpdated", established_call, "Established")]
    agent_c.operate(established_call, "Answer")
    assert agent_c.calls()[0]["participants"] == ["5005"]


def test_single_step_conference_and_remove_participant(established_call, agent_a, agent_b, agent_c):
    agent_b.operate(established_call, "SingleStepConference", destination={"phoneNumber": "5000"}, userData={"AccountNumber": "12345"})
    [updated] = agent_b.messages()
    assert updated["notificationType"] == "ParticipantsUpdated"
    assert updated["call"]["participants"] == ["5005", "5000"]
    assert updated["call"]["userData"] == {"FirstConferencePartyDN": "5001", "AccountNumber": "12345"}
    assert "RemoveParticipantFromConference" in updated["call"]["capabilities"] and "MuteCall" in updated["call"]["capabilities"]
    agent_c.operate(established_call, "Answer")
    agent_b.clear()
    agent_b.operate(established_call, "RemoveParticipantFromConference", participant="5000")
    assert agent_c.events()[-1] == ("StatusChange", established_call, "Released")
    [after] = agent_b.messages()
    assert after["notificationType"] == "ParticipantsUpdated" and after["call"]["participants"] == ["5005"]
    assert "RemoveParticipantFromConference" not in after["call"]["capabilities"]
    assert_error(agent_b.operate(established_call, "RemoveParticipantFromConference", participant="5000"), 400, 2)


def test_full_transfer_scenario(admin_client, agent_a, agent_b, agent_c):
    """InitiateTransfer "Full Example Scenario": inbound call to 5005, consult 5001, complete."""
    agent_c.dial("5005")
    original = last_call_id(agent_c)
    assert agent_a.events() == [("StatusChange", original, "Ringing")]
    agent_a.operate(original, "Answer")
    agent_a.clear()
    agent_a.operate(original, "InitiateTransfer", destination={"phoneNumber": "5001"})
    held, dialing = agent_a.messages()
    assert (held["call"]["id"], held["call"]["state"]) == (original, "Held")
    consult = dialing["call"]["id"]
    assert dialing["call"]["state"] == "Dialing" and dialing["call"]["callType"] == "Consult"
    assert dialing["call"]["parentCallUri"] == uri(original)
    assert sorted(dialing["call"]["capabilities"]) == sorted(
        ["UpdateUserData", "DeleteUserData", "Hangup", "SwapCalls", "CompleteTransfer", "SendDtmf", "AttachUserData", "DeleteUserDataPair"]
    )
    agent_a.clear()
    agent_a.operate(consult, "CompleteTransfer")
    assert agent_a.events() == [("StatusChange", original, "Released"), ("StatusChange", consult, "Released")]
    assert agent_a.messages()[1]["call"]["parentCallUri"] == uri(original)
    # The consulted agent now rings on the original call; the caller sees the new participant.
    assert agent_b.events()[-2:] == [("StatusChange", consult, "Released"), ("StatusChange", original, "Ringing")]
    assert agent_c.events()[-1] == ("ParticipantsUpdated", original, "Established")
    agent_b.operate(original, "Answer")
    assert [call["participants"] for call in agent_b.calls()] == [["5000"]]
    assert [call["participants"] for call in agent_c.calls()] == [["5001"]]
    assert agent_a.calls() == []


def test_complete_transfer_with_consult_call_uri_on_the_original_call(established_call, agent_a, agent_c):
    agent_a.operate(established_call, "InitiateTransfer", destination={"phoneNumber": "5000"})
    consult = agent_a.messages()[-1]["call"]["id"]
    agent_c.operate(consult, "Answer")
    assert_error(agent_a.operate(established_call, "CompleteTransfer", consultCallUri=uri(consult)), 400, 2)  # held call: not listed
    assert agent_a.operate(consult, "CompleteTransfer", consultCallUri=uri(established_call)).status_code == 200
    assert agent_a.calls() == []


def test_three_party_conference(established_call, agent_a, agent_b, agent_c):
    """InitiateConference then CompleteConference: consult Released, then ParticipantsUpdated."""
    agent_a.operate(established_call, "InitiateConference", destination={"phoneNumber": "5000"})
    held, dialing = agent_a.messages()
    assert held["call"]["state"] == "Held" and dialing["call"]["state"] == "Dialing"
    consult = dialing["call"]["id"]
    assert_error(agent_a.operate(consult, "CompleteConference"), 400, 2)  # not before it is answered
    agent_c.operate(consult, "Answer")
    agent_a.clear()
    agent_a.operate(consult, "CompleteConference")
    released, updated = agent_a.messages()
    assert (released["call"]["id"], released["call"]["state"]) == (consult, "Released")
    assert released["call"]["participants"] == ["5000"]
    assert updated["notificationType"] == "ParticipantsUpdated"
    assert (updated["call"]["id"], updated["call"]["state"]) == (established_call, "Established")
    assert updated["call"]["participants"] == ["5001", "5000"]
    assert {"RemoveParticipantFromConference", "MuteCall"} <= set(updated["call"]["capabilities"])
    assert agent_b.events()[-1] == ("ParticipantsUpdated", established_call, "Established")
    assert sorted(agent_c.calls()[0]["participants"]) == ["5001", "5005"]
    # One party leaving a three-party call leaves the other two connected.
    agent_c.operate(established_call, "Hangup")
    assert agent_a.calls()[0]["participants"] == ["5001"]


def test_swap_calls_full_scenario(agent_a, agent_b, agent_c):
    agent_c.dial("5005")
    first = last_call_id(agent_c)
    agent_a.operate(first, "Answer")
    agent_a.operate(first, "Hold")
    agent_a.dial("5001")
    second = last_call_id(agent_b)
    dialing = agent_a.messages()[-1]["call"]
    assert dialing["callType"] == "Internal" and {"SwapCalls", "CompleteTransfer"} <= set(dialing["capabilities"])
    agent_b.operate(second, "Answer")
    answered = agent_a.messages()[-1]["call"]
    assert {"SwapCalls", "CompleteTransfer", "CompleteConference"} <= set(answered["capabilities"])
    agent_a.clear()
    assert_error(agent_a.operate(second, "SwapCalls"), 400, 1)
    assert_error(agent_a.operate(second, "SwapCalls", otherCallUri=uri("ffffffffffffffff")), 404, 6)
    agent_a.operate(second, "SwapCalls", otherCallUri=uri(first))
    assert agent_a.events() == [("StatusChange", second, "Held"), ("StatusChange", first, "Established")]
    assert "SwapCalls" not in agent_a.messages()[0]["call"]["capabilities"]


def test_merge_with_other_call(agent_a, agent_b, agent_c):
    agent_c.dial("5005")
    first = last_call_id(agent_c)
    agent_a.operate(first, "Answer")
    agent_a.operate(first, "Hold")
    agent_a.dial("5001")
    second = last_call_id(agent_b)
    agent_b.operate(second, "Answer")
    agent_a.clear()
    agent_a.operate(second, "MergeWithOtherCall", otherCallUri=uri(first))
    assert agent_a.events() == [("StatusChange", second, "Released"), ("ParticipantsUpdated", first, "Established")]
    assert agent_a.calls()[0]["participants"] == ["5000", "5001"]


def test_reject_returns_a_queued_call_to_its_queue(admin_client, agent_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/v2/voice-simulation/calls", {"from": "+14155550100", "to": "5001", "queue": "9000"})
    call_id = response.json()["id"]
    [ringing] = agent_b.messages()
    assert "Reject" in ringing["call"]["capabilities"] and ringing["call"]["dnis"] == "9000"
    agent_b.operate(call_id, "Reject")
    assert agent_b.events()[-1] == ("StatusChange", call_id, "Released")
    from voice.models import VoiceCall

    assert VoiceCall.objects.get(pk=call_id).queue == "9000"


def test_reject_refused_on_a_direct_call(ringing_call, agent_b):
    assert_error(agent_b.operate(ringing_call, "Reject"), 400, 2)
