"""StartContactCenterSession / EndContactCenterSession (POST /me) and the user monitor's
cleanup (voice/monitor.py, driven here by its hooks and clock; the live test is in
test_agent_state_cometd.py)."""
import time

import pytest
from django.test import Client

from notifications import signals
from provisioning.models import ContactCenterFeature
from tests.conftest import PASSWORD, assert_error, basic
from voice import monitor
from voice.agents.models import ContactCenterSession, DeviceAgentState

@pytest.fixture(autouse=True)
def _monitor_without_timer_threads(settings):
    """These tests run the monitor's clock themselves (end_expired_sessions(now=...))."""
    settings.GWS_USER_MONITOR_TIMERS = False


START = {"operationName": "StartContactCenterSession", "channels": ["voice"]}
MOBILE = {"mobileDeviceId": "72ED12518F714800AA900370B697A777", "mobilePushType": "IOS"}


def states(agent):
    return [m["devices"][0]["userState"]["state"] for m in agent.messages("/v2/me/devices")]


def test_start_logs_in_once_and_end_logs_out(agent_a):
    assert agent_a.post("/api/v2/me", START).json() == {"statusCode": 0}
    assert states(agent_a) == ["NotReady"]
    # Already logged in: the login is skipped, no notification.
    assert agent_a.post("/api/v2/me", START).status_code == 200
    assert states(agent_a) == ["NotReady"]
    assert ContactCenterSession.objects.get(user=agent_a.user).channels == ["voice"]
    assert agent_a.post("/api/v2/me", {"operationName": "EndContactCenterSession"}).json() == {"statusCode": 0}
    assert states(agent_a) == ["NotReady", "LoggedOut"]
    assert not ContactCenterSession.objects.filter(user=agent_a.user).exists()


def test_start_when_ready_already_keeps_the_state(agent_a):
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    agent_a.post("/api/v2/me", {**START, "queue": "9000", "loginCode": "8000", "place": "SIP_5005"})
    assert states(agent_a) == ["Ready"]
    row = DeviceAgentState.objects.get(device=agent_a.device)
    assert (row.state, row.queues, row.login_code) == ("Ready", ["9000"], "8000")
    session = ContactCenterSession.objects.get(user=agent_a.user)
    assert (session.place, session.queue, session.login_code) == ("SIP_5005", "9000", "8000")


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"operationName": "StartContactCenterSession"}, 400, 1),
        ({**START, "channels": "voice"}, 400, 1),
        ({**START, "channels": []}, 400, 1),
        ({**START, "channels": ["chat"]}, 400, 10),
        ({**START, "place": "SIP_7777"}, 400, 10),
        ({**START, "place": 5005}, 400, 1),
        ({**START, "queue": ""}, 400, 1),
        ({**START, "nickname": "x"}, 400, 10),
        ({**START, "mobileSession": "yes"}, 400, 1),
        ({**START, "mobileSession": MOBILE}, 400, 10),  # the feature is not assigned
    ],
)
def test_start_failures_change_nothing(agent_a, body, status, code):
    assert_error(agent_a.post("/api/v2/me", body), status, code)
    assert states(agent_a) == []
    assert not ContactCenterSession.objects.exists()


@pytest.mark.parametrize(
    "mobile, code",
    [
        ({"mobileDeviceId": "x"}, 1),
        ({**MOBILE, "mobilePushType": "ios"}, 10),
        ({**MOBILE, "timeout": "TwoHours"}, 10),
        ({**MOBILE, "debug": "yes"}, 1),
        ({**MOBILE, "colour": "red"}, 10),
    ],
)
def test_mobile_session_failures(admin, agent_a, mobile, code):
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-mobile-push-notifications")
    assert_error(agent_a.post("/api/v2/me", {**START, "mobileSession": mobile}), 400, code)
    assert not ContactCenterSession.objects.exists()


def test_mobile_session_is_stored_with_its_defaults(admin, agent_a):
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-mobile-push-notifications")
    assert agent_a.post("/api/v2/me", {**START, "mobileSession": MOBILE}).status_code == 200
    assert ContactCenterSession.objects.get(user=agent_a.user).mobile_session == {**MOBILE, "timeout": "ThirtyMinutes", "debug": False}


def test_end_invalidates_the_http_session_and_its_csrf_token(agent_a, django_capture_on_commit_callbacks):
    client = Client()
    response = client.get("/api/v2/me", headers={"Authorization": basic("ann@redwings.com", PASSWORD)})
    token = response.headers["X-CSRF-TOKEN"]
    csrf = {"X-CSRF-HEADER": "X-CSRF-TOKEN", "X-CSRF-TOKEN": token}
    assert client.get("/api/v2/me").status_code == 200  # the session cookie alone works
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v2/me", {"operationName": "EndContactCenterSession"}, content_type="application/json", headers=csrf)
    assert response.status_code == 200, response.content
    assert client.get("/api/v2/me").status_code == 401
    assert client.post("/api/v2/me", START, content_type="application/json", headers=csrf).status_code in (401, 403)


def test_end_takes_no_parameters(agent_a):
    assert_error(agent_a.post("/api/v2/me", {"operationName": "EndContactCenterSession", "now": True}), 400, 10)


# ---------------------------------------------------------------------------------------------
# The user monitor, driven through its hooks
# ---------------------------------------------------------------------------------------------


def test_monitor_logs_out_after_the_timeout_unless_a_client_came_back(agent_a, settings, django_capture_on_commit_callbacks):
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60
    agent_a.post("/api/v2/me", START)
    user_id = agent_a.user.pk
    signals.last_client_gone.send(sender=None, user_id=user_id, client_id="c1", reason="disconnect")
    gone = ContactCenterSession.objects.get(user=agent_a.user).disconnected_at
    assert gone is not None
    assert monitor.end_expired_sessions(now=gone + 59) == []
    signals.first_client_connected.send(sender=None, user_id=user_id, client_id="c2")
    assert monitor.end_expired_sessions(now=gone + 61) == []
    signals.last_client_gone.send(sender=None, user_id=user_id, client_id="c2", reason="expired")
    gone = ContactCenterSession.objects.get(user=agent_a.user).disconnected_at
    with django_capture_on_commit_callbacks(execute=True):
        assert monitor.end_expired_sessions(now=gone + 61) == [user_id]
    assert states(agent_a) == ["NotReady", "LoggedOut"]
    assert not ContactCenterSession.objects.exists()


def test_monitor_uses_the_mobile_session_timeout(admin, agent_a, settings):
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-mobile-push-notifications")
    agent_a.post("/api/v2/me", {**START, "mobileSession": {**MOBILE, "timeout": "OneHour"}})
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    session = ContactCenterSession.objects.get(user=agent_a.user)
    assert session.push_active is True
    assert monitor.end_expired_sessions(now=session.disconnected_at + 1800) == []
    assert monitor.end_expired_sessions(now=session.disconnected_at + 3601) == [agent_a.user.pk]


VOICE_SETTINGS = "/api/v2/settings/voice"


def test_monitor_uses_the_contact_centers_agent_logout_timeout(admin_client, agent_a, settings):
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60  # the server's default, for contact centers without one
    assert admin_client.post(VOICE_SETTINGS, {"name": "agentLogoutTimeout", "value": 300}).json() == {"statusCode": 0}
    assert {"name": "agentLogoutTimeout", "value": 300} in admin_client.get(VOICE_SETTINGS).json()["settings"]
    agent_a.post("/api/v2/me", START)
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    gone = ContactCenterSession.objects.get(user=agent_a.user).disconnected_at
    assert monitor.end_expired_sessions(now=gone + 61) == []
    assert monitor.end_expired_sessions(now=gone + 299) == []
    assert monitor.end_expired_sessions(now=gone + 301) == [agent_a.user.pk]


def test_agent_logout_timeout_of_one_contact_center_leaves_the_others_at_the_default(admin, foreign_admin, agent_a, settings):
    from provisioning import settings_groups

    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60
    settings_groups.create_setting(foreign_admin, "voice", {"name": "agentLogoutTimeout", "value": 5})
    assert monitor.agent_logout_timeout(foreign_admin.contact_center_id) == 5
    assert monitor.agent_logout_timeout(admin.contact_center_id) == 60
    agent_a.post("/api/v2/me", START)
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    gone = ContactCenterSession.objects.get(user=agent_a.user).disconnected_at
    assert monitor.end_expired_sessions(now=gone + 30) == []
    assert monitor.end_expired_sessions(now=gone + 61) == [agent_a.user.pk]


@pytest.mark.parametrize(
    "value, status, code",
    [("60", 400, 1), (True, 400, 1), (1.5, 400, 1), (None, 400, 1), (0, 400, 10), (-5, 400, 10), (86401, 400, 10)],
)
def test_agent_logout_timeout_invalid_values_are_refused(admin_client, agent_client, contact_center, value, status, code):
    assert_error(admin_client.post(VOICE_SETTINGS, {"name": "agentLogoutTimeout", "value": value}), status, code)
    assert admin_client.post(VOICE_SETTINGS, {"name": "agentLogoutTimeout", "value": 120}).json() == {"statusCode": 0}
    assert_error(admin_client.put(VOICE_SETTINGS, {"name": "agentLogoutTimeout", "value": value}), status, code)
    assert_error(agent_client.put(VOICE_SETTINGS, {"name": "agentLogoutTimeout", "value": 30}), 403, 5)  # admins only
    assert monitor.agent_logout_timeout(contact_center.pk) == 120


def test_an_agent_logout_timeout_stored_by_other_means_falls_back_to_the_default(contact_center, settings):
    from provisioning.models import Setting

    settings.GWS_AGENT_LOGOUT_TIMEOUT = 45
    Setting.objects.create(contact_center=contact_center, group="voice", key="agentLogoutTimeout", data={"name": "agentLogoutTimeout", "value": "soon"})
    assert monitor.agent_logout_timeout(contact_center.pk) == 45


def test_users_without_a_session_are_left_alone(agent_a):
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    assert monitor.end_expired_sessions(now=time.time() + 10**6) == []


def test_voice_sweep_ends_what_lost_timers_would_have(agent_a, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.GWS_AGENT_LOGOUT_TIMEOUT = 0
    agent_a.post("/api/v2/me", START)
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    out = StringIO()
    call_command("voice_sweep", stdout=out)
    assert "sessions ended: 1" in out.getvalue()
    assert DeviceAgentState.objects.get(device=agent_a.device).state == "LoggedOut"
