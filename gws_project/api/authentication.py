"""
Authentication: HTTP Basic on any request (which also opens an HTTP session), or the session
cookie alone, as GWS clients do.
"""
import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.backends import ModelBackend
from rest_framework.authentication import BasicAuthentication, SessionAuthentication, get_authorization_header

from .prepared import Param, PreparedQuery
from .sessions import request_user, session_user

# Session key holding a keyed digest of the last Authorization header verified in this session.
BASIC_FINGERPRINT_KEY = "gws_basic_fingerprint"
# The backend sessions are logged in with (GWSModelBackend in settings.py).
_BACKEND = settings.AUTHENTICATION_BACKENDS[0]


def _fingerprint(header):
    return hmac.new(settings.SECRET_KEY.encode(), header, hashlib.sha256).hexdigest()


def _users_by_pk():
    model = get_user_model()
    return model._default_manager.filter(pk=Param("pk", model._meta.pk))


# Read on every authenticated request: compiled once (gws_project/api/prepared.py).
USER_BY_PK = PreparedQuery(_users_by_pk)


class GWSModelBackend(ModelBackend):
    """Django's ModelBackend (AUTHENTICATION_BACKENDS). The session's user, which Django reads on
    every authenticated request, usually came with the session (gws_project/api/sessions.py);
    otherwise it is read with a prepared query (the same query, compiled once)."""

    def get_user(self, user_id):
        user = session_user(user_id)
        if user is None:
            users = USER_BY_PK.objects(pk=user_id)
            if not users:
                return None
            user = users[0]
        return user if self.user_can_authenticate(user) else None


class GWSBasicAuthentication(BasicAuthentication):
    """HTTP Basic that logs the user into an HTTP session (cookie ``JSESSIONID``).

    Clients such as the GWS Python sample send the same Basic header with every request. Checking
    a password hash costs tens of milliseconds by design, so once a header has been verified its
    keyed digest is kept in the session, and the same header on the same session skips the hash.
    """

    www_authenticate_realm = "GWS"

    def authenticate(self, request):
        header = get_authorization_header(request)
        if not header or header.split()[0].lower() != b"basic":
            return None
        django_request = request._request
        fingerprint = _fingerprint(header)
        session_user = request_user(django_request)
        if (
            session_user.is_authenticated
            and session_user.is_active
            and django_request.session.get(BASIC_FINGERPRINT_KEY) == fingerprint
        ):
            return session_user, None
        user, auth = super().authenticate(request)
        login(django_request, user, backend=_BACKEND)
        django_request.session[BASIC_FINGERPRINT_KEY] = fingerprint
        return user, auth


class GWSSessionAuthentication(SessionAuthentication):
    """The session cookie alone; CSRF is checked by GWSCsrfMiddleware, the GWS way."""

    def authenticate(self, request):
        # DRF's takes request._request.user, the lazy proxy that every later ``request.user.x``
        # would go through (dozens of times a request); the user it stands for is handed instead.
        user = request_user(request._request)
        if not user.is_active:
            return None
        return user, None

    def enforce_csrf(self, request):
        return None
