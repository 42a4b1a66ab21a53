"""Fixtures for the CometD tests: in-process transports (Channels communicators) and quick
Bayeux conversations; the live-server fixtures are in ``live.py``."""
import json

import pytest
from channels.testing import HttpCommunicator, WebsocketCommunicator

from tests.conftest import PASSWORD, basic


@pytest.fixture
def cometd_settings(settings):
    """Short holds so that tests do not wait; CSRF off unless a test turns it on."""
    settings.COMETD_TIMEOUT_MS = 400
    settings.COMETD_INTERVAL_MS = 0
    settings.COMETD_MAX_INTERVAL_MS = 2000
    settings.GWS_CSRF_ENABLED = False
    return settings


def application():
    from gws_project.asgi import application

    return application


def auth_headers(user_name, password=PASSWORD):
    return [(b"authorization", basic(user_name, password).encode())]


def handshake(transport="websocket", **fields):
    return {"channel": "/meta/handshake", "version": "1.0", "supportedConnectionTypes": [transport], "id": "1", **fields}


class WebsocketPeer:
    """A raw Bayeux conversation over an in-process WebSocket (a communicator)."""

    def __init__(self, headers):
        self.communicator = WebsocketCommunicator(application(), "/api/v2/notifications", headers=headers)
        self.client_id = None

    async def __aenter__(self):
        connected, _ = await self.communicator.connect()
        assert connected
        return self

    async def __aexit__(self, *exc):
        await self.communicator.disconnect()

    async def send(self, payload):
        await self.communicator.send_to(text_data=payload if isinstance(payload, str) else json.dumps(payload))

    async def receive(self, timeout=2):
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def exchange(self, payload, timeout=2):
        await self.send(payload)
        return await self.receive(timeout)

    async def nothing(self, timeout=0.2):
        return await self.communicator.receive_nothing(timeout=timeout)

    async def start(self, subscription="/v2/me/*"):
        [reply] = await self.exchange([handshake("websocket")])
        assert reply["successful"], reply
        self.client_id = reply["clientId"]
        [connected] = await self.exchange([self.connect_message()])
        assert connected["successful"], connected
        if subscription:
            [subscribed] = await self.exchange([self.message("/meta/subscribe", subscription=subscription)])
            assert subscribed["successful"], subscribed
        return reply

    def message(self, channel, **fields):
        return {"channel": channel, "clientId": self.client_id, **fields}

    def connect_message(self, **fields):
        return self.message("/meta/connect", connectionType="websocket", **fields)


async def long_poll(payload, headers, suffix="", timeout=3):
    """One long-polling request: (status, decoded body, headers)."""
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    if isinstance(body, str):
        body = body.encode()
    communicator = HttpCommunicator(
        application(), "POST", "/api/v2/notifications" + suffix, body=body,
        headers=[(b"content-type", b"application/json"), *headers],
    )
    response = await communicator.get_response(timeout=timeout)
    content = json.loads(response["body"]) if response["body"] else None
    return response["status"], content, {key.lower(): value for key, value in response["headers"]}


@pytest.fixture
def live_cometd_url(transactional_db, cometd_settings):
    """The base URL of daphne serving the project in a thread of this process (see live.py)."""
    from .live import InThreadDaphne

    return InThreadDaphne.get().url
