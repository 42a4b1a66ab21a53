"""The switch on its own: no database, no HTTP. Requests in, events and state out."""
import pytest

from voice.switch import CallEvent, ErrorEvent, Request, Snapshot, State, Switch
from voice.switch.directory import MemoryDirectory
from voice.switch.model import RemoteBehaviour

DATA_OPS = {"AttachUserData", "UpdateUserData", "DeleteUserData", "DeleteUserDataPair"}
DIALING = DATA_OPS | {"Hangup", "SendDtmf"}
RINGING = DATA_OPS | {"Answer"}
ESTABLISHED = DATA_OPS | {
    "Hangup",
    "Hold",
    "SendDtmf",
    "InitiateConference",
    "InitiateTransfer",
    "SingleStepConference",
    "SingleStepTransfer",
}
HELD = DATA_OPS | {"Retrieve", "Hangup", "InitiateConference", "InitiateTransfer", "SingleStepConference", "SingleStepTransfer"}
CONSULT_DIALING = DIALING | {"SwapCalls", "CompleteTransfer"}
CONSULT_ESTABLISHED = ESTABLISHED | {"SwapCalls", "CompleteTransfer", "CompleteConference"}
CONFERENCE = ESTABLISHED | {"RemoveParticipantFromConference", "MuteCall"}


class Phones:
    """A switch with a few devices, keeping its snapshot between requests as a store would."""

    def __init__(self, **behaviours):
        self.directory = MemoryDirectory(behaviours=behaviours.get("behaviours"), default=behaviours.get("default", (RemoteBehaviour.ANSWER, 0)))
        for device, number in (("dev-a", "5005"), ("dev-b", "5001"), ("dev-c", "5000")):
            self.directory.add(device, number)
        self.directory.add("dev-p", "5009", telephony_network="Public")
        self.snapshot = Snapshot()
        self.now = 1000.0

    def do(self, operation, device="", call="", **params):
        request = Request(operation, device_id=device, call_id=call, params=params)
        if operation == "Dial":
            params.setdefault("own_number", {v.device_id: k for k, v in self.directory.numbers.items()}[device])
        events = Switch(self.snapshot, self.directory, self.now).handle(request)
        self.last_call = request.call_id
        return events

    def party(self, call, device):
        return self.snapshot.party(call, device)

    def caps(self, call, device):
        from voice.switch.engine import view

        return set(view(self.snapshot, self.party(call, device), self.now).capabilities)


def summary(events):
    return [
        (e.notification_type, e.view.device_id, e.view.call_id, e.view.state)
        if isinstance(e, CallEvent)
        else ("Error", e.device_id, e.message)
        for e in events
    ]


@pytest.fixture
def phones():
    return Phones()


def dial(phones, device="dev-a", number="5001", **params):
    phones.do("Dial", device, destination={"phoneNumber": number}, **params)
    return phones.last_call


def established(phones, device="dev-a", number="5001", answerer="dev-b"):
    call = dial(phones, device, number)
    phones.do("Answer", answerer, call)
    return call


def test_dial_device_to_device_caller_dialing_callee_ringing(phones):
    events = phones.do("Dial", "dev-a", destination={"phoneNumber": "5001"}, userData={"CustomerSegment": "Gold"})
    call = phones.last_call
    assert summary(events) == [
        ("StatusChange", "dev-a", call, "Dialing"),
        ("StatusChange", "dev-b", call, "Ringing"),
    ]
    caller, callee = events[0].view, events[1].view
    assert caller.participants == ["5001"] and callee.participants == ["5005"]
    assert caller.dnis == callee.dnis == "5001"
    assert caller.call_type == callee.call_type == "Internal"
    assert set(caller.capabilities) == DIALING
    assert set(callee.capabilities) == RINGING
    assert caller.user_data == {"CustomerSegment": "Gold"}


def test_answer_establishes_both_parties(phones):
    call = dial(phones)
    phones.now += 5
    events = phones.do("Answer", "dev-b", call)
    assert summary(events) == [
        ("StatusChange", "dev-b", call, "Established"),
        ("StatusChange", "dev-a", call, "Established"),
    ]
    assert set(events[0].view.capabilities) == ESTABLISHED
    assert set(events[1].view.capabilities) == ESTABLISHED


def test_hold_and_retrieve(phones):
    call = established(phones)
    assert summary(phones.do("Hold", "dev-a", call)) == [("StatusChange", "dev-a", call, "Held")]
    assert phones.caps(call, "dev-a") == HELD
    assert summary(phones.do("Retrieve", "dev-a", call)) == [("StatusChange", "dev-a", call, "Established")]
    assert phones.caps(call, "dev-a") == ESTABLISHED


def test_hangup_releases_both_with_empty_capabilities_and_last_participants(phones):
    call = established(phones)
    phones.now += 7
    events = phones.do("Hangup", "dev-b", call)
    assert summary(events) == [
        ("StatusChange", "dev-b", call, "Released"),
        ("StatusChange", "dev-a", call, "Released"),
    ]
    assert events[0].view.capabilities == [] and events[0].view.participants == ["5005"]
    assert events[1].view.duration == 7


def test_operation_outside_the_table_is_an_error_and_changes_nothing(phones):
    call = dial(phones)
    events = phones.do("Hold", "dev-b", call)  # Ringing: no Hold
    assert summary(events) == [("Error", "dev-b", "Incorrect object state")]
    assert phones.party(call, "dev-b").state == State.RINGING


def test_answer_not_offered_on_public_network(phones):
    call = dial(phones, number="5009")
    assert phones.caps(call, "dev-p") == DATA_OPS
    assert summary(phones.do("Answer", "dev-p", call))[0][0] == "Error"


def test_remote_party_answers_at_once_by_default(phones):
    events = phones.do("Dial", "dev-a", destination={"phoneNumber": "5551212"})
    call = phones.last_call
    assert summary(events) == [
        ("StatusChange", "dev-a", call, "Dialing"),
        ("StatusChange", "dev-a", call, "Established"),
    ]
    assert events[0].view.call_type == "Outbound"


def test_remote_party_answers_after_a_delay_through_its_timer():
    phones = Phones(default=(RemoteBehaviour.ANSWER, 3))
    call = dial(phones, number="5551212")
    remote = [p for p in phones.snapshot.call_parties(call) if not p.is_device][0]
    assert remote.timer_due == phones.now + 3
    phones.now += 3
    events = phones.do("Timer", party_id=remote.id)
    assert summary(events) == [("StatusChange", "dev-a", call, "Established")]


def test_busy_remote_party_fails_the_dial_and_creates_no_call():
    phones = Phones(behaviours={"5551212": (RemoteBehaviour.BUSY, 0)})
    events = phones.do("Dial", "dev-a", destination={"phoneNumber": "5551212"})
    assert summary(events) == [("Error", "dev-a", "Destination busy")]
    assert phones.snapshot.parties == {}


def test_no_answer_remote_party_rings_until_the_caller_hangs_up():
    phones = Phones(default=(RemoteBehaviour.NO_ANSWER, 0))
    call = dial(phones, number="5551212")
    assert phones.party(call, "dev-a").state == State.DIALING
    assert summary(phones.do("Hangup", "dev-a", call)) == [("StatusChange", "dev-a", call, "Released")]


def test_invalid_called_dn(phones):
    assert summary(phones.do("Dial", "dev-a", destination={"phoneNumber": "50x1"})) == [("Error", "dev-a", "Invalid Called Dn")]
    assert summary(phones.do("Dial", "dev-a", destination={"phoneNumber": "5005"})) == [("Error", "dev-a", "Invalid Called Dn")]


def test_user_data_operations(phones):
    call = established(phones)
    events = phones.do("AttachUserData", "dev-a", call, userData={"Colors": "Blue"})
    assert [e.notification_type for e in events] == ["AttachedDataChanged", "AttachedDataChanged"]
    phones.do("AttachUserData", "dev-a", call, userData={"Colors": "Red"})
    assert phones.snapshot.calls[call].user_data == [["Colors", "Blue"], ["Colors", "Red"]]
    phones.do("UpdateUserData", "dev-a", call, userData={"Colors": "Green", "CustomerName": "Willard"})
    assert phones.snapshot.calls[call].user_data == [["Colors", "Green"], ["CustomerName", "Willard"]]
    events = phones.do("DeleteUserDataPair", "dev-a", call, key="Colors")
    assert events[0].view.user_data == {"CustomerName": "Willard"}
    events = phones.do("DeleteUserData", "dev-a", call)
    assert events[0].view.user_data == {}


def test_send_dtmf_and_mute_in_conference(phones):
    call = established(phones)
    assert summary(phones.do("SendDtmf", "dev-a", call, digits="7")) == [("DtmfSent", "dev-a", call, "Established")]
    events = phones.do("SingleStepConference", "dev-a", call, destination={"phoneNumber": "5000"})
    assert summary(events) == [
        ("ParticipantsUpdated", "dev-a", call, "Established"),
        ("StatusChange", "dev-c", call, "Ringing"),
        ("ParticipantsUpdated", "dev-b", call, "Established"),
    ]
    assert events[0].view.participants == ["5001", "5000"]
    assert events[0].view.user_data == {"FirstConferencePartyDN": "5005"}
    assert phones.caps(call, "dev-a") == CONFERENCE
    phones.do("MuteCall", "dev-a", call)
    assert phones.caps(call, "dev-a") == (CONFERENCE - {"MuteCall"}) | {"UnmuteCall"}


def test_full_transfer_scenario(phones):
    call = established(phones, device="dev-c", number="5005", answerer="dev-a")
    events = phones.do("InitiateTransfer", "dev-a", call, destination={"phoneNumber": "5001"})
    consult = events[1].view.call_id
    assert summary(events) == [
        ("StatusChange", "dev-a", call, "Held"),
        ("StatusChange", "dev-a", consult, "Dialing"),
        ("StatusChange", "dev-b", consult, "Ringing"),
    ]
    assert set(events[0].view.capabilities) == HELD
    assert set(events[1].view.capabilities) == CONSULT_DIALING
    assert events[1].view.call_type == "Consult" and events[1].view.parent_call_id == call
    events = phones.do("CompleteTransfer", "dev-a", consult)
    assert summary(events)[:2] == [
        ("StatusChange", "dev-a", call, "Released"),
        ("StatusChange", "dev-a", consult, "Released"),
    ]
    # The consulted agent's leg moves to the original call, still ringing there.
    assert summary(events)[2:] == [
        ("StatusChange", "dev-b", consult, "Released"),
        ("StatusChange", "dev-b", call, "Ringing"),
        ("ParticipantsUpdated", "dev-c", call, "Established"),
    ]
    phones.do("Answer", "dev-b", call)
    assert phones.party(call, "dev-b").state == State.ESTABLISHED
    assert [p.number for p in phones.snapshot.active_parties(call)] == ["5000", "5001"]


def test_three_party_conference_and_remove_participant(phones):
    call = established(phones, device="dev-c", number="5005", answerer="dev-a")
    events = phones.do("InitiateConference", "dev-a", call, destination={"phoneNumber": "5001"})
    consult = events[1].view.call_id
    phones.do("Answer", "dev-b", consult)
    assert phones.caps(consult, "dev-a") == CONSULT_ESTABLISHED
    events = phones.do("CompleteConference", "dev-a", consult)
    assert summary(events)[0] == ("StatusChange", "dev-a", consult, "Released")
    assert ("ParticipantsUpdated", "dev-a", call, "Established") in summary(events)
    assert phones.caps(call, "dev-a") == CONFERENCE
    events = phones.do("RemoveParticipantFromConference", "dev-a", call, participant="5001")
    assert summary(events) == [
        ("StatusChange", "dev-b", call, "Released"),
        ("ParticipantsUpdated", "dev-a", call, "Established"),
        ("ParticipantsUpdated", "dev-c", call, "Established"),
    ]
    assert phones.caps(call, "dev-a") == ESTABLISHED


def test_swap_calls_holds_the_active_call_and_retrieves_the_other(phones):
    first = established(phones, device="dev-c", number="5005", answerer="dev-a")
    phones.do("Hold", "dev-a", first)
    second = dial(phones, "dev-a", "5001")
    assert phones.caps(second, "dev-a") == CONSULT_DIALING
    phones.do("Answer", "dev-b", second)
    assert phones.caps(second, "dev-a") == CONSULT_ESTABLISHED
    events = phones.do("SwapCalls", "dev-a", second, otherCallUri=f"http://x/api/v2/me/calls/{first}")
    assert summary(events) == [
        ("StatusChange", "dev-a", second, "Held"),
        ("StatusChange", "dev-a", first, "Established"),
    ]
    assert phones.caps(second, "dev-a") == HELD
    assert phones.caps(first, "dev-a") == CONSULT_ESTABLISHED


def test_single_step_transfer_releases_the_transferrer(phones):
    call = established(phones, device="dev-c", number="5005", answerer="dev-a")
    events = phones.do("SingleStepTransfer", "dev-a", call, destination={"phoneNumber": "5001"}, userData={"TransferReason": "Escalation"})
    assert summary(events) == [
        ("StatusChange", "dev-a", call, "Released"),
        ("StatusChange", "dev-b", call, "Ringing"),
        ("ParticipantsUpdated", "dev-c", call, "Established"),
    ]
    assert events[0].view.participants == ["5000"]
    assert events[0].view.user_data == {"TransferReason": "Escalation"}


def test_reject_only_for_queued_calls_and_the_call_goes_back_to_its_queue(phones):
    phones.do("SimulateInbound", **{"from": "4155550100", "to": "5001", "queue": "9000", "userData": {"a": "b"}})
    call = phones.last_call
    assert phones.caps(call, "dev-b") == RINGING | {"Reject"}
    events = phones.do("Reject", "dev-b", call)
    assert summary(events) == [("StatusChange", "dev-b", call, "Released")]
    assert phones.snapshot.calls[call].queue == "9000"
    direct = dial(phones)
    assert "Reject" not in phones.caps(direct, "dev-b")


def test_simulated_inbound_call_and_remote_hangup(phones):
    events = phones.do("SimulateInbound", **{"from": "4155550100", "to": "5001", "userData": {"CustomerName": "Chris"}})
    call = phones.last_call
    assert summary(events) == [("StatusChange", "dev-b", call, "Ringing")]
    assert events[0].view.call_type == "Inbound" and events[0].view.participants == ["4155550100"]
    phones.do("Answer", "dev-b", call)
    assert summary(phones.do("RemoteHangup", call=call)) == [("StatusChange", "dev-b", call, "Released")]


def test_set_call_disposition_on_active_and_released_calls(phones):
    call = established(phones)
    events = phones.do("SetCallDisposition", "dev-a", call, disposition="IssueResolved", dispositionKey="DispositionCode")
    assert events[0].notification_type == "AttachedDataChanged"
    assert events[0].view.user_data == {"DispositionCode": "IssueResolved"}
    phones.do("Hangup", "dev-a", call)
    assert phones.do("SetCallDisposition", "dev-a", call, disposition="Sale") == []
    assert phones.snapshot.user_events[0].data == {"DispositionCode": "Sale"}
