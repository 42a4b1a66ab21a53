"""The users' statistics subresource (voice channel state) with its filters and sorts."""
import pytest

from provisioning import settings_groups
from tests.conftest import assert_error

USERS = "/api/v2/users?subresources=statistics&fields=userName&limit=100"


def voice_of(admin_client, query=""):
    body = admin_client.get(USERS + query).json()
    assert body["statusCode"] == 0, body
    return [(u["userName"], u["statistics"]["channels"]["voice"]) for u in body["users"]]


@pytest.fixture
def board(admin, agent_a, agent_b, agent_c):
    """ann Ready, bob in Training on a call with cid (NotReady, AuxWork)."""
    settings_groups.create_setting(
        admin, "agent-states", {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}
    )
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    agent_b.post("/api/v2/me/channels/voice", {"operationName": "Training"})
    agent_c.post("/api/v2/me/channels/voice", {"operationName": "AuxWork"})
    agent_b.dial("5000")
    return agent_a, agent_b, agent_c


def test_statistics_show_state_display_name_activity_and_work_mode(admin, admin_client, board):
    voice = dict(voice_of(admin_client))
    assert voice["ann@redwings.com"] == {"state": "Ready", "displayName": "Ready", "activity": "Idle"}
    assert voice["bob@redwings.com"] == {"state": "NotReady", "displayName": "Training", "activity": "OnCall", "workMode": "AuxWork"}
    assert voice["cid@redwings.com"] == {"state": "NotReady", "displayName": "AuxWork", "activity": "OnCall", "workMode": "AuxWork"}
    # The admin has no device: logged out.
    assert voice[admin.user_name] == {"state": "LoggedOut", "displayName": "Offline", "activity": "Idle"}


def test_filter_by_state_display_name_activity_and_work_mode(admin_client, board):
    names = lambda q: [name for name, _ in voice_of(admin_client, q)]  # noqa: E731
    assert names("&statistics.channels.voice.state=Ready") == ["ann@redwings.com"]
    assert sorted(names("&statistics.channels.voice.state=Ready,NotReady")) == ["ann@redwings.com", "bob@redwings.com", "cid@redwings.com"]
    assert names("&statistics.channels.voice.displayName=Training") == ["bob@redwings.com"]
    assert sorted(names("&statistics.channels.voice.activity=OnCall")) == ["bob@redwings.com", "cid@redwings.com"]
    assert sorted(names("&statistics.channels.voice.workMode=AuxWork&statistics.channels.voice.displayName=AuxWork")) == ["cid@redwings.com"]


def test_sort_by_state_then_last_name(admin_client, board):
    listed = voice_of(admin_client, "&statistics.channels.voice.state=Ready,NotReady&sortBy=statistics.channels.voice.state,userName")
    assert [name for name, _ in listed] == ["bob@redwings.com", "cid@redwings.com", "ann@redwings.com"]
    listed = voice_of(admin_client, "&statistics.channels.voice.state=Ready,NotReady&sortBy=statistics.channels.voice.displayName&order=Descending")
    assert [name for name, _ in listed] == ["bob@redwings.com", "ann@redwings.com", "cid@redwings.com"]


def test_statistics_of_me(agent_a):
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    body = agent_a.client.get("/api/v2/me?subresources=statistics").json()
    assert body["user"]["statistics"] == {"channels": {"voice": {"state": "Ready", "displayName": "Ready", "activity": "Idle"}}}


def test_unknown_statistics_sort_is_refused(admin_client, board):
    assert_error(admin_client.get(USERS + "&sortBy=statistics.channels.voice.mood"), 400, 10)
