"""
What the switch knows about: directory numbers, calls and the parties on them.

Plain Python objects with no database and no HTTP. A *call* is shared by everyone on it (its id,
its UUID, its DNIS/ANI, its user data); a *party* is one number's leg of a call, with its own
state and call type, so each user sees its own view of the call under the call's id.
"""
from dataclasses import dataclass, field


class State:
    DIALING = "Dialing"
    RINGING = "Ringing"
    ESTABLISHED = "Established"
    HELD = "Held"
    RELEASED = "Released"


class CallType:
    INTERNAL = "Internal"
    INBOUND = "Inbound"
    OUTBOUND = "Outbound"
    CONSULT = "Consult"


class Notification:
    """The notificationType values of CallStateChangeMessage."""

    STATUS_CHANGE = "StatusChange"
    PARTICIPANTS_UPDATED = "ParticipantsUpdated"
    ATTACHED_DATA_CHANGED = "AttachedDataChanged"
    DTMF_SENT = "DtmfSent"
    MONITORED_USER_MUTED_STATE_CHANGE = "MonitoredUserMutedStateChange"


class Supervision:
    """Supervisor monitoring: how a supervisor is on a call (a party's ``monitor_mode``, a
    configuration's ``state``), its mode (which calls) and its scope (what it follows)."""

    LISTEN_IN = "ListenIn"  # heard by nobody
    COACH = "Coach"  # heard by the monitored agent only
    BARGE_IN = "BargeIn"  # heard by everyone
    STATES = (LISTEN_IN, COACH, BARGE_IN)

    NEXT_CALL = "NextCall"  # the next call only, then monitoring ends
    ALL_CALLS = "AllCalls"
    MODES = (NEXT_CALL, ALL_CALLS)

    AGENT = "Agent"  # follows the agent: released with it when it transfers the call
    CALL = "Call"  # follows the call: stays on it with the agent it is transferred to
    SCOPES = (AGENT, CALL)


class RemoteBehaviour:
    """How a simulated party (a number no device has) responds when it is called."""

    ANSWER = "answer"  # answers after `delay` seconds
    BUSY = "busy"  # the call fails at once: the caller is released with "Destination busy"
    NO_ANSWER = "no-answer"  # rings until the caller gives up

    ALL = (ANSWER, BUSY, NO_ANSWER)


class Timer:
    """What a party's pending timer does when it is due."""

    ANSWER = "answer"


ACTIVE_STATES = (State.DIALING, State.RINGING, State.ESTABLISHED, State.HELD)


@dataclass
class DirectoryNumber:
    """A number that belongs to a device: calls to it ring the device."""

    device_id: str
    number: str
    telephony_network: str = "Private"
    # Issue 6 (device state): DND and forwarding decide whether and where calls are delivered.
    do_not_disturb: bool = False
    forward_to: str = ""


@dataclass
class Call:
    """A call: what all its parties share."""

    id: str
    uuid: str
    dnis: str = ""
    ani: str = ""
    # Ordered [key, value] pairs: AttachUserData may add a key twice, as a T-Server KVList can.
    user_data: list = field(default_factory=list)
    created_at: float = 0.0
    # The queue number the call waits in after a Reject (queues themselves are issue 6).
    queue: str = ""
    is_new: bool = False

    def data_items(self):
        return [tuple(pair) for pair in self.user_data]

    def data_dict(self):
        """userData as a JSON object: for a duplicated key the last value attached wins."""
        return {key: value for key, value in self.user_data}


@dataclass
class Party:
    """One number's leg of a call."""

    id: str
    call_id: str
    number: str
    state: str
    call_type: str
    device_id: str | None = None  # None: a simulated remote party
    telephony_network: str = "Private"
    mute: bool = False
    seq: int = 0  # order of joining, for the participants list
    parent_call_id: str = ""  # a consult call's original call (parentCallUri)
    from_queue: str = ""  # the queue that delivered the call (Reject sends it back there)
    created_at: float = 0.0
    established_at: float | None = None
    released_at: float | None = None
    # The participants a released party last saw (its final view keeps them, as the examples do).
    final_participants: list = field(default_factory=list)
    timer_action: str = ""
    timer_due: float | None = None
    # Supervisor monitoring: a supervisor's party has a mode (ListenIn, Coach, BargeIn), a scope
    # and the device it monitors; a monitored agent's party may be muted by its supervisor.
    monitor_mode: str = ""
    monitor_scope: str = ""
    monitored_device_id: str = ""
    monitored_muted: bool = False
    is_new: bool = False

    @property
    def is_device(self):
        return self.device_id is not None

    @property
    def is_supervisor(self):
        return bool(self.monitor_mode)

    @property
    def active(self):
        return self.state != State.RELEASED


@dataclass
class PartyView:
    """One party's view of a call at the moment an event happened: what a call resource shows."""

    call_id: str
    call_uuid: str
    device_id: str
    phone_number: str
    state: str
    call_type: str
    participants: list
    dnis: str
    ani: str
    capabilities: list
    user_data: dict
    duration: int
    mute: bool
    parent_call_id: str = ""
    monitoring: bool = False  # this party is a supervisor monitoring the call
    supervisor_listening_in: bool = False  # a supervisor listens in (or coaches) on this agent
    monitored_user_muted: bool = False  # the monitored agent is muted by its supervisor


@dataclass
class Monitor:
    """A supervisor's monitoring configuration (ListenIn, Coach or BargeIn on a target device)."""

    supervisor_device_id: str
    target_device_id: str
    state: str
    mode: str = Supervision.ALL_CALLS
    scope: str = Supervision.CALL
    supervisor_number: str = ""
    supervisor_network: str = "Private"
    # NextCall: a call has been monitored; the configuration ends when the supervisor leaves it.
    used: bool = False

    def key(self):
        return (self.target_device_id, self.state, self.mode, self.scope, self.used)


@dataclass
class CallEvent:
    """A CallStateChangeMessage for one device party."""

    notification_type: str
    view: PartyView


@dataclass
class DeviceEvent:
    """A DeviceStateChangeMessage for a device whose state the switch changed (its supervisor
    monitoring configuration)."""

    device_id: str


@dataclass
class ErrorEvent:
    """An ErrorMessage: the switch could not do what it was asked (an asynchronous T-Server error)."""

    device_id: str
    message: str
    call_id: str = ""
