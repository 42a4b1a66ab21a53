"""
The switch side of the voice service: one request through the switch, durably.

``execute(request)`` is what a T-Server does with a request: in one transaction it loads and
locks the calls the request touches, lets the switch apply it, saves the result and publishes
the resulting CometD messages when the transaction commits. It runs in the server process (the
embedded back end) or in the ``runswitch`` process; the API reaches it only through
voice/backend.py. Requests are plain JSON-able dicts so that they can cross the channel layer:

    {"operation": "Answer", "contact_center_id": "...", "device_id": "...", "call_id": "...",
     "params": {...}, "base_uri": "http://host/api/v2"}
"""
import logging
import threading
from contextlib import contextmanager

from django.db import connection, transaction

from notifications.publish import publish
from provisioning.models import ContactCenter, Device

from . import messages, store
from .models import CallUserEvent, VoiceCall, VoiceParty
from .push import push
from .queues import after_call_work
from .switch import CallEvent, ErrorEvent, Request, Switch

logger = logging.getLogger(__name__)

# A switch handles one request at a time, and what it announces must reach each user in the
# order the changes were made. Row locks order the changes, but notifications are numbered when
# they are delivered, after commit: two requests committing one after the other could still be
# delivered the other way round. So a request holds the switch's turn from before its
# transaction until its notifications are delivered (on commit, synchronously): a thread lock
# within a process, and a PostgreSQL advisory lock across server processes.
_turn = threading.Lock()
SWITCH_LOCK_KEY = 0x6777735F766F6963  # "gws_voic"


@contextmanager
def switch_turn():
    """Hold the switch (all server processes) from a request's start to its delivery."""
    with _turn:
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [SWITCH_LOCK_KEY])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [SWITCH_LOCK_KEY])


def execute(request):
    """Apply one switch request; returns {"callId": id of the call it concerned or created,
    "timers": whether a party now waits on a timer}."""
    contact_center = ContactCenter.objects.get(pk=request["contact_center_id"])
    call_id, device_id = request.get("call_id") or "", request.get("device_id") or ""
    with switch_turn(), transaction.atomic():
        snapshot, rows = store.load([call_id] if call_id else [], [device_id] if device_id else [])
        base_uri = request.get("base_uri") or (rows[call_id].base_uri if call_id in rows else "")
        switch_request = Request(request["operation"], device_id=device_id, call_id=call_id, params=request.get("params") or {})
        now = store.now()
        events = Switch(snapshot, store.DatabaseDirectory(contact_center), now).handle(switch_request)
        store.save(snapshot, rows, contact_center.pk, base_uri)
        for user_event in snapshot.user_events:
            CallUserEvent.objects.create(call_id=user_event.call_id, device_id=user_event.device_id, data=user_event.data)
        deliver(events, contact_center, base_uri)
        # Queue calls that ended: AfterCallWork (announced after the calls' own messages).
        after_call_work(snapshot, contact_center, base_uri, now)
    timers = any(p.timer_due is not None for p in snapshot.parties.values())
    return {"callId": switch_request.call_id, "timers": timers}


def deliver(events, contact_center, base_uri):
    """Publish the switch's events to the users of the devices they concern (after commit)."""
    device_ids = {event.view.device_id if isinstance(event, CallEvent) else event.device_id for event in events}
    owners = dict(Device.objects.filter(pk__in=[d for d in device_ids if d]).values_list("pk", "user_id"))
    owners = {str(device): user for device, user in owners.items()}
    filters = messages.Filters.of(contact_center)
    for event in events:
        if isinstance(event, CallEvent):
            user_id = owners.get(event.view.device_id)
            if user_id:
                data = messages.call_state_change(event.notification_type, event.view, base_uri, filters)
                publish(user_id, messages.CALLS_CHANNEL, data)
                push(user_id, data)  # to a mobile session without a CometD client (voice/push.py)
        elif isinstance(event, ErrorEvent) and owners.get(event.device_id):
            channel, data = messages.error_message(base_uri, event.device_id, event.message, event.call_id)
            publish(owners[event.device_id], channel, data)


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
