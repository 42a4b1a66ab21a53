"""The official CometD JavaScript client (npm "cometd" under Node.js) against daphne, over both
transports. Its packages are installed by `make node-clients` (npm, from the registry)."""
import asyncio
import json
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync

from notifications import clients, publish as notify
from notifications.store import get_store
from tests.conftest import PASSWORD

NODE_DIR = Path(__file__).parent / "node"

pytestmark = pytest.mark.django_db(transaction=True)

DEVICE_STATE = {"messageType": "DeviceStateChangeMessage", "devices": [{"id": "d1", "deviceState": "Active"}]}


class NodeClient:
    """The node process: events as JSON lines in, commands as lines out."""

    async def start(self, base_url, user_name, transport):
        self.process = await asyncio.create_subprocess_exec(
            "node", "client.mjs", base_url, user_name, PASSWORD, transport, cwd=NODE_DIR,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        return self

    async def event(self, kind, timeout=10):
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            assert line, "the node client exited"
            event = json.loads(line)
            if event["event"] == kind:
                return event

    async def no_message(self, timeout=1.0):
        try:
            event = await self.event("message", timeout)
        except asyncio.TimeoutError:
            return True
        raise AssertionError(f"unexpected {event}")

    async def command(self, line):
        self.process.stdin.write(line.encode() + b"\n")
        await self.process.stdin.drain()

    async def stop(self):
        if self.process.returncode is None:
            self.process.kill()
        await self.process.wait()


@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_official_javascript_client(live_cometd_url, agent, transport, settings):
    settings.GWS_CSRF_ENABLED = True

    async def scenario():
        node = await NodeClient().start(live_cometd_url, agent.user_name, transport)
        try:
            handshake = await node.event("handshake")
            assert handshake["successful"] is True, handshake
            subscribed = await node.event("subscribed")
            assert subscribed == {"event": "subscribed", "successful": True, "transport": transport}

            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)
            message = (await node.event("message"))["message"]
            assert message["channel"] == "/v2/me/devices" and message["data"] == DEVICE_STATE

            # the server forgets the client: 402, the client handshakes again and resubscribes
            await clients.remove(handshake["clientId"], "expired")
            again = await node.event("handshake", timeout=15)
            assert again["successful"] and again["clientId"] != handshake["clientId"]
            for _ in range(20):
                await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
                try:
                    message = (await node.event("message", timeout=0.5))["message"]
                    break
                except asyncio.TimeoutError:
                    continue
            assert message["channel"] == "/v2/me/calls"

            await node.command("unsubscribe")
            assert (await node.event("unsubscribed"))["successful"] is True
            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)
            await node.no_message()

            await node.command("disconnect")
            assert (await node.event("disconnected"))["successful"] is True
            assert await get_store().load_session(again["clientId"]) is None
        finally:
            await node.stop()

    async_to_sync(scenario)()
