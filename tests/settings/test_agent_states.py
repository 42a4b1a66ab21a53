"""Agent-state operations: system ones, custom ones, and matching a device state to them."""
from provisioning import agent_states
from tests.conftest import assert_error

PATH = "/api/v2/settings/agent-states"
TRAINING = {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}


def test_agent_reads_the_documents_list_with_a_custom_training_state(admin_client, agent_client):
    assert admin_client.post(PATH, TRAINING).json() == {"statusCode": 0}
    body = agent_client.get(PATH).json()
    training_id = body["settings"][-1]["id"]
    assert body == {
        "statusCode": 0,
        "key": "operationName",
        "settings": [
            {"id": "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF", "operationName": "AfterCallWork", "displayName": "AfterCallWork", "state": "NotReady", "workMode": "AfterCallWork"},
            {"id": "2B36138D-C564-4562-A8CB-3C32D564F296", "operationName": "AuxWork", "displayName": "AuxWork", "state": "NotReady", "workMode": "AuxWork"},
            {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "operationName": "NotReady", "displayName": "Not Ready", "state": "NotReady"},
            {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "operationName": "Offline", "displayName": "Offline", "state": "Logout"},
            {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "operationName": "Ready", "displayName": "Ready", "state": "Ready"},
            {"id": training_id, **TRAINING},
        ],
    }
    assert agent_client.get("/api/v2/me/settings/agent-states").json() == body
    # Properties in the document's order, as a client printing the JSON would see them.
    assert [list(operation) for operation in body["settings"]][-2:] == [
        ["id", "operationName", "displayName", "state"],
        ["id", "operationName", "displayName", "state", "workMode", "reason"],
    ]


def test_custom_operation_keeps_its_id_when_updated(admin_client):
    admin_client.post(PATH, TRAINING)
    before = admin_client.get(PATH).json()["settings"][-1]
    assert admin_client.put(PATH, {**TRAINING, "displayName": "In training"}).json() == {"statusCode": 0}
    after = admin_client.get(PATH).json()["settings"][-1]
    assert after["id"] == before["id"] and after["displayName"] == "In training"
    assert_error(admin_client.put(PATH, {**TRAINING, "id": "something-else"}), 400, 11)
    assert admin_client.delete(PATH, {"operationName": "Training"}).json() == {"statusCode": 0}
    assert len(admin_client.get(PATH).json()["settings"]) == 5


def test_system_operations_are_never_modified_or_deleted(admin_client):
    assert_error(admin_client.put(PATH, {"operationName": "Ready", "displayName": "Go", "state": "Ready"}), 403, 3)
    assert_error(admin_client.delete(PATH, {"operationName": "Offline"}), 403, 3)
    assert_error(admin_client.post(PATH, {"operationName": "Ready", "state": "Ready"}), 409, 18)


def test_custom_operation_validation(admin_client):
    assert_error(admin_client.post(PATH, {**TRAINING, "state": "Sleeping"}), 400, 10)
    assert_error(admin_client.post(PATH, {**TRAINING, "workMode": "Lunch"}), 400, 10)
    assert_error(admin_client.post(PATH, {"operationName": "Lunch", "displayName": "Lunch"}), 400, 1)
    assert_error(admin_client.post(PATH, {**TRAINING, "state": 1}), 400, 1)
    assert_error(admin_client.post(PATH, {**TRAINING, "id": "mine"}), 400, 11)
    assert_error(admin_client.post(PATH, {**TRAINING, "colour": "red"}), 400, 10)
    admin_client.post(PATH, TRAINING)
    assert_error(admin_client.post(PATH, TRAINING), 409, 18)
    assert_error(admin_client.put(PATH, {**TRAINING, "operationName": "Unknown"}), 404, 6)


def test_agent_cannot_create_operations(agent_client):
    assert_error(agent_client.post(PATH, TRAINING), 403, 5)


def test_matching_finds_system_and_custom_operations(admin_client, contact_center):
    admin_client.post(PATH, TRAINING)
    training_id = agent_states.find(contact_center.pk, "Training")["id"]
    cc = contact_center.pk
    assert agent_states.match(cc, "Ready") == {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready"}
    assert agent_states.match(cc, "NotReady") == {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready"}
    assert agent_states.match(cc, "NotReady", "AuxWork") == {"id": "2B36138D-C564-4562-A8CB-3C32D564F296", "displayName": "AuxWork"}
    assert agent_states.match(cc, "NotReady", "AfterCallWork")["displayName"] == "AfterCallWork"
    assert agent_states.match(cc, "Logout") == {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "displayName": "Offline"}
    assert agent_states.match(cc, "NotReady", "AuxWork", "Training") == {"id": training_id, "displayName": "Training"}
    # Empty workMode or reason (as a switch may report them) are no workMode or reason.
    assert agent_states.match(cc, "Ready", "", "")["displayName"] == "Ready"
    # Nothing matches: a reason no operation has, a workMode with a state it does not go with.
    assert agent_states.match(cc, "NotReady", "AuxWork", "Lunch") is None
    assert agent_states.match(cc, "NotReady", None, "Training") is None
    assert agent_states.match(cc, "Ready", "AuxWork") is None
    assert agent_states.match(cc, "Busy") is None


def test_user_state_for_a_device_as_the_document_shows_it(admin_client, contact_center):
    """What the voice channel puts in a device's userState ("Agent State Matching in Device State")."""
    admin_client.post(PATH, TRAINING)
    cc = contact_center.pk
    assert agent_states.user_state(cc, "Ready") == {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "displayName": "Ready", "state": "Ready"}
    assert agent_states.user_state(cc, "NotReady") == {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "displayName": "Not Ready", "state": "NotReady"}
    training = agent_states.user_state(cc, "NotReady", "AuxWork", "Training")
    assert list(training) == ["id", "displayName", "state", "workMode", "reason"]
    assert training["displayName"] == "Training" and training["reason"] == "Training"
    # No match: no id and no displayName, the state as it is.
    assert agent_states.user_state(cc, "NotReady", "AuxWork", "Lunch") == {"state": "NotReady", "workMode": "AuxWork", "reason": "Lunch"}


def test_matching_many_devices_reads_the_operations_once(contact_center, django_assert_num_queries):
    with django_assert_num_queries(1):
        known = agent_states.operations(contact_center.pk)
    with django_assert_num_queries(0):
        states = [agent_states.user_state(contact_center.pk, state, known=known) for state in ("Ready", "NotReady", "Logout")]
    assert [state["displayName"] for state in states] == ["Ready", "Not Ready", "Offline"]


def test_the_voice_channel_finds_an_operation_by_name(admin_client, contact_center):
    admin_client.post(PATH, TRAINING)
    assert agent_states.find(contact_center.pk, "AuxWork") == {
        "id": "2B36138D-C564-4562-A8CB-3C32D564F296", "operationName": "AuxWork", "displayName": "AuxWork", "state": "NotReady", "workMode": "AuxWork"
    }
    assert agent_states.find(contact_center.pk, "Training")["reason"] == "Training"
    assert agent_states.find(contact_center.pk, "Lunch") is None


def test_two_operations_never_share_state_work_mode_and_reason(admin_client):
    # Same as the system AuxWork operation: a device in that state would match two operations.
    assert_error(admin_client.post(PATH, {"operationName": "Break", "state": "NotReady", "workMode": "AuxWork"}), 409, 18)
    admin_client.post(PATH, TRAINING)
    assert_error(admin_client.post(PATH, {**TRAINING, "operationName": "Training2"}), 409, 18)
    # An operation keeps its own signature when updated; taking another's is refused.
    assert admin_client.put(PATH, {**TRAINING, "displayName": "Course"}).json() == {"statusCode": 0}
    assert_error(admin_client.put(PATH, {"operationName": "Training", "state": "NotReady"}), 409, 18)
    assert admin_client.get(PATH).json()["settings"][-1]["displayName"] == "Course"
    assert len(admin_client.get(PATH).json()["settings"]) == 6


def test_work_mode_goes_with_not_ready_only(admin_client):
    assert_error(admin_client.post(PATH, {"operationName": "Busy", "state": "Ready", "workMode": "AuxWork"}), 400, 10)
    assert_error(admin_client.post(PATH, {"operationName": "Gone", "state": "Logout", "workMode": "AfterCallWork"}), 400, 10)
    assert admin_client.post(PATH, {"operationName": "Home", "state": "Logout", "reason": "Home"}).json() == {"statusCode": 0}


def test_custom_operations_belong_to_their_contact_center(admin_client, foreign_client):
    admin_client.post(PATH, TRAINING)
    assert len(foreign_client.get(PATH).json()["settings"]) == 5
