"""
The users' ``statistics`` subresource (the voice channel's part) and its filters and sorts
("Filtering and sorting users by fields and subresources"):

    "statistics": {"channels": {"voice": {"state": "Ready", "displayName": "Ready",
                                          "activity": "Idle", "workMode": "AuxWork"}}}

``state``, ``workMode`` and ``displayName`` are the user's agent state (its first device's, by
phone number: "multiple devices assigned to a single user" use the first one, as mobile push
does), ``displayName`` the matching operation's; ``activity`` is ``OnCall`` while one of the
user's devices has a call in progress, else ``Idle``. A user who never logged in is
``LoggedOut``/``Offline``. The same values exist as SQL expressions, so the filters (comma-
separated values) and sorts run in the database over any number of users.
"""
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from provisioning import agent_states
from provisioning.models import Device, Setting

from .agents.models import AgentState, DeviceAgentState
from .models import VoiceParty
from .switch.model import ACTIVE_STATES

PREFIX = "statistics.channels.voice."
FIELDS = ("state", "displayName", "activity", "workMode")
ON_CALL, IDLE = "OnCall", "Idle"

PREFETCH = Prefetch(
    "devices", queryset=Device.objects.select_related("agent_state").order_by("phone_number", "pk"), to_attr="_statistics_devices"
)


# ---------------------------------------------------------------------------------------------
# Rendering (a page of users: their devices are prefetched, active calls read once)
# ---------------------------------------------------------------------------------------------


def _busy_devices(user, ctx):
    cache = getattr(ctx, "_voice_busy_devices", None)
    if cache is None or cache[0] != user.contact_center_id:
        busy = set(
            VoiceParty.objects.filter(device__contact_center_id=user.contact_center_id, state__in=ACTIVE_STATES).values_list(
                "device_id", flat=True
            )
        )
        cache = (user.contact_center_id, busy)
        ctx._voice_busy_devices = cache
    return cache[1]


def render(user, ctx, busy=None):
    """busy: the ids of the user's devices with an active call, when the caller has them already
    (/me); else the contact center's are read once per rendering context."""
    from .agent_state import user_state

    devices = getattr(user, "_statistics_devices", None)
    if devices is None:
        devices = list(Device.objects.filter(user=user).select_related("agent_state").order_by("phone_number", "pk"))
    if devices:
        state = user_state(devices[0], ctx)
    else:
        state = {"state": AgentState.LOGGED_OUT}
        matched = agent_states.match(user.contact_center_id, "Logout")
        state.update(matched or {})
    if busy is None:
        busy = _busy_devices(user, ctx)
    voice = {
        "state": state["state"],
        "displayName": state.get("displayName", ""),
        "activity": ON_CALL if any(d.pk in busy for d in devices) else IDLE,
    }
    if state.get("workMode"):
        voice["workMode"] = state["workMode"]
    return {"channels": {"voice": voice}}


# ---------------------------------------------------------------------------------------------
# SQL expressions for filters and sorts
# ---------------------------------------------------------------------------------------------


def _first_device_value(column, default):
    first = DeviceAgentState.objects.filter(device__user=OuterRef("pk")).order_by("device__phone_number", "device__pk")
    return Coalesce(Subquery(first.values(column)[:1]), Value(default))


def _display_name():
    """The matching operation's displayName: the system operations, then each contact center's
    custom ones (a user is matched against its own contact center's)."""
    whens = []
    custom = Setting.objects.filter(group=agent_states.GROUP).values_list("contact_center_id", "data")
    operations = [(None, op) for op in agent_states.SYSTEM_OPERATIONS] + list(custom)
    for contact_center_id, op in operations:
        wanted = AgentState.LOGGED_OUT if str(op["state"]) == "Logout" else str(op["state"])
        condition = Q(_stat_state=wanted, _stat_work_mode=str(op.get("workMode") or ""), _stat_reason=op.get("reason") or "")
        if contact_center_id is not None:
            condition &= Q(contact_center_id=contact_center_id)
        whens.append(When(condition, then=Value(str(op["displayName"]))))
    return Case(*whens, default=Value(""))


def annotate(queryset):
    """Users with _stat_state, _stat_work_mode, _stat_reason, _stat_display_name, _stat_activity."""
    if "_stat_state" in queryset.query.annotations:
        return queryset
    busy = VoiceParty.objects.filter(device__user=OuterRef("pk"), state__in=ACTIVE_STATES)
    queryset = queryset.annotate(
        _stat_state=_first_device_value("state", AgentState.LOGGED_OUT),
        _stat_work_mode=_first_device_value("work_mode", ""),
        _stat_reason=_first_device_value("reason", ""),
        _stat_activity=Case(When(Exists(busy), then=Value(ON_CALL)), default=Value(IDLE)),
    )
    return queryset.annotate(_stat_display_name=_display_name())


ALIASES = {"state": "_stat_state", "displayName": "_stat_display_name", "activity": "_stat_activity", "workMode": "_stat_work_mode"}


def filter_users(queryset, field, value):
    """Users whose voice ``field`` is one of the comma-separated values."""
    values = [v.strip() for v in str(value).split(",") if v.strip()]
    if not values:
        return queryset
    return annotate(queryset).filter(**{ALIASES[field] + "__in": values})


def sorter(field):
    def sort(queryset, descending):
        return annotate(queryset), F(ALIASES[field])

    return sort
