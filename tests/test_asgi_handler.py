"""The project's ASGI handler (gws_project/handlers.py): requests on reused threads, and nothing
left for the garbage collector when a request is done; the server's start-up objects frozen."""
import asyncio
import gc
import threading

import pytest
from django.core.signals import request_finished
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.views import APIView

from gws_project.handlers import GWSASGIHandler
from gws_project.startup import freeze_startup_objects
from tests.conftest import PASSWORD, basic

pytestmark = pytest.mark.django_db(transaction=True)


async def get(handler, path, *, authorization=None, before_body=None):
    """One GET through the handler, the way daphne speaks ASGI: the body, then, once the response
    is complete, a disconnect. ``before_body`` is awaited before the body is given."""
    path, _, query = path.partition("?")
    headers = [(b"host", b"testserver")]
    if authorization:
        headers.append((b"authorization", authorization.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }
    complete = asyncio.Event()
    sent = []

    async def receive():
        if not sent:
            sent.append("body")
            if before_body is not None:
                await before_body
            return {"type": "http.request", "body": b"", "more_body": False}
        await complete.wait()
        return {"type": "http.disconnect"}

    response = {}

    async def send(message):
        if message["type"] == "http.response.start":
            response["status"] = message["status"]
        elif not message.get("more_body"):
            complete.set()

    await handler(scope, receive, send)
    return response["status"]


@pytest.fixture
def finishing_threads():
    """The names of the threads that finish requests (Django's request_finished runs there)."""
    names = []

    def record(**kwargs):
        names.append(threading.current_thread().name)

    request_finished.connect(record)
    yield names
    request_finished.disconnect(record)


def test_sequential_requests_run_on_one_reused_thread(finishing_threads):
    handler = GWSASGIHandler()

    async def three():
        return [await get(handler, "/api/v2/diagnostics/version") for _ in range(3)]

    assert asyncio.run(three()) == [200, 200, 200]
    assert len(finishing_threads) == 3
    assert len(set(finishing_threads)) == 1
    assert finishing_threads[0].startswith("django-request")


def test_concurrent_requests_get_threads_of_their_own_which_are_kept(finishing_threads):
    handler = GWSASGIHandler()

    async def overlapping():
        loop = asyncio.get_running_loop()
        second_done = loop.create_future()
        # The first request holds its thread until the second has been answered.
        first = asyncio.create_task(get(handler, "/api/v2/diagnostics/version", before_body=second_done))
        await asyncio.sleep(0)
        second = await get(handler, "/api/v2/diagnostics/version")
        second_done.set_result(None)
        statuses = [await first, second]
        statuses.append(await get(handler, "/api/v2/diagnostics/version"))
        return statuses

    assert asyncio.run(overlapping()) == [200, 200, 200]
    second, first, third = finishing_threads
    assert first != second
    assert third in (first, second)


def test_a_finished_request_leaves_nothing_in_reference_cycles(agent):
    """Django and DRF tie a request's objects together in cycles; the handler unties them, and the
    request's thread keeps its database connection object, so that nothing of a request waits
    for the garbage collector (bench/voice_calls.py: its full collections were the p99)."""
    handler = GWSASGIHandler()
    authorization = basic(agent.user_name, PASSWORD)

    async def requests():
        statuses = []
        for path in ("/api/v2/me", "/api/v2/diagnostics/version", "/api/v2/me/devices", "/api/v2/me?subresources=*"):
            statuses.append(await get(handler, path, authorization=authorization))
        return statuses

    asyncio.run(requests())  # the first requests make the session, the thread, its connection
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        assert asyncio.run(requests()) == [200, 200, 200, 200]
        gc.collect()
        kept = [o for o in gc.garbage if isinstance(o, (HttpRequest, HttpResponseBase, APIView, BaseDatabaseWrapper, BaseException))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert kept == []


def test_the_disconnect_after_the_response_is_no_exception():
    handler = GWSASGIHandler()

    async def listen(message):
        async def receive():
            return message

        return await handler.listen_for_disconnect(receive)

    assert asyncio.run(listen({"type": "http.disconnect"})) is None
    with pytest.raises(AssertionError, match="after request body"):
        asyncio.run(listen({"type": "http.request", "body": b""}))


def test_start_up_objects_are_frozen_out_of_collections():
    thresholds = gc.get_threshold()
    gc.unfreeze()  # whatever importing gws_project.asgi froze in this test process
    gc.set_threshold(700, 10, 10)  # Python's defaults
    try:
        freeze_startup_objects()
        # The modules, classes and URL patterns of a loaded project: far more than a bare Python.
        assert gc.get_freeze_count() > 50_000
        assert gc.get_threshold()[0] > 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
