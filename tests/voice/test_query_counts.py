"""What one call operation costs in SQL statements, end to end: the request's session, the
API's check of the operation, the switch's turn, load and save, and the reads its notifications
need (the embedded switch; with the switch process the same statements are split between the
two processes). Pinned so that it cannot creep back.

On PostgreSQL the turn adds its lock and unlock, and load's three statements (and the Dial's
read of the caller's owner) go in one round trip; on SQLite they are separate. In a test the
request's transaction is a savepoint: SAVEPOINT and RELEASE are two of the statements counted.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from voice.models import VoiceParty

from .conftest import last_call_id

# Statements per operation, end to end (before this budget: Dial 20, Answer 28, Hold 27,
# Retrieve 27, Hangup 28 on PostgreSQL).
BUDGET = {"Dial": 13, "Answer": 10, "Hold": 10, "Retrieve": 10, "Hangup": 10}


@pytest.fixture
def warm(agent_a, agent_b):
    """One call made and ended first: what is read once per process (features, the numbers the
    switch has seen dialled) is not counted."""
    assert agent_a.dial("5001").status_code == 200
    call_id = last_call_id(agent_a)
    for agent, operation in ((agent_b, "Answer"), (agent_a, "Hangup")):
        assert agent.operate(call_id, operation).status_code == 200
    agent_a.clear()
    agent_b.clear()


def test_each_call_operation_stays_within_its_statement_budget(warm, agent_a, agent_b, django_assert_max_num_queries):
    # Given two agents, when they dial, answer, hold, retrieve and hang up
    with django_assert_max_num_queries(BUDGET["Dial"]):
        assert agent_a.dial("5001").status_code == 200
    call_id = last_call_id(agent_a)
    for agent, operation in ((agent_b, "Answer"), (agent_a, "Hold"), (agent_a, "Retrieve"), (agent_a, "Hangup")):
        with django_assert_max_num_queries(BUDGET[operation]):
            assert agent.operate(call_id, operation).status_code == 200
    # then each one was carried out and announced to both, within its budget
    assert [state for _, _, state in agent_a.events()] == ["Dialing", "Established", "Held", "Established", "Released"]
    assert [state for _, _, state in agent_b.events()] == ["Ringing", "Established", "Released"]


def test_a_hang_up_releases_both_parties_in_one_statement(established_call, agent_a, agent_b):
    # Given an established call, when the caller hangs up
    with CaptureQueriesContext(connection) as queries:
        assert agent_a.operate(established_call, "Hangup").status_code == 200
    # then both parties, each with its own final participants, are released by one UPDATE
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len(writes) == 1 and writes[0].startswith('UPDATE "voice_voiceparty"')
    parties = dict(VoiceParty.objects.filter(call_id=established_call).values_list("number", "state"))
    assert parties == {"5005": "Released", "5001": "Released"}
    assert dict(VoiceParty.objects.filter(call_id=established_call).values_list("number", "final_participants")) == {
        "5005": ["5001"],
        "5001": ["5005"],
    }
    assert agent_b.events() == [("StatusChange", established_call, "Released")]
