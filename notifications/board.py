"""
The live agent board's channel, ``/v2/contact-center/users``: an extension of this server (real
GWS has no channel for watching other agents; docs/decisions.md, Notifications).

A supervisor or admin of a contact center who subscribes becomes one of its *watchers* (a set
per contact center in the store). Whenever a user's ``DeviceStateChangeMessage`` or
``CallStateChangeMessage`` is delivered, the same message with the user's id,

    {"channel": "/v2/contact-center/users",
     "data": {"messageType": "CallStateChangeMessage", "userId": "...", "notificationType": ..., "call": {...}},
     "ext": {"gws": {"sequence": n}}}

is delivered to each watcher of the user's contact center, numbered in the watcher's own
sequence like every other message (so reconnection and long-polling lose nothing). The relay
costs one store read per message and no database query: a user's contact center never changes,
so it is remembered per process from the first message on (``publish`` looks it up before the
change commits).

A watcher stays one until its user's last CometD client goes; a client that only unsubscribes
keeps its user a watcher until then (its clients filter the channel out, as any unsubscribed
channel).
"""
import threading

from asgiref.sync import sync_to_async

from . import topics
from .store import get_store

RELAYED = frozenset({"DeviceStateChangeMessage", "CallStateChangeMessage"})

# user id -> contact center id (or None): users never move between contact centers.
_contact_centers = {}
_contact_centers_lock = threading.Lock()
_REMEMBERED_MOST = 200_000


def may_watch(user):
    """Whether a user may subscribe to its contact center's users: ROLE_SUPERVISOR or ROLE_ADMIN."""
    return user is not None and user.contact_center_id is not None and (user.is_supervisor or user.is_cc_admin)


def _read_contact_center(user_id):
    from provisioning.models import User

    found = User.objects.filter(pk=user_id).values_list("contact_center_id", flat=True).first()
    return str(found) if found is not None else None


def _remember(user_id, contact_center_id):
    with _contact_centers_lock:
        if len(_contact_centers) >= _REMEMBERED_MOST:
            _contact_centers.clear()
        _contact_centers[user_id] = contact_center_id
    return contact_center_id


def contact_center_of(user_id):
    """The user's contact center id (a str, or None): remembered, read once per process."""
    user_id = str(user_id)
    try:
        return _contact_centers[user_id]
    except KeyError:
        return _remember(user_id, _read_contact_center(user_id))


async def acontact_center_of(user_id):
    # sync_to_async, not channels' database_sync_to_async: that one closes the thread's
    # connection, which may be a sync caller's, inside its transaction (async_to_sync).
    user_id = str(user_id)
    try:
        return _contact_centers[user_id]
    except KeyError:
        return _remember(user_id, await sync_to_async(_read_contact_center)(user_id))


async def relay(user_id, data):
    """For a message just delivered to a user: (watcher ids, channel, data) to deliver to the
    board watchers of the user's contact center, or None."""
    if data.get("messageType") not in RELAYED:
        return None
    contact_center_id = await acontact_center_of(user_id)
    if contact_center_id is None:
        return None
    watchers = await get_store().watchers(contact_center_id)
    if not watchers:
        return None
    return watchers, topics.CONTACT_CENTER_USERS, {"messageType": data["messageType"], "userId": str(user_id), **data}


async def watch(session):
    """A client of a supervisor or admin subscribed to the channel."""
    await get_store().add_watcher(session.contact_center_id, session.user_id)


async def forget(session):
    """The user's last client went: it watches no more (unless a new client came meanwhile)."""
    if session.contact_center_id is not None:
        await get_store().forget_watcher(session.contact_center_id, session.user_id)
