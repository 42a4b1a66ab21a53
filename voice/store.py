"""
Rows to switch objects and back: load (and lock) what one request touches, save what changed.

Locking: every call a request may touch is locked with ``select_for_update`` in primary-key
order, so two requests on the same calls (both parties hanging up at once) run one after the
other and never deadlock. What is loaded: the seed calls, every call of every device on them
(a device's other calls decide SwapCalls/Complete* capabilities), and those calls' parties.
"""
import copy
import os
import time
from functools import lru_cache

from django.db import connection
from django.db.models import Case, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast

from gws_project.api.prepared import Param, PreparedQuery, read_ahead
from provisioning.models import Device
from provisioning.phone_numbers import normalise as normalise_number

from .models import RemoteNumber, SupervisorMonitoring, VoiceCall, VoiceParty
from .switch.model import ACTIVE_STATES, Call, DirectoryNumber, Monitor, Party, RemoteBehaviour

PARTY_FIELDS = (
    "number",
    "state",
    "call_type",
    "telephony_network",
    "mute",
    "seq",
    "parent_call_id",
    "from_queue",
    "created_at",
    "established_at",
    "released_at",
    "final_participants",
    "timer_action",
    "timer_due",
    "monitor_mode",
    "monitor_scope",
    "monitored_device_id",
    "monitored_muted",
)
# What save compares and writes for a party: its call, its device and the fields above.
SAVED_PARTY_FIELDS = ("call_id", "device_id", *PARTY_FIELDS)


def now():
    return time.time()


# ---------------------------------------------------------------------------------------------
# The directory: device numbers of a contact center, and how other numbers behave
# ---------------------------------------------------------------------------------------------


def default_remote_behaviour():
    """The behaviour of remote numbers nobody configured: GWS_VOICE_REMOTE_BEHAVIOUR (answer)
    after GWS_VOICE_REMOTE_DELAY seconds (2)."""
    behaviour = os.environ.get("GWS_VOICE_REMOTE_BEHAVIOUR", RemoteBehaviour.ANSWER)
    return behaviour, float(os.environ.get("GWS_VOICE_REMOTE_DELAY", "2"))


class DatabaseDirectory:
    """The switch's directory for one contact center: its devices' numbers, its remote numbers."""

    def __init__(self, contact_center):
        self.contact_center = contact_center
        # One request's lookups (a Dial looks its destination up twice), and the owners of the
        # devices found (who is told about their new calls).
        self._found = {}
        self.owners = {}

    def normalise(self, number):
        try:
            return normalise_number(number, self.contact_center.country_code).e164_number
        except Exception:  # noqa: BLE001 - any unparsable number is simply not dialable
            return None

    def lookup(self, number):
        if number not in self._found:
            device = Device.objects.filter(contact_center_id=self.contact_center.pk, e164_number=number).first()
            if device is not None:
                self.owners[str(device.pk)] = device.user_id
            self._found[number] = directory_number(device) if device else None
        return self._found[number]

    def remote(self, number):
        row = RemoteNumber.objects.filter(contact_center_id=self.contact_center.pk, number=number).first()
        return (row.behaviour, row.delay) if row else default_remote_behaviour()

    def queue_agent(self, queue_number, exclude=()):
        """The number of the agent a call waiting in the queue goes to, or None (voice/queues.py)."""
        from .queues import longest_idle_agent

        return longest_idle_agent(self.contact_center, queue_number, exclude)

    def supervisor_of(self, device_id):
        """The device id of the supervisor monitoring device_id, or None (one per target)."""
        found = SupervisorMonitoring.objects.filter(target_device_id=device_id).values_list("supervisor_device_id", flat=True).first()
        return str(found) if found else None


def directory_number(device):
    return DirectoryNumber(
        device_id=str(device.pk),
        number=device.e164_number,
        telephony_network=device.telephony_network,
        do_not_disturb=device.do_not_disturb == "On",
        forward_to=device.forward_to,
    )


# ---------------------------------------------------------------------------------------------
# Rows <-> switch objects
# ---------------------------------------------------------------------------------------------


def to_call(row):
    """A switch Call from a VoiceCall row read as CALL_COLUMNS."""
    call_id, uuid, dnis, ani, user_data, queue, _, created_at = row
    return Call(id=call_id, uuid=uuid, dnis=dnis, ani=ani, user_data=[list(pair) for pair in user_data], created_at=created_at, queue=queue)


def saved_party(row):
    """(party id, its SAVED_PARTY_FIELDS, its device's owner) from a VoiceParty row read as PARTY_COLUMNS."""
    party_id, call_id, device_id, *fields, owner = row
    saved = dict(zip(PARTY_FIELDS, fields), call_id=call_id, device_id=str(device_id) if device_id else None)
    return party_id, saved, owner


def to_party(party_id, saved):
    """A switch Party from its saved fields (with a list of its own: the switch may change it)."""
    return Party(id=party_id, **{**saved, "final_participants": list(saved["final_participants"])})


def to_monitor(row):
    """A switch Monitor from a SupervisorMonitoring row read as MONITOR_COLUMNS."""
    supervisor, target, state, mode, scope, used, number, network = row
    return Monitor(
        supervisor_device_id=str(supervisor),
        target_device_id=str(target),
        state=state,
        mode=mode,
        scope=scope,
        supervisor_number=number,
        supervisor_network=network,
        used=used,
    )


class Rows:
    """What ``load`` read, for ``save`` to compare against (nothing is read again to save):
    the loaded calls' rows (``base_uri``, and the fields a request may change), each party's
    saved fields, and the owner (user id, None) of each device with a party on a loaded call."""

    def __init__(self, calls=None, parties=None, owners=None):
        self.calls = calls or {}
        self.parties = parties or {}
        self.owners = owners or {}


class CallRow:
    """The columns of a loaded VoiceCall that a request reads or may change."""

    __slots__ = ("user_data", "queue", "base_uri")

    def __init__(self, user_data, queue, base_uri):
        self.user_data, self.queue, self.base_uri = user_data, queue, base_uri


CALL_COLUMNS = ("id", "uuid", "dnis", "ani", "user_data", "queue", "base_uri", "created_at")
PARTY_COLUMNS = ("id", "call_id", "device_id", *PARTY_FIELDS, "device__user_id")
MONITOR_COLUMNS = (
    "supervisor_device_id",
    "target_device_id",
    "state",
    "mode",
    "scope",
    "used",
    "supervisor_device__e164_number",
    "supervisor_device__telephony_network",
)


# ---------------------------------------------------------------------------------------------
# What a request reaches, in SQL: the planner takes three to four times longer over the same
# sets written as nested ORM unions (a millisecond and more per load), and an OR of subqueries
# would scan every party ever saved where each step here looks rows up by an index.
# ---------------------------------------------------------------------------------------------


class _Seeds:
    """A request's seed calls and devices as SQL conditions; their parameters (values, or
    ``Param`` placeholders of a prepared query) collected in the order the SQL uses them."""

    def __init__(self, calls, devices):
        self.calls, self.devices = list(calls), list(devices)
        self.params = []

    def _in(self, column, values):
        self.params.extend(values)
        return f"{column} IN ({', '.join(['%s'] * len(values)) or 'NULL'})"

    def call(self, column):
        return self._in(column, self.calls)

    def device(self, column):
        return self._in(column, self.devices)


def _reach_sql(seeds, select):
    """(SQL, params) of the ids of what a request on the seeds reaches: ``select`` "calls"
    or "monitoring" (the supervisor devices of the monitoring rows).

    Twice over: a seed call's devices and their other calls (first_calls), then the devices on
    those calls (devices); the monitoring of the seed devices and of those (as supervisor or
    target); the calls of all of them and of the device at each monitoring's other end."""
    party, call, monitoring = VoiceParty._meta.db_table, VoiceCall._meta.db_table, SupervisorMonitoring._meta.db_table
    active = ", ".join(f"'{state}'" for state in ACTIVE_STATES)
    sql = f"""WITH first_calls AS (
        SELECT call_id FROM {party} WHERE state IN ({active}) AND {seeds.device("device_id")}
        UNION SELECT call_id FROM {party} WHERE state IN ({active}) AND device_id IN (
            SELECT device_id FROM {party} WHERE {seeds.call("call_id")} AND device_id IS NOT NULL)
    ), devices AS (
        SELECT device_id FROM {party} WHERE {seeds.call("call_id")} AND device_id IS NOT NULL
        UNION SELECT device_id FROM {party} WHERE call_id IN (SELECT call_id FROM first_calls) AND device_id IS NOT NULL
    ), monitoring AS (
        SELECT supervisor_device_id, target_device_id FROM {monitoring}
        WHERE {seeds.device("supervisor_device_id")} OR {seeds.device("target_device_id")}
            OR supervisor_device_id IN (SELECT device_id FROM devices) OR target_device_id IN (SELECT device_id FROM devices)
    )
    """
    if select == "monitoring":
        sql += "SELECT supervisor_device_id FROM monitoring"
    else:
        sql += f"""SELECT id FROM {call} WHERE {seeds.call("id")}
    UNION SELECT call_id FROM {party} WHERE state IN ({active}) AND (
        {seeds.device("device_id")} OR device_id IN (SELECT device_id FROM devices)
        OR device_id IN (SELECT supervisor_device_id FROM monitoring) OR device_id IN (SELECT target_device_id FROM monitoring))"""
    return sql, seeds.params


def _reach(make_seeds):
    """The monitoring rows and the calls (in primary-key order) a request reaches, as querysets
    (nothing is read here); ``make_seeds()`` gives a fresh _Seeds for each statement."""
    monitoring = SupervisorMonitoring.objects.filter(pk__in=RawSQL(*_reach_sql(make_seeds(), "monitoring")))
    calls = VoiceCall.objects.filter(pk__in=RawSQL(*_reach_sql(make_seeds(), "calls"))).order_by("pk")
    return monitoring, calls


def _prepared_reach():
    return _reach(lambda: _Seeds([Param("call", VoiceCall._meta.pk)], [Param("device", Device._meta.pk)]))


def _listed_reach(call_ids, device_ids):
    def seeds():
        prepare = Device._meta.pk.get_db_prep_value
        return _Seeds(call_ids, [prepare(device, connection, prepared=False) for device in device_ids])

    return _reach(seeds)


# A request on one call and/or one device (every switch request, and most call reads): the
# reads of load compiled once (gws_project/api/prepared.py). On PostgreSQL the three go in one
# round trip (read_ahead): the parties are read by a statement of their own, after the calls
# are locked, so none of them is stale.
MONITORING = PreparedQuery(lambda: _prepared_reach()[0].values_list(*MONITOR_COLUMNS))
CALLS = PreparedQuery(lambda: _prepared_reach()[1].values_list(*CALL_COLUMNS))
LOCKED_CALLS = PreparedQuery(lambda: _prepared_reach()[1].select_for_update().values_list(*CALL_COLUMNS))
PARTIES = PreparedQuery(lambda: VoiceParty.objects.filter(call_id__in=_prepared_reach()[1].values("pk")).values_list(*PARTY_COLUMNS))
# The seed device's owner, for a device on none of the calls (a Dial): who is told of its call.
SEED_OWNER = PreparedQuery(lambda: Device.objects.filter(pk=Param("device", Device._meta.pk)).values_list("pk", "user_id"))


def _read(call_ids, device_ids, lock):
    """(monitoring rows, call rows, party rows, (device, owner) rows) of load: the owners of
    the seed devices that are on none of the calls."""
    if len(call_ids) > 1 or len(device_ids) > 1:
        monitoring, calls = _listed_reach(call_ids, device_ids)
        if lock:
            calls = calls.select_for_update()
        monitor_rows = list(monitoring.values_list(*MONITOR_COLUMNS))
        call_rows = list(calls.values_list(*CALL_COLUMNS))
        return monitor_rows, call_rows, list(VoiceParty.objects.filter(call_id__in=[row[0] for row in call_rows]).values_list(*PARTY_COLUMNS)), []
    values = {"call": next(iter(call_ids), None), "device": next(iter(device_ids), None)}
    calls = LOCKED_CALLS if lock else CALLS
    with read_ahead([(MONITORING, values), (calls, values), (PARTIES, values), (SEED_OWNER, values)]):
        monitor_rows, call_rows = MONITORING.rows(**values), calls.rows(**values)
        party_rows = PARTIES.rows(**values) if call_rows else []
        # The parties were read by the calls reached now: those of the calls read (and locked).
        # Should a call read have none among them, its parties are read by its id.
        loaded = {row[0] for row in call_rows}
        party_rows = [row for row in party_rows if row[1] in loaded]
        if {row[1] for row in party_rows} != loaded:
            party_rows = list(VoiceParty.objects.filter(call_id__in=loaded).values_list(*PARTY_COLUMNS))
        on_calls = {str(row[2]) for row in party_rows if row[2]}
        owner_rows = SEED_OWNER.rows(**values) if values["device"] and values["device"] not in on_calls else []
    return monitor_rows, call_rows, party_rows, owner_rows


def load(call_ids=(), device_ids=(), lock=True):
    """A switch Snapshot of the seed calls and devices, with their rows locked when ``lock``,
    and the ``Rows`` it was made from.

    Supervisor monitoring links devices too: the monitoring of every device loaded (as
    supervisor or target) comes with it, and so do the calls of the device at its other end
    (whether the supervisor is free, which call of the target to join).

    Three reads: the monitoring, the calls (locked, in primary-key order), then their parties,
    read once the calls are locked (a party read before the lock could be stale)."""
    from .switch import Snapshot

    call_ids, device_ids = {c for c in call_ids if c}, {str(d) for d in device_ids if d}
    if not call_ids and not device_ids:
        return Snapshot(), Rows()
    monitor_rows, call_rows, party_rows, owner_rows = _read(call_ids, device_ids, lock)
    rows = Rows(owners={str(device): owner for device, owner in owner_rows})
    parties = []
    for row in party_rows:
        party_id, saved, owner = saved_party(row)
        rows.parties[party_id] = saved
        if saved["device_id"]:
            rows.owners[saved["device_id"]] = owner
        parties.append(to_party(party_id, saved))
    calls = []
    for row in call_rows:
        rows.calls[row[0]] = CallRow(user_data=row[4], queue=row[5], base_uri=row[6])
        calls.append(to_call(row))
    return Snapshot(calls, parties, [to_monitor(row) for row in monitor_rows]), rows


def save_monitors(snapshot):
    """Write back the supervisor monitoring the request changed or ended."""
    if snapshot.removed_monitors:
        SupervisorMonitoring.objects.filter(supervisor_device_id__in=snapshot.removed_monitors).delete()
    for key, monitor in snapshot.monitors.items():
        if snapshot.loaded_monitors.get(key) != monitor.key():
            SupervisorMonitoring.objects.update_or_create(
                supervisor_device_id=key,
                defaults={
                    "target_device_id": monitor.target_device_id,
                    "state": monitor.state,
                    "mode": monitor.mode,
                    "scope": monitor.scope,
                    "used": monitor.used,
                },
            )
    snapshot.loaded_monitors = {key: monitor.key() for key, monitor in snapshot.monitors.items()}
    snapshot.removed_monitors = set()


def save(snapshot, rows, contact_center_id, base_uri):
    """Write back what the request changed (``rows``: what ``load`` read), and its monitoring:
    new calls and new parties in one INSERT each, the changed parties in one UPDATE."""
    save_monitors(snapshot)
    new_calls = []
    for call in snapshot.calls.values():
        row = rows.calls.get(call.id)
        if call.is_new or row is None:
            new_calls.append(
                VoiceCall(
                    id=call.id,
                    uuid=call.uuid,
                    contact_center_id=contact_center_id,
                    dnis=call.dnis,
                    ani=call.ani,
                    user_data=call.user_data,
                    queue=call.queue,
                    base_uri=base_uri,
                    created_at=call.created_at,
                )
            )
            call.is_new = False
            rows.calls[call.id] = CallRow(copy.deepcopy(call.user_data), call.queue, base_uri)
        elif (row.user_data, row.queue) != (call.user_data, call.queue):
            VoiceCall.objects.filter(pk=call.id).update(user_data=call.user_data, queue=call.queue)
            row.user_data, row.queue = copy.deepcopy(call.user_data), call.queue
    if new_calls:
        VoiceCall.objects.bulk_create(new_calls)
    new_parties, changes = [], {}
    for party in snapshot.parties.values():
        values = {name: getattr(party, name) for name in SAVED_PARTY_FIELDS}
        saved = rows.parties.get(party.id)
        if saved is None:
            new_parties.append(VoiceParty(id=party.id, **values))
            party.is_new = False
        else:
            changed = {name: value for name, value in values.items() if saved[name] != value}
            if not changed:
                continue
            changes[party.id] = (changed, values)
        rows.parties[party.id] = {**values, "final_participants": list(party.final_participants)}
    if new_parties:
        VoiceParty.objects.bulk_create(new_parties)
    _update_parties(changes)


def _update_parties(changes):
    """One UPDATE for every changed party ({id: (changed values, all values)}): each changed
    column set to the value the parties share (both answered at the same moment), or by a CASE
    on the party where they differ (each one's own final participants when both hang up).
    Cheaper than bulk_update, which writes a CASE for every column."""
    if not changes:
        return
    names = sorted({name for changed, _ in changes.values() for name in changed})
    columns = {}
    for name in names:
        values = [every[name] for _, every in changes.values()]
        if all(value == values[0] for value in values):
            columns[name] = values[0]
            continue
        field = VoiceParty._meta.get_field(name)
        case = Case(*(When(pk=party_id, then=Value(every[name], output_field=field)) for party_id, (_, every) in changes.items()), output_field=field)
        # As bulk_update does: PostgreSQL needs the CASE's type spelled out.
        columns[name] = Cast(case, output_field=field) if connection.features.requires_casted_case_in_updates else case
    VoiceParty.objects.filter(pk__in=list(changes)).update(**columns)


@lru_cache(maxsize=4096)
def number_info(number, country_code):
    """participantsInfo for a number: digits, E.164 and a display format (country when known)."""
    try:
        normalised = normalise_number(number, country_code)
    except Exception:  # noqa: BLE001 - an odd number is still shown, as it is
        return {"digits": number, "e164Number": number, "formattedPhoneNumber": number}
    info = {
        "digits": normalised.digits,
        "e164Number": normalised.e164_number,
        "formattedPhoneNumber": normalised.local_number or number,
    }
    if normalised.country_code:
        info["country"] = {
            "name": normalised.country_name,
            "code": normalised.country_code,
            "callingCode": normalised.calling_code,
        }
        if normalised.location:
            info["location"] = normalised.location
    return info
