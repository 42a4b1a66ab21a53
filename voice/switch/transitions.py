"""
The party state machine as one table: for each state, the operations a party may be asked to do
and the state each leads to. A call's ``capabilities`` are the operations of its party's state
whose guard holds ("What Are Capabilities?"), so the list a client sees and the moves the switch
accepts come from the same table and cannot drift apart.
"""
from dataclasses import dataclass

from .model import State, Supervision

# ---------------------------------------------------------------------------------------------
# Guards: facts about a party's situation beyond its own state
# ---------------------------------------------------------------------------------------------


@dataclass
class Situation:
    """What the guards look at: the party, the others on its call, its device's other calls."""

    party: object
    others: list  # the other active parties of the call the party hears (see engine.hears)
    siblings: list  # the device's other active parties (its other calls)
    monitored: object = None  # a supervisor's party: the party of the agent it monitors


def always(situation):
    return True


def answerable(situation):
    # "When telephonyNetwork is Public, an answer request via CTI is not supported."
    return situation.party.telephony_network != "Public"


def delivered_from_queue(situation):
    return bool(situation.party.from_queue)


def has_held_sibling(situation):
    """A consultation pair: this call is active while another call of the device is held."""
    return any(sibling.state == State.HELD for sibling in situation.siblings)


def is_conference(situation):
    return len(situation.others) >= 2


def conference_unmuted(situation):
    # A supervisor's own mute follows its mode (SwitchToListenIn/SwitchToBargeIn), as the
    # supervisor examples' capabilities show (no MuteCall/UnmuteCall there).
    return is_conference(situation) and not situation.party.mute and not situation.party.is_supervisor


def muted(situation):
    return situation.party.mute and not situation.party.is_supervisor


def monitoring_in(*modes):
    """A supervisor's party whose current mode is one of modes."""

    def guard(situation):
        return situation.party.monitor_mode in modes

    return guard


def monitored_agent_muted(muted_now):
    """A supervisor's party whose monitored agent is (not) muted by it."""

    def guard(situation):
        monitored = situation.monitored
        return situation.party.is_supervisor and monitored is not None and monitored.monitored_muted == muted_now

    return guard


@dataclass(frozen=True)
class Move:
    """An operation a state allows: the state it leads to (None: unchanged) and its guard.
    ``listed=False``: allowed but not shown in ``capabilities`` (the examples never list it)."""

    to: str | None = None
    guard: object = always
    listed: bool = True


CALL_DATA = {
    "AttachUserData": Move(),
    "UpdateUserData": Move(),
    "DeleteUserData": Move(),
    "DeleteUserDataPair": Move(),
}

PARTY_TRANSITIONS = {
    State.DIALING: {
        "Hangup": Move(State.RELEASED),
        "SendDtmf": Move(),
        **CALL_DATA,
        "SwapCalls": Move(State.HELD, has_held_sibling),
        "CompleteTransfer": Move(State.RELEASED, has_held_sibling),
    },
    State.RINGING: {
        "Answer": Move(State.ESTABLISHED, answerable),
        "Reject": Move(State.RELEASED, delivered_from_queue),
        **CALL_DATA,
    },
    State.ESTABLISHED: {
        "Hangup": Move(State.RELEASED),
        "Hold": Move(State.HELD),
        "SendDtmf": Move(),
        "InitiateConference": Move(State.HELD),
        "InitiateTransfer": Move(State.HELD),
        "SingleStepConference": Move(),
        "SingleStepTransfer": Move(State.RELEASED),
        **CALL_DATA,
        "RemoveParticipantFromConference": Move(None, is_conference),
        "MuteCall": Move(None, conference_unmuted),
        "UnmuteCall": Move(None, muted),
        "SwapCalls": Move(State.HELD, has_held_sibling),
        "CompleteTransfer": Move(State.RELEASED, has_held_sibling),
        "CompleteConference": Move(None, has_held_sibling),
        # Supervisor monitoring: from Coach either way, never back to Coach.
        "SwitchToBargeIn": Move(None, monitoring_in(Supervision.LISTEN_IN, Supervision.COACH)),
        "SwitchToListenIn": Move(None, monitoring_in(Supervision.BARGE_IN, Supervision.COACH)),
        # No capabilities list of the document shows these two, even where they apply.
        "MuteMonitoredUser": Move(None, monitored_agent_muted(False), listed=False),
        "UnmuteMonitoredUser": Move(None, monitored_agent_muted(True), listed=False),
    },
    State.HELD: {
        "Retrieve": Move(State.ESTABLISHED),
        "Hangup": Move(State.RELEASED),
        "InitiateConference": Move(),
        "InitiateTransfer": Move(),
        "SingleStepConference": Move(),
        "SingleStepTransfer": Move(State.RELEASED),
        **CALL_DATA,
    },
    State.RELEASED: {},
}

# Operations the table does not govern: SetCallDisposition works on active and released calls
# alike (a released call gets a user event), and MergeWithOtherCall appears in no capabilities
# list of the document, so it is checked by its own precondition (two calls, one held).
UNGATED = ("SetCallDisposition", "MergeWithOtherCall")

SUPERVISOR_CALL_OPERATIONS = ("SwitchToBargeIn", "SwitchToListenIn", "MuteMonitoredUser", "UnmuteMonitoredUser")

# Every call operation of the Voice API (the synchronous check for an unknown operationName).
CALL_OPERATIONS = tuple(
    dict.fromkeys(
        [name for moves in PARTY_TRANSITIONS.values() for name in moves] + list(UNGATED)
    )
)


def capabilities(situation):
    """The operations valid for the party now: the guarded keys of its state's row."""
    moves = PARTY_TRANSITIONS[situation.party.state]
    return [name for name, move in moves.items() if move.listed and move.guard(situation)]


def allowed(situation, operation):
    """Whether the table lets the party do operation now (ungated operations always pass here)."""
    if operation in UNGATED:
        return True
    move = PARTY_TRANSITIONS[situation.party.state].get(operation)
    return move is not None and move.guard(situation)
