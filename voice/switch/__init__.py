"""The embedded telephony switch: plain Python, no database, no HTTP (see docs/voice.md)."""
from .engine import Request, Snapshot, Switch, SwitchError, UserEvent, view  # noqa: F401
from .model import CallEvent, CallType, DeviceEvent, ErrorEvent, Monitor, Notification, RemoteBehaviour, State, Supervision  # noqa: F401
from .transitions import CALL_OPERATIONS, capabilities  # noqa: F401
