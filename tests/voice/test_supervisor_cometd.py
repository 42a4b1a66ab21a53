"""Supervisor monitoring scenarios through the real CometD client (aiocometd-ng against daphne):
what the supervisor's, the agent's and the customer's desktops receive, in order."""
import pytest
from asgiref.sync import async_to_sync

from provisioning import services as provisioning
from provisioning.choices import Role
from provisioning.models import ContactCenterFeature
from tests.conftest import make_user
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures
from tests.notifications.live import nothing_received

from .test_cometd_scenarios import Desk

pytestmark = pytest.mark.django_db(transaction=True)

S, P, M = "StatusChange", "ParticipantsUpdated", "MonitoredUserMutedStateChange"
# The call resource's fields, in the order of the supervisor pages' examples (with this
# project's connId, path, ani and recordingState, see docs/decisions.md).
CALL_FIELDS = [
    "id", "state", "callUuid", "connId", "deviceUri", "uri", "path", "participants", "participantsInfo", "dnis", "ani",
    "callType", "capabilities", "duration", "mute", "recordingState", "supervisorListeningIn", "monitoredUserMuted", "monitoring",
]
# The supervisor's call after SwitchToBargeIn (its page's example), without the SwitchTo operation.
SUPERVISOR_CAPABILITIES = {
    "AttachUserData", "InitiateConference", "UpdateUserData", "Hold", "SingleStepTransfer", "DeleteUserData",
    "SingleStepConference", "Hangup", "DeleteUserDataPair", "SendDtmf", "InitiateTransfer", "RemoveParticipantFromConference",
}


@pytest.fixture
def desks(admin, live_cometd_url):  # noqa: F811
    """ann (5005, the customer), bob (5001, the monitored agent), cid (5000, another agent) and
    sue (5010, their supervisor), with the supervisor monitoring feature."""
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-supervisor-monitoring")
    made = {}
    for name, number, role in (("ann", "5005", Role.AGENT), ("bob", "5001", Role.AGENT), ("cid", "5000", Role.AGENT), ("sue", "5010", Role.SUPERVISOR)):
        user = make_user(admin, f"{name}@redwings.com", roles=(role,))
        desk = Desk(live_cometd_url, user, provisioning.create_device(admin, {"phoneNumber": number}, user=user))
        desk.transport = "websocket"
        made[name] = desk
    return made


def target(desks, name="bob"):
    return f"{desks['sue'].url}/api/v2/devices/{desks[name].device.pk}"


async def supervise(sue, operation, **params):
    return await sue.post(f"/me/devices/{sue.device.pk}", {"operationName": operation, **params})


async def device_change(desk):
    [message] = await desk.next()
    assert message["messageType"] == "DeviceStateChangeMessage", message
    [device] = message["devices"]
    assert device["id"] == str(desk.device.pk)
    return device


async def answered_call(ann, bob):
    """ann calls bob, bob answers: the call id."""
    await ann.dial("5001")
    [dialing] = await ann.expect((S, None, "Dialing"))
    call = dialing["call"]["id"]
    await bob.expect((S, call, "Ringing"))
    await bob.operate(call, "Answer")
    await bob.expect((S, call, "Established"))
    await ann.expect((S, call, "Established"))
    return call


def test_listen_in_switch_to_barge_in_and_mute_the_agent_on_a_live_call(desks):
    async def scenario():
        ann, bob, sue = desks["ann"], desks["bob"], desks["sue"]
        async with ann, bob, sue:
            assert await supervise(sue, "ListenIn", targetDeviceUri=target(desks)) == {"statusCode": 0}
            device = await device_change(sue)
            assert device["capabilities"][-4:] == ["ListenIn", "Coach", "BargeIn", "CancelSupervisorMonitoring"]
            assert device["supervisorMonitoringState"] == {
                "state": "ListenIn", "mode": "AllCalls", "scope": "Call", "targetDeviceUri": target(desks)
            }
            call = await answered_call(ann, bob)
            [joined] = await sue.expect((S, call, "Established"))
            assert joined["phoneNumber"] == "5010"
            assert list(joined["call"]) == CALL_FIELDS
            shown = joined["call"]
            assert shown["participants"] == ["5005", "5001"] and shown["dnis"] == "5001" and shown["callType"] == "Internal"
            assert shown["deviceUri"].endswith(f"/devices/{sue.device.pk}")
            assert (shown["mute"], shown["monitoring"], shown["supervisorListeningIn"], shown["monitoredUserMuted"]) == ("On", True, False, False)
            assert set(shown["capabilities"]) == SUPERVISOR_CAPABILITIES | {"SwitchToBargeIn"}  # the SwitchToListenIn page
            [listened] = await bob.expect((S, call, "Established"))
            assert listened["call"]["supervisorListeningIn"] is True and listened["call"]["participants"] == ["5005"]

            await sue.operate(call, "SwitchToBargeIn")
            [barged] = await sue.expect((S, call, "Established"))
            assert barged["call"]["mute"] == "Off"
            assert set(barged["call"]["capabilities"]) == SUPERVISOR_CAPABILITIES | {"SwitchToListenIn"}  # the SwitchToBargeIn page
            [heard] = await ann.expect((P, call, "Established"))
            assert heard["call"]["participants"] == ["5001", "5010"]
            [agent_heard] = await bob.expect((P, call, "Established"))
            assert agent_heard["call"]["participants"] == ["5005", "5010"] and agent_heard["call"]["supervisorListeningIn"] is False

            await sue.operate(call, "MuteMonitoredUser")
            [muted] = await sue.expect((M, call, "Established"))
            assert muted["call"]["monitoredUserMuted"] is True and muted["call"]["mute"] == "Off"
            [agent_muted] = await bob.expect((M, call, "Established"))
            assert agent_muted["call"]["monitoredUserMuted"] is True
            assert await nothing_received(ann.client, 0.3)

            await ann.operate(call, "Hangup")
            await ann.expect((S, call, "Released"))
            await bob.expect((S, call, "Released"))
            await sue.expect((S, call, "Released"))
            assert await nothing_received(sue.client, 0.3)  # AllCalls: monitoring goes on

    async_to_sync(scenario)()


def test_next_call_monitoring_ends_after_one_call(desks):
    async def scenario():
        ann, bob, sue = desks["ann"], desks["bob"], desks["sue"]
        async with ann, bob, sue:
            await supervise(sue, "ListenIn", targetDeviceUri=target(desks), supervisorMonitoringMode="NextCall")
            assert (await device_change(sue))["supervisorMonitoringState"]["mode"] == "NextCall"
            call = await answered_call(ann, bob)
            await sue.expect((S, call, "Established"))
            await bob.next()
            await bob.operate(call, "Hangup")
            await sue.expect((S, call, "Released"))
            ended = await device_change(sue)
            assert "supervisorMonitoringState" not in ended and "CancelSupervisorMonitoring" not in ended["capabilities"]
            await ann.next(), await bob.next()
            second = await answered_call(ann, bob)
            assert await nothing_received(sue.client, 0.5)
            assert await nothing_received(bob.client, 0.1)
            await ann.operate(second, "Hangup")

    async_to_sync(scenario)()


def test_coach_is_heard_by_the_agent_only_then_cancel(desks):
    async def scenario():
        ann, bob, sue = desks["ann"], desks["bob"], desks["sue"]
        async with ann, bob, sue:
            await supervise(sue, "Coach", targetDeviceUri=target(desks))
            assert (await device_change(sue))["supervisorMonitoringState"]["state"] == "Coach"
            call = await answered_call(ann, bob)
            [joined] = await sue.expect((S, call, "Established"))
            assert joined["call"]["mute"] == "Off"
            assert {"SwitchToBargeIn", "SwitchToListenIn"} <= set(joined["call"]["capabilities"])
            [coached] = await bob.expect((P, call, "Established"))
            assert coached["call"]["participants"] == ["5005", "5010"] and coached["call"]["supervisorListeningIn"] is True
            assert await nothing_received(ann.client, 0.3)  # the customer does not hear the coach

            await supervise(sue, "CancelSupervisorMonitoring")
            cancelled = await device_change(sue)
            assert "supervisorMonitoringState" not in cancelled
            assert cancelled["capabilities"][-3:] == ["ListenIn", "Coach", "BargeIn"]
            await sue.expect((S, call, "Released"))
            [alone] = await bob.expect((P, call, "Established"))
            assert alone["call"]["participants"] == ["5005"] and alone["call"]["supervisorListeningIn"] is False
            assert [c["id"] for c in (await (await sue.http.get(f"{sue.url}/api/v2/me/calls?fields=*")).json())["calls"]] == []

    async_to_sync(scenario)()


@pytest.mark.parametrize("scope", ["Agent", "Call"])
def test_scope_when_the_monitored_agent_transfers_the_call(desks, scope):
    async def scenario():
        ann, bob, cid, sue = desks["ann"], desks["bob"], desks["cid"], desks["sue"]
        async with ann, bob, cid, sue:
            await supervise(sue, "ListenIn", targetDeviceUri=target(desks), supervisorMonitoringScope=scope)
            assert (await device_change(sue))["supervisorMonitoringState"]["scope"] == scope
            call = await answered_call(ann, bob)
            await sue.expect((S, call, "Established"))
            await bob.next()

            await bob.operate(call, "SingleStepTransfer", destination={"phoneNumber": "5000"})
            [released] = await bob.expect((S, call, "Released"))
            assert released["call"]["participants"] == ["5005"]
            await cid.expect((S, call, "Ringing"))
            await ann.expect((P, call, "Established"))
            [moved] = await sue.expect((P, call, "Established"))
            assert moved["call"]["participants"] == ["5005", "5000"]
            if scope == "Agent":
                # The supervisor leaves with the agent; monitoring (of bob) goes on.
                await sue.expect((S, call, "Released"))
                await cid.operate(call, "Answer")
                [answered] = await cid.expect((S, call, "Established"))
                assert answered["call"]["supervisorListeningIn"] is False
            else:
                # The supervisor stays with the call, now monitoring the agent serving it.
                [told] = await cid.expect((S, call, "Ringing"))
                assert told["call"]["supervisorListeningIn"] is True
                await cid.operate(call, "Answer")
                [answered] = await cid.expect((S, call, "Established"))
                assert answered["call"]["supervisorListeningIn"] is True
                await sue.operate(call, "MuteMonitoredUser")
                await sue.expect((M, call, "Established"))
                await cid.expect((M, call, "Established"))
            assert await nothing_received(sue.client, 0.3)
            async with sue.http.get(f"{sue.url}/api/v2/me/devices/{sue.device.pk}") as response:
                assert (await response.json())["device"]["supervisorMonitoringState"]["targetDeviceUri"] == target(desks)

    async_to_sync(scenario)()
