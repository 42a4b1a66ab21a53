"""GET /api/v2/me answered on the event loop (provisioning/api/event_loop_me.py): for the requests
it serves, the same status, headers and bytes as Django's answer; everything else is Django's."""
import asyncio
import json

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import Client

from gws_project.handlers import GWSASGIHandler
from provisioning import services
from provisioning.api.event_loop_me import EventLoopMe
from provisioning.resources import MeResource
from tests.conftest import PASSWORD, basic

pytestmark = pytest.mark.django_db(transaction=True)
# Where the event loop answers (asynchronous reads need PostgreSQL's driver). On SQLite, the
# embedded default, every request goes to Django: the same tests check that it does, and that the
# answers are Django's all the same.
ON_THE_LOOP = connection.vendor == "postgresql"


def handed_to_django(requests):
    """How many of that many served requests Django answers here."""
    return 0 if ON_THE_LOOP else requests


# Django's handlers, one for the whole module: a handler keeps its request threads (and their
# connection objects) until it is collected, which would leave garbage for later tests to find.
DJANGO = GWSASGIHandler()
REFERENCE = GWSASGIHandler()


class Recording:
    """Django's handler, counting the requests handed to it."""

    def __init__(self):
        self.handler = DJANGO
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await self.handler(scope, receive, send)

    async def send_response(self, response, send):
        await self.handler.send_response(response, send)


async def call(app, path, headers=(), method="GET"):
    """One request through an ASGI application as daphne sends it: (status, headers, body)."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [*([] if any(name == b"host" for name, _ in headers) else [(b"host", b"testserver")]), *headers], "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }
    complete = asyncio.Event()
    asked = []
    response = {"body": b""}

    async def receive():
        if not asked:
            asked.append(1)
            return {"type": "http.request", "body": b"", "more_body": False}
        await complete.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
            response["headers"] = {name.decode().lower(): value.decode() for name, value in message["headers"]}
        else:
            response["body"] += message.get("body", b"")
            if not message.get("more_body"):
                complete.set()

    await app(scope, receive, send)
    return response["status"], response["headers"], response["body"]


@pytest.fixture
def desk(admin, agent):
    """The agent with a device and two skills, logged in with Basic: its session cookie."""
    services.create_device(admin, {"phoneNumber": "5077"}, user=agent)
    for name, level in (("Sales", 3), ("Support", 7)):
        services.assign_skill(admin, agent, services.create_skill(admin, {"name": name}), level)
    client = Client()
    assert client.get("/api/v2/me", headers={"Authorization": basic(agent.user_name)}).status_code == 200
    return {"cookie": f"JSESSIONID={client.cookies['JSESSIONID'].value}".encode(), "basic": basic(agent.user_name).encode(), "user": agent}


def run(scenario):
    """Run ``scenario(fast, django)`` on one event loop, closing the loop's connections after."""
    fast_django = Recording()
    fast = EventLoopMe(fast_django)
    reference = REFERENCE

    async def main():
        try:
            return await scenario(fast, fast_django, reference)
        finally:
            await fast.aclose()

    return async_to_sync(main)()


SERVED = {
    "Basic and the cookie, all subresources": ("/api/v2/me?subresources=*", True, []),
    "the cookie alone": ("/api/v2/me", False, []),
    "some subresources": ("/api/v2/me?subresources=devices,skills", False, []),
    "some fields": ("/api/v2/me?fields=id,userName,roles&subresources=skills", True, []),
    "asking for JSON": ("/api/v2/me?subresources=*", True, [(b"accept", b"application/json")]),
    "any media type": ("/api/v2/me", True, [(b"accept", b"*/*")]),
}


@pytest.mark.parametrize("path, with_basic, extra", SERVED.values(), ids=SERVED.keys())
def test_served_on_the_event_loop_with_djangos_answer(desk, path, with_basic, extra):
    headers = [(b"cookie", desk["cookie"]), *extra] + ([(b"authorization", desk["basic"])] if with_basic else [])

    async def scenario(fast, fast_django, reference):
        return await call(fast, path, headers), fast_django.calls, await call(reference, path, headers)

    served, delegated, django = run(scenario)
    assert delegated == handed_to_django(1)
    assert served[0] == 200 and served == django  # status, every header, the same bytes


DELEGATED = {
    "no session yet (Basic alone)": ("/api/v2/me", lambda d: [(b"authorization", d["basic"])], 200),
    "another password than the session's": ("/api/v2/me", lambda d: [(b"cookie", d["cookie"]), (b"authorization", basic(d["user"].user_name, "wrong").encode())], 401),
    "an unknown session": ("/api/v2/me", lambda d: [(b"cookie", b"JSESSIONID=nosuchsession")], 401),
    "a CORS request": ("/api/v2/me", lambda d: [(b"cookie", d["cookie"]), (b"origin", b"https://desk.example.com")], 200),
    "another media type": ("/api/v2/me", lambda d: [(b"cookie", d["cookie"]), (b"accept", b"text/html")], 406),
    "a subresource that does not exist": ("/api/v2/me?subresources=nonsense", lambda d: [(b"cookie", d["cookie"])], 400),
    "a format override": ("/api/v2/me?format=json", lambda d: [(b"cookie", d["cookie"])], 200),
    "a host that is not allowed": ("/api/v2/me", lambda d: [(b"cookie", d["cookie"]), (b"host", b"evil.example.com")], 400),
    "another path": ("/api/v2/me/skills", lambda d: [(b"cookie", d["cookie"])], 200),
}


@pytest.mark.parametrize("path, headers, status", DELEGATED.values(), ids=DELEGATED.keys())
def test_everything_else_is_djangos(desk, path, headers, status):
    made = headers(desk)

    async def scenario(fast, fast_django, reference):
        return await call(fast, path, made), fast_django.calls

    (answered, _, _), delegated = run(scenario)
    assert delegated == 1 and answered == status


def test_a_head_request_is_djangos(desk):
    async def scenario(fast, fast_django, reference):
        return await call(fast, "/api/v2/me", [(b"cookie", desk["cookie"])], method="HEAD"), fast_django.calls

    (status, _, _), delegated = run(scenario)
    assert (status, delegated) == (200, 1)


@pytest.mark.parametrize("change", ["disabled", "new password", "no CSRF token yet"])
def test_a_session_django_would_refuse_or_change_is_djangos(desk, change):
    # given a session on which /me is served on the event loop
    user = desk["user"]

    async def served(fast, fast_django, reference):
        await call(fast, "/api/v2/me", [(b"cookie", desk["cookie"])])
        return fast_django.calls

    assert run(served) == handed_to_django(1)
    # when its user is disabled, its password changes, or it has no CSRF token
    if change == "disabled":
        user.is_active = False
        user.save()
    elif change == "new password":
        user.set_password("another-" + PASSWORD)
        user.save()
    else:
        from django.contrib.sessions.backends.db import SessionStore as DjangoStore

        from provisioning.models import HttpSession

        session = HttpSession.objects.get(session_key=desk["cookie"].split(b"=")[1].decode())
        data = DjangoStore().decode(session.session_data)
        del data["gws_csrf_token"]
        session.session_data = DjangoStore().encode(data)
        session.save()

    async def scenario(fast, fast_django, reference):
        return await call(fast, "/api/v2/me", [(b"cookie", desk["cookie"])]), fast_django.calls

    (status, headers, _), delegated = run(scenario)
    # then Django answers: 401 for a user it no longer lets in, a new token otherwise
    assert delegated == 1
    if change == "no CSRF token yet":
        assert status == 200 and headers["x-csrf-token"]
    else:
        assert status == 401


def test_a_read_the_rendering_needs_and_was_not_read_ahead_is_djangos(desk, monkeypatch):
    # The rendering runs on the event loop: a query it would make there is refused by Django
    # (SynchronousOnlyOperation) before anything is sent, and Django answers instead.
    monkeypatch.setattr(MeResource, "reads_ahead", lambda self, user, query: [])

    async def scenario(fast, fast_django, reference):
        return await call(fast, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])]), fast_django.calls, \
            await call(reference, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])])

    answered, delegated, django = run(scenario)
    assert delegated == 1 and answered == django and answered[0] == 200


def test_the_sequence_is_the_one_django_reports(desk):
    from notifications.publish import publish

    user = desk["user"]
    for _ in range(3):
        publish(user.pk, "/v2/me/devices", {"messageType": "DeviceStateChangeMessage", "devices": []})

    async def scenario(fast, fast_django, reference):
        return await call(fast, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])]), fast_django.calls

    (status, _, body), delegated = run(scenario)
    assert (status, delegated) == (200, handed_to_django(1)) and json.loads(body)["notificationSequence"] >= 3


def test_an_unexpected_failure_before_anything_is_sent_is_logged_and_djangos(desk, monkeypatch, caplog):
    import provisioning.api.event_loop_me as module

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(module, "item_body", broken)

    async def scenario(fast, fast_django, reference):
        return await call(fast, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])]), fast_django.calls

    (status, _, body), delegated = run(scenario)
    assert (status, delegated) == (200, 1) and json.loads(body)["user"]["id"] == desk["user"].pk
    # told where it was tried (on SQLite Django answers from the start: nothing failed)
    assert ("Django answers it" in caplog.text and "a bug" in caplog.text) is ON_THE_LOOP


def test_a_served_request_leaves_nothing_in_reference_cycles(desk, monkeypatch):
    """As for Django's requests (tests/test_asgi_handler.py): nothing of a request waits for the
    garbage collector, whose full collections stop the event loop (bench/voice_calls.py). The ORM
    would make a connection object (a cycle) in each request's context; none is made."""
    import gc
    import threading

    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

    made_here = []  # connection objects made on this thread (other threads run other servers)
    original = BaseDatabaseWrapper.__init__

    def counting(self, *args, **kwargs):
        if threading.current_thread() is loop_thread:
            made_here.append(1)
        original(self, *args, **kwargs)

    async def scenario(fast, fast_django, reference):
        # The pool and its connection, in a task of its own, as daphne runs each request.
        await asyncio.create_task(call(fast, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])]))
        monkeypatch.setattr(BaseDatabaseWrapper, "__init__", counting)
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            for _ in range(3):
                answer = await asyncio.create_task(call(fast, "/api/v2/me?subresources=*", [(b"cookie", desk["cookie"])]))
                assert answer[0] == 200
            gc.collect()
            kept = [o for o in gc.garbage if isinstance(o, (HttpRequest, HttpResponseBase, BaseException))]
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        return kept, fast_django.calls

    loop_thread = None

    async def on_the_loop(fast, fast_django, reference):
        nonlocal loop_thread
        loop_thread = threading.current_thread()
        return await scenario(fast, fast_django, reference)

    kept, delegated = run(on_the_loop)
    assert (kept, made_here, delegated) == ([], [], handed_to_django(4))
