"""Two daphne server processes sharing Redis (the production set-up): a client on one receives
what the other publishes; when its process is killed, it reconnects to the other with the same
clientId and receives every message published meanwhile, exactly once and in order."""
import asyncio
import os

import aiohttp
import pytest
from asgiref.sync import async_to_sync
from django.db import connection

from notifications import publish as notify
from tests.conftest import basic

from .live import DaphneProcess, SwitchableProxy, cometd_client, gws_login, receive

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL: processes share state through Redis"),
]


def database_url():
    settings = connection.settings_dict
    if settings["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("server processes share the test database only on PostgreSQL")
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.fixture
def two_servers(transactional_db):
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.notifications.live_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "GWS_COMETD_TIMEOUT_MS": "2000",
        "GWS_COMETD_MAX_INTERVAL_MS": "15000",
    }
    servers = [DaphneProcess(env), DaphneProcess(env)]
    yield servers
    for server in servers:
        server.stop()


async def admin_put(base_url, admin, path, body):
    """An admin's PUT straight to one server process (Basic, then the CSRF token)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        auth = {"Authorization": basic(admin.user_name)}
        async with http.get(f"{base_url}/api/v2/me", headers=auth) as response:
            token = response.headers["X-CSRF-TOKEN"]
        async with http.put(f"{base_url}{path}", json=body, headers={**auth, "X-CSRF-TOKEN": token}) as response:
            return response.status, await response.json()


async def collect(client, count, timeout=20):
    messages = []
    async def take():
        while len(messages) < count:
            messages.append(await client.receive())
    try:
        await asyncio.wait_for(take(), timeout)
    except asyncio.TimeoutError:
        pass
    return messages


@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_cross_process_delivery_and_failover_without_loss_or_duplicates(two_servers, agent, admin, transport):
    first, second = two_servers

    async def scenario():
        proxy = SwitchableProxy(first.port)
        await proxy.start()
        headers = await gws_login(proxy.url, agent.user_name)
        async with cometd_client(proxy.url, headers, transport) as client:
            await client.subscribe("/v2/me/*")
            await client.subscribe("/notifications/services")
            client_id = client._transport.client_id

            # a change made on the OTHER process reaches this client (connected to the first)
            status, body = await admin_put(second.url, admin, "/api/v2/voice-simulation/service", {"state": "Inactive"})
            assert status == 200, body
            message = await receive(client, timeout=10)
            assert message["channel"] == "/notifications/services"
            assert message["data"]["messageType"] == "ServiceStateChangeMessage"
            assert message["data"]["service"]["state"] == "Inactive"

            for number in range(3):
                await notify.apublish(agent.pk, "/v2/me/devices", {"messageType": "DeviceStateChangeMessage", "n": number})
            before = await collect(client, 3)
            assert [m["data"]["n"] for m in before] == [0, 1, 2]

            # the first process dies; the load balancer now sends everyone to the second
            first.kill()
            proxy.backend_port = second.port
            for number in range(3, 10):
                await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": number})
                await asyncio.sleep(0.05)
            after = await collect(client, 7)
            await asyncio.sleep(2.5)  # a full connect cycle more: nothing may come twice
            assert client._transport.client_id == client_id  # no new handshake was needed
            extra = []
            while client.has_pending_messages:
                extra.append(await client.receive())
        await proxy.close()
        numbers = [m["data"]["n"] for m in after + extra]
        assert numbers == list(range(3, 10))
        sequences = [m["ext"]["gws"]["sequence"] for m in before + after + extra]
        assert sequences == sorted(set(sequences))

    async_to_sync(scenario)()
