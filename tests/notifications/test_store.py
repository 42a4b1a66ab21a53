"""The session store of this set-up (memory, or Redis with REDIS_URL): the updates that
concurrent requests of one client make must not undo each other."""
import time

from asgiref.sync import async_to_sync

from notifications.store import ClientSession, get_store


def session(client_id):
    return ClientSession(client_id=client_id, user_id="u" + client_id[:8], contact_center_id=None, expires_at=time.time() + 60)


def test_saving_a_stale_copy_keeps_subscriptions_made_meanwhile():
    async def scenario():
        store = get_store()
        client_id = f"store{time.time_ns()}"
        await store.create_session(session(client_id))
        # given a connect that loaded the session before a subscribe changed it
        stale = await store.load_session(client_id)
        assert await store.change_subscriptions(client_id, add=["/v2/me/*"])
        # when the connect saves its copy
        stale.connected = True
        assert await store.save_session(stale)
        # then both changes are there
        current = await store.load_session(client_id)
        assert current.subscriptions == ["/v2/me/*"] and current.connected is True
        assert await store.change_subscriptions(client_id, remove=["/v2/me/*"], add=["/v2/me/calls"])
        assert (await store.load_session(client_id)).subscriptions == ["/v2/me/calls"]
        await store.remove_session(client_id)
        assert not await store.change_subscriptions(client_id, add=["/v2/me/*"])
        assert await store.load_session(client_id) is None

    async_to_sync(scenario)()


def test_the_cursor_only_moves_forward_and_survives_saves():
    async def scenario():
        store = get_store()
        client_id = f"store{time.time_ns()}"
        await store.create_session(session(client_id))
        stale = await store.load_session(client_id)
        assert await store.advance(client_id, 5)
        assert await store.advance(client_id, 3)
        assert await store.save_session(stale)  # its cursor (0) is older
        assert (await store.load_session(client_id)).seq == 5
        removed, last = await store.remove_session(client_id)
        assert removed.client_id == client_id and last is True
        assert await store.remove_session(client_id) == (None, False)
        assert not await store.advance(client_id, 9)

    async_to_sync(scenario)()
