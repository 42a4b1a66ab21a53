"""
CSRF protection the way GWS does it ("Cross Site Request Forgery Protection").

GWS keeps one token in the HTTP session, hands it out on authenticated GETs in the
``X-CSRF-HEADER``/``X-CSRF-TOKEN`` response headers, and demands it back in the named header on
every PUT, POST and DELETE. Django's own CSRF protection is cookie- and form-based (a masked
token in a cookie, Referer checks), which GWS clients do not speak, so this small middleware
implements the GWS contract for ``/api/`` paths; the admin and web UI keep Django's.
"""
import uuid

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils.crypto import constant_time_compare

from .errors import Forbidden, error_response

HEADER_NAME = "X-CSRF-TOKEN"
SESSION_KEY = "gws_csrf_token"
UNSAFE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}


def csrf_enabled():
    return settings.GWS_CSRF_ENABLED


def session_token(session, create=False):
    """The session's CSRF token; with create=True, one is made when there is none."""
    token = session.get(SESSION_KEY)
    if token is None and create:
        token = str(uuid.uuid4())
        session[SESSION_KEY] = token
    return token


@receiver(user_logged_in)
def _token_at_login(sender, request, user, **kwargs):
    """The session's token is made as the user logs in, when the session is written anyway.

    Made by a first GET instead, a page's concurrent first requests (its script's reads, the
    CometD handshake, a second tab) each made a token of their own and the last session write
    won: the others then sent a token the session no longer had and got 403 (seen in CI).
    Channels' login (a CometD handshake over WebSocket) passes no request: its first GET makes
    the token as before."""
    session = getattr(request, "session", None)
    if session is not None:
        session_token(session, create=True)


def check(request):
    """The GWSError for a request whose CSRF token is missing or wrong, else None."""
    if not csrf_enabled():
        return None
    sent = request.headers.get(HEADER_NAME)
    if not sent:
        return Forbidden(f"Expected CSRF token not found: send it in the {HEADER_NAME} header")
    expected = session_token(request.session)
    if expected is None or not constant_time_compare(sent, expected):
        return Forbidden("Invalid CSRF token: it does not belong to this HTTP session")
    return None


def forget(session):
    """Drop the token (EndContactCenterSession, logout)."""
    session.pop(SESSION_KEY, None)


class GWSCsrfMiddleware:
    """Checks the token on API writes and hands it out on authenticated API reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        if is_api and request.method in UNSAFE_METHODS:
            error = check(request)
            if error is not None:
                return error_response(error)
        response = self.get_response(request)
        if is_api:
            # login() rotates Django's form CSRF cookie; API clients never use it, and a second
            # Set-Cookie breaks clients that keep the header whole (the seed's Python sample).
            # Drop it whether CsrfViewMiddleware runs inside this middleware or outside it.
            response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        if is_api and csrf_enabled() and request.method in ("GET", "HEAD") and response.status_code < 400:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response[HEADER_NAME] = session_token(request.session, create=True)
                response["X-CSRF-HEADER"] = HEADER_NAME
        return response
