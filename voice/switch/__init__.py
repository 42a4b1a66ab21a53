"""The embedded telephony switch: plain Python, no database, no HTTP (see docs/voice.md)."""
from .engine import Request, Snapshot, Switch, SwitchError, UserEvent, view  # noqa: F401
from .model import CallEvent, CallType, ErrorEvent, Notification, RemoteBehaviour, State  # noqa: F401
from .transitions import CALL_OPERATIONS, capabilities  # noqa: F401
