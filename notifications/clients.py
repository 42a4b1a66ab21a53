"""
Bayeux client sessions: the server side of handshake, connect, subscribe, unsubscribe and
disconnect, on top of the pure protocol (``bayeux``) and the shared state (``store``).

A transport (WebSocket consumer, long-polling view) authenticates its peer, parses a batch,
and hands each message to ``handle``; it gets back replies, or for a /meta/connect a
``HeldConnect`` to answer now or after waiting for messages. Messages a client has not been
given yet are read from the user's retained log (``pending``), so that nothing published while
the client was between connects, or connected to another server process, is lost.
"""
import asyncio
import logging
import secrets
import time
import weakref
from dataclasses import dataclass

from django.conf import settings

from . import bayeux, board, signals, topics
from .store import ClientSession, get_store

logger = logging.getLogger(__name__)


def advice():
    return bayeux.Advice(
        timeout=settings.COMETD_TIMEOUT_MS, interval=settings.COMETD_INTERVAL_MS, max_interval=settings.COMETD_MAX_INTERVAL_MS
    )


@dataclass
class Peer:
    """Who sent a batch: the transport, the authenticated user (or None) and, for a handshake,
    the CSRF verdict (an error text, or None when the token is right or CSRF is off).

    ``credential`` is a keyed digest of the credentials the request carried; ``authenticate``
    resolves the user when needed. A long-polling client's later requests that carry the
    credentials of its handshake need no database lookup: a held poll comes back after every
    message, and the session and user queries were most of its cost.
    """

    transport: str
    user: object = None
    csrf_error: str | None = None
    credential: str = ""
    authenticate: object = None  # async () -> user or None, when ``user`` is not resolved yet

    async def resolved_user(self):
        if self.user is None and self.authenticate is not None:
            self.user = await self.authenticate()
            self.authenticate = None
        return self.user


@dataclass
class HeldConnect:
    """A /meta/connect to answer: at once when ``seconds`` is 0, else when messages arrive."""

    message: dict
    session: ClientSession
    seconds: float
    # The first connect after a handshake: answered at once and delivers nothing yet, because
    # the client subscribes only now (a resumed cursor must not be spent on no subscriptions).
    first: bool = False


# ---------------------------------------------------------------------------------------------
# Hooks
# ---------------------------------------------------------------------------------------------


async def _send_hook(signal, **kwargs):
    for receiver, result in await signal.asend_robust(sender=ClientSession, **kwargs):
        if isinstance(result, Exception):
            logger.error("notifications hook %s failed", receiver, exc_info=result)


async def remove(client_id, reason):
    """Forget a client once (whichever process gets there first) and announce a last one."""
    session, last = await get_store().remove_session(client_id)
    if session is not None and last:
        await board.forget(session)
        await _send_hook(signals.last_client_gone, user_id=session.user_id, client_id=client_id, reason=reason)
    return session


# ---------------------------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------------------------


async def handle(message, peer):
    """One message -> its reply (a dict) or a HeldConnect."""
    error = bayeux.check(message)
    if error is not None:
        return error
    channel = message["channel"]
    if channel == bayeux.HANDSHAKE:
        return await _handshake(message, peer)
    if not topics.is_meta(channel):
        if channel.startswith("/service/"):
            return bayeux.service_channel_refused(message)
        return bayeux.publish_refused(message)
    if channel not in bayeux.META_CHANNELS:
        return bayeux.unknown_meta_channel(message)
    session = await _session(message, peer)
    if session is None:
        return bayeux.unknown_client(message)
    if channel == bayeux.CONNECT:
        return await _connect(message, session, peer)
    if channel == bayeux.SUBSCRIBE:
        return await _change_subscriptions(message, session, bayeux.subscribe, peer)
    if channel == bayeux.UNSUBSCRIBE:
        return await _change_subscriptions(message, session, bayeux.unsubscribe, peer)
    await remove(session.client_id, "disconnect")
    return bayeux.success(message)


async def _session(message, peer):
    """The message's client session, if it exists and belongs to the authenticated user."""
    client_id = message.get("clientId")
    if not isinstance(client_id, str):
        return None
    session = await get_store().load_session(client_id)
    if session is None:
        return None
    if peer.credential and peer.credential == session.credential and peer.user is None:
        return session  # the handshake's own credentials: already checked then
    user = await peer.resolved_user()
    if user is None or session.user_id != str(user.pk):
        return None
    if peer.credential:
        session.credential = peer.credential  # saved with the session's next change
    return session


async def _handshake(message, peer):
    if await peer.resolved_user() is None:
        return bayeux.handshake_refused(message, "401::Authentication required (session cookie or HTTP Basic)")
    if peer.csrf_error:
        return bayeux.handshake_refused(message, f"403::{peer.csrf_error}")
    error = bayeux.handshake_error(message, peer.transport)
    if error is not None:
        return error
    store = get_store()
    user_id = str(peer.user.pk)
    last = await store.last_seq(user_id)
    cursor, resync = last, False
    resume = bayeux.resume_sequence(message)
    if resume is not None and resume < last:
        # A client that lost its session says what it saw: continue from there if still retained.
        if (await store.since(user_id, resume)).complete:
            cursor = resume
        else:
            resync = True
    session = ClientSession(
        client_id=secrets.token_hex(16),
        user_id=user_id,
        contact_center_id=str(peer.user.contact_center_id) if peer.user.contact_center_id else None,
        seq=cursor,
        connection_type=peer.transport,
        expires_at=time.time() + advice().max_interval / 1000,
        credential=peer.credential,
    )
    if await store.create_session(session):
        await _send_hook(signals.first_client_connected, user_id=user_id, client_id=session.client_id)
    return bayeux.handshake_accepted(message, session.client_id, advice(), cursor, resync)


async def _connect(message, session, peer):
    error = bayeux.connect_error(message, peer.transport)
    if error is not None:
        return error
    # The first connect after a handshake is answered at once (the client then knows it is
    # connected, and subscribes); later ones are held until messages arrive or the timeout.
    first = not session.connected
    seconds = 0 if first else bayeux.hold_seconds(message, advice())
    session.connected = True
    session.connection_type = peer.transport
    session.expires_at = time.time() + seconds + advice().max_interval / 1000
    if not await get_store().save_session(session):
        return bayeux.unknown_client(message)
    return HeldConnect(message, session, seconds, first)


async def _change_subscriptions(message, session, change, peer):
    adding = change is bayeux.subscribe
    watching = adding and topics.CONTACT_CENTER_USERS in (bayeux.subscription_list(message) or ())
    if watching:
        # Only this channel depends on who asks: resolve the user (a long poll may not have).
        reply, _ = change(message, session.subscriptions, supervisor=board.may_watch(await peer.resolved_user()))
    else:
        reply, _ = change(message, session.subscriptions)
    if reply["successful"]:
        # One atomic add or remove in the store: a connect of the same client may be saving
        # the session at the same moment (the JavaScript client sends them side by side).
        wanted = bayeux.subscription_list(message)
        done = await get_store().change_subscriptions(
            session.client_id, add=wanted if adding else (), remove=() if adding else wanted
        )
        if not done:
            return bayeux.unknown_client(message)
        if watching:
            await board.watch(session)
    return reply


async def pending(session):
    """(messages the client has not had, cursor after them, whether none was lost)."""
    # Subscriptions as they are now: another request of the client may have changed them
    # since this connect loaded the session.
    current = await get_store().load_session(session.client_id)
    if current is not None:
        session.subscriptions = current.subscriptions
    backlog = await get_store().since(session.user_id, session.seq)
    if not backlog.complete:
        return [], session.seq, False
    cursor = backlog.messages[-1][0] if backlog.messages else session.seq
    return bayeux.deliveries(backlog.messages, session.subscriptions), cursor, True


async def resync(held):
    """The reply telling a client whose missed messages expired to handshake and re-read state."""
    await remove(held.session.client_id, "resync")
    return bayeux.resync_required(held.message)


# ---------------------------------------------------------------------------------------------
# Expiry
# ---------------------------------------------------------------------------------------------


async def sweep(now=None):
    """Remove clients that stopped connecting; returns their client ids."""
    gone = []
    for client_id in await get_store().expired(time.time() if now is None else now):
        if await remove(client_id, "expired") is not None:
            gone.append(client_id)
    return gone


_sweepers = weakref.WeakKeyDictionary()
_serving_loop = None


def ensure_sweeper():
    """Start this process's expiry sweeper on the running loop (once per loop), and remember
    that loop as the one serving this process's transports."""
    global _serving_loop
    loop = asyncio.get_running_loop()
    _serving_loop = loop
    task = _sweepers.get(loop)
    if task is None or task.done():
        _sweepers[loop] = loop.create_task(_sweep_forever())


def serving_loop():
    """The event loop running this process's CometD transports, if it is running."""
    loop = _serving_loop
    return loop if loop is not None and loop.is_running() else None


async def _sweep_forever():
    while True:
        await asyncio.sleep(settings.COMETD_SWEEP_SECONDS)
        try:
            await sweep()
        except Exception:  # noqa: BLE001 - a store hiccup must not stop expiry for good
            logger.exception("notifications: expiry sweep failed")
