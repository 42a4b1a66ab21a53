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
"""
import asyncio
import copy
import json
import logging

from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from . import clients, topics
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


def _deliver_after_commit(user_ids, channel, data):
    def deliver():
        async_to_sync(_deliver)(list(user_ids), channel, data)

    transaction.on_commit(deliver, robust=True)


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
