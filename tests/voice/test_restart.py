"""The production setup (PostgreSQL, Redis, daphne, a separate switch process): calls survive a
restart of the server and of the switch, and a switch that cannot be reached answers 503."""
import os
import signal
import time

import pytest
from django.db import connection

from notifications.testing import NotificationRecorder
from provisioning import services as provisioning
from provisioning.models import VoiceEnvironment
from tests.conftest import PASSWORD, make_user

from .live import HttpClient, free_port, production_env, start_server, start_switch

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="the production setup: PostgreSQL and Redis",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def people(admin, settings):
    # The server processes verify passwords with the project's hashers, not the tests' fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    found = {}
    for name, number in (("ann@redwings.com", "5005"), ("bob@redwings.com", "5001")):
        user = make_user(admin, name)
        device = provisioning.create_device(admin, {"phoneNumber": number}, user=user)
        found[number] = (user, device)
    return found


@pytest.fixture
def processes():
    started = []
    yield started
    for process in started:
        process.stop()


def states(client):
    status, body = client.get("/me/calls?fields=id,state")
    assert status == 200, body
    return [(call["id"], call["state"]) for call in body["calls"]]


def test_call_survives_restart_of_server_and_switch(people, processes):
    env, port = production_env(), free_port()
    processes.append(start_switch(env))
    processes.append(start_server(env, port))
    (ann, ann_device), (bob, bob_device) = people["5005"], people["5001"]
    ann_client, bob_client = HttpClient(port, ann.user_name, PASSWORD), HttpClient(port, bob.user_name, PASSWORD)
    status, body = ann_client.post(f"/me/devices/{ann_device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": "5001"}})
    assert (status, body) == (200, {"statusCode": 0})
    [(call_id, state)] = states(bob_client)
    assert state == "Ringing"
    assert bob_client.post(f"/me/calls/{call_id}", {"operationName": "Answer"})[0] == 200
    assert states(ann_client) == [(call_id, "Established")]

    for process in processes:
        process.stop()
    processes.clear()
    assert set(VoiceEnvironment.objects.values_list("service_state", flat=True)) == {"Inactive"}
    processes.append(start_switch(env))
    processes.append(start_server(env, port))
    assert set(VoiceEnvironment.objects.values_list("service_state", flat=True)) == {"Active"}

    assert states(ann_client) == [(call_id, "Established")]
    assert states(bob_client) == [(call_id, "Established")]
    recorder = NotificationRecorder(bob)
    assert ann_client.post(f"/me/calls/{call_id}", {"operationName": "Hangup"})[0] == 200
    assert states(bob_client) == []
    released = [m["data"]["call"]["state"] for m in recorder.messages("/v2/me/calls")]
    assert released == ["Released"]


def test_unreachable_switch_answers_503_and_announces_inactive(people, processes):
    env, port = production_env(), free_port()
    switch = start_switch(env)
    processes.extend([switch, start_server(env, port)])
    (ann, ann_device) = people["5005"]
    client = HttpClient(port, ann.user_name, PASSWORD)
    recorder = NotificationRecorder(ann)
    switch.stop(signal.SIGKILL)  # gone without a word: the services still say Active
    assert set(VoiceEnvironment.objects.values_list("service_state", flat=True)) == {"Active"}
    dial = {"operationName": "Dial", "destination": {"phoneNumber": "5001"}}
    status, body = client.post(f"/me/devices/{ann_device.pk}/calls", dial)
    assert (status, body) == (503, {"statusCode": 4, "statusMessage": "Voice service is not available at this time"})
    assert [m["data"]["service"]["state"] for m in recorder.messages("/notifications/services")] == ["Inactive"]
    started = time.time()
    assert client.post(f"/me/devices/{ann_device.pk}/calls", dial)[0] == 503
    assert time.time() - started < 1  # known to be down: no more waiting for it
    processes.append(start_switch(env))
    assert [m["data"]["service"]["state"] for m in recorder.messages("/notifications/services")] == ["Inactive", "Active"]
    assert client.post(f"/me/devices/{ann_device.pk}/calls", dial)[0] == 200
    # The request that timed out was not carried out later: only the last Dial made a call.
    time.sleep(0.5)
    assert len(states(client)) == 1
