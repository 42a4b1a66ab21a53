"""
Agent-state operations ("Agent State Operations"): the five system operations, custom ones an
admin defines in the `agent-states` settings group, and matching a device's state to them
("Agent State Matching in Device State").

The voice channel uses two functions of this module:

- ``find(contact_center_id, operation_name)``: the operation a ``POST /me/channels/voice
  {"operationName": ...}`` asks for (its state, workMode and reason);
- ``user_state(contact_center_id, state, work_mode, reason)``: the ``userState`` of a device
  resource, with the matching operation's ``id`` and ``displayName`` when there is one.
"""
from gws_project.api.prepared import Param, PreparedQuery

from .choices import AgentState, WorkMode
from .models import ContactCenter, Setting

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
    # The id keeps the document's odd "A6Ef": clients may have it hard-coded.
    {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "operationName": "Offline", "displayName": "Offline", "state": AgentState.LOGOUT},
]
SYSTEM_NAMES = {operation["operationName"] for operation in SYSTEM_OPERATIONS}
# The wire order of an operation's properties, as in the document's example.
PROPERTIES = ("id", "operationName", "displayName", "state", "workMode", "reason")


def _plain(operation):
    """An operation as plain JSON (TextChoices members become their string values)."""
    return {key: str(value) for key, value in operation.items()}


# Read for every device rendered (/me, device lists, notifications): compiled once.
CUSTOM_OPERATIONS = PreparedQuery(
    lambda: Setting.objects.filter(contact_center_id=Param("contact_center", ContactCenter._meta.pk), group=GROUP).values_list("data")
)


def _operations_values(contact_center_id):
    return {"contact_center": contact_center_id}


def operations_read(contact_center_id):
    """The read operations() makes, for gws_project.api.prepared.read_ahead."""
    return CUSTOM_OPERATIONS, _operations_values(contact_center_id)


def operations(contact_center_id):
    """Every agent-state operation of a contact center, sorted by operationName."""
    custom = [data for (data,) in CUSTOM_OPERATIONS.rows(**_operations_values(contact_center_id))]
    # PostgreSQL's jsonb does not keep key order: put the properties back in the document's.
    custom = [{key: operation[key] for key in PROPERTIES if key in operation} for operation in custom]
    found = [_plain(operation) for operation in SYSTEM_OPERATIONS] + custom
    return sorted(found, key=lambda operation: operation["operationName"])


def find(contact_center_id, operation_name):
    """The operation named operation_name, or None."""
    return next((op for op in operations(contact_center_id) if op["operationName"] == operation_name), None)


def _signature(state, work_mode, reason):
    """What identifies an operation for matching: an empty workMode or reason is no workMode or reason."""
    return (str(state), str(work_mode) if work_mode else None, reason or None)


def same_signature(operation, known):
    """The operation among known (other than itself) with operation's state, workMode and reason."""
    wanted = _signature(operation["state"], operation.get("workMode"), operation.get("reason"))
    for other in known:
        if other["operationName"] != operation["operationName"] and (
            _signature(other["state"], other.get("workMode"), other.get("reason")) == wanted
        ):
            return other
    return None


def match(contact_center_id, state, work_mode=None, reason=None, known=None):
    """The {id, displayName} of the operation with exactly this state, workMode and reason, or None.

    Creating an operation with the signature of another is refused, so at most one matches.
    ``known`` is the list ``operations(contact_center_id)`` returned, for callers that match many
    devices at once (one query instead of one per device).
    """
    wanted = _signature(state, work_mode, reason)
    for operation in operations(contact_center_id) if known is None else known:
        if _signature(operation["state"], operation.get("workMode"), operation.get("reason")) == wanted:
            return {"id": operation["id"], "displayName": operation["displayName"]}
    return None


def user_state(contact_center_id, state, work_mode=None, reason=None, known=None):
    """A device's ``userState``: id and displayName of the matching operation (only when one
    matches), then state, workMode and reason (only those that are set)."""
    result = dict(match(contact_center_id, state, work_mode, reason, known) or {})
    result["state"] = str(state)
    if work_mode:
        result["workMode"] = str(work_mode)
    if reason:
        result["reason"] = reason
    return result
