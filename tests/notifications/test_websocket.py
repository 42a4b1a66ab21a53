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


def test_failures_get_bayeux_errors_and_the_socket_stays_usable(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            [reply] = await peer.exchange("{this is not json")
            assert reply["successful"] is False and reply["error"].startswith("400::Malformed JSON")
            [reply] = await peer.exchange([{"channel": "/meta/handshake"}])
            assert reply["error"].startswith("400::supportedConnectionTypes")
            [reply] = await peer.exchange([{"channel": "/meta/whatever", "clientId": "x"}])
            assert reply["error"] == "400:/meta/whatever:Unknown meta channel"
            [reply] = await peer.exchange([{"channel": "/meta/connect", "connectionType": "websocket"}])
            assert reply["error"] == "402::Unknown client" and reply["advice"]["reconnect"] == "handshake"
            [reply] = await peer.exchange([{"channel": "/meta/subscribe", "clientId": "stale", "subscription": "/v2/me/*"}])
            assert reply["error"] == "402::Unknown client"
            [reply] = await peer.exchange([{"no": "channel"}])
            assert reply["error"].startswith("400:")
            # still a working conversation afterwards
            await peer.start("/v2/me/*")
            [reply] = await peer.exchange([peer.message("/meta/subscribe", subscription="/v2/users/someone/devices")])
            assert reply["error"] == "403:/v2/users/someone/devices:Subscription denied"
            [reply] = await peer.exchange([peer.message("/v2/me/devices", data={"messageType": "Forged"}, id="9")])
            assert reply == {"channel": "/v2/me/devices", "id": "9", "clientId": peer.client_id, "successful": False,
                             "error": "403:/v2/me/devices:Publishing is not allowed"}
            [reply] = await peer.exchange([peer.message("/service/echo", data={})])
            assert reply["error"].startswith("403:/service/echo")

    run(scenario)


@pytest.mark.parametrize("headers", [[], auth_headers("carole@redwings.com", "wrong-password"), [(b"authorization", b"Basic !!!")]])
def test_unauthenticated_handshake_is_a_bayeux_error(agent, cometd_settings, headers):
    async def scenario():
        async with WebsocketPeer(headers) as peer:
            [reply] = await peer.exchange([handshake("websocket")])
            assert reply["successful"] is False and reply["error"].startswith("401::")
            assert reply["advice"]["reconnect"] == "none" and "clientId" not in reply
            [reply] = await peer.exchange([{"channel": "/meta/connect", "clientId": "x", "connectionType": "websocket"}])
            assert reply["error"] == "402::Unknown client"

    run(scenario)


def test_another_users_client_id_is_unknown(agent, supervisor, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as owner:
            await owner.start()
            async with WebsocketPeer(auth_headers(supervisor.user_name)) as intruder:
                [reply] = await intruder.exchange([{"channel": "/meta/connect", "clientId": owner.client_id, "connectionType": "websocket"}])
                assert reply["error"] == "402::Unknown client"

    run(scenario)


def test_csrf_token_is_required_on_handshake_when_enabled(agent, cometd_settings, settings):
    settings.GWS_CSRF_ENABLED = True
    from tests.conftest import GWSClient

    client = GWSClient(agent.user_name)
    cookie = f"JSESSIONID={client.cookies['JSESSIONID'].value}".encode()
    token = client.csrf_token

    async def scenario():
        async with WebsocketPeer([(b"cookie", cookie)]) as peer:
            [reply] = await peer.exchange([handshake("websocket")])
            assert reply["error"].startswith("403::Expected CSRF token")
            [reply] = await peer.exchange([handshake("websocket", ext={"gws": {"csrfToken": "forged"}})])
            assert reply["error"].startswith("403::Invalid CSRF token")
            [reply] = await peer.exchange([handshake("websocket", ext={"gws": {"csrfToken": token}})])
            assert reply["successful"] is True
        async with WebsocketPeer([(b"cookie", cookie), (b"x-csrf-token", token.encode())]) as peer:
            [reply] = await peer.exchange([handshake("websocket")])
            assert reply["successful"] is True

    run(scenario)


def test_batches_are_answered_in_order_and_ext_is_accepted(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            [reply] = await peer.exchange([handshake("websocket", ext={"com.example.custom": {"a": 1}})])
            assert reply["successful"]
            peer.client_id = reply["clientId"]
            replies = await peer.exchange([
                peer.message("/meta/subscribe", subscription="/v2/me/devices", id="a", ext={"x": 1}),
                peer.message("/meta/subscribe", subscription="/secret", id="b"),
                peer.message("/meta/subscribe", subscription=["/v2/me/calls", "/notifications/services"], id="c"),
                peer.connect_message(id="d"),
            ])
            assert [(r["id"], r["successful"]) for r in replies] == [("a", True), ("b", False), ("c", True), ("d", True)]

    run(scenario)


def test_held_connect_is_answered_after_the_advised_timeout(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start()
            await peer.send([peer.connect_message(id="held")])
            assert await peer.nothing(0.2)  # held (timeout 400 ms)
            [reply] = await peer.receive(timeout=2)
            assert reply["id"] == "held" and reply["successful"] is True

    run(scenario)


def test_a_renewed_connect_writes_the_cursor_only_when_missed_messages_go_out(agent, cometd_settings, monkeypatch):
    from notifications.store import get_store

    store = get_store()
    advanced = []
    real_advance = store.advance

    async def advance(client_id, seq):
        advanced.append(seq)
        return await real_advance(client_id, seq)

    monkeypatch.setattr(store, "advance", advance)

    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start()
            client_id = peer.client_id
            [reply] = await peer.exchange([peer.connect_message(id="renewal")], timeout=2)  # held 400 ms
            assert reply["id"] == "renewal" and advanced == []
        await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": 1})
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            peer.client_id = client_id
            replies = await peer.exchange([peer.connect_message()])
            [missed] = replies[:-1]
            assert advanced == [missed["ext"]["gws"]["sequence"]]
            assert (await store.load_session(client_id)).seq == missed["ext"]["gws"]["sequence"]

    run(scenario)


def test_every_client_of_the_user_gets_the_users_messages_and_no_one_else(agent, supervisor, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as first, WebsocketPeer(
            auth_headers(agent.user_name)
        ) as second, WebsocketPeer(auth_headers(supervisor.user_name)) as other:
            for peer in (first, second, other):
                await peer.start("/v2/me/**")
            await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
            for peer in (first, second):
                [message] = await peer.receive()
                assert message["data"]["messageType"] == "CallStateChangeMessage"
            assert await other.nothing(0.3)

    run(scenario)


def test_service_state_reaches_subscribed_clients(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start("/notifications/services")
            await notify.apublish(agent.pk, "/v2/me/devices", DEVICE_STATE)  # not subscribed to it
            await notify.apublish_to_contact_center(
                agent.contact_center_id, "/notifications/services", notify.service_state_message(
                    {"id": "provisioning", "name": "Provisioning", "type": "Provisioning", "state": "ReadOnly"})
            )
            [message] = await peer.receive()
            assert message["channel"] == "/notifications/services"
            assert message["data"]["service"]["state"] == "ReadOnly"
            assert await peer.nothing()

    run(scenario)


def test_messages_missed_between_sockets_are_replayed_in_order_on_reconnect(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start("/v2/me/*")
            client_id = peer.client_id
        # no socket now: three messages are published
        for number in range(3):
            await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": number})
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            peer.client_id = client_id
            replies = await peer.exchange([peer.connect_message()])
            assert [m.get("data", {}).get("n") for m in replies[:-1]] == [0, 1, 2]
            assert replies[-1]["channel"] == "/meta/connect" and replies[-1]["successful"]
            sequences = [m["ext"]["gws"]["sequence"] for m in replies[:-1]]
            assert sequences == sorted(sequences) and len(set(sequences)) == 3
            # live again, nothing repeated
            await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": 3})
            [message] = await peer.receive()
            assert message["data"]["n"] == 3 and message["ext"]["gws"]["sequence"] == sequences[-1] + 1

    run(scenario)


def test_a_late_message_is_filled_from_the_log_in_order_and_its_late_copy_dropped(agent, cometd_settings):
    from channels.layers import get_channel_layer

    from notifications import topics
    from notifications.store import get_store

    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start("/v2/me/*")
            # given message A numbered but its live copy not delivered yet (another process is slow)
            late = {"messageType": "CallStateChangeMessage", "n": "A"}
            seq = await get_store().append(str(agent.pk), "/v2/me/calls", late)
            # when B arrives live
            await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": "B"})
            # then A and B come in order
            messages = await peer.receive()
            assert [m["data"]["n"] for m in messages] == ["A", "B"]
            # and A's late live copy is dropped
            await get_channel_layer().group_send(
                topics.user_group(agent.pk), {"type": "bayeux.deliver", "seq": seq, "channel": "/v2/me/calls", "data": late}
            )
            assert await peer.nothing(0.3)

    run(scenario)


def test_a_gap_older_than_retention_means_handshake_and_reread(agent, cometd_settings, settings):
    settings.NOTIFICATIONS_RETENTION_SECONDS = 0.2

    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            await peer.start("/v2/me/*")
            client_id = peer.client_id
        await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
        await asyncio.sleep(0.3)
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            peer.client_id = client_id
            [reply] = await peer.exchange([peer.connect_message()])
            assert reply["successful"] is False and reply["error"].startswith("410::")
            assert reply["advice"]["reconnect"] == "handshake" and reply["ext"]["gws"]["resync"] is True
            [reply] = await peer.exchange([peer.connect_message()])
            assert reply["error"] == "402::Unknown client"

    run(scenario)


def test_a_new_handshake_can_resume_from_the_sequence_it_saw(agent, cometd_settings):
    async def scenario():
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            reply = await peer.start("/v2/me/*")
            seen = reply["ext"]["gws"]["sequence"]
        for number in range(2):
            await notify.apublish(agent.pk, "/v2/me/devices", {"messageType": "DeviceStateChangeMessage", "n": number})
        async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
            [reply] = await peer.exchange([handshake("websocket", ext={"gws": {"sequence": seen}})])
            assert reply["ext"]["gws"] == {"sequence": seen}
            peer.client_id = reply["clientId"]
            await peer.exchange([peer.connect_message()])
            await peer.exchange([peer.message("/meta/subscribe", subscription="/v2/me/*")])
            replies = await peer.exchange([peer.connect_message()])
            assert [m["data"]["n"] for m in replies[:-1]] == [0, 1]

    run(scenario)


def test_a_client_that_stops_connecting_expires_once(agent, cometd_settings):
    import time

    from notifications import clients, signals

    gone = []

    def last(sender, user_id, client_id, reason, **kwargs):
        gone.append((client_id, reason))

    signals.last_client_gone.connect(last, weak=False)
    try:
        async def scenario():
            async with WebsocketPeer(auth_headers(agent.user_name)) as peer:
                await peer.start()
                assert peer.client_id not in await clients.sweep(now=time.time())  # not yet
                assert peer.client_id in await clients.sweep(now=time.time() + 60)
                assert peer.client_id not in await clients.sweep(now=time.time() + 60)  # only once
                [reply] = await peer.exchange([peer.connect_message()])
                assert reply["error"] == "402::Unknown client"
                return peer.client_id

        client_id = async_to_sync(scenario)()
        assert [entry for entry in gone if entry[0] == client_id] == [(client_id, "expired")]
    finally:
        signals.last_client_gone.disconnect(last)
