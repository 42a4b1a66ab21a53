"""
The user monitor ("User monitor and cleanup"): a user whose last CometD client went away is
logged out (EndContactCenterSession) once the agent logout timeout has passed without a client
coming back; with a mobile session, its own timeout (ThirtyMinutes | OneHour) applies instead,
and mobile push delivery is active meanwhile (voice/push.py).

The notifications app announces the transitions (``first_client_connected`` /
``last_client_gone``, once across all processes). The time the last client went is stored on the
session row (``disconnected_at``), so the decision survives in the database; a timer thread in
the process that saw the disconnect ends the session when it is due, and ``end_expired_sessions``
(run by ``runswitch`` on its timer tick too) ends any a restarted process lost the timer of.

The agent logout timeout is the contact center's: the voice setting ``agentLogoutTimeout``
(seconds, "Contact Center defined or default of 60 seconds"). Server settings:
``GWS_AGENT_LOGOUT_TIMEOUT`` (seconds, 60: the default for contact centers without the setting),
``GWS_MOBILE_SESSION_TIMEOUTS`` ({"ThirtyMinutes": 1800, "OneHour": 3600}); tests shorten both.
``GWS_USER_MONITOR_TIMERS`` (true) false leaves ending sessions to ``end_expired_sessions`` alone.
"""
import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, transaction
from django.dispatch import receiver

from notifications import signals

from .agents.models import ContactCenterSession

logger = logging.getLogger(__name__)

DEFAULT_MOBILE_TIMEOUTS = {"ThirtyMinutes": 1800, "OneHour": 3600}


def agent_logout_timeout(contact_center_id):
    """The contact center's agent logout timeout (voice setting agentLogoutTimeout), else the
    server's default (GWS_AGENT_LOGOUT_TIMEOUT, 60 s)."""
    from provisioning.settings_groups import value

    default = float(getattr(settings, "GWS_AGENT_LOGOUT_TIMEOUT", 60))
    configured = value(contact_center_id, "voice", "agentLogoutTimeout", default)
    # The API validates it; a row edited by other means must not break the disconnect hook.
    if isinstance(configured, bool) or not isinstance(configured, (int, float)) or configured <= 0:
        logger.warning("Contact center %s: agentLogoutTimeout %r is not a number of seconds; using %s", contact_center_id, configured, default)
        return default
    return float(configured)


def logout_timeout(session):
    """Seconds the session survives without a CometD client."""
    if session.mobile_session:
        timeouts = getattr(settings, "GWS_MOBILE_SESSION_TIMEOUTS", DEFAULT_MOBILE_TIMEOUTS)
        return float(timeouts[session.mobile_session.get("timeout", "ThirtyMinutes")])
    return agent_logout_timeout(session.user.contact_center_id)


def session_base_uri():
    """Notifications the monitor causes link to GWS_PUBLIC_BASE_URI (the server's API base)."""
    return getattr(settings, "GWS_PUBLIC_BASE_URI", "http://localhost:8080/api/v2")


@receiver(signals.first_client_connected, dispatch_uid="voice-monitor-first-client")
def client_back(sender, user_id, **kwargs):
    """A CometD client is back: nothing to clean up, and no more mobile push."""
    ContactCenterSession.objects.filter(user_id=user_id).update(disconnected_at=None, push_active=False)


@receiver(signals.last_client_gone, dispatch_uid="voice-monitor-last-client")
def clients_gone(sender, user_id, **kwargs):
    """The user's last CometD client went away: start the logout timeout (and mobile push)."""
    session = ContactCenterSession.objects.filter(user_id=user_id).select_related("user").first()
    if session is None:
        return
    now = time.time()
    session.disconnected_at = now
    session.push_active = bool(session.mobile_session)
    session.save(update_fields=["disconnected_at", "push_active"])
    delay = logout_timeout(session)
    # (No close_old_connections here: the receivers run where Django manages the connection;
    # closing it would break a caller's transaction.)
    if not getattr(settings, "GWS_USER_MONITOR_TIMERS", True):
        return  # tests that drive end_expired_sessions with their own clock
    timer = threading.Timer(delay + 0.05, _timer_fired, args=(user_id, now))
    timer.daemon = True
    timer.start()


def _timer_fired(user_id, disconnected_at):
    try:
        end_expired_sessions(user_ids=[user_id])
    except Exception:  # noqa: BLE001 - a failed cleanup is retried by end_expired_sessions later
        logger.exception("User monitor: ending the session of user %s failed", user_id)
    finally:
        close_old_connections()


def end_expired_sessions(now=None, user_ids=None):
    """End (EndContactCenterSession) every session whose clients have been gone for its timeout.
    Returns the ids of the users logged out."""
    from .sessions import end_session

    now = time.time() if now is None else now
    sessions = ContactCenterSession.objects.exclude(disconnected_at=None).select_related("user")
    if user_ids is not None:
        sessions = sessions.filter(user_id__in=user_ids)
    ended = []
    for session in sessions:
        if session.disconnected_at + logout_timeout(session) > now:
            continue
        with transaction.atomic():
            # Still gone? (a client may have come back, or another process ended it meanwhile)
            current = (
                ContactCenterSession.objects.select_for_update(of=("self",)).select_related("user").filter(pk=session.pk).first()
            )
            if current is None or current.disconnected_at is None or current.disconnected_at + logout_timeout(current) > now:
                continue
        end_session(session.user, session_base_uri())
        ended.append(session.user_id)
    return ended
