"""
``GET /api/v2/me`` answered on the server's event loop, over asynchronous database and Redis
drivers, when the request is the common one: an HTTP session whose user is logged in, with the
Basic header that opened it or the cookie alone. Everything else goes to Django unchanged.

Why. Agent desktops read ``/me?subresources=*`` to recover their state, and issue 2 asks that it be
served at half the rate of a plain Django view. Through Django it reaches 0.42 of it: Django runs
a request's synchronous code in a thread of its own, so the request crosses between the event loop
and that thread three times, and its three round trips (the session and its user, the CometD
sequence in Redis, the reads ahead) each hand the interpreter from one thread to the other
(bench/README.md, "sixth pass"). Django's ORM has no asynchronous driver (its async methods run
the synchronous ones in a thread), and DRF has no asynchronous views, so this is done here, by
hand, for this one read:

- the same SQL: the session-and-user query and the reads ahead are the project's prepared
  queries (gws_project/api/prepared.py), compiled by the ORM, run on psycopg's
  ``AsyncConnectionPool``; the sequence comes from the notification store's async API;
- the same checks as Django's ``auth.get_user`` and the API's authentication classes: the session
  names this user and the project's backend, its hash verifies with the current secret, the user
  is active and belongs to a contact center, a Basic header is the one verified on this session;
- the same answer: the resource's own rendering (``ME``, ``item_body``) on the rows read ahead, the
  API's JSON renderer, and the response headers set by Django's own response middleware functions
  (security, clickjacking, CORS) and sent by Django's ASGI handler.

Whenever any of that does not hold (no session, a password to check, a CORS request, a query the
resource refuses, a read the rendering needs that was not read ahead, SQLite...), nothing has been
sent yet and Django answers the request from the start, as it answers every other request.
tests/provisioning/test_event_loop_me.py compares the two answers, headers included.
"""
import asyncio
import io
import logging

from corsheaders.middleware import CorsMiddleware
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.exceptions import DisallowedHost, SynchronousOnlyOperation
from django.core.handlers.asgi import ASGIRequest
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.cookie import parse_cookie
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.crypto import constant_time_compare

from gws_project.api import csrf
from gws_project.api.authentication import _BACKEND, BASIC_FINGERPRINT_KEY, GWSModelBackend, _fingerprint
from gws_project.api.errors import GWSError
from gws_project.api.prepared import answering, batch, batch_answers
from gws_project.api.renderers import GWSJSONRenderer
from gws_project.api.resources import Context, item_body, parse_query
from gws_project.api.sessions import SESSION_AND_USER, SessionStore, user_from_row
from notifications.store import get_store

from ..resources import ME
from .views import MeView

logger = logging.getLogger(__name__)

PATH = "/api/v2/me"
# What Django's content negotiation (gws_project/api/negotiation.py) answers with JSON at once.
_JSON_ACCEPT = {None, b"*/*", b"application/json"}


def _allowed_methods():
    """DRF's Allow header of MeView (set up, a view also answers HEAD)."""
    view = MeView()
    view.setup(HttpRequest())
    return ", ".join(view.allowed_methods)


_ALLOW = _allowed_methods()


class EventLoopMe:
    """ASGI application: ``GET /api/v2/me`` on the event loop when it can, else ``django``."""

    def __init__(self, django):
        self.django = django
        self._pools = {}  # event loop -> AsyncConnectionPool
        self._enabled = None
        # The project's database connection, for its SQL, converters and settings only (no I/O is
        # made through it here); taken once, as every new context would make a new one.
        self._connection = None
        self._middleware = None  # the response middleware whose functions give the headers

    async def __call__(self, scope, receive, send):
        headers = self._served_headers(scope)
        if headers is not None:
            try:
                response = await self._answer(scope, headers)
            except (GWSError, DisallowedHost, SynchronousOnlyOperation, UnicodeDecodeError):
                response = None  # Django answers, with its errors and its own reads
            except Exception:  # noqa: BLE001 - nothing is sent yet: Django answers, and it is told
                logger.warning("GET %s on the event loop failed; Django answers it", PATH, exc_info=True)
                response = None
            if response is not None:
                await self._send(response, receive, send)
                return
        await self.django(scope, receive, send)

    def _served_headers(self, scope):
        """The request's headers if it is one to answer here, else None."""
        if self._enabled is None:
            self._enabled = (
                settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] == "django.db.backends.postgresql"
                # Settings under which Django's middleware would answer otherwise or save the session.
                and not (settings.SESSION_SAVE_EVERY_REQUEST or settings.PREPEND_WWW or settings.DISALLOWED_USER_AGENTS)
            )
        if not (self._enabled and scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == PATH):
            return None
        headers = dict(scope["headers"])
        if len(headers) != len(scope["headers"]) or b"origin" in headers:  # CORS is Django's (corsheaders)
            return None
        return headers if headers.get(b"accept") in _JSON_ACCEPT and b"cookie" in headers else None

    # -- the read ------------------------------------------------------------------------------

    async def _answer(self, scope, headers):
        """The response to send, or None when Django is to answer."""
        session_key = parse_cookie(headers[b"cookie"].decode("latin-1")).get(settings.SESSION_COOKIE_NAME)
        if not session_key:
            return None
        request = ASGIRequest(scope, io.BytesIO())
        params = QueryDict(request.META["QUERY_STRING"])
        if settings.REST_FRAMEWORK.get("URL_FORMAT_OVERRIDE", "format") in params:
            return None
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return None
        if self._connection is None:
            # Made, not looked up: ``connections[alias]`` would also keep it in this request's
            # context, to become garbage when the context goes.
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        connection = self._connection
        # Every request is a task with a context of its own, in which the ORM would make a new
        # connection object (a reference cycle, left to the garbage collector) the first time the
        # rendering names the database: it is given this one.
        connections[DEFAULT_DB_ALIAS] = connection
        pool = await self._pool(connection)
        async with pool.connection() as database:
            cursor = database.cursor()
            await cursor.execute(*SESSION_AND_USER.statement(connection, {"key": session_key, "now": timezone.now()}))
            rows = SESSION_AND_USER.convert(connection, await cursor.fetchall())
            if not rows:
                return None  # no such session, or expired
            session_data, *user_values = rows[0]
            if user_values[0] is None:
                return None  # nobody is logged in on it
            session = SessionStore(session_key)
            data = session.decode(session_data)
            user = user_from_row(user_values)
            if not self._authenticated(data, user, headers.get(b"authorization")):
                return None
            token = data.get(csrf.SESSION_KEY)
            if csrf.csrf_enabled() and token is None:
                return None  # Django's first authenticated GET makes it and saves the session
            query = parse_query(params, ME, plural=False)
            if query.fields is None:
                query.fields = "*"
            # As MeView.get: with subresources, the CometD sequence, read BEFORE the state.
            sequence = await get_store().last_seq(str(user.pk)) if "subresources" in params else None
            reads = list(ME.reads_ahead(user, query))
            results = []
            if reads:
                await cursor.execute(";\n".join(batch(connection, reads, cursor.mogrify)))
                results.append(await cursor.fetchall())
                while cursor.nextset():
                    results.append(await cursor.fetchall())
        request.user = user
        request.session = session
        with answering(batch_answers(connection, reads, results)):
            ME.prefetch_object(user, query)
            body = item_body(ME, user, query, Context(request))  # a read not read ahead: Django answers
        if sequence is not None:
            body["notificationSequence"] = sequence
        return self._response(request, body, token)

    @staticmethod
    def _authenticated(data, user, authorization):
        """What Django's auth.get_user and the API's authentication classes would conclude: this
        session's user, without a password to check or a session to change."""
        if str(data.get(SESSION_KEY)) != str(user.pk) or data.get(BACKEND_SESSION_KEY) != _BACKEND:
            return False
        session_hash = data.get(HASH_SESSION_KEY)
        if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
            return False  # Django flushes the session, or rotates it (a fallback secret)
        if not GWSModelBackend().user_can_authenticate(user) or user.contact_center_id is None:
            return False  # Django's backend refuses the user; the view refuses a user without one
        if authorization is not None:  # GWSBasicAuthentication: the header verified on this session
            return authorization.split(b" ", 1)[0].lower() == b"basic" and data.get(BASIC_FINGERPRINT_KEY) == _fingerprint(authorization)
        return True

    def _response(self, request, body, token):
        """The response with the headers Django's view and middleware give it, the middleware's in
        their order (settings.MIDDLEWARE, innermost first); those that add nothing to this
        response (sessions unchanged, no messages, no CSRF cookie, no static file) are left out."""
        response = HttpResponse(GWSJSONRenderer().render(body), content_type="application/json")
        response["Allow"] = _ALLOW  # DRF
        if csrf.csrf_enabled():  # GWSCsrfMiddleware
            response[csrf.HEADER_NAME] = token
            response["X-CSRF-HEADER"] = csrf.HEADER_NAME
        if self._middleware is None:  # they read their settings when made, as in Django's chain
            self._middleware = (XFrameOptionsMiddleware(_nothing), CorsMiddleware(_nothing), SecurityMiddleware(_nothing))
        clickjacking, cors, security = self._middleware
        clickjacking.process_response(request, response)
        response["Content-Length"] = str(len(response.content))  # CommonMiddleware
        patch_vary_headers(response, ("Cookie",))  # SessionMiddleware: the session was read
        cors.add_response_headers(request, response)  # no Origin: Vary only
        security.process_response(request, response)
        return response

    async def _send(self, response, receive, send):
        while (await receive()).get("more_body"):  # the (empty) body of the GET
            pass
        await self.django.send_response(response, send)

    # -- the connections -----------------------------------------------------------------------

    async def _pool(self, connection):
        """This event loop's pool of asynchronous connections (daphne runs one loop)."""
        loop = asyncio.get_running_loop()
        pool = self._pools.get(loop)
        if pool is None:
            from psycopg import AsyncClientCursor
            from psycopg_pool import AsyncConnectionPool

            params = {**connection.get_connection_params(), "cursor_factory": AsyncClientCursor, "autocommit": True}
            timezone_name = connection.timezone_name

            async def configure(database):
                # As Django's connections: the time zone of the project's timestamps.
                if timezone_name and database.info.parameter_status("TimeZone") != timezone_name:
                    await database.execute(connection.ops.set_time_zone_sql(), [timezone_name])

            pool = AsyncConnectionPool(
                kwargs=params, min_size=1, max_size=settings.GWS_EVENT_LOOP_POOL_SIZE,
                configure=configure, open=False, name="event-loop-me",
            )
            await pool.open()
            self._pools[loop] = pool
        return pool

    async def aclose(self):
        """Close this event loop's pool (tests, which run many loops)."""
        pool = self._pools.pop(asyncio.get_running_loop(), None)
        if pool is not None:
            await pool.close()

    def close(self, timeout=10):
        """Close the pools of every event loop still running, from another thread (the end of a
        test session, whose servers run in threads of its own; a server process's connections
        end with it)."""
        for loop, pool in list(self._pools.items()):
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(pool.close(), loop).result(timeout)
        self._pools.clear()


def _nothing(request):  # the get_response of the middleware whose process_response is used
    raise AssertionError("not called")
