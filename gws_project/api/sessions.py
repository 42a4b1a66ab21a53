"""
The HTTP session store (``SESSION_ENGINE``): Django's database store, whose read (one per
authenticated request) runs as a prepared query (gws_project/api/prepared.py).
"""
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from .prepared import Param, PreparedQuery

SESSION_DATA = PreparedQuery(
    lambda: Session.objects.filter(
        session_key=Param("key", CharField()), expire_date__gt=Param("now", DateTimeField())
    ).values_list("session_data")
)


class SessionStore(db.SessionStore):
    """Django's database session store; only the read of a session differs (same query, compiled once)."""

    def _get_session_from_db(self):
        rows = SESSION_DATA.rows(key=self.session_key, now=timezone.now())
        if not rows:
            self._session_key = None
            return None
        return self.model(session_key=self.session_key, session_data=rows[0][0])
