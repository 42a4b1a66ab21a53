"""
The WebSocket transport: one Bayeux client per socket, messages pushed as they are published.

Thin on purpose: it parses, hands messages to ``clients``, joins the user's layer group once the
client connects, and forwards what the group carries. It keeps the client's cursor (the last
sequence number handed over) so that a message arriving twice (a gap filled from the retained
log, then the live copy) is sent once, and in order.
"""
import asyncio
import json
import logging

from channels.generic.websocket import AsyncWebsocketConsumer

from . import bayeux, clients, topics
from .authentication import authenticate, csrf_error
from .store import get_store

logger = logging.getLogger(__name__)


class BayeuxWebsocketConsumer(AsyncWebsocketConsumer):
    """CometD over WebSocket at /api/v2/notifications."""

    async def connect(self):
        self.user = await authenticate(self.scope, keep_session=False)
        self.session = None  # the ClientSession bound to this socket, after its first connect
        self.group = None
        self.cursor = 0
        self.held = None  # task answering a held /meta/connect
        self.lock = asyncio.Lock()  # orders deliveries and connect answers
        clients.ensure_sweeper()
        await self.accept()

    async def disconnect(self, code):
        # The client session stays: the client may reconnect (here or to another process)
        # until it expires.
        self._cancel_held()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            batch = bayeux.parse_batch(text_data if text_data is not None else bytes_data)
        except bayeux.MalformedBatch as error:
            await self._send([bayeux.malformed_reply(error)])
            return
        replies = []
        for message in batch:
            peer = clients.Peer(bayeux.WEBSOCKET, self.user)
            if isinstance(message, dict) and message.get("channel") == bayeux.HANDSHAKE:
                peer.csrf_error = await csrf_error(self.scope, message)
            result = await clients.handle(message, peer)
            if isinstance(result, clients.HeldConnect):
                replies.extend(await self._connect(result))
                continue
            replies.append(result)
            await self._after(message, result)
        if replies:
            await self._send(replies)

    async def _after(self, message, reply):
        """Keep the bound session in step with what was just done to it."""
        if self.session is None or message.get("clientId") != self.session.client_id:
            return
        if message.get("channel") == bayeux.DISCONNECT or reply.get("error") == bayeux.UNKNOWN_CLIENT:
            await self._unbind()
        elif message.get("channel") in (bayeux.SUBSCRIBE, bayeux.UNSUBSCRIBE) and reply.get("successful"):
            session = await get_store().load_session(self.session.client_id)
            if session is not None:
                self.session.subscriptions = session.subscriptions

    async def _connect(self, held):
        """Answer a /meta/connect: missed messages and the reply now, or the reply later."""
        async with self.lock:
            self._cancel_held()
            await self._bind(held.session)
            if held.first:
                return [bayeux.connect_reply(held.message, clients.advice().as_dict())]
            messages, cursor, complete = await clients.pending(held.session)
            if not complete:
                await self._unbind()
                return [await clients.resync(held)]
            self.cursor = max(self.cursor, cursor)
            if cursor > held.session.seq:
                # Missed messages go out now: the stored cursor moves first. A renewal with
                # nothing missed writes nothing (every client renews each `timeout`: with 500
                # clients connected together, bench/voice_calls.py saw their renewals as a burst).
                await get_store().advance(held.session.client_id, self.cursor)
            if messages or held.seconds <= 0:
                return [*messages, bayeux.connect_reply(held.message, clients.advice().as_dict())]
            self.held = asyncio.ensure_future(self._answer_later(held))
            return messages

    async def _answer_later(self, held):
        await asyncio.sleep(held.seconds)
        self.held = None
        await self._send([bayeux.connect_reply(held.message)])

    def _cancel_held(self):
        if self.held is not None:
            self.held.cancel()
            self.held = None

    async def _bind(self, session):
        if self.session is not None and self.session.client_id == session.client_id:
            self.session.subscriptions = session.subscriptions
            return
        self.session = session
        self.cursor = session.seq
        group = topics.user_group(session.user_id)
        if group != self.group:
            if self.group:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_add(group, self.channel_name)
            self.group = group

    async def _unbind(self):
        self._cancel_held()
        self.session = None
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
            self.group = None

    async def bayeux_deliver(self, event):
        """A message published to this socket's user (channel-layer type ``bayeux.deliver``)."""
        async with self.lock:
            session = self.session
            if session is None or event["seq"] <= self.cursor:
                return  # not connected yet (the connect reads the log), or already sent
            if event["seq"] == self.cursor + 1:
                entries = [(event["seq"], event["channel"], event["data"])]
            else:  # an earlier message is late or was published elsewhere: take it from the log
                backlog = await get_store().since(session.user_id, self.cursor)
                entries = backlog.messages
                if not backlog.complete or not entries:
                    logger.warning("notifications: client %s lost messages after %s", session.client_id, self.cursor)
                    entries = [(event["seq"], event["channel"], event["data"])]
            self.cursor = entries[-1][0]
            if not await get_store().advance(session.client_id, self.cursor):
                await self._unbind()  # the session expired or was removed elsewhere
                return
            messages = bayeux.deliveries(entries, session.subscriptions)
            if messages:
                await self._send(messages)

    async def _send(self, messages):
        await self.send(text_data=json.dumps(messages))
