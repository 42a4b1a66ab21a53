"""The live agent board's channel /v2/contact-center/users (an extension of this server): who may
subscribe, what a watcher receives when a user of its contact center changes, through the real
aiocometd-ng client and the real voice API; the store's watcher sets; the relay's cost."""
import time

import aiohttp
import pytest
from aiocometd_ng.exceptions import ServerError
from asgiref.sync import async_to_sync

from notifications import bayeux, board, clients, topics
from notifications import publish as notify
from notifications.store import ClientSession, get_store
from provisioning import services as provisioning
from provisioning.choices import Role
from tests.conftest import make_user

from .live import cometd_client, gws_login, nothing_received, receive

BOARD = "/v2/contact-center/users"
DEVICE_STATE = {"messageType": "DeviceStateChangeMessage", "devices": [{"id": "d1", "userState": {"state": "Ready"}}]}


# ---------------------------------------------------------------------------------------------
# Pure: who may subscribe
# ---------------------------------------------------------------------------------------------


def test_board_channel_is_only_for_supervisors():
    assert topics.CONTACT_CENTER_USERS == BOARD
    assert topics.may_subscribe(BOARD, supervisor=True)
    assert not topics.may_subscribe(BOARD)
    # the /v2/me wildcards never cover it
    assert not topics.subscribed(["/v2/me/*", "/v2/me/**"], BOARD)


def test_subscribe_refused_without_the_role():
    message = {"channel": "/meta/subscribe", "subscription": BOARD, "id": "3"}
    reply, after = bayeux.subscribe(message, ["/v2/me/*"])
    assert reply["successful"] is False and reply["error"] == f"403:{BOARD}:Subscription denied"
    assert after == ["/v2/me/*"]
    reply, after = bayeux.subscribe(message, ["/v2/me/*"], supervisor=True)
    assert reply["successful"] is True and after == ["/v2/me/*", BOARD]


@pytest.mark.django_db
def test_may_watch_by_role(admin, agent, supervisor, foreign_admin):
    assert board.may_watch(admin) and board.may_watch(supervisor) and board.may_watch(foreign_admin)
    assert not board.may_watch(agent)
    assert not board.may_watch(None)


# ---------------------------------------------------------------------------------------------
# The store's watcher sets (memory, or Redis with REDIS_URL)
# ---------------------------------------------------------------------------------------------


def _session(user_id, contact_center_id):
    return ClientSession(
        client_id=f"board{time.time_ns()}", user_id=user_id, contact_center_id=contact_center_id, expires_at=time.time() + 60
    )


def test_a_watcher_is_forgotten_with_its_users_last_client_only():
    async def scenario():
        store = get_store()
        center, user = f"cc{time.time_ns()}", f"u{time.time_ns()}"
        first, second = _session(user, center), _session(user, center)
        await store.create_session(first)
        await store.create_session(second)
        await board.watch(first)
        assert await store.watchers(center) == [user]
        # one client of two goes: still watching
        await clients.remove(first.client_id, "disconnect")
        assert await store.watchers(center) == [user]
        # the last one goes: forgotten
        await clients.remove(second.client_id, "disconnect")
        assert await store.watchers(center) == []

    async_to_sync(scenario)()


def test_forgetting_keeps_a_watcher_whose_user_connected_again():
    async def scenario():
        store = get_store()
        center, user = f"cc{time.time_ns()}", f"u{time.time_ns()}"
        session = _session(user, center)
        await store.create_session(session)
        await board.watch(session)
        # a hook for an earlier client arrives after the user's new client handshook
        await store.forget_watcher(center, user)
        assert await store.watchers(center) == [user]
        await clients.remove(session.client_id, "expired")
        assert await store.watchers(center) == []

    async_to_sync(scenario)()


# ---------------------------------------------------------------------------------------------
# The relay
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_relay_adds_the_user_id_and_reads_no_database(agent, supervisor, django_assert_num_queries):
    session = _session(str(supervisor.pk), str(supervisor.contact_center_id))

    async def watch():
        await get_store().create_session(session)
        await board.watch(session)

    async def relay_three():
        return (
            await board.relay(str(agent.pk), DEVICE_STATE),
            await board.relay(str(agent.pk), {"messageType": "CallStateChangeMessage", "call": {"id": "c"}}),
            await board.relay(str(agent.pk), {"messageType": "ErrorMessage", "errorMessage": "x"}),
        )

    async_to_sync(watch)()
    board.contact_center_of(agent.pk)  # as publish() does before the change commits
    try:
        with django_assert_num_queries(0):
            (watchers, channel, data), calls, errors = async_to_sync(relay_three)()
    finally:
        async_to_sync(clients.remove)(session.client_id, "disconnect")
    assert watchers == [str(supervisor.pk)] and channel == BOARD
    assert data == {"messageType": "DeviceStateChangeMessage", "userId": str(agent.pk), "devices": DEVICE_STATE["devices"]}
    assert list(data)[:2] == ["messageType", "userId"]
    assert calls[2]["userId"] == str(agent.pk) and calls[2]["call"] == {"id": "c"}
    assert errors is None  # only device and call state changes are relayed


@pytest.mark.django_db
def test_relay_skips_users_without_a_contact_center():
    from provisioning.models import User

    system = User.objects.create_user("root@example.com", "pw")
    assert async_to_sync(board.relay)(str(system.pk), DEVICE_STATE) is None


# ---------------------------------------------------------------------------------------------
# Live: the real aiocometd-ng client against daphne, the real voice API
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def team(admin, supervisor):
    """Two agents with phones, and a supervisor with one (the supervisor's is the board's)."""
    people = {}
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5006")):
        user = make_user(admin, name)
        provisioning.create_device(admin, {"phoneNumber": number}, user=user)
        people[name.split("@")[0]] = user
    return people


async def _post(url, headers, path, body):
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.post(f"{url}/api/v2{path}", json=body) as response:
            assert response.status == 200, await response.text()
            return await response.json()


async def _board_message(client):
    message = await receive(client)
    assert message["channel"] == BOARD, message
    assert isinstance(message["ext"]["gws"]["sequence"], int)
    return message["data"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transport", ["websocket", "long-polling"])
def test_supervisor_sees_agents_change_and_agent_is_refused(live_cometd_url, team, supervisor, transport):
    ann, bob = team["ann"], team["bob"]
    ann_device = str(ann.devices.get().pk)

    async def scenario():
        watcher_headers = await gws_login(live_cometd_url, supervisor.user_name)
        ann_headers = await gws_login(live_cometd_url, ann.user_name)
        async with cometd_client(live_cometd_url, watcher_headers, transport) as watcher:
            await watcher.subscribe(BOARD)
            # an agent may not watch: the Bayeux subscribe error, the client stays usable
            async with cometd_client(live_cometd_url, ann_headers, transport) as spy:
                with pytest.raises(ServerError) as refused:
                    await spy.subscribe(BOARD)
                assert refused.value.args[1]["error"] == f"403:{BOARD}:Subscription denied"
                await spy.subscribe("/v2/me/devices")

                await _post(live_cometd_url, ann_headers, "/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
                started = await _board_message(watcher)
                assert started["messageType"] == "DeviceStateChangeMessage" and started["userId"] == ann.pk
                assert started["devices"][0]["id"] == ann_device
                assert started["devices"][0]["userState"]["state"] == "NotReady"
                own = await receive(spy)  # the agent's own message is unchanged, on its own channel
                assert own["channel"] == "/v2/me/devices" and "userId" not in own["data"]

                await _post(live_cometd_url, ann_headers, f"/me/devices/{ann_device}", {"operationName": "DoNotDisturbOn"})
                dnd = await _board_message(watcher)
                assert (dnd["userId"], dnd["devices"][0]["doNotDisturb"]) == (ann.pk, "On")
                assert (await receive(spy))["channel"] == "/v2/me/devices"

                # a call: the call's messages too, with the user each concerns
                await _post(live_cometd_url, ann_headers, f"/me/devices/{ann_device}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5006"}})
                seen = set()
                for _ in range(2):
                    call = await _board_message(watcher)
                    assert call["messageType"] == "CallStateChangeMessage"
                    seen.add((call["userId"], call["call"]["state"]))
                assert seen == {(ann.pk, "Dialing"), (bob.pk, "Ringing")}
                assert await nothing_received(spy, 0.5)  # the agent got nothing from the board

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_admin_watches_and_another_contact_center_sees_nothing(live_cometd_url, admin, foreign_admin, team):
    ann = team["ann"]

    async def scenario():
        admin_headers = await gws_login(live_cometd_url, admin.user_name)
        foreign_headers = await gws_login(live_cometd_url, foreign_admin.user_name)
        async with cometd_client(live_cometd_url, admin_headers, "websocket") as watcher:
            async with cometd_client(live_cometd_url, foreign_headers, "websocket") as foreigner:
                await watcher.subscribe(BOARD)
                await foreigner.subscribe(BOARD)
                await notify.apublish(ann.pk, "/v2/me/devices", DEVICE_STATE)
                data = await _board_message(watcher)
                assert data == {"messageType": "DeviceStateChangeMessage", "userId": ann.pk, "devices": DEVICE_STATE["devices"]}
                assert await nothing_received(foreigner, 0.5)
                # once the admin's clients are gone, nothing more is relayed to it
                assert await get_store().watchers(str(admin.contact_center_id)) == [admin.pk]
        assert await get_store().watchers(str(admin.contact_center_id)) == []

    async_to_sync(scenario)()


@pytest.mark.django_db
def test_supervisor_role_needs_a_contact_center():
    from provisioning.models import User

    system = User.objects.create_user("root2@example.com", "pw")
    system.roles = [Role.SUPERVISOR.value]
    assert not board.may_watch(system)
