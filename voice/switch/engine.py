"""
The switch: requests in, state changes and events out, the way a T-Server works.

``Switch(snapshot, directory, now).handle(request)`` applies one request to the calls and
parties of ``snapshot`` (mutating them) and returns the events it produced, in order. It knows
nothing of databases or HTTP: the caller loads the snapshot, saves what changed and delivers
the events. A request the switch cannot carry out in the current state produces an
``ErrorEvent`` (an asynchronous T-Server error) and changes nothing.
"""
import copy
import re
import secrets
import uuid
from dataclasses import dataclass, field

from .model import (
    ACTIVE_STATES,
    Call,
    CallEvent,
    CallType,
    DeviceEvent,
    ErrorEvent,
    Monitor,
    Notification,
    Party,
    PartyView,
    RemoteBehaviour,
    State,
    Supervision,
    Timer,
)
from .transitions import Situation, allowed, capabilities

N = Notification
DIALABLE = re.compile(r"^\+?[0-9*#]+$")
DTMF = re.compile(r"^[0-9*#]+$")
FIRST_CONFERENCE_KEY = "FirstConferencePartyDN"
DEFAULT_DISPOSITION_KEY = "DispositionCode"


@dataclass
class Request:
    """One request to the switch. ``operation`` is a Voice API operation name or a simulation."""

    operation: str
    device_id: str = ""
    call_id: str = ""
    params: dict = field(default_factory=dict)


@dataclass
class UserEvent:
    """A user event (T-Server EventUserEvent): a disposition set on a released call."""

    call_id: str
    device_id: str
    data: dict


class SwitchError(Exception):
    """The switch refuses a request; becomes an ErrorEvent (nothing is changed)."""


class Snapshot:
    """The calls and parties one request may touch, loaded (and locked) by the caller."""

    def __init__(self, calls=(), parties=(), monitors=()):
        self.calls = {call.id: call for call in calls}
        self.parties = {party.id: party for party in parties}
        self.user_events = []
        # Supervisor monitoring configurations, by supervisor device; those ended by the request.
        self.monitors = {monitor.supervisor_device_id: monitor for monitor in monitors}
        self.removed_monitors = set()
        self.loaded_monitors = {key: monitor.key() for key, monitor in self.monitors.items()}

    def call_parties(self, call_id):
        return sorted((p for p in self.parties.values() if p.call_id == call_id), key=lambda p: (p.seq, p.id))

    def active_parties(self, call_id):
        return [p for p in self.call_parties(call_id) if p.active]

    def device_parties(self, device_id):
        """The device's active parties (its calls in progress)."""
        return [p for p in self.parties.values() if p.device_id == device_id and p.active]

    def party(self, call_id, device_id):
        """The device's party on a call (its active one if it has been on the call twice)."""
        found = [p for p in self.call_parties(call_id) if p.device_id == device_id]
        active = [p for p in found if p.active]
        return (active or found or [None])[-1]

    def call_parties_all(self):
        """Every party of the snapshot, in a stable order (call, then joining order)."""
        return sorted(self.parties.values(), key=lambda p: (p.call_id, p.seq, p.id))

    def add_call(self, call):
        call.is_new = True
        self.calls[call.id] = call
        return call

    def add_party(self, party):
        party.is_new = True
        self.parties[party.id] = party
        return party


def new_call_id():
    """A connection id in the T-Server format: 16 lowercase hex digits."""
    return secrets.token_hex(8)


def new_call_uuid():
    return uuid.uuid4().hex.upper()


def new_party_id():
    return uuid.uuid4().hex


# ---------------------------------------------------------------------------------------------
# Views: what one party sees of its call
# ---------------------------------------------------------------------------------------------


def hears(viewer, other):
    """Whether viewer hears other (and so lists it among its participants): a supervisor in
    ListenIn is heard by nobody, in Coach only by the agent it monitors, in BargeIn by everyone;
    a supervisor hears everyone."""
    if viewer.is_supervisor or not other.is_supervisor or other.monitor_mode == Supervision.BARGE_IN:
        return True
    if other.monitor_mode == Supervision.COACH:
        return viewer.is_device and viewer.device_id == other.monitored_device_id
    return False


def monitored_party(snapshot, party):
    """A supervisor's party: the active party of the agent it monitors on its call, or None."""
    if not party.is_supervisor:
        return None
    for other in snapshot.active_parties(party.call_id):
        if other.device_id == party.monitored_device_id and not other.is_supervisor:
            return other
    return None


def supervisors_of(snapshot, party):
    """The active supervisors' parties monitoring party (an agent's active party) on its call."""
    if not party.active or not party.is_device or party.is_supervisor:
        return []
    return [
        p for p in snapshot.active_parties(party.call_id) if p.is_supervisor and p.monitored_device_id == party.device_id
    ]


def principals(parties):
    """The parties that make a call (a call with fewer than two of them ends): not supervisors."""
    return [p for p in parties if not p.is_supervisor]


def situation(snapshot, party):
    others = [p for p in snapshot.active_parties(party.call_id) if p.id != party.id and hears(party, p)]
    siblings = (
        [p for p in snapshot.device_parties(party.device_id) if p.id != party.id] if party.is_device else []
    )
    return Situation(party=party, others=others, siblings=siblings, monitored=monitored_party(snapshot, party))


def participants(snapshot, party):
    if not party.active:
        return list(party.final_participants)
    return [p.number for p in snapshot.active_parties(party.call_id) if p.id != party.id and hears(party, p)]


def duration(party, now):
    if party.established_at is None:
        return 0
    end = party.released_at if party.released_at is not None else now
    return max(0, int(end - party.established_at))


def view(snapshot, party, now):
    """The party's view of its call now (the content of a call resource)."""
    call = snapshot.calls[party.call_id]
    if party.is_supervisor:
        monitored = monitored_party(snapshot, party)
        listening_in, monitored_muted = False, bool(monitored and monitored.monitored_muted)
    else:
        supervisors = supervisors_of(snapshot, party)
        listening_in = any(p.monitor_mode in (Supervision.LISTEN_IN, Supervision.COACH) for p in supervisors)
        monitored_muted = party.monitored_muted
    return PartyView(
        call_id=call.id,
        call_uuid=call.uuid,
        device_id=party.device_id,
        phone_number=party.number,
        state=party.state,
        call_type=party.call_type,
        participants=participants(snapshot, party),
        dnis=call.dnis,
        ani=call.ani,
        capabilities=capabilities(situation(snapshot, party)),
        user_data=call.data_dict(),
        duration=duration(party, now),
        mute=party.mute,
        parent_call_id=party.parent_call_id,
        monitoring=party.is_supervisor,
        supervisor_listening_in=listening_in,
        monitored_user_muted=monitored_muted,
    )


# ---------------------------------------------------------------------------------------------
# The switch
# ---------------------------------------------------------------------------------------------


class Switch:
    """Applies requests to a snapshot. ``directory`` answers ``lookup(number)`` (a
    DirectoryNumber or None), ``remote(number)`` ((behaviour, delay) of a simulated party) and
    ``normalise(number)`` (the number as the switch files it, or None when it is not dialable)."""

    def __init__(self, snapshot, directory, now):
        self.snapshot = snapshot
        self.directory = directory
        self.now = now
        self.events = []
        self._answer_now = []

    # -- entry point ----------------------------------------------------------------------------

    def handle(self, request):
        """Apply one request; return its events. A refused request changes nothing."""
        snapshot = self.snapshot
        before = copy.deepcopy((snapshot.calls, snapshot.parties, snapshot.monitors, snapshot.removed_monitors))
        try:
            handler = getattr(self, "op_" + request.operation, None)
            if handler is None:
                raise SwitchError(f"Unsupported operation {request.operation}")
            handler(request)
            for party in self._answer_now:
                if party.state == State.RINGING:
                    self._answer(party)
            self._supervise()
        except SwitchError as error:
            snapshot.calls, snapshot.parties, snapshot.monitors, snapshot.removed_monitors = before
            self.snapshot.user_events = []
            self.events = [ErrorEvent(device_id=request.device_id, message=str(error), call_id=request.call_id)]
        return self.events

    # -- helpers --------------------------------------------------------------------------------

    def _notify(self, party, notification_type=N.STATUS_CHANGE):
        if party.is_device:
            self.events.append(CallEvent(notification_type, view(self.snapshot, party, self.now)))

    def _party_for(self, request, operation=None):
        party = self.snapshot.party(request.call_id, request.device_id)
        if party is None:
            raise SwitchError("Invalid call identifier")
        if not allowed(situation(self.snapshot, party), operation or request.operation):
            raise SwitchError("Incorrect object state")
        return party

    def _set_state(self, party, state):
        party.state = state
        if state == State.ESTABLISHED and party.established_at is None:
            party.established_at = self.now
        if state == State.RELEASED:
            party.released_at = self.now
            party.timer_action, party.timer_due = "", None

    def _release(self, parties):
        """Release parties together: each keeps the participants it saw just before."""
        finals = {p.id: participants(self.snapshot, p) for p in parties}
        for party in parties:
            party.final_participants = finals[party.id]
            self._set_state(party, State.RELEASED)
        for party in parties:
            self._notify(party)

    def _next_seq(self, call_id):
        return max((p.seq for p in self.snapshot.call_parties(call_id)), default=-1) + 1

    def _destination(self, params, own_number=""):
        raw = (params.get("destination") or {}).get("phoneNumber", "")
        number = self.directory.normalise(raw) if isinstance(raw, str) and DIALABLE.match(raw.strip()) else None
        if not number or number == own_number:
            raise SwitchError("Invalid Called Dn")
        return number

    def _new_party(self, call, number, call_type, state, **fields):
        return self.snapshot.add_party(
            Party(
                id=new_party_id(),
                call_id=call.id,
                number=number,
                state=state,
                call_type=call_type,
                seq=self._next_seq(call.id),
                created_at=self.now,
                **fields,
            )
        )

    def _deliver(self, call, number, call_type, from_queue=""):
        """Add the party a call to number reaches: a device's DN rings; any other number is a
        simulated remote party behaving as configured. A forwarded device's calls go on to its
        forwarding destination; a device in do-not-disturb does not ring: the caller gets busy."""
        dn = self.directory.lookup(number)
        seen = set()
        while dn is not None and dn.forward_to and dn.number not in seen:  # a loop ends where it began
            seen.add(dn.number)
            number = self.directory.normalise(dn.forward_to) or dn.forward_to
            dn = self.directory.lookup(number)
        if dn is not None and dn.do_not_disturb:
            raise SwitchError("Destination busy")
        if dn is not None:
            return self._new_party(
                call,
                dn.number,
                call_type,
                State.RINGING,
                device_id=dn.device_id,
                telephony_network=dn.telephony_network,
                from_queue=from_queue,
            )
        behaviour, delay = self.directory.remote(number)
        if behaviour == RemoteBehaviour.BUSY:
            raise SwitchError("Destination busy")
        party = self._new_party(call, number, call_type, State.RINGING)
        if behaviour == RemoteBehaviour.ANSWER:
            if delay <= 0:
                self._answer_now.append(party)
            else:
                party.timer_action, party.timer_due = Timer.ANSWER, self.now + delay
        return party

    def _new_call(self, dnis, ani, user_data):
        return self.snapshot.add_call(
            Call(
                id=new_call_id(),
                uuid=new_call_uuid(),
                dnis=dnis,
                ani=ani,
                user_data=[[k, v] for k, v in user_data.items()],
                created_at=self.now,
            )
        )

    def _data_changed(self, call):
        for party in self.snapshot.active_parties(call.id):
            self._notify(party, N.ATTACHED_DATA_CHANGED)

    def _answer(self, party):
        self._set_state(party, State.ESTABLISHED)
        party.timer_action, party.timer_due = "", None
        self._notify(party)
        for other in self.snapshot.active_parties(party.call_id):
            if other.id != party.id and other.state == State.DIALING:
                self._set_state(other, State.ESTABLISHED)
                self._notify(other)

    def _leave(self, party):
        """Party leaves its call; a call left with fewer than two parties (supervisors aside)
        ends for everyone."""
        others = [p for p in self.snapshot.active_parties(party.call_id) if p.id != party.id]
        if party.is_supervisor:
            self._release_supervisor(party, self._watch(party.call_id))
        elif len(principals(others)) >= 2:
            self._release([party])
            for other in others:
                self._notify(other, N.PARTICIPANTS_UPDATED)
        else:
            self._release([party, *others])

    def _other_call_party(self, party, params, key, required):
        """The device's party on the call named by params[key] (a call URI), or the only other
        call of the device when the parameter is optional and absent."""
        siblings = [p for p in self.snapshot.device_parties(party.device_id) if p.id != party.id]
        uri = params.get(key)
        if uri:
            call_id = str(uri).rstrip("/").rsplit("/", 1)[-1]
            found = [p for p in siblings if p.call_id == call_id]
            if not found:
                raise SwitchError("Invalid call identifier")
            return found[0]
        if required:
            raise SwitchError(f"Missing {key}")
        held = [p for p in siblings if p.state == State.HELD]
        if len(held) != 1:
            raise SwitchError("Incorrect object state")
        return held[0]

    def _move(self, party, to_call):
        """Move a party onto another call (T-Server's EventPartyChanged: a new connection id).

        Its leg of the old call ends (a Released view under the old id, so its client can close
        it), and the party continues under the new call's id.
        """
        old = copy.copy(party)
        old.id = new_party_id()
        old.is_new = True
        old.final_participants = participants(self.snapshot, party)
        old.state = State.RELEASED
        old.released_at = self.now
        old.timer_action, old.timer_due = "", None
        party.call_id = to_call.id
        party.seq = self._next_seq(to_call.id)
        party.parent_call_id = ""
        self.snapshot.add_party(old)
        self._notify(old)
        self._notify(party, N.PARTICIPANTS_UPDATED if party.state == State.ESTABLISHED else N.STATUS_CHANGE)

    def _join(self, held, consult, release_held):
        """Bring the consult call's other parties onto the held (original) call."""
        original_call = self.snapshot.calls[held.call_id]
        moving = [p for p in self.snapshot.active_parties(consult.call_id) if p.id != consult.id]
        staying = [p for p in self.snapshot.active_parties(held.call_id) if p.id != held.id]
        if release_held:
            # CompleteTransfer: the original call is released first, then the consult call.
            self._release_one(held, participants(self.snapshot, held))
            self._release_one(consult, participants(self.snapshot, consult))
        else:
            self._release_one(consult, participants(self.snapshot, consult))
            self._set_state(held, State.ESTABLISHED)
        for party in moving:
            self._move(party, original_call)
        if not release_held:
            self._notify(held, N.PARTICIPANTS_UPDATED)
        for party in staying:
            self._notify(party, N.PARTICIPANTS_UPDATED)
        remaining = self.snapshot.active_parties(original_call.id)
        if len(principals(remaining)) < 2:
            self._release(remaining)

    def _release_one(self, party, final):
        party.final_participants = final
        self._set_state(party, State.RELEASED)
        self._notify(party)

    # -- device-level requests ------------------------------------------------------------------

    def op_Dial(self, request):
        own = request.params["own_number"]
        number = self._destination(request.params, own)
        dn = self.directory.lookup(number)
        call = self._new_call(dnis=dn.number if dn else number, ani=own, user_data=request.params.get("userData") or {})
        caller = self._new_party(
            call,
            own,
            CallType.INTERNAL if dn else CallType.OUTBOUND,
            State.DIALING,
            device_id=request.device_id,
            telephony_network=request.params.get("own_network", "Private"),
        )
        callee = self._deliver(call, number, CallType.INTERNAL)
        request.call_id = call.id
        self._notify(caller)
        self._notify(callee)

    # -- call requests --------------------------------------------------------------------------

    def op_Answer(self, request):
        self._answer(self._party_for(request))

    def op_Reject(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        # The call goes back to the queue it came from: the caller stays on it, waiting there.
        call.queue = party.from_queue
        self._release([party])
        # Queues: the call is offered to the next agent (not the one who rejected it), or waits.
        self._route(call, exclude=(party.device_id,))

    def _route(self, call, exclude=()):
        """Offer a call waiting in its queue to the agent the directory chooses (``queue_agent``:
        the longest-idle Ready agent logged into the queue with its skills); with none it waits."""
        choose = getattr(self.directory, "queue_agent", None)
        number = choose(call.queue, exclude=tuple(exclude)) if choose and call.queue else None
        if number is None:
            return None
        party = self._deliver(call, number, CallType.INBOUND, from_queue=call.queue)
        self._notify(party)
        return party

    def op_Hangup(self, request):
        self._leave(self._party_for(request))

    def op_Hold(self, request):
        party = self._party_for(request)
        self._set_state(party, State.HELD)
        self._notify(party)

    def op_Retrieve(self, request):
        party = self._party_for(request)
        self._set_state(party, State.ESTABLISHED)
        self._notify(party)

    def op_SendDtmf(self, request):
        party = self._party_for(request)
        if not DTMF.match(str(request.params.get("digits", ""))):
            raise SwitchError("Invalid DTMF digits")
        self._notify(party, N.DTMF_SENT)

    def op_MuteCall(self, request):
        party = self._party_for(request)
        party.mute = True
        self._notify(party)

    def op_UnmuteCall(self, request):
        party = self._party_for(request)
        party.mute = False
        self._notify(party)

    def op_AttachUserData(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        call.user_data = call.user_data + [[k, v] for k, v in request.params["userData"].items()]
        self._data_changed(call)

    def _update(self, call, data):
        pairs = [list(pair) for pair in call.user_data]
        for key, value in data.items():
            positions = [i for i, (k, _) in enumerate(pairs) if k == key]
            if positions:
                pairs[positions[0]][1] = value
                pairs = [pair for i, pair in enumerate(pairs) if i not in positions[1:]]
            else:
                pairs.append([key, value])
        call.user_data = pairs

    def op_UpdateUserData(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        self._update(call, request.params["userData"])
        self._data_changed(call)

    def op_DeleteUserData(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        call.user_data = []
        self._data_changed(call)

    def op_DeleteUserDataPair(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        key = request.params["key"]
        if not any(k == key for k, _ in call.user_data):
            raise SwitchError(f"Key '{key}' is not in the call data")
        call.user_data = [pair for pair in call.user_data if pair[0] != key]
        self._data_changed(call)

    def op_SetCallDisposition(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        key = request.params.get("dispositionKey") or DEFAULT_DISPOSITION_KEY
        disposition = request.params["disposition"]
        if party.active:
            self._update(call, {key: disposition})
            self._data_changed(call)
        else:
            self.snapshot.user_events.append(UserEvent(call.id, party.device_id, {key: disposition}))

    def op_SingleStepTransfer(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        number = self._destination(request.params, party.number)
        self._update(call, request.params.get("userData") or {})
        others = [p for p in self.snapshot.active_parties(call.id) if p.id != party.id]
        final = participants(self.snapshot, party)
        target = self._deliver(call, number, CallType.INTERNAL)
        party.final_participants = final
        self._set_state(party, State.RELEASED)
        self._notify(party)
        self._notify(target)
        for other in others:
            self._notify(other, N.PARTICIPANTS_UPDATED)

    def op_SingleStepConference(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        number = self._destination(request.params, party.number)
        if not any(k == FIRST_CONFERENCE_KEY for k, _ in call.user_data):
            call.user_data = call.user_data + [[FIRST_CONFERENCE_KEY, party.number]]
        self._update(call, request.params.get("userData") or {})
        others = [p for p in self.snapshot.active_parties(call.id) if p.id != party.id]
        target = self._deliver(call, number, CallType.INTERNAL)
        self._notify(party, N.PARTICIPANTS_UPDATED)
        self._notify(target)
        for other in others:
            self._notify(other, N.PARTICIPANTS_UPDATED)

    def _initiate(self, request):
        party = self._party_for(request)
        call = self.snapshot.calls[party.call_id]
        number = self._destination(request.params, party.number)
        dn = self.directory.lookup(number)
        data = {**call.data_dict(), **(request.params.get("userData") or {})}
        consult_call = self._new_call(dnis=dn.number if dn else number, ani=party.number, user_data=data)
        if party.state == State.ESTABLISHED:
            self._set_state(party, State.HELD)
        consult = self._new_party(
            consult_call,
            party.number,
            CallType.CONSULT,
            State.DIALING,
            device_id=party.device_id,
            telephony_network=party.telephony_network,
            parent_call_id=call.id,
        )
        target = self._deliver(consult_call, number, CallType.CONSULT)
        self._notify(party)
        self._notify(consult)
        self._notify(target)

    def op_InitiateTransfer(self, request):
        self._initiate(request)

    def op_InitiateConference(self, request):
        self._initiate(request)

    def _pair(self, request, key, required=False):
        """(held party, active party) of a consultation, whichever of the two the request names."""
        party = self._party_for(request)
        other = self._other_call_party(party, request.params, key, required)
        if party.state == State.HELD and other.state in (State.DIALING, State.ESTABLISHED):
            return party, other
        if other.state == State.HELD and party.state in (State.DIALING, State.ESTABLISHED):
            return other, party
        raise SwitchError("Incorrect object state")

    def op_CompleteTransfer(self, request):
        held, active = self._pair(request, "consultCallUri")
        self._join(held, active, release_held=True)

    def op_CompleteConference(self, request):
        held, active = self._pair(request, "consultCallUri")
        if active.state != State.ESTABLISHED:
            raise SwitchError("Incorrect object state")
        self._join(held, active, release_held=False)

    def op_MergeWithOtherCall(self, request):
        held, active = self._pair(request, "otherCallUri", required=True)
        if active.state != State.ESTABLISHED:
            raise SwitchError("Incorrect object state")
        self._join(held, active, release_held=False)

    def op_SwapCalls(self, request):
        party = self._party_for(request)
        other = self._other_call_party(party, request.params, "otherCallUri", required=True)
        if other.state != State.HELD:
            raise SwitchError("Incorrect object state")
        self._set_state(party, State.HELD)
        self._notify(party)
        self._set_state(other, State.ESTABLISHED)
        self._notify(other)

    def op_RemoveParticipantFromConference(self, request):
        party = self._party_for(request)
        number = request.params["participant"]
        others = [p for p in self.snapshot.active_parties(party.call_id) if p.id != party.id]
        targets = [p for p in situation(self.snapshot, party).others if p.number == number]
        if not targets:
            raise SwitchError(f"{number} is not a participant of the call")
        if targets[0].is_supervisor:
            self._leave(targets[0])
            return
        self._release([targets[0]])
        remaining = [party, *[p for p in others if p.id != targets[0].id]]
        if len(principals(remaining)) < 2:  # only supervisors would be left with the party
            self._release(remaining)
            return
        for other in remaining:
            self._notify(other, N.PARTICIPANTS_UPDATED)

    # -- supervisor monitoring -------------------------------------------------------------------

    def _seen(self, party):
        """What a party's client would notice changing (its participants, capabilities, flags)."""
        shown = view(self.snapshot, party, self.now)
        return (shown.participants, shown.capabilities, shown.mute, shown.supervisor_listening_in, shown.monitored_user_muted)

    def _watch(self, call_id):
        return {p.id: self._seen(p) for p in self.snapshot.active_parties(call_id) if p.is_device}

    def _tell_changes(self, call_id, before, skip=()):
        """Notify the call's device parties whose view changed since ``before`` (_watch):
        ParticipantsUpdated when their participants changed, else StatusChange."""
        for party in self.snapshot.active_parties(call_id):
            if party.id in skip or party.id not in before:
                continue
            seen = self._seen(party)
            if seen != before[party.id]:
                self._notify(party, N.PARTICIPANTS_UPDATED if seen[0] != before[party.id][0] else N.STATUS_CHANGE)

    def _release_supervisor(self, party, before):
        """A supervisor leaves a call (the call goes on): the others see it go if they heard it."""
        party.final_participants = participants(self.snapshot, party)
        self._set_state(party, State.RELEASED)
        self._notify(party)
        self._tell_changes(party.call_id, before, skip={party.id})

    def _bring_in(self, monitor, agent):
        """Add the supervisor of monitor to the agent's call, Established at once (muted in ListenIn)."""
        call = self.snapshot.calls[agent.call_id]
        before = self._watch(call.id)
        supervisor = self._new_party(
            call,
            monitor.supervisor_number,
            CallType.INTERNAL,
            State.ESTABLISHED,
            device_id=monitor.supervisor_device_id,
            telephony_network=monitor.supervisor_network,
            mute=monitor.state == Supervision.LISTEN_IN,
            monitor_mode=monitor.state,
            monitor_scope=monitor.scope,
            monitored_device_id=monitor.target_device_id,
        )
        supervisor.established_at = self.now
        if monitor.mode == Supervision.NEXT_CALL:
            monitor.used = True
        self._notify(supervisor)
        self._tell_changes(call.id, before, skip={supervisor.id})

    def _end_monitor(self, monitor):
        del self.snapshot.monitors[monitor.supervisor_device_id]
        self.snapshot.removed_monitors.add(monitor.supervisor_device_id)
        self.events.append(DeviceEvent(monitor.supervisor_device_id))

    def _supervise(self):
        """After every request, bring supervision in line with the calls (T-Server does this as
        calls change): supervisors follow or leave calls their agent left (scope), an agent whose
        supervisor left is unmuted, idle supervisors join their target's established call, and
        a NextCall monitoring ends once its call is over."""
        snapshot = self.snapshot
        if not snapshot.monitors and not any(p.is_supervisor or p.monitored_muted for p in snapshot.parties.values()):
            return
        supervisors = [p for p in snapshot.call_parties_all() if p.active and p.is_supervisor]
        for supervisor in supervisors:
            if not supervisor.active or monitored_party(snapshot, supervisor) is not None:
                continue
            before = self._watch(supervisor.call_id)
            agents = [p for p in snapshot.active_parties(supervisor.call_id) if p.is_device and not p.is_supervisor]
            if supervisor.monitor_scope == Supervision.CALL and agents:
                # Scope Call: the supervisor stays with the call and the agent now serving it
                # (the one who joined last: the transfer's or conference's target).
                supervisor.monitored_device_id = agents[-1].device_id
                self._tell_changes(supervisor.call_id, before)
            else:
                self._release_supervisor(supervisor, before)
        for party in snapshot.call_parties_all():
            if party.active and party.monitored_muted and not supervisors_of(snapshot, party):
                party.monitored_muted = False
                self._notify(party, N.MONITORED_USER_MUTED_STATE_CHANGE)
        for monitor in list(snapshot.monitors.values()):
            if monitor.mode == Supervision.NEXT_CALL and monitor.used:
                continue
            if snapshot.device_parties(monitor.supervisor_device_id):
                continue  # a supervisor on a call of its own (or already monitoring) is not brought in
            targets = sorted(snapshot.device_parties(monitor.target_device_id), key=lambda p: (p.created_at, p.seq, p.id))
            for agent in targets:
                if agent.state != State.ESTABLISHED or agent.is_supervisor or supervisors_of(snapshot, agent):
                    continue
                if any(p.device_id == monitor.supervisor_device_id for p in snapshot.call_parties(agent.call_id)):
                    continue  # the supervisor left this call: it is not brought back
                self._bring_in(monitor, agent)
                break
        for monitor in list(snapshot.monitors.values()):
            on_call = any(p.is_supervisor for p in snapshot.device_parties(monitor.supervisor_device_id))
            if monitor.mode == Supervision.NEXT_CALL and monitor.used and not on_call:
                self._end_monitor(monitor)

    def _configure(self, request, state):
        """ListenIn, Coach, BargeIn: the supervisor's device monitors the target from now on (one
        supervisor per target). The request's call (the target's call in progress, if any) only
        made the store load it: an error is the device's, not that call's."""
        params = request.params
        request.call_id = ""
        supervisor, target = request.device_id, params["target_device_id"]
        holders = {m.supervisor_device_id for m in self.snapshot.monitors.values() if m.target_device_id == target}
        lookup = getattr(self.directory, "supervisor_of", None)  # the store's: rows not loaded
        holder = lookup(target) if lookup is not None else None
        if holder and holder not in self.snapshot.removed_monitors:
            holders.add(holder)
        if holders - {supervisor}:
            raise SwitchError("The target device is already monitored by another supervisor")
        monitor = Monitor(
            supervisor_device_id=supervisor,
            target_device_id=target,
            state=state,
            mode=params.get("mode") or Supervision.ALL_CALLS,
            scope=params.get("scope") or Supervision.CALL,
            supervisor_number=params["own_number"],
            supervisor_network=params.get("own_network", "Private"),
        )
        current = self.snapshot.monitors.get(supervisor)
        if current is not None and current.key() == monitor.key():
            return  # what the device already has: nothing changes, nothing is sent
        self.snapshot.monitors[supervisor] = monitor
        self.snapshot.removed_monitors.discard(supervisor)
        self.events.append(DeviceEvent(supervisor))

    def op_ListenIn(self, request):
        self._configure(request, Supervision.LISTEN_IN)

    def op_Coach(self, request):
        self._configure(request, Supervision.COACH)

    def op_BargeIn(self, request):
        self._configure(request, Supervision.BARGE_IN)

    def op_CancelSupervisorMonitoring(self, request):
        """Monitoring ends, and the supervisor leaves the call it is monitoring."""
        request.call_id = ""
        monitor = self.snapshot.monitors.get(request.device_id)
        if monitor is None:
            raise SwitchError("Supervisor monitoring is not active")
        self._end_monitor(monitor)
        for party in self.snapshot.device_parties(request.device_id):
            if party.is_supervisor:
                self._leave(party)

    def _switch_mode(self, request, mode):
        party = self._party_for(request)
        before = self._watch(party.call_id)
        party.monitor_mode = mode
        party.mute = mode == Supervision.LISTEN_IN
        self._notify(party)
        self._tell_changes(party.call_id, before, skip={party.id})

    def op_SwitchToBargeIn(self, request):
        self._switch_mode(request, Supervision.BARGE_IN)

    def op_SwitchToListenIn(self, request):
        self._switch_mode(request, Supervision.LISTEN_IN)

    def _mute_monitored(self, request, muted):
        party = self._party_for(request)
        agent = monitored_party(self.snapshot, party)
        agent.monitored_muted = muted
        self._notify(party, N.MONITORED_USER_MUTED_STATE_CHANGE)
        self._notify(agent, N.MONITORED_USER_MUTED_STATE_CHANGE)

    def op_MuteMonitoredUser(self, request):
        self._mute_monitored(request, True)

    def op_UnmuteMonitoredUser(self, request):
        self._mute_monitored(request, False)

    # -- simulation and timers ------------------------------------------------------------------

    def op_SimulateInbound(self, request):
        """An outside number calls a device number (directly, or delivered from a queue)."""
        params = request.params
        origin = self.directory.normalise(params["from"]) if DIALABLE.match(params["from"]) else None
        if not origin:
            raise SwitchError("Invalid calling number")
        dn = self.directory.lookup(self.directory.normalise(params["to"]) or "")
        if dn is None:
            raise SwitchError("Invalid Called Dn")
        queue = params.get("queue") or ""
        call = self._new_call(dnis=queue or dn.number, ani=origin, user_data=params.get("userData") or {})
        self._new_party(call, origin, CallType.OUTBOUND, State.DIALING)
        callee = self._deliver(call, dn.number, CallType.INBOUND, from_queue=queue)
        request.call_id = call.id
        self._notify(callee)

    def op_SimulateQueueCall(self, request):
        """An outside number calls a queue's number: the call waits in the queue until an agent
        is offered it (at once when one is available)."""
        params = request.params
        origin = self.directory.normalise(params["from"]) if DIALABLE.match(params["from"]) else None
        if not origin:
            raise SwitchError("Invalid calling number")
        call = self._new_call(dnis=params["queue"], ani=origin, user_data=params.get("userData") or {})
        call.queue = params["queue"]
        self._new_party(call, origin, CallType.OUTBOUND, State.DIALING)
        request.call_id = call.id
        self._route(call)

    def op_RouteCall(self, request):
        """Offer a call waiting in a queue again (an agent became Ready); nothing if it is not waiting."""
        call = self.snapshot.calls.get(request.call_id)
        if call is None or not call.queue:
            return
        active = self.snapshot.active_parties(call.id)
        if not active or any(p.is_device for p in active):
            return
        self._route(call)

    def op_RemoteHangup(self, request):
        """The remote (simulated) party of a call hangs up."""
        remote = [p for p in self.snapshot.active_parties(request.call_id) if not p.is_device]
        number = request.params.get("number")
        if number:
            remote = [p for p in remote if p.number == number]
        if not remote:
            raise SwitchError("The call has no such remote party")
        self._leave(remote[0])

    def op_RemoteAnswer(self, request):
        """A simulated party answers now (a due timer, or the simulation API)."""
        ringing = [
            p for p in self.snapshot.active_parties(request.call_id) if not p.is_device and p.state == State.RINGING
        ]
        if not ringing:
            raise SwitchError("The call has no ringing remote party")
        self._answer(ringing[0])

    def op_Timer(self, request):
        party = self.snapshot.parties.get(request.params["party_id"])
        if party is None:
            return
        action, party.timer_action, party.timer_due = party.timer_action, "", None
        if action == Timer.ANSWER and party.state == State.RINGING:
            self._answer(party)
        # Otherwise the timer is stale (the call moved on before it was due): it just ends.


__all__ = ["ACTIVE_STATES", "Request", "Snapshot", "Switch", "SwitchError", "UserEvent", "view"]
