"""
The switch side of the voice service: one request through the switch, durably.

``execute(request)`` is what a T-Server does with a request: in one transaction it loads and
locks the calls the request touches, lets the switch apply it, saves the result and publishes
the resulting CometD messages when the transaction commits. It runs in the server process (the
embedded back end) or in the ``runswitch`` process; the API reaches it only through
voice/backend.py. Requests are plain JSON-able dicts so that they can cross the channel layer:

    {"operation": "Answer", "contact_center_id": "...", "device_id": "...", "call_id": "...",
     "params": {...}, "base_uri": "http://host/api/v2"}

Turns (what orders the changes and their notifications): see ``switch_turn``.
"""
import hashlib
import logging
import threading
from collections import OrderedDict
from contextlib import contextmanager

from django.db import connection, transaction

from gws_project.api.prepared import Param, PreparedQuery
from notifications.publish import publish
from provisioning.models import ContactCenter, Device

from . import messages, store
from .models import CallUserEvent, VoiceCall, VoiceParty
from .push import push
from .queues import after_call_work
from .supervisor import announce_device
from .switch import CallEvent, DeviceEvent, ErrorEvent, Request, Switch

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Turns
# ---------------------------------------------------------------------------------------------
#
# What the switch announces must reach each user in the order the changes were made. Row locks
# order the changes, but notifications are numbered when they are delivered, after commit: two
# requests committing one after the other could still be delivered the other way round. So a
# request holds a turn from before its transaction until its notifications are delivered (on
# commit, synchronously).
#
# On PostgreSQL the turn is per line: a call request locks (PostgreSQL advisory locks, in key
# order, so two requests never wait for each other in a circle) every device whose calls it
# reads or changes: the devices on its calls, on those devices' other calls, the one it dials,
# a supervisor joining. A device's notifications all come from requests holding its lock, so
# they are numbered in the order its changes were committed, while requests on other lines run
# at the same time. Which devices a request touches is only certain once the switch has run, so
# the request is checked afterwards: a device it touched without holding its lock sends it back
# to start again with that device locked (nothing was committed). Requests that change device
# state outside the switch (agent state, DND, sessions) take the whole switch's turn, which
# excludes every line's (the line turns hold the switch lock shared).
#
# On SQLite (the embedded set-up) there is one turn for everything: a thread lock.
_process_turn = threading.Lock()
SWITCH_LOCK_KEY = 0x6777735F766F6963  # "gws_voic"
# A request whose devices keep changing under it (a queue offering its call to agent after
# agent) takes the whole switch's turn after this many tries.
LINE_ATTEMPTS = 4


def line_lock_key(device_id):
    """The advisory lock key of a device's line (a signed 64-bit hash of its id)."""
    digest = hashlib.blake2b(f"gws-voice-line:{device_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lines_supported():
    """Whether requests on different lines may run at once (PostgreSQL advisory locks)."""
    return connection.vendor == "postgresql"


@contextmanager
def switch_turn(devices=None):
    """Hold a turn from a request's start to its delivery: the whole switch (every server
    process), or, with ``devices`` on PostgreSQL, only those devices' lines."""
    if not lines_supported():
        with _process_turn:
            yield
        return
    if devices is None:
        lock = [f"SELECT pg_advisory_lock({SWITCH_LOCK_KEY})"]
        unlock = [f"SELECT pg_advisory_unlock({SWITCH_LOCK_KEY})"]
    else:
        keys = sorted({line_lock_key(device) for device in devices})
        lock = [f"SELECT pg_advisory_lock_shared({SWITCH_LOCK_KEY})", *(f"SELECT pg_advisory_lock({key})" for key in keys)]
        unlock = [*(f"SELECT pg_advisory_unlock({key})" for key in reversed(keys)), f"SELECT pg_advisory_unlock_shared({SWITCH_LOCK_KEY})"]
    # One round trip each way (the keys are integers made here: no parameters needed).
    try:
        _run("; ".join(lock))
    except BaseException:
        _release(unlock)  # some of the locks may be held (a statement timeout, a cancel)
        raise
    try:
        yield
    finally:
        _release(unlock)


def _run(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)


def _release(unlock):
    try:
        _run("; ".join(unlock))
    except Exception:  # noqa: BLE001 - a connection that cannot unlock must not keep the locks
        logger.exception("Releasing the switch's turn failed: closing the database connection")
        connection.close()


class _OutsideTurn(Exception):
    """The request touched devices whose lines it does not hold (rolled back, tried again)."""

    def __init__(self, devices):
        self.devices = devices


# ---------------------------------------------------------------------------------------------
# Which lines a request will need: remembered from earlier requests (a hint only: every request
# is checked against what it really touched)
# ---------------------------------------------------------------------------------------------

_HINTS_MOST = 20_000
_hints = OrderedDict()  # ("call", id) | ("device", id) | ("number", contact center, number) -> devices
_hints_lock = threading.Lock()


def _hint(key):
    with _hints_lock:
        found = _hints.get(key)
        if found is not None:
            _hints.move_to_end(key)
        return found or frozenset()


def _dialled(contact_center, directory, request):
    """The numbers a request dials (normalised), for the devices they reach."""
    params = request.get("params") or {}
    destination = params.get("destination")
    for raw in ((destination or {}).get("phoneNumber") if isinstance(destination, dict) else None, params.get("to")):
        number = directory.normalise(raw.strip()) if isinstance(raw, str) and raw.strip() else None
        if number:
            yield ("number", contact_center.pk, number)


def _expected_lines(request, contact_center, directory):
    """The devices a request is expected to touch: its device, what the last requests on its
    call and device touched, the devices the numbers it dials reached, the device it monitors."""
    call_id, device_id = request.get("call_id") or "", request.get("device_id") or ""
    params = request.get("params") or {}
    devices = set()
    if device_id:
        devices |= {device_id, *_hint(("device", device_id))}
    if call_id:
        devices |= _hint(("call", call_id))
    for key in _dialled(contact_center, directory, request):
        with _hints_lock:
            known = _hints.get(key)
        if known is None:  # first time here: the number's device, if it is one
            found = Device.objects.filter(contact_center_id=contact_center.pk, e164_number=key[2]).values_list("pk", flat=True)
            known = frozenset(str(pk) for pk in found)
        devices |= known
    if isinstance(params.get("target_device_id"), str):
        devices.add(params["target_device_id"])
    return devices


def _lines(snapshot, events=()):
    """Every device whose line the snapshot (and the events) concern."""
    devices = {party.device_id for party in snapshot.parties.values() if party.device_id}
    for monitor in getattr(snapshot, "monitors", {}).values():
        devices |= {monitor.supervisor_device_id, monitor.target_device_id}
    devices |= set(getattr(snapshot, "removed_monitors", ()))
    for event in events:
        devices.add(event.view.device_id if isinstance(event, CallEvent) else getattr(event, "device_id", None))
    return {str(device) for device in devices if device}


def _remember_lines(request, contact_center, directory, snapshot, touched, reached):
    """After a committed request: the next request on any of its calls, or of a device still on
    one of them, will touch what this one touched (its load reaches the same calls); a device
    left without a call starts afresh (with the devices it monitors or is monitored by); a
    number it dialled reaches the devices it reached this time."""
    busy = {str(party.device_id) for party in snapshot.parties.values() if party.device_id and party.active}
    links = {}
    for monitor in getattr(snapshot, "monitors", {}).values():
        links.setdefault(monitor.supervisor_device_id, set()).add(monitor.target_device_id)
        links.setdefault(monitor.target_device_id, set()).add(monitor.supervisor_device_id)
    hints = {("call", call_id): touched for call_id in snapshot.calls}
    for device in touched:
        hints[("device", device)] = touched if device in busy else links.get(device, set())
    for key in _dialled(contact_center, directory, request):
        hints[key] = reached
    with _hints_lock:
        for key, devices in hints.items():
            _hints[key] = frozenset(devices)
            _hints.move_to_end(key)
        while len(_hints) > _HINTS_MOST:
            _hints.popitem(last=False)


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------


# Read by every request: compiled once (gws_project/api/prepared.py).
CONTACT_CENTER = PreparedQuery(lambda: ContactCenter.objects.filter(pk=Param("id", ContactCenter._meta.pk)))


def execute(request):
    """Apply one switch request; returns {"callId": id of the call it concerned or created,
    "timers": whether a party now waits on a timer}."""
    found = CONTACT_CENTER.objects(id=request["contact_center_id"])
    if not found:
        raise ContactCenter.DoesNotExist("ContactCenter matching query does not exist.")  # as .get() says it
    contact_center = found[0]
    directory = store.DatabaseDirectory(contact_center)
    devices = _expected_lines(request, contact_center, directory) if lines_supported() else None
    attempt = 1
    while True:
        try:
            with switch_turn(devices):
                return _apply(request, contact_center, devices)
        except _OutsideTurn as outside:
            # Nothing was committed: again, holding these lines too (or the whole switch).
            attempt += 1
            devices = (devices | outside.devices) if attempt < LINE_ATTEMPTS else None


def _apply(request, contact_center, devices):
    """One request inside its turn: raises _OutsideTurn (before anything is saved) when it
    touches a device outside ``devices`` (None: the whole switch's turn, nothing is outside)."""
    call_id, device_id = request.get("call_id") or "", request.get("device_id") or ""

    def check(touched):
        if devices is not None and not touched <= devices:
            raise _OutsideTurn(touched - devices)

    directory = store.DatabaseDirectory(contact_center)  # its lookups are this attempt's
    with transaction.atomic():
        snapshot, rows = store.load([call_id] if call_id else [], [device_id] if device_id else [])
        check(_lines(snapshot))
        base_uri = request.get("base_uri") or (rows.calls[call_id].base_uri if call_id in rows.calls else "")
        switch_request = Request(request["operation"], device_id=device_id, call_id=call_id, params=request.get("params") or {})
        now = store.now()
        events = Switch(snapshot, directory, now).handle(switch_request)
        touched = _lines(snapshot, events)
        check(touched)
        reached = {str(p.device_id) for p in snapshot.parties.values() if p.is_new and p.device_id} - {device_id}
        store.save(snapshot, rows, contact_center.pk, base_uri)
        for user_event in snapshot.user_events:
            CallUserEvent.objects.create(call_id=user_event.call_id, device_id=user_event.device_id, data=user_event.data)
        deliver(events, contact_center, base_uri, owners={**rows.owners, **directory.owners})
        # Queue calls that ended: AfterCallWork (announced after the calls' own messages).
        after_call_work(snapshot, contact_center, base_uri, now)
    _remember_lines(request, contact_center, directory, snapshot, touched, reached)
    timers = any(p.timer_due is not None for p in snapshot.parties.values())
    return {"callId": switch_request.call_id, "timers": timers}


def deliver(events, contact_center, base_uri, owners=None):
    """Publish the switch's events to the users of the devices they concern (after commit).
    ``owners``: the user ids of devices already read in this transaction (by device id); the
    others are read here."""
    device_ids = {event.view.device_id if isinstance(event, CallEvent) else event.device_id for event in events}
    owners = {device: user for device, user in (owners or {}).items() if device in device_ids}
    missing = [device for device in device_ids if device and device not in owners]
    if missing:
        # A device of no user has no owner to be told: known now, so not read again.
        found = {str(device): user for device, user in Device.objects.filter(pk__in=missing).values_list("pk", "user_id")}
        owners.update({device: found.get(device) for device in missing})
    filters = None
    for event in events:
        if isinstance(event, CallEvent):
            user_id = owners.get(event.view.device_id)
            if user_id:
                filters = filters or call_filters(contact_center)
                data = messages.call_state_change(event.notification_type, event.view, base_uri, filters)
                publish(user_id, messages.CALLS_CHANNEL, data)
                push(user_id, data)  # to a mobile session without a CometD client (voice/push.py)
        elif isinstance(event, DeviceEvent):  # supervisor monitoring (voice/supervisor.py)
            announce_device(event.device_id, base_uri)
        elif isinstance(event, ErrorEvent) and owners.get(event.device_id):
            channel, data = messages.error_message(base_uri, event.device_id, event.message, event.call_id)
            publish(owners[event.device_id], channel, data)


def call_filters(contact_center):
    """The contact center's toast-filter and case-filter (messages.Filters) from one read of its
    voice settings group."""
    from provisioning import settings_groups

    settings = {setting["name"]: setting for setting in settings_groups.settings_of(contact_center.pk, settings_groups.SYSTEM_GROUPS["voice"])}
    return messages.Filters(
        toast=settings.get("toast-filter", {}).get("value"),
        case=settings.get("case-filter", {}).get("value"),
        country_code=contact_center.country_code,
    )


def due_timers(now=None):
    """The (contact center, call, party) of every timer that is due."""
    now = store.now() if now is None else now
    return list(
        VoiceParty.objects.filter(timer_due__lte=now)
        .exclude(timer_action="")
        .values_list("call__contact_center_id", "call_id", "id")
    )


def run_due_timers(now=None):
    """Fire every due timer (a simulated party answering); returns how many fired."""
    fired = 0
    for contact_center_id, call_id, party_id in due_timers(now):
        execute(
            {
                "operation": "Timer",
                "contact_center_id": contact_center_id,
                "call_id": call_id,
                "params": {"party_id": party_id},
            }
        )
        fired += 1
    return fired


def pending_timers():
    return VoiceParty.objects.exclude(timer_due=None).exists()


def call_base_uri(call_id):
    return VoiceCall.objects.filter(pk=call_id).values_list("base_uri", flat=True).first() or ""
