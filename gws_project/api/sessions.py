"""
The HTTP session store (``SESSION_ENGINE``): Django's database store, over a session table that
also names the session's user (provisioning.HttpSession), so that an authenticated request reads
its session and its user in one query instead of two.

The store reads the user's row with the session's (a prepared query, compiled once:
gws_project/api/prepared.py) and keeps it; ``GWSAuthenticationMiddleware`` has Django's own
``auth.get_user`` take it from there (``GWSModelBackend.get_user``), so the checks Django makes of
a session's user (backend, session hash, ``is_active``) are Django's.
"""
from contextvars import ContextVar

from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware, get_user
from django.contrib.sessions.backends import db
from django.db.models import CharField, DateTimeField
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from provisioning.models import HttpSession, User

from .prepared import Param, PreparedQuery

_USER_FIELDS = User._meta.concrete_fields
_USER_ATTNAMES = [field.attname for field in _USER_FIELDS]
_USER_PK = _USER_FIELDS.index(User._meta.pk)

SESSION_AND_USER = PreparedQuery(
    lambda: HttpSession.objects.filter(
        session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
    ).values_list("session_data", *(f"user__{field.name}" for field in _USER_FIELDS))
)

# The session store of the request whose user auth.get_user is looking up (see below).
_LOOKING_UP = ContextVar("session_user_lookup", default=None)


class SessionStore(db.SessionStore):
    """Django's database session store over HttpSession; a session's user is read with it."""

    user_row = None

    @classmethod
    def get_model_class(cls):
        return HttpSession

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.user_id = data.get(SESSION_KEY)
        return session

    async def acreate_model_instance(self, data):  # CometD's handshake saves sessions this way
        session = await super().acreate_model_instance(data)
        session.user_id = data.get(SESSION_KEY)
        return session

    def _get_session_from_db(self):
        rows = SESSION_AND_USER.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        session_data, *user_values = rows[0]
        if user_values[0] is not None:  # the user's primary key: NULL when nobody is logged in
            self.user_row = user_values
        return self.model(session_key=self.session_key, session_data=session_data)

    def loaded_user(self, user_id):
        """The session's user as read with the session, if that is user_id's; else None."""
        if self.user_row is None or self.user_row[_USER_PK] != user_id:
            return None
        return user_from_row(self.user_row)


def user_from_row(values):
    """The User of the user columns of a SESSION_AND_USER row (after session_data)."""
    return User.from_db(SESSION_AND_USER.using, _USER_ATTNAMES, values)


def session_user(user_id):
    """The user read with the session of the request being authenticated, if it is user_id's."""
    session = _LOOKING_UP.get()
    if isinstance(session, SessionStore):
        return session.loaded_user(user_id)
    return None


def request_user(request):
    """The request's session user itself, read once per request (as Django's lazy ``request.user``
    reads it; views get this object rather than that proxy)."""
    token = _LOOKING_UP.set(request.session)
    try:
        return get_user(request)
    finally:
        _LOOKING_UP.reset(token)


class GWSAuthenticationMiddleware(AuthenticationMiddleware):
    """Django's AuthenticationMiddleware; while it looks up the session's user, the session store
    that read that user with the session is at hand for GWSModelBackend.get_user."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: request_user(request))
