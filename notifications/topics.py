"""
The GWS CometD topics, which of them a client may subscribe to, Bayeux wildcard matching, and
the mapping from a user to the channel-layer group that carries that user's messages.

Channel-layer group names allow only ``[a-zA-Z0-9-_.]`` (and fewer than 100 characters), so a
Bayeux channel cannot be a group name. Every message to a user carries the user's sequence
number, and the sequence must reach each client in order, so all of a user's topics travel
through ONE group per user (``gws.user.<id>``); the client session filters them by its
subscriptions. ``/notifications/services`` is fanned out to each user of the contact center
at publish time, so that it is numbered in each user's sequence too.

``/v2/contact-center/users`` is this server's extension (real GWS has no channel for watching
other agents): the live agent board of a contact center's supervisors and admins. See
``notifications/board.py``.
"""
import re

DEVICES = "/v2/me/devices"
CALLS = "/v2/me/calls"
SERVICES = "/notifications/services"
# Extension: every user's DeviceStateChangeMessage and CallStateChangeMessage, with its userId,
# for the supervisors and admins of the user's contact center (notifications/board.py).
CONTACT_CENTER_USERS = "/v2/contact-center/users"

USER_TOPICS = (DEVICES, CALLS)
TOPICS = (DEVICES, CALLS, SERVICES)

# What a client may subscribe to: the topics and the wildcards that cover only them.
ENTITLED = frozenset(TOPICS) | {"/v2/me/*", "/v2/me/**", "/notifications/*", "/notifications/**"}


def is_meta(channel):
    return channel.startswith("/meta/")


def is_valid_channel(channel):
    """A Bayeux channel name: absolute, non-empty segments, a wildcard only as the last one."""
    if not isinstance(channel, str) or not channel.startswith("/") or channel == "/":
        return False
    segments = channel[1:].split("/")
    if any(not segment for segment in segments):
        return False
    *parents, last = segments
    return all("*" not in segment for segment in parents) and ("*" not in last or last in ("*", "**"))


def may_subscribe(channel, supervisor=False):
    """Whether a GWS client may subscribe to this channel (a topic of ours or its wildcard);
    ``supervisor``: the client's user may also watch its contact center's users."""
    return channel in ENTITLED or (supervisor and channel == CONTACT_CENTER_USERS)


def matches(subscription, channel):
    """Bayeux wildcards: ``/a/*`` matches one more segment, ``/a/**`` one or more."""
    if subscription == channel:
        return True
    if subscription.endswith("/**"):
        return channel.startswith(subscription[:-2]) and len(channel) > len(subscription) - 2
    if subscription.endswith("/*"):
        prefix = subscription[:-1]
        rest = channel[len(prefix):]
        return channel.startswith(prefix) and bool(rest) and "/" not in rest
    return False


def subscribed(subscriptions, channel):
    return any(matches(subscription, channel) for subscription in subscriptions)


_GROUP_SAFE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def user_group(user_id):
    """The channel-layer group carrying every message to one user."""
    user_id = str(user_id)
    if not _GROUP_SAFE.fullmatch(user_id):
        raise ValueError(f"A user id for a layer group is [A-Za-z0-9_-]{{1,64}}, not {user_id!r}")
    return f"gws.user.{user_id}"
