"""
The one way the rest of the project sends CometD notifications.

    publish(user_id, "/v2/me/devices", {"messageType": "DeviceStateChangeMessage", "devices": [...]})
    publish_to_contact_center(contact_center_id, "/notifications/services", {...})
    announce_service_state(contact_center_id, service)   # a ServiceStateChangeMessage

Each CometD client of the user subscribed to the channel (or a wildcard covering it) receives
``{"channel": "/v2/me/devices", "data": {...}, "ext": {"gws": {"sequence": n}}}``: the
document's shape, plus the user's sequence number in ``ext``.

- Sync code (services, views, management commands): call ``publish`` / ``publish_to_contact_center``
  / ``announce_service_state``. Inside a transaction, delivery is scheduled with
  ``transaction.on_commit`` (nothing is announced for a change that rolls back); outside one it
  happens at once. Calling them from a running event loop raises ``RuntimeError``.
- Async code: ``await apublish(...)`` / ``await apublish_to_contact_center(...)`` deliver at once
  (async code has no transaction to wait for).

Delivery numbers the message in the user's sequence, keeps it for the retention window (so a
client that reconnects gets what it missed) and sends it to the user's channel-layer group, so
with channels-redis a message published in one server process reaches clients connected to any.
A delivery failure after commit is logged, never raised into the committed request.

Messages published one after the other in a transaction are delivered together when it commits
(one on-commit callback, all of them numbered in one store round trip, each user's messages
sent in order and different users' side by side): a request announcing a call to its two
parties pays one delivery, not one per message. A message published after any other on-commit
callback, or in a different savepoint, starts a new batch, so batching changes neither the
order of anything run on commit nor what a rolled-back savepoint takes with it.

A user's DeviceStateChangeMessage and CallStateChangeMessage also go, with the user's id, to
the supervisors and admins watching the user's contact center (``/v2/contact-center/users``,
an extension: ``board.py``).
"""
import asyncio
import copy
import json
import logging

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from . import board, clients, topics
from .store import get_store

logger = logging.getLogger(__name__)

# The channel-layer message type the transports handle (``bayeux_deliver`` in consumers).
DELIVER = "bayeux.deliver"


def _checked(channel, data, allowed):
    if channel not in allowed:
        raise ValueError(f"Cannot publish to '{channel}': one of {', '.join(allowed)}")
    if not isinstance(data, dict) or not isinstance(data.get("messageType"), str):
        raise ValueError("A notification's data is an object with a 'messageType'")
    # A deep copy, checked to be JSON now: the caller may change its dict before commit.
    json.dumps(data)
    return copy.deepcopy(data)


def _refuse_event_loop(name):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(f"{name}() is for sync code: async code awaits apublish() or apublish_to_contact_center()")


async def _deliver(user_ids, channel, data):
    layer = get_channel_layer()
    home = clients.serving_loop()
    if isinstance(layer, InMemoryChannelLayer) and home is not None and home is not asyncio.get_running_loop():
        # The in-memory layer's queues belong to the loop its consumers wait on; a publisher
        # in another thread (a timer, a test, async_to_sync outside the server) hands over.
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_deliver_here(layer, user_ids, channel, data), home))
    else:
        await _deliver_here(layer, user_ids, channel, data)


async def _deliver_here(layer, user_ids, channel, data):
    store = get_store()
    for user_id in user_ids:
        seq = await store.append(user_id, channel, data)
        await layer.group_send(
            topics.user_group(user_id), {"type": DELIVER, "user": user_id, "seq": seq, "channel": channel, "data": data}
        )
        if channel in topics.USER_TOPICS:
            # The contact center's supervisors watching its users (an extension: board.py).
            relayed = await board.relay(user_id, data)
            if relayed is not None:
                await _deliver_here(layer, *relayed)


async def _deliver_batch(messages):
    """Deliver [(user ids, channel, data)] in order (see the module's docstring)."""
    layer = get_channel_layer()
    home = clients.serving_loop()
    if isinstance(layer, InMemoryChannelLayer) and home is not None and home is not asyncio.get_running_loop():
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_deliver_batch_here(layer, messages), home))
    else:
        await _deliver_batch_here(layer, messages)


async def _deliver_batch_here(layer, messages):
    entries = [(user_id, channel, data) for user_ids, channel, data in messages for user_id in user_ids]
    if not entries:
        return
    seqs = await get_store().append_many(entries)
    by_user = {}
    for seq, (user_id, channel, data) in zip(seqs, entries):
        by_user.setdefault(user_id, []).append((seq, channel, data))

    async def send(user_id, numbered):
        for seq, channel, data in numbered:
            await layer.group_send(
                topics.user_group(user_id), {"type": DELIVER, "user": user_id, "seq": seq, "channel": channel, "data": data}
            )

    results = await asyncio.gather(*(send(user_id, numbered) for user_id, numbered in by_user.items()), return_exceptions=True)
    # The contact center's supervisors watching its users (an extension: board.py), in order.
    relays = await asyncio.gather(*(board.relay(user_id, data) for user_id, channel, data in entries if channel in topics.USER_TOPICS))
    relayed = [relay for relay in relays if relay is not None]
    if relayed:
        await _deliver_batch_here(layer, relayed)
    for result in results:
        if isinstance(result, Exception):
            raise result  # logged by the on-commit runner; the messages are in the log


class _Batch:
    """Messages published one after the other in a transaction, delivered together on commit."""

    def __init__(self, message):
        self.messages = [message]
        self.sent = False
        self.__qualname__ = "notifications.publish._Batch"  # Django's on-commit error log names it

    def __call__(self):
        self.sent = True
        async_to_sync(_deliver_batch)(self.messages)


def _deliver_after_commit(user_ids, channel, data):
    message = (list(user_ids), channel, data)
    connection = transaction.get_connection()
    if connection.in_atomic_block and connection.run_on_commit:
        # Joining the batch registered last is the same as registering right after it: same
        # savepoints (rolled back together), nothing registered in between (same order).
        savepoints, last, _ = connection.run_on_commit[-1]
        if isinstance(last, _Batch) and not last.sent and savepoints == set(connection.savepoint_ids):
            last.messages.append(message)
            return
    transaction.on_commit(_Batch(message), robust=True)


def _contact_center_users(contact_center_id):
    from provisioning.models import User

    return list(User.objects.filter(contact_center_id=contact_center_id).values_list("pk", flat=True))


# ---------------------------------------------------------------------------------------------
# Sync entry points
# ---------------------------------------------------------------------------------------------


def publish(user_id, channel, data):
    """Send ``data`` on ``channel`` (/v2/me/devices or /v2/me/calls) to every client of a user."""
    _refuse_event_loop("publish")
    data = _checked(channel, data, topics.USER_TOPICS)
    board.contact_center_of(user_id)  # remembered now, so that delivery needs no query
    _deliver_after_commit([str(user_id)], channel, data)


def publish_to_contact_center(contact_center_id, channel, data):
    """Send ``data`` on /notifications/services to every user of a contact center."""
    _refuse_event_loop("publish_to_contact_center")
    data = _checked(channel, data, (topics.SERVICES,))
    contact_center_id = str(contact_center_id)

    def deliver():
        async_to_sync(_deliver)(_contact_center_users(contact_center_id), channel, data)

    transaction.on_commit(deliver, robust=True)


def service_state_message(service):
    """The ServiceStateChangeMessage data for a service resource (as GET /services/{id} shows it)."""
    return {
        "messageType": "ServiceStateChangeMessage",
        "service": {key: service[key] for key in ("id", "name", "type", "state") if key in service},
    }


def announce_service_state(contact_center_id, service):
    """Tell a contact center's users that a service changed state (ServiceStateChangeMessage)."""
    publish_to_contact_center(contact_center_id, topics.SERVICES, service_state_message(service))


# ---------------------------------------------------------------------------------------------
# Async entry points
# ---------------------------------------------------------------------------------------------


async def apublish(user_id, channel, data):
    """``publish`` for async code: delivers at once."""
    await board.acontact_center_of(user_id)  # remembered here, not in the serving loop
    await _deliver([str(user_id)], channel, _checked(channel, data, topics.USER_TOPICS))


async def apublish_to_contact_center(contact_center_id, channel, data):
    """``publish_to_contact_center`` for async code: delivers at once."""
    data = _checked(channel, data, (topics.SERVICES,))
    users = await sync_to_async(_contact_center_users)(str(contact_center_id))
    await _deliver(users, channel, data)


def snapshot_sequence(user_id):
    """The user's last sequence number; read it BEFORE reading state, so that the state reflects
    at least every message up to it (messages are numbered after their change commits)."""
    return get_store().last_seq_blocking(str(user_id))
