"""
Who is on the other end of a CometD transport: the same rules as the REST API
(``gws_project/api/authentication.py``, ``gws_project/api/csrf.py``), read from an ASGI scope
because the transports are not Django views (a waiting long poll must hold no thread).

- HTTP Basic when an Authorization header is sent (a wrong password means anonymous, even with
  a valid cookie, as on the REST API); over HTTP it logs the user into the session, so the
  ``JSESSIONID`` cookie works afterwards; the same header on the same session skips the
  password hash (the keyed fingerprint of ``GWSBasicAuthentication``).
- Otherwise the session cookie.
- CSRF (when enabled), checked on handshake: the session's GWS token in the ``X-CSRF-TOKEN``
  header of the request (long-polling, or the WebSocket upgrade), or, because browsers cannot
  add headers to a WebSocket upgrade, in the handshake message as ``ext.gws.csrfToken``.
"""
import base64
import binascii

from channels.auth import get_user, login
from channels.db import database_sync_to_async
from django.contrib.auth import authenticate as django_authenticate
from django.utils.crypto import constant_time_compare

from gws_project.api import csrf
from gws_project.api.authentication import _BACKEND, BASIC_FINGERPRINT_KEY, _fingerprint


def header(scope, name):
    """An HTTP header of the request (the last one of that name), as str, or None."""
    wanted = name.lower().encode()
    value = None
    for key, raw in scope.get("headers", []):
        if key.lower() == wanted:
            value = raw
    return value.decode("latin-1") if value is not None else None


def _credentials(value):
    try:
        user_name, _, password = base64.b64decode(value.split(" ", 1)[1], validate=True).decode().partition(":")
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return user_name, password


async def authenticate(scope, keep_session):
    """The active user of a request, or None. ``keep_session``: log a Basic user into the
    session (only useful when the response can still set the cookie: HTTP, not WebSocket)."""
    authorization = header(scope, "Authorization")
    session = scope.get("session")
    if authorization and authorization.split(" ", 1)[0].lower() == "basic":
        return await _basic(scope, authorization, session, keep_session)
    if session is None:
        return None
    user = await get_user(scope)
    return user if user.is_authenticated and user.is_active else None


async def _basic(scope, authorization, session, keep_session):
    fingerprint = _fingerprint(authorization.encode("latin-1"))
    if session is not None and await session.aget(BASIC_FINGERPRINT_KEY) == fingerprint:
        user = await get_user(scope)
        if user.is_authenticated and user.is_active:
            return user
    credentials = _credentials(authorization)
    if credentials is None:
        return None
    user = await database_sync_to_async(django_authenticate)(username=credentials[0], password=credentials[1])
    if user is None or not user.is_active:
        return None
    if keep_session and session is not None:
        await login(scope, user, backend=_BACKEND)
        await session.aset(BASIC_FINGERPRINT_KEY, fingerprint)
    return user


def credential(scope):
    """A keyed digest of the request's credentials: its Authorization header, else its session
    cookie ("" when it has neither)."""
    from django.conf import settings

    authorization = header(scope, "Authorization")
    if authorization:
        return _fingerprint(authorization.encode("latin-1"))
    cookie = scope.get("cookies", {}).get(settings.SESSION_COOKIE_NAME)
    return _fingerprint(b"cookie:" + cookie.encode()) if cookie else ""


async def csrf_error(scope, message):
    """Why a handshake fails the GWS CSRF check (a text), or None when it passes or CSRF is off."""
    if not csrf.csrf_enabled():
        return None
    sent = header(scope, csrf.HEADER_NAME)
    ext = message.get("ext") if isinstance(message, dict) else None
    gws = ext.get("gws") if isinstance(ext, dict) else None
    if not sent and isinstance(gws, dict) and isinstance(gws.get("csrfToken"), str):
        sent = gws["csrfToken"]
    if not sent:
        return f"Expected CSRF token not found: send it in the {csrf.HEADER_NAME} header or ext.gws.csrfToken"
    session = scope.get("session")
    expected = await session.aget(csrf.SESSION_KEY) if session is not None else None
    if expected is None or not constant_time_compare(sent, expected):
        return "Invalid CSRF token: it does not belong to this HTTP session"
    return None
