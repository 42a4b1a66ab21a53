"""store.load reaches what a request may touch, in SQL: the same calls, parties and supervisor
monitoring as reading them step by step (the definition below, as load read them before), for
one seed (a prepared query) or several (built each time), locked or not."""
import uuid

import pytest
from django.db.models import Q

from provisioning import services as provisioning
from voice import store
from voice.models import SupervisorMonitoring, VoiceCall, VoiceParty
from voice.switch.model import ACTIVE_STATES


def reached_step_by_step(call_ids, device_ids):
    """(call ids, supervisor device ids of the monitoring) a request on the seeds reaches."""
    call_ids, device_ids = set(call_ids), {str(d) for d in device_ids}

    def active_calls_of(devices):
        return set(VoiceParty.objects.filter(device_id__in=devices, state__in=ACTIVE_STATES).values_list("call_id", flat=True))

    for _ in range(2):  # a device's other calls, and the devices on those calls
        device_ids |= {str(d) for d in VoiceParty.objects.filter(call_id__in=call_ids, device__isnull=False).values_list("device_id", flat=True)}
        call_ids |= active_calls_of(device_ids)
    monitoring = list(
        SupervisorMonitoring.objects.filter(Q(supervisor_device_id__in=device_ids) | Q(target_device_id__in=device_ids)).values_list(
            "supervisor_device_id", "target_device_id"
        )
    )
    linked = {str(d) for row in monitoring for d in row} - device_ids
    call_ids |= active_calls_of(linked)
    return set(VoiceCall.objects.filter(pk__in=call_ids).values_list("pk", flat=True)), {str(row[0]) for row in monitoring}


@pytest.fixture
def lines(admin, contact_center):
    """Devices a-e and a supervisor's s; calls: 1 a(held)-b, 2 a-c(ringing), 3 c-d, 4 a-e
    released, 5 s with a remote party; s monitors d."""
    devices = {name: provisioning.create_device(admin, {"phoneNumber": f"70{index}"}) for index, name in enumerate("abcdes")}
    calls = {}

    def call(name, *parties):
        calls[name] = VoiceCall.objects.create(
            id=uuid.uuid4().hex[:16], uuid=uuid.uuid4().hex, contact_center=contact_center, base_uri="http://x/api/v2", created_at=1.0
        ).pk
        for seq, (device, state) in enumerate(parties):
            VoiceParty.objects.create(
                id=uuid.uuid4().hex,
                call_id=calls[name],
                device=devices.get(device),
                number=device,
                state=state,
                call_type="Internal",
                seq=seq,
                created_at=1.0,
            )

    call("1", ("a", "Held"), ("b", "Established"))
    call("2", ("a", "Established"), ("c", "Ringing"))
    call("3", ("c", "Established"), ("d", "Established"))
    call("4", ("a", "Released"), ("e", "Released"))
    call("5", ("s", "Established"), ("remote", "Established"))
    SupervisorMonitoring.objects.create(supervisor_device=devices["s"], target_device=devices["d"], state="ListenIn")
    return {name: str(device.pk) for name, device in devices.items()}, calls


SEEDS = [
    ((), ("b",)),  # b's call, a on it, a's other call: not c's other call (two steps only)
    (("1",), ("b",)),
    (("2",), ()),
    (("4",), ("a",)),  # a released call is reached only as a seed
    ((), ("e",)),  # no call in progress
    ((), ("d",)),  # d's calls, c's, and those of d's supervisor
    ((), ("s",)),  # the supervisor's own call and the target's
    ((), ("b", "d")),  # several seeds
    (("3", "1"), ()),
    (("unknown",), ()),
]


@pytest.mark.parametrize("lock", [True, False])
@pytest.mark.parametrize("seed_calls, seed_devices", SEEDS)
def test_load_reaches_what_reading_step_by_step_reaches(lines, seed_calls, seed_devices, lock):
    devices, calls = lines
    call_ids = [calls.get(name, name) for name in seed_calls]
    device_ids = [devices[name] for name in seed_devices]

    snapshot, rows = store.load(call_ids, device_ids, lock=lock)

    expected_calls, expected_monitors = reached_step_by_step(call_ids, device_ids)
    assert set(snapshot.calls) == expected_calls
    assert set(snapshot.parties) == set(VoiceParty.objects.filter(call_id__in=expected_calls).values_list("id", flat=True))
    assert set(snapshot.monitors) == expected_monitors
    assert set(rows.calls) == expected_calls and set(rows.parties) == set(snapshot.parties)


def test_the_reach_stops_after_two_steps(lines):
    devices, calls = lines
    snapshot, _ = store.load([], [devices["b"]], lock=False)
    assert set(snapshot.calls) == {calls["1"], calls["2"]}
    snapshot, _ = store.load([], [devices["d"]], lock=False)
    assert set(snapshot.calls) == {calls["2"], calls["3"], calls["5"]}
    assert set(snapshot.monitors) == {devices["s"]}
