"""Supervisor monitoring in the switch on its own: no database, no HTTP."""
import pytest

from voice.switch import DeviceEvent, ErrorEvent, Monitor
from voice.switch.engine import view

from .test_switch import ESTABLISHED, Phones, dial, established, summary

S, P, M = "StatusChange", "ParticipantsUpdated", "MonitoredUserMutedStateChange"
CONFERENCE = ESTABLISHED | {"RemoveParticipantFromConference"}


class Supervised(Phones):
    """The phones plus a supervisor (dev-s, 5010) and a fourth agent (dev-d, 5002)."""

    def __init__(self):
        super().__init__()
        self.directory.add("dev-s", "5010")
        self.directory.add("dev-d", "5002")

    def monitor(self, operation="ListenIn", target="dev-b", call="", **params):
        return self.do(operation, "dev-s", call, target_device_id=target, own_number="5010", **params)

    def seen(self, call, device):
        return view(self.snapshot, self.party(call, device), self.now)


def kinds(events):
    return [("Device", e.device_id) if isinstance(e, DeviceEvent) else summary([e])[0] for e in events]


@pytest.fixture
def phones():
    return Supervised()


def test_listen_in_configures_and_joins_the_next_answered_call_muted_and_unheard(phones):
    assert kinds(phones.monitor()) == [("Device", "dev-s")]
    assert phones.snapshot.monitors["dev-s"] == Monitor("dev-s", "dev-b", "ListenIn", "AllCalls", "Call", "5010")
    call = dial(phones, "dev-c", "5001")
    events = phones.do("Answer", "dev-b", call)
    assert kinds(events) == [
        (S, "dev-b", call, "Established"),
        (S, "dev-c", call, "Established"),
        (S, "dev-s", call, "Established"),
        (S, "dev-b", call, "Established"),  # the agent learns it is listened to
    ]
    supervisor = phones.seen(call, "dev-s")
    assert supervisor.participants == ["5000", "5001"]
    assert supervisor.monitoring and supervisor.mute and not supervisor.supervisor_listening_in
    assert set(supervisor.capabilities) == CONFERENCE | {"SwitchToBargeIn"}
    agent, customer = phones.seen(call, "dev-b"), phones.seen(call, "dev-c")
    assert agent.participants == ["5000"] and customer.participants == ["5001"]
    assert agent.supervisor_listening_in and not customer.supervisor_listening_in
    assert set(agent.capabilities) == ESTABLISHED and not agent.monitoring


def test_switch_to_barge_in_makes_the_supervisor_heard_by_everyone_then_back(phones):
    phones.monitor()
    call = established(phones, "dev-c", "5001")
    events = phones.do("SwitchToBargeIn", "dev-s", call)
    assert kinds(events) == [(S, "dev-s", call, "Established"), (P, "dev-c", call, "Established"), (P, "dev-b", call, "Established")]
    supervisor = phones.seen(call, "dev-s")
    assert not supervisor.mute and set(supervisor.capabilities) == CONFERENCE | {"SwitchToListenIn"}
    assert phones.seen(call, "dev-b").participants == ["5000", "5010"]
    assert not phones.seen(call, "dev-b").supervisor_listening_in
    assert set(phones.seen(call, "dev-b").capabilities) == CONFERENCE | {"MuteCall"}
    phones.do("SwitchToListenIn", "dev-s", call)
    assert phones.seen(call, "dev-s").mute and phones.seen(call, "dev-c").participants == ["5001"]


def test_coach_is_heard_by_the_agent_only_and_cannot_come_back_to_coach(phones):
    phones.monitor("Coach")
    call = established(phones, "dev-c", "5001")
    assert phones.seen(call, "dev-b").participants == ["5000", "5010"]
    assert phones.seen(call, "dev-c").participants == ["5001"]
    assert not phones.seen(call, "dev-s").mute
    assert {"SwitchToBargeIn", "SwitchToListenIn"} <= set(phones.seen(call, "dev-s").capabilities)
    phones.do("SwitchToBargeIn", "dev-s", call)
    caps = set(phones.seen(call, "dev-s").capabilities)
    assert "SwitchToListenIn" in caps and "SwitchToBargeIn" not in caps


def test_mute_monitored_user_both_sides_told_and_unmuted_when_the_supervisor_leaves(phones):
    phones.monitor("BargeIn")
    call = established(phones, "dev-c", "5001")
    events = phones.do("MuteMonitoredUser", "dev-s", call)
    assert kinds(events) == [(M, "dev-s", call, "Established"), (M, "dev-b", call, "Established")]
    assert phones.seen(call, "dev-s").monitored_user_muted and phones.seen(call, "dev-b").monitored_user_muted
    assert "MuteMonitoredUser" not in phones.seen(call, "dev-s").capabilities  # never listed
    assert isinstance(phones.do("MuteMonitoredUser", "dev-s", call)[0], ErrorEvent)  # already muted
    events = phones.do("Hangup", "dev-s", call)
    assert kinds(events) == [
        (S, "dev-s", call, "Released"),
        (P, "dev-c", call, "Established"),
        (P, "dev-b", call, "Established"),
        (M, "dev-b", call, "Established"),
    ]
    assert not phones.seen(call, "dev-b").monitored_user_muted


def test_agent_cannot_use_supervisor_operations(phones):
    call = established(phones, "dev-c", "5001")
    for operation in ("SwitchToBargeIn", "SwitchToListenIn", "MuteMonitoredUser", "UnmuteMonitoredUser"):
        [error] = phones.do(operation, "dev-b", call)
        assert isinstance(error, ErrorEvent) and error.message == "Incorrect object state"


def test_listen_in_on_an_agent_already_on_a_call_joins_at_once(phones):
    call = established(phones, "dev-c", "5001")
    events = phones.monitor(call=call)
    assert kinds(events)[:2] == [("Device", "dev-s"), (S, "dev-s", call, "Established")]


def test_the_call_ends_for_the_supervisor_when_the_customer_hangs_up(phones):
    phones.monitor()
    call = established(phones, "dev-c", "5001")
    events = phones.do("Hangup", "dev-c", call)
    assert kinds(events) == [(S, "dev-c", call, "Released"), (S, "dev-b", call, "Released"), (S, "dev-s", call, "Released")]
    assert phones.snapshot.monitors["dev-s"].state == "ListenIn"  # AllCalls: still monitoring


def test_next_call_ends_after_one_call(phones):
    phones.monitor(mode="NextCall")
    first = established(phones, "dev-c", "5001")
    assert phones.party(first, "dev-s") is not None
    events = phones.do("Hangup", "dev-b", first)
    assert kinds(events)[-1] == ("Device", "dev-s")
    assert "dev-s" not in phones.snapshot.monitors and "dev-s" in phones.snapshot.removed_monitors
    second = established(phones, "dev-c", "5001")
    assert phones.party(second, "dev-s") is None


def test_a_supervisor_who_hung_up_is_not_brought_back_to_the_same_call(phones):
    phones.monitor()
    call = established(phones, "dev-c", "5001")
    phones.do("Hangup", "dev-s", call)
    phones.do("Hold", "dev-b", call)
    phones.do("Retrieve", "dev-b", call)
    assert not phones.party(call, "dev-s").active


def test_cancel_ends_monitoring_and_releases_the_supervisor(phones):
    phones.monitor()
    call = established(phones, "dev-c", "5001")
    events = phones.do("CancelSupervisorMonitoring", "dev-s")
    assert kinds(events) == [("Device", "dev-s"), (S, "dev-s", call, "Released"), (S, "dev-b", call, "Established")]
    assert not phones.seen(call, "dev-b").supervisor_listening_in
    assert isinstance(phones.do("CancelSupervisorMonitoring", "dev-s")[0], ErrorEvent)


def test_one_supervisor_per_target(phones):
    phones.directory.add("dev-t", "5011")
    phones.monitor()
    [error] = phones.do("ListenIn", "dev-t", target_device_id="dev-b", own_number="5011")
    assert isinstance(error, ErrorEvent) and "already monitored" in error.message
    assert "dev-t" not in phones.snapshot.monitors


def test_the_same_configuration_again_sends_nothing(phones):
    phones.monitor()
    assert phones.monitor() == []
    assert kinds(phones.monitor("Coach")) == [("Device", "dev-s")]


def test_scope_call_stays_with_the_call_transferred_to_another_agent(phones):
    phones.monitor(scope="Call")
    call = established(phones, "dev-c", "5001")
    phones.do("SingleStepTransfer", "dev-b", call, destination={"phoneNumber": "5002"})
    assert phones.party(call, "dev-b").state == "Released"
    assert phones.party(call, "dev-b").final_participants == ["5000"]  # the silent supervisor is not listed
    supervisor = phones.party(call, "dev-s")
    assert supervisor.active and supervisor.monitored_device_id == "dev-d"
    phones.do("Answer", "dev-d", call)
    assert phones.seen(call, "dev-d").supervisor_listening_in


def test_scope_agent_leaves_with_the_agent_and_follows_it_to_its_next_call(phones):
    phones.monitor(scope="Agent")
    call = established(phones, "dev-c", "5001")
    events = phones.do("SingleStepTransfer", "dev-b", call, destination={"phoneNumber": "5002"})
    assert (S, "dev-s", call, "Released") in kinds(events)
    phones.do("Answer", "dev-d", call)
    assert not phones.seen(call, "dev-d").supervisor_listening_in
    following = established(phones, "dev-a", "5001")
    assert phones.party(following, "dev-s").active


def test_scope_call_after_a_consultation_transfer(phones):
    phones.monitor(scope="Call")
    call = established(phones, "dev-c", "5001")
    phones.do("InitiateTransfer", "dev-b", call, destination={"phoneNumber": "5002"})
    consult = phones.snapshot.party(call, "dev-b")
    consult_call = [p for p in phones.snapshot.device_parties("dev-b") if p.call_id != call][0].call_id
    phones.do("Answer", "dev-d", consult_call)
    assert consult.state == "Held" and phones.party(call, "dev-s").active
    phones.do("CompleteTransfer", "dev-b", consult_call)
    assert phones.party(call, "dev-s").monitored_device_id == "dev-d"
    assert sorted(phones.seen(call, "dev-s").participants) == ["5000", "5002"]


def test_a_busy_supervisor_is_not_brought_in(phones):
    phones.monitor()
    own = established(phones, "dev-s", "5005")
    call = established(phones, "dev-c", "5001")
    assert phones.party(call, "dev-s") is None
    phones.do("Hangup", "dev-s", own)
    phones.do("AttachUserData", "dev-b", call, userData={"k": "v"})
    assert phones.party(call, "dev-s").active  # free again: joins the call in progress
