"""
Agent-state operations ("Agent State Operations"): the five system operations, custom ones an
admin defines in the `agent-states` settings group, and matching a device's state to them.
"""
from .choices import AgentState, WorkMode
from .models import Setting

GROUP = "agent-states"

# The system operations with the ids and display names of the document's example; they are the
# same in every contact center and can be neither modified nor deleted.
SYSTEM_OPERATIONS = [
    {"id": "9430250E-0A1B-421F-B372-F29E69366DED", "operationName": "Ready", "displayName": "Ready", "state": AgentState.READY},
    {"id": "900D55CC-2BB0-431F-8BF9-D3525B383BE6", "operationName": "NotReady", "displayName": "Not Ready", "state": AgentState.NOT_READY},
    {
        "id": "2B36138D-C564-4562-A8CB-3C32D564F296",
        "operationName": "AuxWork",
        "displayName": "AuxWork",
        "state": AgentState.NOT_READY,
        "workMode": WorkMode.AUX_WORK,
    },
    {
        "id": "D3663509-3D82-4DD3-A82E-2EA8EFA02AEF",
        "operationName": "AfterCallWork",
        "displayName": "AfterCallWork",
        "state": AgentState.NOT_READY,
        "workMode": WorkMode.AFTER_CALL_WORK,
    },
    {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "operationName": "Offline", "displayName": "Offline", "state": AgentState.LOGOUT},
]
SYSTEM_NAMES = {operation["operationName"] for operation in SYSTEM_OPERATIONS}


def _plain(operation):
    """An operation as plain JSON (TextChoices members become their string values)."""
    return {key: str(value) for key, value in operation.items()}


def operations(contact_center_id):
    """Every agent-state operation of a contact center, sorted by operationName."""
    custom = Setting.objects.filter(contact_center_id=contact_center_id, group=GROUP).values_list("data", flat=True)
    found = [_plain(operation) for operation in SYSTEM_OPERATIONS] + list(custom)
    return sorted(found, key=lambda operation: operation["operationName"])


def find(contact_center_id, operation_name):
    """The operation named operation_name, or None."""
    return next((op for op in operations(contact_center_id) if op["operationName"] == operation_name), None)


def match(contact_center_id, state, work_mode=None, reason=None):
    """The {id, displayName} of the operation with exactly this state, workMode and reason, or None.

    "Agent State Matching in Device State": a device's userState carries the id and displayName
    of the matching operation when there is one, and only then.
    """
    for operation in operations(contact_center_id):
        if (
            operation["state"] == state
            and operation.get("workMode") == (work_mode or None)
            and operation.get("reason") == (reason or None)
        ):
            return {"id": operation["id"], "displayName": operation["displayName"]}
    return None
