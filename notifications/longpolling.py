"""
The HTTP long-polling transport: POST /api/v2/notifications[/handshake|/connect|...].

A plain ASGI application, routed in ``gws_project/asgi.py`` before Django: under Django, an
async view behind the project's sync middleware would still occupy a thread while it waits,
and a held /meta/connect waits up to the advised timeout. Here a waiting poll is a coroutine
listening on the channel layer. Because Django's middleware does not run, this module answers
CORS itself with the REST API's rules (django-cors-headers' configuration, plus the origins of
contact centers: ``provisioning.cors``), and authenticates like the API
(``notifications.authentication``).
"""
import asyncio
import json
import logging
import time
import weakref

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from corsheaders.conf import conf as cors_conf
from django.conf import settings

from provisioning import cors as contact_center_cors

from . import bayeux, clients, topics
from .authentication import authenticate, credential, csrf_error, header
from .store import get_store

logger = logging.getLogger(__name__)

# The official JavaScript client appends the message type to the URL (appendMessageTypeToURL).
SUFFIXES = {"", "handshake", "connect", "subscribe", "unsubscribe", "disconnect"}
PREFIX = "/api/v2/notifications"


# ---------------------------------------------------------------------------------------------
# CORS, as for the rest of /api
# ---------------------------------------------------------------------------------------------


async def cors_headers(origin, preflight, user=None):
    """The CORS response headers for a request from ``origin`` (none when it is not allowed).
    ``user``: an async function giving the request's user. The decision is the REST API's
    (``provisioning.cors.allowed``); only the headers are written here, as this transport is not
    behind django-cors-headers' middleware."""
    if not origin:
        return []
    requester = await user() if user is not None else None
    allowed = await database_sync_to_async(contact_center_cors.allowed)(origin, requester)
    if not allowed:
        return [(b"vary", b"origin")]
    found = [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"origin"),
    ]
    if cors_conf.CORS_EXPOSE_HEADERS:
        found.append((b"access-control-expose-headers", ", ".join(cors_conf.CORS_EXPOSE_HEADERS).encode()))
    if preflight:
        found += [
            (b"access-control-allow-headers", ", ".join(cors_conf.CORS_ALLOW_HEADERS).encode()),
            (b"access-control-allow-methods", ", ".join(cors_conf.CORS_ALLOW_METHODS).encode()),
        ]
        if cors_conf.CORS_PREFLIGHT_MAX_AGE:
            found.append((b"access-control-max-age", str(cors_conf.CORS_PREFLIGHT_MAX_AGE).encode()))
    return found


# ---------------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------------


class LongPollingApplication:
    """CometD over HTTP long-polling (an ASGI application; wrap it in the session middleware)."""

    async def __call__(self, scope, receive, send):
        clients.ensure_sweeper()
        suffix = scope["path"][len(PREFIX):].strip("/")
        origin = header(scope, "Origin")
        if suffix not in SUFFIXES:
            await _respond(send, 404, _gws_error(6, f"'{scope['path']}' is not a notifications URL"), [])
            return
        if scope["method"] == "OPTIONS":
            await _respond(send, 200, b"", await cors_headers(origin, preflight=True))
            return
        if scope["method"] != "POST":
            await _respond(send, 405, _gws_error(3, "CometD messages are POSTed"), [(b"allow", b"POST, OPTIONS")])
            return
        body, connected = await _read_body(receive)
        if not connected:
            return
        peer = clients.Peer(
            bayeux.LONG_POLLING, credential=credential(scope), authenticate=lambda: authenticate(scope, keep_session=True)
        )
        try:
            batch = bayeux.parse_batch(body)
        except bayeux.MalformedBatch as error:
            extra = await cors_headers(origin, preflight=False, user=peer.resolved_user)
            await _respond(send, 400, json.dumps([bayeux.malformed_reply(error)]).encode(), extra)
            return
        replies, messages = [], []
        for message in batch:
            if isinstance(message, dict) and message.get("channel") == bayeux.HANDSHAKE:
                peer.csrf_error = await csrf_error(scope, message)
            else:
                peer.csrf_error = None
            result = await clients.handle(message, peer)
            if isinstance(result, clients.HeldConnect):
                delivered, reply = await _answer_connect(result, receive)
                if reply is None:
                    return  # the client went away while waiting: nothing was handed over
                messages.extend(delivered)
                replies.append(reply)
            else:
                replies.append(result)
        extra = await cors_headers(origin, preflight=False, user=peer.resolved_user)
        await _respond(send, 200, json.dumps([*messages, *replies]).encode(), extra)


# ---------------------------------------------------------------------------------------------
# Waiting polls
# ---------------------------------------------------------------------------------------------


class PollHub:
    """This process's one channel-layer channel for all its waiting long polls.

    A poll lasts one message, so joining a layer group per poll would cost two layer round
    trips per message (and, with channels-redis, a connection each under load). Instead the
    hub joins a user's group when a poll of that user first waits here, stays for a while
    after the last one (the next poll comes right back), and hands each message to the polls
    of its user waiting now. A message with no poll waiting is simply dropped: it is in the
    retained log, which the next poll reads first.
    """

    def __init__(self, layer):
        self.layer = layer
        self.channel = None
        self.waiters = {}  # user id -> set of asyncio.Queue
        self.joined = {}  # user id -> when its last poll here ended (0 while one waits)
        self.dispatcher = None
        self.last_prune = time.monotonic()

    async def _dispatch(self):
        # One receive loop for the life of the process (cancelling a channels-redis receive
        # is best avoided), as a consumer's would be.
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep serving; the polls fall back on the log
                logger.exception("notifications: long-poll hub receive failed")
                await asyncio.sleep(0.5)
                continue
            for queue in list(self.waiters.get(event.get("user"), ())):
                queue.put_nowait(event)

    async def _prune(self):
        linger = settings.COMETD_MAX_INTERVAL_MS / 1000
        now = time.monotonic()
        for user_id, ended in list(self.joined.items()):
            if ended and now - ended > linger and not self.waiters.get(user_id):
                del self.joined[user_id]
                try:
                    await self.layer.group_discard(topics.user_group(user_id), self.channel)
                except Exception:  # noqa: BLE001 - membership expires in the layer anyway
                    logger.exception("notifications: leaving a user's group failed")

    async def register(self, user_id):
        """A queue receiving the user's messages from now on (join the group first if needed)."""
        if self.channel is None:
            self.channel = await self.layer.new_channel()
        if user_id not in self.joined:
            await self.layer.group_add(topics.user_group(user_id), self.channel)
        self.joined[user_id] = 0
        queue = asyncio.Queue()
        self.waiters.setdefault(user_id, set()).add(queue)
        if self.dispatcher is None or self.dispatcher.done():
            self.dispatcher = asyncio.ensure_future(self._dispatch())
        if time.monotonic() - self.last_prune > settings.COMETD_SWEEP_SECONDS:
            self.last_prune = time.monotonic()
            asyncio.ensure_future(self._prune())
        return queue

    def unregister(self, user_id, queue):
        waiting = self.waiters.get(user_id, set())
        waiting.discard(queue)
        if not waiting:
            self.waiters.pop(user_id, None)
            if user_id in self.joined:
                self.joined[user_id] = time.monotonic()


_hubs = weakref.WeakKeyDictionary()


def poll_hub():
    """The hub of the running loop (one per server process)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = PollHub(get_channel_layer())
    return hub


async def _answer_connect(held, receive):
    """(messages, connect reply) once there is something to say or the hold time is over;
    (.., None) if the client disconnected meanwhile."""
    session = held.session
    if held.first:
        return [], bayeux.connect_reply(held.message, clients.advice().as_dict())
    hub = poll_hub()
    # Listen before reading the log: a message published in between is then seen by one or
    # the other, and the cursor drops the second copy.
    queue = await hub.register(session.user_id)
    try:
        messages, cursor, complete = await clients.pending(session)
        if not complete:
            return [], await clients.resync(held)
        deadline = time.monotonic() + held.seconds
        disconnected = asyncio.ensure_future(_wait_disconnect(receive))
        try:
            while not messages and time.monotonic() < deadline:
                event = await _next_event(queue, disconnected, deadline - time.monotonic())
                if disconnected.done():
                    return [], None
                if event is None or event["seq"] <= cursor:
                    continue
                if event["seq"] == cursor + 1:
                    entries = [(event["seq"], event["channel"], event["data"])]
                else:
                    entries = (await get_store().since(session.user_id, cursor)).messages or [
                        (event["seq"], event["channel"], event["data"])
                    ]
                cursor = entries[-1][0]
                # Subscriptions may have changed (another request) while this connect waited.
                current = await get_store().load_session(session.client_id)
                if current is None:
                    return [], bayeux.unknown_client(held.message)
                messages = bayeux.deliveries(entries, current.subscriptions)
        finally:
            disconnected.cancel()
        # The cursor moves before the answer goes out, so a next connect (maybe on another
        # process) never gets these again.
        if not await get_store().advance(session.client_id, cursor):
            return [], bayeux.unknown_client(held.message)
        return messages, bayeux.connect_reply(held.message, clients.advice().as_dict())
    finally:
        hub.unregister(session.user_id, queue)


async def _next_event(queue, disconnected, seconds):
    """The next message for this poll, or None after ``seconds`` or a disconnect."""
    receiving = asyncio.ensure_future(queue.get())
    done, _ = await asyncio.wait({receiving, disconnected}, timeout=max(seconds, 0), return_when=asyncio.FIRST_COMPLETED)
    if receiving in done:
        return receiving.result()
    receiving.cancel()
    return None


async def _wait_disconnect(receive):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


async def _read_body(receive):
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"", False
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks), True


def _gws_error(status_code, status_message):
    return json.dumps({"statusCode": status_code, "statusMessage": status_message}).encode()


async def _respond(send, status, body, extra_headers):
    headers = [(b"content-type", b"application/json;charset=UTF-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + list(extra_headers)})
    await send({"type": "http.response.body", "body": body})
