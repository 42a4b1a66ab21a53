"""The call resource as GET shows it: /me/calls, /me/calls/{id} and /me?subresources=calls."""
from gws_project.api.prepared import Param, PreparedQuery
from gws_project.api.resources import Resource
from provisioning.models import ContactCenter, User

from . import messages, store
from .models import VoiceParty
from .switch import view
from .switch.model import ACTIVE_STATES


class CallResource(Resource):
    """Calls are rendered from the switch's views of them (wire dicts), like a catalogue."""

    plural, singular, collection_path = "calls", "call", "me/calls"
    field_names = (
        "id",
        "state",
        "callUuid",
        "connId",
        "deviceUri",
        "uri",
        "path",
        "participants",
        "participantsInfo",
        "dnis",
        "ani",
        "callType",
        "capabilities",
        "userData",
        "parentCallUri",
        "toast",
        "case",
        "duration",
        "mute",
        "recordingState",
        "supervisorListeningIn",
        "monitoredUserMuted",
        "monitoring",
    )
    sorts = {name: name for name in ("id", "state", "callType", "dnis", "duration")}

    def item_path(self, obj):
        return f"/me/calls/{obj['id']}"

    def represent(self, obj, ctx):
        return dict(obj)


CALLS = CallResource()


def _active_parties(user):
    return VoiceParty.objects.filter(device__user=user, state__in=ACTIVE_STATES).order_by("created_at", "id")


# Read on every /me?subresources=*: compiled once (gws_project/api/prepared.py).
ACTIVE_PARTY_IDS = PreparedQuery(lambda: _active_parties(Param("user", User._meta.pk)).values_list("id", "device_id"))


def active_parties_read(user):
    """The read active_party_ids(user) makes, for gws_project.api.prepared.read_ahead."""
    return ACTIVE_PARTY_IDS, {"user": user.pk}


def active_party_ids(user, call_id=None):
    """(party id, device id) of the user's active parties, oldest first."""
    if call_id is None:
        return ACTIVE_PARTY_IDS.rows(**active_parties_read(user)[1])
    return list(_active_parties(user).filter(call_id=call_id).values_list("id", "device_id"))


def me_party_ids(user, ctx):
    """active_party_ids, read once per /me rendering (the calls and statistics subresources share it)."""
    cache = getattr(ctx, "_voice_me_parties", None)
    if cache is None or cache[0] != user.pk:
        cache = (user.pk, active_party_ids(user))
        ctx._voice_me_parties = cache
    return cache[1]


def user_calls(user, base_uri, call_id=None, party_ids=None):
    """The user's active calls as call resources, oldest first (one call when call_id is given)."""
    if party_ids is None:
        party_ids = active_party_ids(user, call_id)
    if not party_ids:
        return []
    snapshot, _ = store.load([], {device for _, device in party_ids}, lock=False)
    contact_center = ContactCenter.objects.get(pk=user.contact_center_id)
    filters = messages.Filters.of(contact_center)
    now = store.now()
    return [
        messages.call_resource(view(snapshot, snapshot.parties[party_id], now), base_uri, filters)
        for party_id, _ in party_ids
        if party_id in snapshot.parties
    ]


def render_me_calls(user, ctx):
    """The calls subresource of /me."""
    if user.contact_center_id is None:
        return []
    return user_calls(user, ctx.base_uri, party_ids=me_party_ids(user, ctx))
