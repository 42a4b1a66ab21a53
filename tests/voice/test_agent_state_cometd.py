"""Agent state, device operations, sessions and the user monitor through the real CometD client
(aiocometd-ng against daphne): what a desktop receives on /v2/me/devices."""
import asyncio
import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from notifications.testing import NotificationRecorder
from provisioning import agent_states, settings_groups
from provisioning import services as provisioning
from tests.conftest import make_user
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures
from tests.notifications.live import nothing_received
from voice.agents.models import ContactCenterSession, DeviceAgentState

from .test_cometd_scenarios import Desk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(admin, live_cometd_url):  # noqa: F811
    made = []
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5001")):
        user = make_user(admin, name)
        made.append((user, provisioning.create_device(admin, {"phoneNumber": number}, user=user)))
    return made


def desk(url, person, transport="websocket"):
    made = Desk(url, *person)
    made.transport = transport
    return made


async def device_message(desk_):
    [message] = await desk_.next()
    assert message["messageType"] == "DeviceStateChangeMessage", message
    [device] = message["devices"]
    assert device["id"] == str(desk_.device.pk)
    return device


@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_agent_states_including_a_custom_training_state(admin, people, live_cometd_url, transport):  # noqa: F811
    settings_groups.create_setting(
        admin, "agent-states", {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}
    )
    training_id = next(op["id"] for op in agent_states.operations(admin.contact_center_id) if op["operationName"] == "Training")

    async def scenario():
        async with desk(live_cometd_url, people[0], transport) as ann:
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            assert (await device_message(ann))["userState"] == {
                "id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready", "state": "NotReady"
            }
            await ann.post("/me/channels/voice", {"operationName": "Ready"})
            ready = await device_message(ann)
            assert ready["userState"] == {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready", "state": "Ready"}
            assert ready["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]
            await ann.post("/me/channels/voice", {"operationName": "Ready"})  # a duplicate: no message
            await ann.post("/me/channels/voice", {"operationName": "Training"})
            assert (await device_message(ann))["userState"] == {
                "id": training_id, "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"
            }
            await ann.post(f"/me/devices/{ann.device.pk}", {"operationName": "DoNotDisturbOn"})
            dnd = await device_message(ann)
            assert (dnd["doNotDisturb"], dnd["capabilities"]) == ("On", ["DoNotDisturbOff", "ForwardCallsOn"])
            await ann.post(f"/me/devices/{ann.device.pk}", {"operationName": "ForwardCallsOn", "destination": "5001"})
            forwarded = await device_message(ann)
            assert (forwarded["forwardTo"], forwarded["capabilities"]) == ("5001", ["DoNotDisturbOff", "ForwardCallsOff"])
            await ann.post("/me/channels/voice", {"operationName": "Offline"})
            assert (await device_message(ann))["userState"] == {
                "id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "displayName": "Offline", "state": "LoggedOut"
            }
            assert await nothing_received(ann.client, 0.3)

    async_to_sync(scenario)()


def test_user_monitor_logs_out_an_agent_whose_clients_are_gone(people, live_cometd_url, settings):  # noqa: F811
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 0.5
    ann_user, ann_device = people[0]
    recorder = NotificationRecorder(ann_user)

    async def scenario():
        async with desk(live_cometd_url, people[0]) as ann:
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            assert (await device_message(ann))["userState"]["state"] == "NotReady"
            await ann.post("/me/channels/voice", {"operationName": "Ready"})
            await device_message(ann)
        # The client disconnected: after the timeout the server ends the session.
        state = sync_to_async(lambda: DeviceAgentState.objects.get(device=ann_device).state)
        deadline = time.monotonic() + 10
        while await state() != "LoggedOut":
            assert time.monotonic() < deadline, "the user monitor did not log the agent out"
            await asyncio.sleep(0.1)

    async_to_sync(scenario)()
    assert not ContactCenterSession.objects.filter(user=ann_user).exists()
    states = [m["data"]["devices"][0]["userState"]["state"] for m in recorder.messages("/v2/me/devices")]
    assert states == ["NotReady", "Ready", "LoggedOut"]


def test_user_monitor_uses_the_contact_centers_agent_logout_timeout(admin, people, live_cometd_url, settings):  # noqa: F811
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60  # the server default: far longer than the test waits
    settings_groups.create_setting(admin, "voice", {"name": "agentLogoutTimeout", "value": 1})
    ann_user, ann_device = people[0]

    async def scenario():
        async with desk(live_cometd_url, people[0]) as ann:
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            assert (await device_message(ann))["userState"]["state"] == "NotReady"
        # Logged out after the contact center's 1 s, long before the server's 60 s (that it is
        # not ended earlier than its timeout is test_sessions.py's, on the monitor's clock).
        deadline = time.monotonic() + 10
        state = sync_to_async(lambda: DeviceAgentState.objects.get(device=ann_device).state)
        while await state() != "LoggedOut":
            assert time.monotonic() < deadline, "the user monitor did not log the agent out"
            await asyncio.sleep(0.1)

    async_to_sync(scenario)()
    assert not ContactCenterSession.objects.filter(user=ann_user).exists()


def test_user_monitor_spares_an_agent_whose_client_came_back(people, live_cometd_url, settings):  # noqa: F811
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 1.0
    ann_device = people[0][1]

    async def scenario():
        async with desk(live_cometd_url, people[0]) as ann:
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            await device_message(ann)
        async with desk(live_cometd_url, people[0]) as again:
            await asyncio.sleep(1.5)  # past the timeout of the first disconnect
            assert await nothing_received(again.client, 0.2)
            session = await sync_to_async(ContactCenterSession.objects.get)(user=people[0][0])
            assert session.disconnected_at is None
            assert (await sync_to_async(DeviceAgentState.objects.get)(device=ann_device)).state == "NotReady"

    async_to_sync(scenario)()


def test_a_queue_delivers_calls_to_the_longest_idle_skilled_agent(admin, admin_client, people, live_cometd_url, settings):  # noqa: F811
    from provisioning import services
    from voice.agents.models import Queue

    from provisioning import settings_groups

    settings_groups.create_setting(admin, "voice", {"name": "defaultWrapupTime", "value": 1})
    Queue.objects.create(contact_center=admin.contact_center, name="Sales", number="9000", skills=[{"name": "Sales", "level": 1}])
    skill = services.create_skill(admin, {"name": "Sales"})
    for user, _ in people:
        services.assign_skill(admin, user, skill, 5)
    start = {"operationName": "StartContactCenterSession", "channels": ["voice"], "queue": "9000"}

    async def scenario():
        async with desk(live_cometd_url, people[0]) as ann, desk(live_cometd_url, people[1]) as bob:
            for agent in (bob, ann):  # bob becomes Ready first: the longest idle
                await agent.post("/me", start)
                await device_message(agent)
                await agent.post("/me/channels/voice", {"operationName": "Ready"})
                assert (await device_message(agent))["userState"]["state"] == "Ready"
            response = await sync_to_async(admin_client.post)("/api/v2/voice-simulation/calls", {"from": "+14155550100", "to": "9000"})
            call_id = response.json()["id"]
            [offered] = await bob.next()
            assert (offered["messageType"], offered["call"]["id"], offered["call"]["state"]) == ("CallStateChangeMessage", call_id, "Ringing")
            assert offered["call"]["callType"] == "Inbound" and offered["call"]["dnis"] == "9000"
            assert "Reject" in offered["call"]["capabilities"]
            await bob.operate(call_id, "Reject")
            [released] = await bob.next()
            assert released["call"]["state"] == "Released"
            [to_ann] = await ann.next()
            assert (to_ann["call"]["id"], to_ann["call"]["state"]) == (call_id, "Ringing")
            await ann.operate(call_id, "Answer")
            assert (await ann.next())[0]["call"]["state"] == "Established"
            await ann.operate(call_id, "Hangup")
            assert (await ann.next())[0]["call"]["state"] == "Released"
            # AfterCallWork for defaultWrapupTime (1 s), then Ready again.
            wrapup = await device_message(ann)
            assert wrapup["userState"]["id"] == "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF"
            assert (wrapup["userState"]["state"], wrapup["userState"]["workMode"]) == ("NotReady", "AfterCallWork")
            assert (await device_message(ann))["userState"]["state"] == "Ready"
            assert await nothing_received(bob.client, 0.2)

    async_to_sync(scenario)()
