"""Both parties acting at the same moment, on PostgreSQL: one consistent state, and each
notification exactly once (the calls are locked in primary-key order; the loser of the race
gets an asynchronous ErrorMessage, never a second Released)."""
import threading

import pytest
from django.db import connection, connections

from notifications.testing import NotificationRecorder
from provisioning import services as provisioning
from tests.conftest import GWSClient, make_user
from voice.models import VoiceParty

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def pair(admin):
    people = []
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5001")):
        user = make_user(admin, name)
        device = provisioning.create_device(admin, {"phoneNumber": number}, user=user)
        people.append((user, device, GWSClient(name)))
    return people


def at_once(*actions):
    """Run the actions in threads released together; each thread closes its DB connection."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = action()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def established(pair):
    (ann, ann_device, ann_client), (bob, _, bob_client) = pair
    ann_client.post(f"/api/v2/me/devices/{ann_device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5001"}})
    call_id = VoiceParty.objects.filter(device=ann_device).latest("created_at").call_id
    assert bob_client.post(f"/api/v2/me/calls/{call_id}", {"operationName": "Answer"}).status_code == 200
    return call_id


def call_events(recorder, call_id):
    return [
        (m["data"]["notificationType"], m["data"]["call"]["state"])
        for m in recorder.messages("/v2/me/calls")
        if m["data"]["messageType"] == "CallStateChangeMessage" and m["data"]["call"]["id"] == call_id
    ]


@pytest.mark.parametrize("attempt", range(3))
def test_both_parties_hang_up_at_once(pair, attempt):
    call_id = established(pair)
    (ann, _, ann_client), (bob, _, bob_client) = pair
    recorders = [NotificationRecorder(ann), NotificationRecorder(bob)]
    url = f"/api/v2/me/calls/{call_id}"
    responses = at_once(
        lambda: ann_client.post(url, {"operationName": "Hangup"}).status_code,
        lambda: bob_client.post(url, {"operationName": "Hangup"}).status_code,
    )
    # Each request either went through or was refused synchronously (already released: 6 or 2).
    assert all(status in (200, 400, 404) for status in responses), responses
    assert set(VoiceParty.objects.filter(call_id=call_id).values_list("state", flat=True)) == {"Released"}
    for recorder in recorders:
        assert call_events(recorder, call_id) == [("StatusChange", "Released")]
    errors = [m for r in recorders for m in r.messages() if m["data"]["messageType"] == "ErrorMessage"]
    assert len(errors) + responses.count(404) + responses.count(400) == 1  # one loser, told once


@pytest.mark.parametrize("attempt", range(3))
def test_answer_and_hangup_at_once(pair, attempt):
    (ann, ann_device, ann_client), (bob, _, bob_client) = pair
    ann_client.post(f"/api/v2/me/devices/{ann_device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5001"}})
    call_id = VoiceParty.objects.get(device=ann_device, state="Dialing").call_id
    recorders = [NotificationRecorder(ann), NotificationRecorder(bob)]
    url = f"/api/v2/me/calls/{call_id}"
    at_once(
        lambda: ann_client.post(url, {"operationName": "Hangup"}).status_code,
        lambda: bob_client.post(url, {"operationName": "Answer"}).status_code,
    )
    assert set(VoiceParty.objects.filter(call_id=call_id).values_list("state", flat=True)) == {"Released"}
    for recorder in recorders:
        events = call_events(recorder, call_id)
        # Either the answer won (Established, then Released) or the hang-up did (Released only).
        assert events in ([("StatusChange", "Released")], [("StatusChange", "Established"), ("StatusChange", "Released")])
    assert len({len(call_events(r, call_id)) for r in recorders}) == 1  # both saw the same history


def test_both_answer_and_hangup_many_calls_concurrently(pair):
    """Twenty calls hung up from both ends at once: no deadlock, every party released once."""
    (ann, ann_device, ann_client), (bob, _, bob_client) = pair
    call_ids = [established(pair) for _ in range(5)]
    recorder = NotificationRecorder(bob)
    actions = []
    for call_id in call_ids:
        url = f"/api/v2/me/calls/{call_id}"
        actions.append(lambda url=url: ann_client.post(url, {"operationName": "Hangup"}).status_code)
        actions.append(lambda url=url: bob_client.post(url, {"operationName": "Hangup"}).status_code)
    at_once(*actions)
    assert set(VoiceParty.objects.values_list("state", flat=True)) == {"Released"}
    for call_id in call_ids:
        assert call_events(recorder, call_id) == [("StatusChange", "Released")]
