"""Queues: GET /queues, calls to a queue's number delivered to the longest-idle skilled Ready
agent, Reject back to the queue, AfterCallWork for defaultWrapupTime, then Ready."""
import time

import pytest

from provisioning import services, settings_groups
from tests.conftest import assert_error
from voice import queues
from voice.agents.models import DeviceAgentState, Queue
from voice.models import VoiceCall

CALLER = "+14155550100"


@pytest.fixture(autouse=True)
def _no_wrapup_threads(settings):
    settings.GWS_VOICE_WRAPUP_TIMERS = False


@pytest.fixture
def sales(admin):
    return Queue.objects.create(contact_center=admin.contact_center, name="Sales", number="9000", skills=[{"name": "Sales", "level": 3}])


@pytest.fixture
def team(admin, sales, agent_a, agent_b, agent_c):
    """Logged into the Sales queue: ann and bob with the Sales skill, cid without."""
    skill = services.create_skill(admin, {"name": "Sales"})
    services.assign_skill(admin, agent_a.user, skill, 5)
    services.assign_skill(admin, agent_b.user, skill, 3)
    for agent in (agent_a, agent_b, agent_c):
        assert agent.post("/api/v2/me", {"operationName": "StartContactCenterSession", "channels": ["voice"], "queue": "9000"}).status_code == 200
    return agent_a, agent_b, agent_c


def ready(*agents):
    for agent in agents:
        assert agent.post("/api/v2/me/channels/voice", {"operationName": "Ready"}).status_code == 200
        time.sleep(0.01)  # distinct ready times: the first one is the longest idle


def queue_call(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/api/v2/voice-simulation/calls", {"from": CALLER, "to": "9000", "userData": {"Order": "42"}})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def ringing(agent):
    return [call_id for kind, call_id, state in agent.events() if state == "Ringing"]


def user_states(agent):
    return [(m["devices"][0]["userState"]["state"], m["devices"][0]["userState"].get("workMode")) for m in agent.messages("/v2/me/devices")]


def test_a_queue_call_goes_to_the_longest_idle_skilled_ready_agent(admin_client, team, django_capture_on_commit_callbacks):
    ann, bob, cid = team
    ready(cid, bob, ann)  # cid waited longest but lacks the skill
    call_id = queue_call(admin_client, django_capture_on_commit_callbacks)
    assert ringing(bob) == [call_id] and ringing(ann) == [] and ringing(cid) == []
    ringing_view = bob.call(call_id)
    assert ringing_view["dnis"] == "9000" and "Reject" in ringing_view["capabilities"]


def test_reject_sends_the_call_back_to_the_queue_and_on_to_the_next_agent(admin_client, team, django_capture_on_commit_callbacks):
    ann, bob, cid = team
    ready(bob, ann)
    call_id = queue_call(admin_client, django_capture_on_commit_callbacks)
    assert bob.operate(call_id, "Reject").status_code == 200
    assert ringing(ann) == [call_id]
    assert ("StatusChange", call_id, "Released") in bob.events()


def test_a_call_waits_until_a_skilled_agent_is_ready(admin_client, team, django_capture_on_commit_callbacks):
    ann, bob, cid = team
    ready(cid)
    call_id = queue_call(admin_client, django_capture_on_commit_callbacks)
    assert ringing(cid) == [] and queues.waiting_calls(ann.user.contact_center_id) == [call_id]
    ready(ann)
    assert ringing(ann) == [call_id]
    assert queues.waiting_calls(ann.user.contact_center_id) == []


def test_after_call_work_for_the_wrapup_time_then_ready(admin, admin_client, team, django_capture_on_commit_callbacks):
    ann, bob, cid = team
    settings_groups.create_setting(admin, "voice", {"name": "defaultWrapupTime", "value": 10})
    ready(ann)
    call_id = queue_call(admin_client, django_capture_on_commit_callbacks)
    ann.operate(call_id, "Answer")
    ann.clear()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/api/v2/voice-simulation/calls/{call_id}", {"operationName": "RemoteHangup"})
    assert user_states(ann) == [("NotReady", "AfterCallWork")]
    due = DeviceAgentState.objects.get(device=ann.device).wrapup_due
    with django_capture_on_commit_callbacks(execute=True):
        assert queues.end_due_wrapups(now=due - 1) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert queues.end_due_wrapups(now=due + 0.1) == 1
    assert user_states(ann) == [("NotReady", "AfterCallWork"), ("Ready", None)]
    # Ready again: the next queue call is hers.
    second = queue_call(admin_client, django_capture_on_commit_callbacks)
    assert second in ringing(ann)


def test_a_busy_dnd_or_logged_out_agent_is_not_offered_calls(admin_client, team, django_capture_on_commit_callbacks):
    ann, bob, cid = team
    ready(ann, bob)
    bob.post(f"/api/v2/me/devices/{bob.device.pk}", {"operationName": "DoNotDisturbOn"})
    first = queue_call(admin_client, django_capture_on_commit_callbacks)
    assert ringing(ann) == [first]
    second = queue_call(admin_client, django_capture_on_commit_callbacks)  # ann is ringing, bob in DND
    assert ringing(bob) == [] and queues.waiting_calls(ann.user.contact_center_id) == [second]
    assert VoiceCall.objects.get(pk=second).queue == "9000"


# ---------------------------------------------------------------------------------------------
# GET /queues
# ---------------------------------------------------------------------------------------------


def test_queues_list_fields_filter_and_item(agent_client, admin, sales):
    Queue.objects.create(contact_center=admin.contact_center, name="Support", number="9001")
    body = agent_client.get("/api/v2/queues").json()
    assert body["statusCode"] == 0 and len(body["uris"]) == 2
    assert agent_client.get("/api/v2/queues?fields=id,name").json()["queues"] == [
        {"id": str(sales.id), "name": "Sales"},
        {"id": str(Queue.objects.get(name="Support").id), "name": "Support"},
    ]
    listed = agent_client.get("/api/v2/queues?fields=name,channel,number&channel=voice&number=9001").json()["queues"]
    assert listed == [{"name": "Support", "channel": "voice", "number": "9001"}]
    item = agent_client.get(f"/api/v2/queues/{sales.id}?fields=*").json()["queue"]
    assert item == {"id": str(sales.id), "name": "Sales", "channel": "voice", "number": "9000", "skills": [{"name": "Sales", "level": 3}]}


def test_queue_failures(agent_client, foreign_admin, sales):
    assert_error(agent_client.get("/api/v2/queues/nope"), 404, 6)
    assert_error(agent_client.get("/api/v2/queues?fields=colour"), 400, 10)
    foreign = Queue.objects.create(contact_center=foreign_admin.contact_center, name="Theirs", number="9000")
    assert_error(agent_client.get(f"/api/v2/queues/{foreign.id}"), 404, 6)
