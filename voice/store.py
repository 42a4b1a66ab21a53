"""
Rows to switch objects and back: load (and lock) what one request touches, save what changed.

Locking: every call a request may touch is locked with ``select_for_update`` in primary-key
order, so two requests on the same calls (both parties hanging up at once) run one after the
other and never deadlock. What is loaded: the seed calls, every call of every device on them
(a device's other calls decide SwapCalls/Complete* capabilities), and those calls' parties.
"""
import os
import time
from functools import lru_cache

from provisioning.models import Device
from provisioning.phone_numbers import normalise as normalise_number

from django.db.models import Q

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

    def normalise(self, number):
        try:
            return normalise_number(number, self.contact_center.country_code).e164_number
        except Exception:  # noqa: BLE001 - any unparsable number is simply not dialable
            return None

    def lookup(self, number):
        device = Device.objects.filter(contact_center_id=self.contact_center.pk, e164_number=number).first()
        return directory_number(device) if device else None

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
    return Call(
        id=row.id,
        uuid=row.uuid,
        dnis=row.dnis,
        ani=row.ani,
        user_data=[list(pair) for pair in row.user_data],
        created_at=row.created_at,
        queue=row.queue,
    )


def to_party(row):
    return Party(
        id=row.id,
        call_id=row.call_id,
        device_id=str(row.device_id) if row.device_id else None,
        **{name: getattr(row, name) for name in PARTY_FIELDS},
    )


def to_monitor(row):
    return Monitor(
        supervisor_device_id=str(row.supervisor_device_id),
        target_device_id=str(row.target_device_id),
        state=row.state,
        mode=row.mode,
        scope=row.scope,
        supervisor_number=row.supervisor_device.e164_number,
        supervisor_network=row.supervisor_device.telephony_network,
        used=row.used,
    )


def _active_calls_of(device_ids):
    return set(VoiceParty.objects.filter(device_id__in=device_ids, state__in=ACTIVE_STATES).values_list("call_id", flat=True))


def load(call_ids=(), device_ids=(), lock=True):
    """A switch Snapshot of the seed calls and devices, with their rows locked when ``lock``.

    Supervisor monitoring links devices too: the monitoring of every device loaded (as
    supervisor or target) comes with it, and so do the calls of the device at its other end
    (whether the supervisor is free, which call of the target to join)."""
    from .switch import Snapshot

    call_ids, device_ids = set(call_ids), {str(d) for d in device_ids if d}
    for _ in range(2):  # a device's other calls, and the devices on those calls
        device_ids |= {
            str(d) for d in VoiceParty.objects.filter(call_id__in=call_ids, device__isnull=False).values_list("device_id", flat=True)
        }
        call_ids |= _active_calls_of(device_ids)
    monitor_rows = list(
        SupervisorMonitoring.objects.filter(Q(supervisor_device_id__in=device_ids) | Q(target_device_id__in=device_ids)).select_related(
            "supervisor_device"
        )
    ) if device_ids else []
    linked = {str(d) for row in monitor_rows for d in (row.supervisor_device_id, row.target_device_id)} - device_ids
    if linked:
        call_ids |= _active_calls_of(linked)
    calls = VoiceCall.objects.filter(pk__in=call_ids).order_by("pk")
    if lock:
        calls = calls.select_for_update()
    call_rows = list(calls)
    party_rows = list(VoiceParty.objects.filter(call_id__in=[c.pk for c in call_rows]))
    snapshot = Snapshot([to_call(c) for c in call_rows], [to_party(p) for p in party_rows], [to_monitor(m) for m in monitor_rows])
    return snapshot, {c.pk: c for c in call_rows}


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


def save(snapshot, call_rows, contact_center_id, base_uri):
    """Write back every call and party of the snapshot (new ones created), and its monitoring."""
    save_monitors(snapshot)
    for call in snapshot.calls.values():
        if call.is_new or call.id not in call_rows:
            VoiceCall.objects.create(
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
            call.is_new = False
        else:
            row = call_rows[call.id]
            if (row.user_data, row.queue) != (call.user_data, call.queue):
                row.user_data, row.queue = call.user_data, call.queue
                row.save(update_fields=["user_data", "queue"])
    existing = {
        row.pk: row for row in VoiceParty.objects.filter(pk__in=[p.id for p in snapshot.parties.values() if not p.is_new])
    }
    for party in snapshot.parties.values():
        values = {name: getattr(party, name) for name in PARTY_FIELDS}
        values["call_id"] = party.call_id
        values["device_id"] = party.device_id
        row = existing.get(party.id)
        if row is None:
            VoiceParty.objects.create(id=party.id, **values)
            party.is_new = False
            continue
        changed = [name for name, value in values.items() if getattr(row, name) != _cast(name, value)]
        if changed:
            for name in changed:
                setattr(row, name, values[name])
            row.save(update_fields=changed)


def _cast(name, value):
    # device_id is a UUID on the row, a string in the switch.
    if name == "device_id" and value is not None:
        import uuid

        return uuid.UUID(value)
    return value


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
