"""StartContactCenterSession with a place that is not one of the user's devices: the place's
device is assigned to the user for the session (the user's own devices logged out and
unassigned meanwhile), and EndContactCenterSession (or the user monitor) restores the default
assignment. Refusals: unknown place 10, place in use 19, a call in the way 2; nothing changes."""
import pytest

from notifications import signals
from provisioning import services
from provisioning.models import Device
from tests.conftest import assert_error
from voice import monitor
from voice.agents.models import ContactCenterSession, DeviceAgentState

START = {"operationName": "StartContactCenterSession", "channels": ["voice"]}
END = {"operationName": "EndContactCenterSession"}


@pytest.fixture(autouse=True)
def _monitor_without_timer_threads(settings):
    settings.GWS_USER_MONITOR_TIMERS = False


@pytest.fixture
def free_place(admin):
    """A device nobody is assigned: a place ("SIP_5050")."""
    return services.create_device(admin, {"phoneNumber": "5050"})


def device_messages(agent):
    """(device number, userState.state) of each DeviceStateChangeMessage the agent received."""
    return [(m["devices"][0]["phoneNumber"], m["devices"][0]["userState"]["state"]) for m in agent.messages("/v2/me/devices")]


def my_devices(agent):
    return [d["phoneNumber"] for d in agent.client.get("/api/v2/me/devices?fields=*").json()["devices"]]


def owner(number):
    return Device.objects.get(phone_number=number).user_id


def test_a_free_place_is_the_users_device_for_the_session(agent_a, free_place):
    assert agent_a.post("/api/v2/me", {**START, "place": "SIP_5050", "queue": "9000"}).json() == {"statusCode": 0}
    # The own device was logged out already: only the place's login is announced.
    assert device_messages(agent_a) == [("5050", "NotReady")]
    assert my_devices(agent_a) == ["5050"]
    assert owner("5005") is None
    assert DeviceAgentState.objects.get(device=free_place).queues == ["9000"]
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    assert device_messages(agent_a)[-1] == ("5050", "Ready")
    # The same place again: already logged in there, nothing moves and nothing is sent.
    assert agent_a.post("/api/v2/me", {**START, "place": "5050"}).json() == {"statusCode": 0}
    assert len(device_messages(agent_a)) == 2
    assert agent_a.post("/api/v2/me", END).json() == {"statusCode": 0}
    assert device_messages(agent_a)[-1] == ("5050", "LoggedOut")
    assert owner("5050") is None and owner("5005") == agent_a.user.pk
    assert my_devices(agent_a) == ["5005"]
    assert not ContactCenterSession.objects.exists()


def test_moving_to_a_place_logs_the_agent_out_of_its_own_device_first(agent_a, free_place):
    agent_a.post("/api/v2/me", START)
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"})
    assert device_messages(agent_a) == [("5005", "NotReady"), ("5005", "Ready"), ("5005", "LoggedOut"), ("5050", "NotReady")]
    assert DeviceAgentState.objects.get(device=agent_a.device).state == "LoggedOut"


def test_the_place_of_a_logged_out_agent_is_lent_and_given_back(agent_a, agent_b):
    agent_a.post("/api/v2/me", {**START, "place": "SIP_5001"})
    assert device_messages(agent_a) == [("5001", "NotReady")]
    assert device_messages(agent_b) == []
    assert my_devices(agent_a) == ["5001"] and my_devices(agent_b) == []
    session = ContactCenterSession.objects.get(user=agent_a.user)
    assert (session.place_device_id, session.place_default_user_id, session.default_devices) == (
        agent_b.device.pk, agent_b.user.pk, [str(agent_a.device.pk)]
    )
    agent_a.post("/api/v2/me", END)
    assert my_devices(agent_a) == ["5005"] and my_devices(agent_b) == ["5001"]
    assert DeviceAgentState.objects.get(device=agent_b.device).state == "LoggedOut"


def test_a_user_without_a_device_of_its_own_gets_one_for_the_session(admin, free_place, django_capture_on_commit_callbacks):
    from notifications.testing import NotificationRecorder
    from tests.conftest import GWSClient, make_user

    user = make_user(admin, "hot@redwings.com")
    client, recorder = GWSClient("hot@redwings.com"), NotificationRecorder(user)
    assert_error(client.post("/api/v2/me", START), 400, 2)  # no device, no place: nothing to log in on
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/api/v2/me", {**START, "place": "5050"}).json() == {"statusCode": 0}
    [login] = recorder.messages("/v2/me/devices")
    assert login["data"]["devices"][0]["id"] == str(free_place.pk)
    assert ContactCenterSession.objects.get(user=user).default_devices == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v2/me", END)
    assert owner("5050") is None and not Device.objects.filter(user=user).exists()


def test_the_user_monitor_restores_the_default_assignment(agent_a, free_place, settings):
    settings.GWS_AGENT_LOGOUT_TIMEOUT = 60
    agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"})
    signals.last_client_gone.send(sender=None, user_id=agent_a.user.pk, client_id="c1", reason="disconnect")
    gone = ContactCenterSession.objects.get(user=agent_a.user).disconnected_at
    assert monitor.end_expired_sessions(now=gone + 61) == [agent_a.user.pk]
    assert owner("5050") is None and owner("5005") == agent_a.user.pk
    assert DeviceAgentState.objects.get(device=free_place).state == "LoggedOut"


def test_a_device_reassigned_during_the_session_is_left_where_the_admin_put_it(admin, agent_a, agent_c, free_place):
    agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"})
    own = Device.objects.get(phone_number="5005")
    services.assign_device(admin, agent_c.user, own)
    agent_a.post("/api/v2/me", END)
    assert owner("5005") == agent_c.user.pk and owner("5050") is None
    assert my_devices(agent_a) == []


# ---------------------------------------------------------------------------------------------
# Refusals: nothing changes, nothing is sent
# ---------------------------------------------------------------------------------------------


def assert_unchanged(*agents):
    for agent in agents:
        assert my_devices(agent) == [agent.number]
        assert device_messages(agent) == []
        assert not ContactCenterSession.objects.filter(user=agent.user).exists()


def test_a_place_in_another_contact_center_is_unknown(agent_a, foreign_admin):
    services.create_device(foreign_admin, {"phoneNumber": "5060"})
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5060"}), 400, 10)
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_"}), 400, 10)
    assert_unchanged(agent_a)
    assert Device.objects.get(phone_number="5060").user_id is None


@pytest.mark.parametrize("how", ["Ready", "StartContactCenterSession"])
def test_a_place_where_another_agent_is_logged_in_is_in_use(agent_a, agent_b, how):
    if how == "Ready":
        agent_b.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    else:
        agent_b.post("/api/v2/me", START)
    agent_b.clear()
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5001"}), 409, 19)
    assert my_devices(agent_a) == ["5005"] and my_devices(agent_b) == ["5001"]
    assert device_messages(agent_a) == [] and device_messages(agent_b) == []
    assert not ContactCenterSession.objects.filter(user=agent_a.user).exists()


def test_a_place_in_another_session_is_in_use(agent_a, agent_c, free_place):
    agent_c.post("/api/v2/me", {**START, "place": "SIP_5050"})
    agent_c.clear()
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"}), 409, 19)
    assert_unchanged(agent_a)
    assert owner("5050") == agent_c.user.pk


def test_a_place_in_another_session_stays_in_use_after_an_admin_unassigned_it(admin, agent_a, agent_c, free_place):
    agent_c.post("/api/v2/me", {**START, "place": "SIP_5050"})
    services.unassign_device(admin, agent_c.user, Device.objects.get(pk=free_place.pk))
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"}), 409, 19)
    assert my_devices(agent_a) == ["5005"]


def test_a_place_with_a_call_in_progress_is_in_use(agent_a, agent_b, agent_c, ringing_call):
    agent_b.clear()
    assert_error(agent_c.post("/api/v2/me", {**START, "place": "SIP_5001"}), 409, 19)  # ringing at 5001
    assert my_devices(agent_c) == ["5000"] and my_devices(agent_b) == ["5001"]
    assert not ContactCenterSession.objects.exists()


def test_no_move_to_a_place_during_a_call(agent_a, free_place, established_call):
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"}), 400, 2)
    assert_unchanged(agent_a)
    assert owner("5050") is None


@pytest.mark.parametrize("place", ["SIP_5052", None, "SIP_5005"])
def test_a_session_on_a_place_keeps_it_until_it_ends(admin, agent_a, free_place, place):
    services.create_device(admin, {"phoneNumber": "5052"})
    agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"})
    agent_a.clear()
    body = {**START, "place": place} if place else START
    assert_error(agent_a.post("/api/v2/me", body), 400, 2)
    assert my_devices(agent_a) == ["5050"] and device_messages(agent_a) == []
    assert ContactCenterSession.objects.get(user=agent_a.user).place == "SIP_5050"


def test_a_place_whose_voice_service_is_down_is_refused(admin, agent_a, free_place):
    environment = free_place.voice_environment
    environment.service_state = "Inactive"
    environment.save(update_fields=["service_state"])
    assert_error(agent_a.post("/api/v2/me", {**START, "place": "SIP_5050"}), 503, 4)
    assert_unchanged(agent_a)
