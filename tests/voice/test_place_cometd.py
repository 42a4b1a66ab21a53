"""A session on another place through the real CometD client (aiocometd-ng against daphne): the
desktop sees its own device logged out and the place logged in, calls to the place's number ring
there, and the end logs the place out and gives the devices back."""
import pytest
from asgiref.sync import async_to_sync

from provisioning import services as provisioning
from provisioning.models import Device
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures
from tests.notifications.live import nothing_received

from .test_agent_state_cometd import people  # noqa: F401 - fixture: ann (5005) and bob (5001)
from .test_cometd_scenarios import Desk

pytestmark = pytest.mark.django_db(transaction=True)


def desk(url, person):
    made = Desk(url, *person)
    made.transport = "websocket"
    return made


def summary(message):
    if message["messageType"] == "DeviceStateChangeMessage":
        [device] = message["devices"]
        return ("Device", device["phoneNumber"], device["userState"]["state"])
    return (message["notificationType"], message["call"]["deviceUri"].rsplit("/", 1)[-1], message["call"]["state"])


def test_a_session_on_another_place(admin, people, live_cometd_url):  # noqa: F811
    place = provisioning.create_device(admin, {"phoneNumber": "5050"})
    own = people[0][1]

    async def scenario():
        async with desk(live_cometd_url, people[0]) as ann, desk(live_cometd_url, people[1]) as bob:
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
            assert [summary(m) for m in await ann.next()] == [("Device", "5005", "NotReady")]
            await ann.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"], "place": "SIP_5050"})
            assert [summary(m) for m in await ann.next(2)] == [("Device", "5005", "LoggedOut"), ("Device", "5050", "NotReady")]
            # The place's number rings at ann's desk now.
            await bob.dial("5050")
            [ringing] = await ann.next()
            assert summary(ringing) == ("StatusChange", str(place.pk), "Ringing")
            call_id = ringing["call"]["id"]
            await bob.next()  # Dialing
            await bob.operate(call_id, "Hangup")
            assert [summary(m) for m in await ann.next()] == [("StatusChange", str(place.pk), "Released")]
            await ann.post("/me", {"operationName": "EndContactCenterSession"})
            assert [summary(m) for m in await ann.next()] == [("Device", "5050", "LoggedOut")]
            assert await nothing_received(ann.client, 0.3)

    async_to_sync(scenario)()
    assert Device.objects.get(pk=place.pk).user_id is None
    assert Device.objects.get(pk=own.pk).user_id == people[0][0].pk
