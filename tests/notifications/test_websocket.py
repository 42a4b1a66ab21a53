"""CometD over WebSocket, in process: the transport with the real consumer and channel layer."""
import asyncio

import pytest
from asgiref.sync import async_to_sync

from notifications import publish as notify

from .conftest import WebsocketPeer, auth_headers, handshake

pytestmark = pytest.mark.django_db(transaction=True)

DEVICE_STATE = {"messageType": "DeviceStateChangeMessage", "devices": [{"id": "d1", "deviceState": "Active"}]}


def run(coroutine_function):
    async_to_sync(coroutine_function)()


def test_handshake_subscribe_receive_in_document_shape(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            reply = await peer.start("/v2/me/*")
            assert reply["supportedConnectionTypes"] == ["websocket", "long-polling"]
            assert reply["advice"]["reconnect"] == "retry"
            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)
            [message] = await peer.receive()
            assert message["channel"] == "/v2/me/devices"
            assert message["data"] == DEVICE_STATE
            assert message["ext"]["gws"]["sequence"] == reply["ext"]["gws"]["sequence"] + 1

    run(scenario)
