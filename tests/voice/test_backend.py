"""The switch behind the channel layer (process mode), in this process: a request crosses the
layer to the switch loop and back; a switch that does not take it is unreachable."""
import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer
from django.conf import settings

from provisioning import services as provisioning
from tests.conftest import make_user
from voice import backend
from voice.models import VoiceParty


@pytest.mark.skipif(
    "InMemory" not in settings.CHANNEL_LAYERS["default"]["BACKEND"],
    reason="in-process on the in-memory layer; on Redis, test_restart.py runs the real switch process",
)
@pytest.mark.django_db(transaction=True)
def test_request_crosses_the_channel_layer_to_the_switch_loop(admin):
    devices = []
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5001")):
        devices.append(provisioning.create_device(admin, {"phoneNumber": number}, user=make_user(admin, name)))
    request = {
        "operation": "Dial",
        "contact_center_id": admin.contact_center_id,
        "device_id": str(devices[0].pk),
        "params": {"destination": {"phoneNumber": "5001"}, "own_number": "5005"},
        "base_uri": "http://testserver/api/v2",
    }

    async def scenario():
        stop = asyncio.Event()
        switch = asyncio.create_task(backend.serve(stop))
        try:
            return await backend.ProcessBackend(timeout=10)._roundtrip(request)
        finally:
            stop.set()
            await switch

    result = async_to_sync(scenario)()
    assert sorted(VoiceParty.objects.filter(call_id=result["callId"]).values_list("state", flat=True)) == ["Dialing", "Ringing"]


def test_nobody_taking_requests_is_unreachable(monkeypatch):
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(backend, "get_channel_layer", lambda: layer)
    with pytest.raises(backend.SwitchUnreachable):
        backend.ProcessBackend(timeout=0.2).submit({"operation": "Hangup"})


def test_a_full_switch_queue_waits_then_is_unreachable(monkeypatch):
    layer = InMemoryChannelLayer(capacity=1)
    monkeypatch.setattr(backend, "get_channel_layer", lambda: layer)
    async_to_sync(layer.send)(backend.SWITCH_CHANNEL, {"type": backend.REQUEST})
    with pytest.raises(backend.SwitchUnreachable):
        backend.ProcessBackend(timeout=0.2).submit({"operation": "Hangup"})
