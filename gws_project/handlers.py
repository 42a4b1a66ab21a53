"""
Django's ASGI handler, with each request's work done on a reused thread and no garbage left in
reference cycles.

Django runs a request's synchronous code (middleware, views, the ORM) in a thread of its own: a
``ThreadSensitiveContext`` per request, which makes a new single-thread executor, so a new thread
and, the ORM's connections being per thread, a new ``DatabaseWrapper`` (a reference cycle with its
``ops``, ``features``, ``client``...) for every request. And a finished request is kept alive by
cycles: the handler's frame and the ``RequestAborted`` its disconnect listener raises when the
server reports the finished response as a disconnect (daphne does); the request and its
middleware's objects (the lazy user, ``auser``, the messages storage).

Only the garbage collector frees objects in cycles, and under load they live long enough to be
moved to the oldest generation, whose collections visit every object of the process and stop its
event loop: 40-240 ms every half-minute in a daphne process serving 250 CometD clients
(bench/voice_calls.py, N=500), the p99 of the voice operations.

So this handler

- runs each request in a ``ThreadSensitiveContext`` over an executor taken from a pool of
  single-thread executors (asgiref's ``executor=`` argument: the caller owns it and may use it
  again), one request at a time per executor, as a threaded WSGI server reuses its threads: the
  thread and its database wrapper serve request after request;
- lets the disconnect listener return instead of raising (the handler ignores a disconnect after
  the response either way; before the response, its ending first still cancels the view);
- empties the request and the response once the response has been sent and closed, so that the
  cycles through them (a DRF response's ``renderer_context`` is another) hold nothing.
"""
import itertools
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

# Executors kept for later requests; a process serving more requests at once makes more, and
# shuts down those it cannot keep.
IDLE_EXECUTORS = 32

# The request and response of the request being handled, emptied once it is done.
_finished = ContextVar("gws_asgi_finished")


class GWSASGIHandler(ASGIHandler):
    def __init__(self):
        super().__init__()
        self._idle = []
        self._numbers = itertools.count(1)

    def _executor(self):
        if self._idle:
            return self._idle.pop()
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-request-{next(self._numbers)}")

    def _release(self, executor):
        if len(self._idle) < IDLE_EXECUTORS:
            self._idle.append(executor)
        else:
            executor.shutdown(wait=False)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        executor = self._executor()
        finished = []
        token = _finished.set(finished)
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            _finished.reset(token)
            # The executor is idle again: handle() waited for every task it started.
            self._release(executor)
            for done in finished:
                done.__dict__.clear()

    def create_request(self, scope, body_file):
        request, error_response = super().create_request(scope, body_file)
        if request is not None:
            _finished.get().append(request)
        return request, error_response

    async def run_get_response(self, request):
        response = await super().run_get_response(request)
        _finished.get().append(response)
        return response

    async def listen_for_disconnect(self, receive):
        message = await receive()
        if message["type"] != "http.disconnect":
            # What Django's own listener asserts: nothing else can come after the body.
            raise AssertionError(f"Invalid ASGI message after request body: {message['type']}")
