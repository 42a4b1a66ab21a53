"""The Bayeux protocol and topic rules as pure functions: no database, no sockets."""
import pytest

from notifications import bayeux, topics

ADVICE = bayeux.Advice(timeout=30000, interval=0, max_interval=10000)


# --- parsing ---------------------------------------------------------------------------------


def test_a_single_message_object_is_a_batch_of_one():
    assert bayeux.parse_batch('{"channel": "/meta/handshake"}') == [{"channel": "/meta/handshake"}]


def test_an_array_is_a_batch_in_order():
    assert bayeux.parse_batch(b'[{"channel": "/a"}, {"channel": "/b"}]') == [{"channel": "/a"}, {"channel": "/b"}]


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe", "", "[]", "42", '"text"', "null"])
def test_malformed_bodies_are_refused_with_a_bayeux_error(body):
    with pytest.raises(bayeux.MalformedBatch) as caught:
        bayeux.parse_batch(body)
    reply = bayeux.malformed_reply(caught.value)
    assert reply["successful"] is False and reply["error"].startswith("400:")
    assert reply["channel"] == bayeux.UNKNOWN_CHANNEL


@pytest.mark.parametrize("message", [42, "x", None, {}, {"channel": 5}, {"channel": "no-slash"}, {"channel": "/a//b"}, {"channel": "/a/*/b"}])
def test_messages_without_a_usable_channel_get_an_error_reply(message):
    reply = bayeux.check(message)
    assert reply["successful"] is False and reply["error"].startswith("400:")


def test_a_message_with_a_channel_passes_the_check():
    assert bayeux.check({"channel": "/meta/connect"}) is None


# --- replies echo id and clientId --------------------------------------------------------------


def test_replies_echo_channel_id_and_client_id():
    reply = bayeux.success({"channel": "/meta/subscribe", "id": "7", "clientId": "c1", "ext": {"x": 1}})
    assert reply == {"channel": "/meta/subscribe", "id": "7", "clientId": "c1", "successful": True}


def test_unknown_client_advises_handshake():
    reply = bayeux.unknown_client({"channel": "/meta/connect", "clientId": "stale", "id": "3"})
    assert reply["error"] == "402::Unknown client"
    assert reply["advice"] == {"reconnect": "handshake", "interval": 0}
    assert reply["successful"] is False and reply["id"] == "3"


# --- handshake ---------------------------------------------------------------------------------


def test_handshake_accepted_offers_both_transports_and_advice():
    reply = bayeux.handshake_accepted(
        {"channel": "/meta/handshake", "id": "1", "version": "1.0"}, "abc", ADVICE, sequence=4, resync=False
    )
    assert reply["clientId"] == "abc" and reply["successful"] is True and reply["version"] == "1.0"
    assert reply["supportedConnectionTypes"] == ["websocket", "long-polling"]
    assert reply["advice"] == {"reconnect": "retry", "interval": 0, "timeout": 30000, "maxInterval": 10000}
    assert reply["ext"] == {"gws": {"sequence": 4}}


@pytest.mark.parametrize(
    "message, code",
    [
        ({"channel": "/meta/handshake"}, "400"),
        ({"channel": "/meta/handshake", "supportedConnectionTypes": "websocket"}, "400"),
        ({"channel": "/meta/handshake", "supportedConnectionTypes": ["callback-polling"]}, "406"),
        ({"channel": "/meta/handshake", "supportedConnectionTypes": ["websocket"], "version": 1}, "400"),
    ],
)
def test_handshake_errors(message, code):
    reply = bayeux.handshake_error(message, bayeux.WEBSOCKET)
    assert reply["error"].startswith(code + ":") and reply["successful"] is False


def test_handshake_over_the_transport_it_lists_is_fine():
    assert bayeux.handshake_error({"channel": "/meta/handshake", "supportedConnectionTypes": ["long-polling"]}, "long-polling") is None


@pytest.mark.parametrize("ext, expected", [({"gws": {"sequence": 5}}, 5), ({"gws": {"sequence": -1}}, None), ({"gws": {"sequence": True}}, None), ("x", None), (None, None)])
def test_resume_sequence_from_handshake_ext(ext, expected):
    assert bayeux.resume_sequence({"channel": "/meta/handshake", "ext": ext}) == expected


# --- connect -----------------------------------------------------------------------------------


@pytest.mark.parametrize("connection_type", [None, "callback-polling", "long-polling"])
def test_connect_needs_this_transports_connection_type(connection_type):
    reply = bayeux.connect_error({"channel": "/meta/connect", "connectionType": connection_type}, "websocket")
    assert reply["error"].startswith("400:")


def test_hold_time_is_the_advised_timeout_or_less_if_the_client_asks():
    assert bayeux.hold_seconds({"channel": "/meta/connect"}, ADVICE) == 30
    assert bayeux.hold_seconds({"channel": "/meta/connect", "advice": {"timeout": 0}}, ADVICE) == 0
    assert bayeux.hold_seconds({"channel": "/meta/connect", "advice": {"timeout": 99999}}, ADVICE) == 30
    assert bayeux.hold_seconds({"channel": "/meta/connect", "advice": "x"}, ADVICE) == 30


def test_resync_tells_the_client_to_handshake_and_reread_state():
    reply = bayeux.resync_required({"channel": "/meta/connect", "clientId": "c"})
    assert reply["advice"]["reconnect"] == "handshake" and reply["ext"] == {"gws": {"resync": True}}


# --- subscribe / unsubscribe ---------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["/v2/me/devices", "/v2/me/calls", "/notifications/services", "/v2/me/*", "/v2/me/**"])
def test_subscribing_to_entitled_channels(channel):
    reply, after = bayeux.subscribe({"channel": "/meta/subscribe", "subscription": channel}, [])
    assert reply["successful"] is True and reply["subscription"] == channel and after == [channel]


@pytest.mark.parametrize("channel", ["/v2/users/42/devices", "/**", "/*", "/v2/*", "/meta/connect", "/v2/me/devices/x"])
def test_subscribing_elsewhere_is_denied(channel):
    reply, after = bayeux.subscribe({"channel": "/meta/subscribe", "subscription": channel}, ["/v2/me/calls"])
    assert reply["successful"] is False and reply["error"] == f"403:{channel}:Subscription denied"
    assert after == ["/v2/me/calls"]


@pytest.mark.parametrize("subscription", [None, 5, [], ["/v2/me/calls", 3]])
def test_subscription_must_be_channel_names(subscription):
    reply, _ = bayeux.subscribe({"channel": "/meta/subscribe", "subscription": subscription}, [])
    assert reply["error"].startswith("400:")


def test_subscribe_to_several_at_once_is_all_or_nothing():
    reply, after = bayeux.subscribe({"channel": "/meta/subscribe", "subscription": ["/v2/me/calls", "/secret"]}, [])
    assert reply["successful"] is False and after == []
    reply, after = bayeux.subscribe({"channel": "/meta/subscribe", "subscription": ["/v2/me/calls", "/v2/me/calls"]}, [])
    assert reply["successful"] is True and after == ["/v2/me/calls"]


def test_unsubscribe_removes_only_what_is_named():
    reply, after = bayeux.unsubscribe({"channel": "/meta/unsubscribe", "subscription": "/v2/me/*"}, ["/v2/me/*", "/notifications/services"])
    assert reply["successful"] is True and after == ["/notifications/services"]


# --- delivery ------------------------------------------------------------------------------------


def test_delivery_keeps_the_document_shape_and_numbers_it():
    assert bayeux.delivery(9, "/v2/me/calls", {"messageType": "CallStateChangeMessage"}) == {
        "channel": "/v2/me/calls", "data": {"messageType": "CallStateChangeMessage"}, "ext": {"gws": {"sequence": 9}}
    }


def test_deliveries_follow_subscriptions_and_wildcards():
    entries = [(1, "/v2/me/devices", {"messageType": "A"}), (2, "/v2/me/calls", {"messageType": "B"}), (3, "/notifications/services", {"messageType": "C"})]
    assert [m["data"]["messageType"] for m in bayeux.deliveries(entries, ["/v2/me/*"])] == ["A", "B"]
    assert [m["data"]["messageType"] for m in bayeux.deliveries(entries, ["/v2/me/calls", "/notifications/**"])] == ["B", "C"]
    assert bayeux.deliveries(entries, []) == []


@pytest.mark.parametrize(
    "pattern, channel, expected",
    [
        ("/v2/me/*", "/v2/me/devices", True),
        ("/v2/me/*", "/v2/me/devices/x", False),
        ("/v2/me/**", "/v2/me/devices/x", True),
        ("/v2/me/**", "/v2/me", False),
        ("/v2/me/*", "/v2/me", False),
        ("/v2/me/devices", "/v2/me/devices", True),
        ("/v2/me/devices", "/v2/me/calls", False),
        ("/notifications/*", "/notifications/services", True),
    ],
)
def test_wildcard_matching(pattern, channel, expected):
    assert topics.matches(pattern, channel) is expected


@pytest.mark.parametrize("user_id", ["a.b", "x y", "", "é", "a" * 65])
def test_group_names_are_safe_for_the_channel_layer(user_id):
    with pytest.raises(ValueError):
        topics.user_group(user_id)
    assert topics.user_group("71b80cf677564a0daf1900d057768a35") == "gws.user.71b80cf677564a0daf1900d057768a35"
