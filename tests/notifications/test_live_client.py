"""A real third-party CometD client (aiocometd-ng) against daphne, over both transports."""
import asyncio

import pytest
from asgiref.sync import async_to_sync

from notifications import clients, publish as notify, signals
from notifications.store import get_store

from .live import cometd_client, gws_login, nothing_received, receive

pytestmark = pytest.mark.django_db(transaction=True)

DEVICE_STATE = {
    "messageType": "DeviceStateChangeMessage",
    "devices": [{"id": "efe1ab32", "deviceState": "Active", "userState": {"state": "NotReady"}, "phoneNumber": "5001"}],
}


@pytest.fixture
def hooks():
    seen = []

    def first(sender, user_id, client_id, **kwargs):
        seen.append(("first", user_id, client_id))

    def last(sender, user_id, client_id, reason, **kwargs):
        seen.append(("last", user_id, client_id, reason))

    signals.first_client_connected.connect(first, weak=False)
    signals.last_client_gone.connect(last, weak=False)
    yield seen
    signals.first_client_connected.disconnect(first)
    signals.last_client_gone.disconnect(last)


def mine(hooks, user):
    """The hook calls about one user (other tests' clients expire meanwhile)."""
    return [call for call in hooks if call[1] == user.pk]


async def publish_until_received(client, user, attempts=20):
    """Publish until the client gets it (after a re-handshake the client resubscribes soon)."""
    for _ in range(attempts):
        await notify.apublish(user.pk, "/v2/me/devices", DEVICE_STATE)
        try:
            return await receive(client, timeout=0.5)
        except asyncio.TimeoutError:
            continue
    raise AssertionError("never received")


@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_third_party_client_full_cycle(live_cometd_url, agent, transport, hooks, settings):
    settings.GWS_CSRF_ENABLED = True

    async def scenario():
        headers = await gws_login(live_cometd_url, agent.user_name)
        assert "X-CSRF-TOKEN" in headers  # CSRF is on: the handshake carries the token
        async with cometd_client(live_cometd_url, headers, transport) as client:
            assert client.connection_type.value == transport
            first_id = client._transport.client_id
            assert mine(hooks, agent) == [("first", agent.pk, first_id)]

            # subscribe /v2/me/* and receive a DeviceStateChangeMessage in the document's shape
            await client.subscribe("/v2/me/*")
            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)
            message = await receive(client)
            assert message["channel"] == "/v2/me/devices"
            assert message["data"] == DEVICE_STATE
            assert isinstance(message["ext"]["gws"]["sequence"], int)

            # unsubscribe: nothing more arrives
            await client.unsubscribe("/v2/me/*")
            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)
            await nothing_received(client, 1.0)

            # the server forgets the client: it is told 402 + handshake, handshakes, resubscribes
            await client.subscribe("/v2/me/devices")
            await clients.remove(first_id, "expired")
            message = await publish_until_received(client, agent)
            assert message["data"]["messageType"] == "DeviceStateChangeMessage"
            second_id = client._transport.client_id
            assert second_id != first_id
        # close() sent /meta/disconnect: the session is gone, the hooks saw it all
        assert await get_store().load_session(second_id) is None
        assert mine(hooks, agent) == [
            ("first", agent.pk, first_id),
            ("last", agent.pk, first_id, "expired"),
            ("first", agent.pk, second_id),
            ("last", agent.pk, second_id, "disconnect"),
        ]

    async_to_sync(scenario)()
