"""CometD over HTTP long-polling, in process: the ASGI transport with the real session middleware."""
import asyncio

import pytest
from asgiref.sync import async_to_sync

from notifications import publish as notify
from tests.conftest import GWSClient

from .conftest import auth_headers, handshake, long_poll

pytestmark = pytest.mark.django_db(transaction=True)

ACCESS = "/api/v2/settings/access-control"


def run(coroutine_function):
    return async_to_sync(coroutine_function)()


async def start(headers, subscription="/v2/me/*"):
    status, [reply], _ = await long_poll([handshake("long-polling")], headers, "/handshake")
    assert status == 200 and reply["successful"], reply
    client_id = reply["clientId"]
    _, [connected], _ = await long_poll([connect(client_id)], headers, "/connect")
    assert connected["successful"], connected
    if subscription:
        _, [subscribed], _ = await long_poll(
            [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": subscription}], headers, "/subscribe"
        )
        assert subscribed["successful"], subscribed
    return client_id


def connect(client_id, **fields):
    return {"channel": "/meta/connect", "clientId": client_id, "connectionType": "long-polling", **fields}


def test_held_poll_returns_a_published_message_with_the_connect_reply(agent, cometd_settings):
    async def scenario():
        headers = auth_headers(agent.user_name)
        client_id = await start(headers)
        poll = asyncio.ensure_future(long_poll([connect(client_id, id="p")], headers, "/connect"))
        await asyncio.sleep(0.1)
        assert not poll.done()  # held
        await notify.apublish(agent.pk, "/v2/me/devices", {"messageType": "DeviceStateChangeMessage", "devices": []})
        status, body, _ = await poll
        assert status == 200
        message, reply = body
        assert message["channel"] == "/v2/me/devices" and message["data"]["messageType"] == "DeviceStateChangeMessage"
        assert reply == {"channel": "/meta/connect", "id": "p", "clientId": client_id, "successful": True,
                         "advice": {"reconnect": "retry", "interval": 0, "timeout": 400, "maxInterval": 2000}}

    run(scenario)


def test_held_poll_ends_after_the_timeout_with_only_the_reply(agent, cometd_settings):
    async def scenario():
        headers = auth_headers(agent.user_name)
        client_id = await start(headers)
        status, [reply], _ = await long_poll([connect(client_id)], headers)
        assert status == 200 and reply["successful"] and reply["channel"] == "/meta/connect"

    run(scenario)


def test_messages_published_between_polls_come_with_the_next_poll(agent, cometd_settings):
    async def scenario():
        headers = auth_headers(agent.user_name)
        client_id = await start(headers)
        for number in range(3):
            await notify.apublish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage", "n": number})
        _, body, _ = await long_poll([connect(client_id)], headers)
        assert [m["data"]["n"] for m in body[:-1]] == [0, 1, 2] and body[-1]["channel"] == "/meta/connect"
        _, body, _ = await long_poll([connect(client_id)], headers)
        assert len(body) == 1  # nothing twice

    run(scenario)


def test_malformed_json_is_a_400_with_a_bayeux_error(agent, cometd_settings):
    async def scenario():
        status, [reply], _ = await long_poll(b"{oops", auth_headers(agent.user_name))
        assert status == 400 and reply["successful"] is False and reply["error"].startswith("400::Malformed JSON")

    run(scenario)


def test_unauthenticated_handshake_is_a_bayeux_error(agent, cometd_settings):
    async def scenario():
        for headers in ([], auth_headers(agent.user_name, "wrong")):
            status, [reply], _ = await long_poll([handshake("long-polling")], headers, "/handshake")
            assert status == 200 and reply["successful"] is False and reply["error"].startswith("401::")

    run(scenario)


def test_failures_in_one_batch_do_not_stop_the_others(agent, cometd_settings):
    async def scenario():
        headers = auth_headers(agent.user_name)
        client_id = await start(headers, subscription=None)
        _, replies, _ = await long_poll([
            {"channel": "/meta/subscribe", "subscription": "/v2/me/calls", "id": "1"},
            {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/other", "id": "2"},
            {"channel": "/meta/nope", "clientId": client_id, "id": "3"},
            {"channel": "/v2/me/calls", "clientId": client_id, "data": {}, "id": "4"},
            {"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/calls", "id": "5"},
        ], headers)
        assert [(r["id"], r["successful"], r.get("error", "")[:3]) for r in replies] == [
            ("1", False, "402"), ("2", False, "403"), ("3", False, "400"), ("4", False, "403"), ("5", True, ""),
        ]

    run(scenario)


def test_other_methods_and_urls(agent, cometd_settings):
    from channels.testing import HttpCommunicator

    from .conftest import application

    async def scenario():
        response = await HttpCommunicator(application(), "GET", "/api/v2/notifications").get_response()
        assert response["status"] == 405 and b'"statusCode": 3' in response["body"]
        status, body, _ = await long_poll([handshake("long-polling")], auth_headers(agent.user_name), "/elsewhere")
        assert status == 404 and body["statusCode"] == 6

    run(scenario)


def test_basic_opens_a_session_that_the_cookie_then_carries(agent, cometd_settings):
    async def scenario():
        status, [reply], headers = await long_poll([handshake("long-polling")], auth_headers(agent.user_name))
        cookie = headers[b"set-cookie"].decode().split(";")[0]
        assert cookie.startswith("JSESSIONID=") and reply["successful"]
        _, [reply], _ = await long_poll([connect(reply["clientId"])], [(b"cookie", cookie.encode())])
        assert reply["successful"] is True

    run(scenario)


def test_csrf_token_is_checked_on_handshake(agent, cometd_settings, settings):
    settings.GWS_CSRF_ENABLED = True
    client = GWSClient(agent.user_name)
    cookie = (b"cookie", f"JSESSIONID={client.cookies['JSESSIONID'].value}".encode())

    async def scenario():
        _, [reply], _ = await long_poll([handshake("long-polling")], [cookie])
        assert reply["error"].startswith("403::Expected CSRF token")
        _, [reply], _ = await long_poll([handshake("long-polling")], [cookie, (b"x-csrf-token", b"forged")])
        assert reply["error"].startswith("403::Invalid CSRF token")
        _, [reply], _ = await long_poll([handshake("long-polling")], [cookie, (b"x-csrf-token", client.csrf_token.encode())])
        assert reply["successful"] is True
        # connects are not CSRF-checked: the clientId is the secret
        _, [reply], _ = await long_poll([connect(reply["clientId"])], [cookie])
        assert reply["successful"] is True

    run(scenario)


def _cors(headers):
    return {key.decode().lower(): value.decode() for key, value in headers.items() if key.decode().lower().startswith("access-control-")}


def test_preflight_is_answered_like_the_rest_of_the_api(admin_client, client, cometd_settings):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://*.genhtcc.com"]})
    origin = "https://desk.genhtcc.com"
    request_headers = {"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type,x-csrf-token"}
    api = client.options("/api/v2/me", headers=request_headers)
    expected = {key.lower(): value for key, value in api.headers.items() if key.lower().startswith("access-control-")}
    assert expected["access-control-allow-origin"] == origin

    from channels.testing import HttpCommunicator

    from .conftest import application

    async def scenario(origin):
        headers = [(b"origin", origin.encode()), (b"access-control-request-method", b"POST")]
        response = await HttpCommunicator(application(), "OPTIONS", "/api/v2/notifications/handshake", headers=headers).get_response()
        assert response["status"] == 200
        return _cors(dict(response["headers"]))

    assert async_to_sync(scenario)(origin) == expected
    assert async_to_sync(scenario)("https://evil.example.com") == {}


def test_cors_headers_on_answers_follow_the_users_contact_center(agent, foreign_admin, cometd_settings):
    GWSClient(foreign_admin.user_name).post(ACCESS, {"name": "allowedOrigins", "value": ["https://bluejays.example.com"]})
    origin = (b"origin", b"https://bluejays.example.com")

    async def scenario():
        _, _, ours = await long_poll([handshake("long-polling")], [*auth_headers(agent.user_name), origin])
        _, _, theirs = await long_poll([handshake("long-polling")], [*auth_headers(foreign_admin.user_name), origin])
        return _cors(ours), _cors(theirs)

    ours, theirs = async_to_sync(scenario)()
    assert ours == {}
    assert theirs["access-control-allow-origin"] == "https://bluejays.example.com"
    assert "X-CSRF-TOKEN" in theirs["access-control-expose-headers"]


def test_later_requests_with_the_handshake_credentials_skip_the_database(agent, supervisor, cometd_settings, django_assert_num_queries):
    headers = auth_headers(agent.user_name)
    client_id = async_to_sync(start)(headers, None)
    subscribe = [{"channel": "/meta/subscribe", "clientId": client_id, "subscription": "/v2/me/*"}]
    with django_assert_num_queries(0):
        _, [reply], _ = async_to_sync(long_poll)(subscribe, headers)
    assert reply["successful"] is True

    async def scenario():
        # other credentials are checked against the user who owns the clientId
        _, [reply], _ = await long_poll([connect(client_id)], auth_headers(supervisor.user_name))
        assert reply["error"] == "402::Unknown client"
        _, [reply], _ = await long_poll([connect(client_id)], auth_headers(agent.user_name, "wrong"))
        assert reply["error"] == "402::Unknown client"
        _, [reply], _ = await long_poll([connect(client_id)], [])
        assert reply["error"] == "402::Unknown client"

    run(scenario)


def test_configured_wildcard_origin_is_allowed_like_on_the_rest_of_the_api(agent, cometd_settings, settings):
    # GWS_CORS_ALLOWED_ORIGINS may hold wildcards; the long-polling transport decides as /api does.
    settings.CORS_ALLOWED_ORIGINS = ["https://*.desktops.example.com"]
    origin = (b"origin", b"https://team1.desktops.example.com")

    async def scenario():
        _, _, headers = await long_poll([handshake("long-polling")], [*auth_headers(agent.user_name), origin])
        return _cors(headers)

    assert async_to_sync(scenario)()["access-control-allow-origin"] == "https://team1.desktops.example.com"
