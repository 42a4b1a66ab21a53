"""
The Bayeux 1.0 protocol as pure functions: messages in, replies out. No I/O, no sockets, no
store: ``clients.py`` applies the outcomes, the transports move the bytes.

Reference: the Bayeux specification (docs.cometd.org/current/reference/#_bayeux). Errors have
the form ``code:args:message`` (``402::Unknown client``); every reply echoes the request's
``channel``, ``id`` and ``clientId``.
"""
import json
from dataclasses import dataclass

from . import topics

VERSION = "1.0"
WEBSOCKET = "websocket"
LONG_POLLING = "long-polling"
CONNECTION_TYPES = (WEBSOCKET, LONG_POLLING)

HANDSHAKE = "/meta/handshake"
CONNECT = "/meta/connect"
SUBSCRIBE = "/meta/subscribe"
UNSUBSCRIBE = "/meta/unsubscribe"
DISCONNECT = "/meta/disconnect"
META_CHANNELS = (HANDSHAKE, CONNECT, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT)

# Replies to input that has no usable channel name carry this one.
UNKNOWN_CHANNEL = "/meta/unknown"

UNKNOWN_CLIENT = "402::Unknown client"


class MalformedBatch(ValueError):
    """The body is not JSON, or not a Bayeux message or array of messages."""


@dataclass(frozen=True)
class Advice:
    """The server's advice: how long a connect is held, the pause between connects, and how
    long a client may stay away before it expires (all in milliseconds)."""

    timeout: int
    interval: int
    max_interval: int

    def as_dict(self, reconnect="retry"):
        return {"reconnect": reconnect, "interval": self.interval, "timeout": self.timeout, "maxInterval": self.max_interval}


HANDSHAKE_ADVICE = {"reconnect": "handshake", "interval": 0}


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def parse_batch(body):
    """A request body (bytes or str) -> a list of messages; MalformedBatch when it cannot be.

    A batch is a JSON array of messages or a single message object. Elements that are not
    objects are kept: ``check`` answers each of them with an error.
    """
    try:
        decoded = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedBatch(f"400::Malformed JSON: {error}") from error
    if isinstance(decoded, dict):
        return [decoded]
    if isinstance(decoded, list) and decoded:
        return decoded
    raise MalformedBatch("400::A Bayeux batch is a message object or a non-empty array of them")


def malformed_reply(error):
    return {"channel": UNKNOWN_CHANNEL, "successful": False, "error": str(error)}


def check(message):
    """The error reply for a message without a usable channel, else None."""
    if not isinstance(message, dict):
        return malformed_reply("400::A Bayeux message is a JSON object")
    channel = message.get("channel")
    if not isinstance(channel, str) or not topics.is_valid_channel(channel):
        return {**_echo(message, UNKNOWN_CHANNEL), "successful": False, "error": f"400:{_text(channel)}:Invalid channel"}
    return None


# ---------------------------------------------------------------------------------------------
# Replies
# ---------------------------------------------------------------------------------------------


def _text(value):
    return value if isinstance(value, str) else json.dumps(value)


def _echo(message, channel=None):
    """The fields every reply copies from its request."""
    reply = {"channel": channel or message.get("channel")}
    if "id" in message:
        reply["id"] = message["id"]
    if isinstance(message.get("clientId"), str):
        reply["clientId"] = message["clientId"]
    return reply


def success(message, **fields):
    return {**_echo(message), "successful": True, **fields}


def failure(message, error, advice=None, **fields):
    reply = {**_echo(message), "successful": False, "error": error, **fields}
    if advice is not None:
        reply["advice"] = advice
    return reply


def unknown_client(message):
    """For a missing, stale or foreign clientId: handshake again."""
    return failure(message, UNKNOWN_CLIENT, advice=dict(HANDSHAKE_ADVICE))


def unknown_meta_channel(message):
    return failure(message, f"400:{message['channel']}:Unknown meta channel")


def publish_refused(message):
    """Clients may not publish: GWS channels carry only what the server sends."""
    return failure(message, f"403:{message['channel']}:Publishing is not allowed")


def service_channel_refused(message):
    return failure(message, f"403:{message['channel']}:Service channels are not supported")


# ---------------------------------------------------------------------------------------------
# /meta/handshake
# ---------------------------------------------------------------------------------------------


def handshake_error(message, transport):
    """Why a handshake cannot be accepted (version, connection types), else None."""
    version = message.get("version")
    if version is not None and not isinstance(version, str):
        return failure(message, "400::version must be a string", advice={"reconnect": "none"})
    types = message.get("supportedConnectionTypes")
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        return failure(
            message, "400::supportedConnectionTypes must be a list of strings", advice={"reconnect": "none"},
            version=VERSION, supportedConnectionTypes=list(CONNECTION_TYPES),
        )
    if transport not in types:
        return failure(
            message, f"406::{','.join(types)}:No supported connection type (this transport is {transport})",
            advice={"reconnect": "none"}, version=VERSION, supportedConnectionTypes=list(CONNECTION_TYPES),
        )
    return None


def handshake_refused(message, error, reconnect="none"):
    return failure(message, error, advice={"reconnect": reconnect, "interval": 0})


def handshake_accepted(message, client_id, advice, sequence, resync):
    ext = {"gws": {"sequence": sequence}}
    if resync:
        ext["gws"]["resync"] = True
    return {
        **success(message),
        "clientId": client_id,
        "version": VERSION,
        "supportedConnectionTypes": list(CONNECTION_TYPES),
        "advice": advice.as_dict(),
        "ext": ext,
    }


def resume_sequence(message):
    """The sequence number a re-handshaking client says it has seen (``ext.gws.sequence``)."""
    ext = message.get("ext")
    gws = ext.get("gws") if isinstance(ext, dict) else None
    sequence = gws.get("sequence") if isinstance(gws, dict) else None
    return sequence if isinstance(sequence, int) and not isinstance(sequence, bool) and sequence >= 0 else None


# ---------------------------------------------------------------------------------------------
# /meta/connect
# ---------------------------------------------------------------------------------------------


def connect_error(message, transport):
    connection_type = message.get("connectionType")
    if connection_type not in CONNECTION_TYPES:
        return failure(message, f"400:{_text(connection_type)}:Unknown connectionType")
    if connection_type != transport:
        return failure(message, f"400:{connection_type}:Wrong connectionType for this transport ({transport})")
    return None


def connect_reply(message, advice=None):
    reply = success(message)
    if advice is not None:
        reply["advice"] = advice
    return reply


def hold_seconds(message, advice):
    """How long to hold a connect: the server's timeout, or less if the client asks for less."""
    requested = message.get("advice", {}).get("timeout") if isinstance(message.get("advice"), dict) else None
    timeout = advice.timeout
    if isinstance(requested, (int, float)) and not isinstance(requested, bool) and 0 <= requested < timeout:
        timeout = requested
    return timeout / 1000


def resync_required(message):
    """The client missed messages no longer retained: it must handshake again and re-read state."""
    return failure(
        message, "410::Missed messages are no longer retained: handshake again and re-read state",
        advice=dict(HANDSHAKE_ADVICE), ext={"gws": {"resync": True}},
    )


# ---------------------------------------------------------------------------------------------
# /meta/subscribe, /meta/unsubscribe
# ---------------------------------------------------------------------------------------------


def subscription_list(message):
    """The channel names a subscribe or unsubscribe names, or None when it names none properly."""
    wanted = message.get("subscription")
    if isinstance(wanted, str):
        return [wanted]
    if isinstance(wanted, list) and wanted and all(isinstance(item, str) for item in wanted):
        return wanted
    return None


def subscribe(message, current, supervisor=False):
    """(reply, subscriptions after) for a subscribe request, given the current subscriptions;
    ``supervisor``: the user may watch its contact center's users (topics.may_subscribe)."""
    wanted = subscription_list(message)
    if wanted is None:
        return failure(message, "400::subscription must be a channel name or a list of them"), current
    for channel in wanted:
        if not topics.is_valid_channel(channel):
            return failure(message, f"400:{channel}:Invalid channel", subscription=message["subscription"]), current
        if not topics.may_subscribe(channel, supervisor):
            return failure(message, f"403:{channel}:Subscription denied", subscription=message["subscription"]), current
    after = list(dict.fromkeys([*current, *wanted]))
    return success(message, subscription=message["subscription"]), after


def unsubscribe(message, current):
    wanted = subscription_list(message)
    if wanted is None:
        return failure(message, "400::subscription must be a channel name or a list of them"), current
    after = [channel for channel in current if channel not in wanted]
    return success(message, subscription=message["subscription"]), after


# ---------------------------------------------------------------------------------------------
# Delivery
# ---------------------------------------------------------------------------------------------


def delivery(seq, channel, data):
    """A message as clients receive it: the document's shape plus the user's sequence number."""
    return {"channel": channel, "data": data, "ext": {"gws": {"sequence": seq}}}


def deliveries(entries, subscriptions):
    """Retained entries (seq, channel, data) -> the messages a client with these subscriptions gets."""
    return [delivery(seq, channel, data) for seq, channel, data in entries if topics.subscribed(subscriptions, channel)]
