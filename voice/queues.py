"""
Queues: calls to a queue's number wait there and are offered to the longest-idle Ready agent
logged into the queue (StartContactCenterSession's ``queue``) who has every skill the queue
requires (at least its level); an agent in do-not-disturb or on a call is not offered one. A
Reject sends the call back (offered to the next agent, or it waits); an agent becoming Ready
gets the oldest waiting call. After a call delivered from a queue the agent is in AfterCallWork
for the contact center's ``defaultWrapupTime`` (voice settings), then Ready again.

The switch asks ``DatabaseDirectory.queue_agent`` whom to offer a call; this module answers, and
runs the agent-side consequences (after-call work, routing waiting calls when agents free up).
"""
import logging
import threading
import time

import django_filters
from django.conf import settings
from django.db import close_old_connections, transaction

from gws_project.api.resources import Resource
from provisioning import settings_groups
from provisioning.models import UserSkill

from .agents.models import AgentState, DeviceAgentState, Queue
from .models import VoiceCall, VoiceParty
from .switch.model import ACTIVE_STATES, State

logger = logging.getLogger(__name__)
ACW = "AfterCallWork"


# ---------------------------------------------------------------------------------------------
# Choosing an agent (called by the switch, inside its transaction)
# ---------------------------------------------------------------------------------------------


def has_skills(user_id, required, levels_by_user):
    levels = levels_by_user.get(user_id, {})
    return all(levels.get(skill["name"], -1) >= int(skill.get("level", 0)) for skill in required)


def longest_idle_agent(contact_center, queue_number, exclude=()):
    """The number of the device of the longest-idle Ready agent of the queue, or None."""
    queue = Queue.objects.filter(contact_center=contact_center, number=queue_number).first()
    if queue is None:
        return None
    ready = list(
        DeviceAgentState.objects.filter(
            state=AgentState.READY, device__contact_center=contact_center, device__user__isnull=False, device__do_not_disturb="Off"
        )
        .exclude(device_id__in=[d for d in exclude if d])
        .select_related("device")
        .order_by("ready_since", "device_id")
    )
    # JSON containment is not portable (SQLite): the queue membership is checked here.
    ready = [row for row in ready if queue_number in row.queues]
    if not ready:
        return None
    busy = set(
        VoiceParty.objects.filter(device_id__in=[r.device_id for r in ready], state__in=ACTIVE_STATES).values_list("device_id", flat=True)
    )
    levels = {}
    for user_id, name, level in UserSkill.objects.filter(user_id__in=[r.device.user_id for r in ready]).values_list(
        "user_id", "skill__name", "level"
    ):
        levels.setdefault(user_id, {})[name] = level
    for row in ready:
        if row.device_id not in busy and has_skills(row.device.user_id, queue.skills, levels):
            return row.device.e164_number
    return None


# ---------------------------------------------------------------------------------------------
# After a queue call: AfterCallWork, then Ready (called by voice/services.execute)
# ---------------------------------------------------------------------------------------------


def wrapup_seconds(contact_center_id):
    value = settings_groups.value(contact_center_id, "voice", "defaultWrapupTime", 0)
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        return 0


def after_call_work(snapshot, contact_center, base_uri, now):
    """Agents whose queue call ended in this request go to AfterCallWork (or Ready when the
    wrap-up time is 0); their wrap-up is ended by ``end_due_wrapups``."""
    from . import agent_state
    from provisioning.models import Device

    ended = [
        p
        for p in snapshot.parties.values()
        if p.is_device and p.from_queue and p.state == State.RELEASED and p.released_at == now and p.established_at is not None
    ]
    if not ended:
        return
    seconds = wrapup_seconds(contact_center.pk)
    for device in agent_state._locked_devices(Device.objects.filter(pk__in=[p.device_id for p in ended])):
        if device.agent_state.state == AgentState.LOGGED_OUT:
            continue
        if seconds == 0:
            agent_state.set_state(device, AgentState.READY, base_uri=base_uri, now=now)
            continue
        agent_state.set_state(device, AgentState.NOT_READY, ACW, base_uri=base_uri, now=now)
        row = device.agent_state
        row.wrapup_due = now + seconds
        row.save(update_fields=["wrapup_due"])
        _start_timer(seconds)


def _start_timer(seconds):
    if not getattr(settings, "GWS_VOICE_WRAPUP_TIMERS", True):
        return  # tests call end_due_wrapups with their own clock
    timer = threading.Timer(seconds + 0.05, _timer_fired)
    timer.daemon = True
    timer.start()


def _timer_fired():
    try:
        end_due_wrapups()
    except Exception:  # noqa: BLE001 - retried by the next timer or end_due_wrapups call
        logger.exception("Ending after-call work failed")
    finally:
        close_old_connections()


def end_due_wrapups(now=None, base_uri=None):
    """Agents whose wrap-up time is over become Ready (and are offered waiting calls)."""
    from . import agent_state
    from .monitor import session_base_uri
    from .services import switch_turn
    from provisioning.models import Device

    now = time.time() if now is None else now
    due = list(DeviceAgentState.objects.filter(wrapup_due__lte=now).values_list("device_id", flat=True))
    if not due:
        return 0
    contact_centers = set()
    with switch_turn(), transaction.atomic():
        for device in agent_state._locked_devices(Device.objects.filter(pk__in=due)):
            row = device.agent_state
            if row.wrapup_due is None or row.wrapup_due > now:
                continue
            if (row.state, row.work_mode) == (AgentState.NOT_READY, ACW):
                agent_state.set_state(device, AgentState.READY, base_uri=base_uri or session_base_uri(), now=now)
                contact_centers.add(device.contact_center_id)
            else:
                row.wrapup_due = None
                row.save(update_fields=["wrapup_due"])
    for contact_center_id in contact_centers:
        route_waiting(contact_center_id)
    return len(due)


# ---------------------------------------------------------------------------------------------
# Waiting calls
# ---------------------------------------------------------------------------------------------


def waiting_calls(contact_center_id):
    """Calls waiting in a queue (a caller on the line, no agent), oldest first."""
    with_agent = VoiceParty.objects.filter(device__isnull=False, state__in=ACTIVE_STATES).values("call_id")
    with_caller = VoiceParty.objects.filter(device__isnull=True, state__in=ACTIVE_STATES).values("call_id")
    return list(
        VoiceCall.objects.filter(contact_center_id=contact_center_id, pk__in=with_caller)
        .exclude(queue="")
        .exclude(pk__in=with_agent)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )


def route_waiting(contact_center_id):
    """Offer waiting calls to agents who became available (one switch request per call)."""
    from .backend import get_backend

    for call_id in waiting_calls(contact_center_id):
        get_backend().submit({"operation": "RouteCall", "contact_center_id": contact_center_id, "call_id": call_id, "params": {}})


def place_queue_call(contact_center, origin, queue_number, user_data, base_uri):
    """The simulation: an outside number calls a queue's number."""
    from .backend import get_backend

    result = get_backend().submit(
        {
            "operation": "SimulateQueueCall",
            "contact_center_id": contact_center.pk,
            "params": {"from": origin, "queue": queue_number, "userData": user_data},
            "base_uri": base_uri,
        }
    )
    return result["callId"]


def queue_for(contact_center, number):
    return Queue.objects.filter(contact_center=contact_center, number=number).first()


# ---------------------------------------------------------------------------------------------
# The queue resource (GET /queues, /queues/{id}: "Request Parameters")
# ---------------------------------------------------------------------------------------------


class QueueFilterSet(django_filters.FilterSet):
    """Queues by their wire fields ("the filtering parameter must be exactly the same as the name
    of the corresponding object field")."""

    name = django_filters.CharFilter()
    channel = django_filters.CharFilter()
    number = django_filters.CharFilter()

    class Meta:
        model = Queue
        fields = []


class QueueResource(Resource):
    plural, singular, collection_path = "queues", "queue", "queues"
    field_names = ("id", "name", "description", "channel", "number", "skills")
    filterset_class = QueueFilterSet
    sorts = {"name": "name", "number": "number", "channel": "channel"}
    identity_fields = ("name",)

    def represent(self, queue, ctx):
        data = {"id": str(queue.id), "name": queue.name}
        if queue.description:
            data["description"] = queue.description
        data.update({"channel": queue.channel, "number": queue.number, "skills": list(queue.skills)})
        return data


QUEUES = QueueResource()
