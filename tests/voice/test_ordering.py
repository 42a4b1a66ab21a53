"""Turns (voice/services.py, "Turns"): requests on different lines run at once on PostgreSQL
(advisory locks per line), requests on the same line one after the other, the whole switch's
turn excludes every request (on SQLite it is the only turn), and every user still receives each
of its notifications once, numbered without a gap, in the order the changes were made."""
import os
import threading

import pytest
from django.db import connections

from notifications.testing import NotificationRecorder
from provisioning import services as provisioning
from tests.conftest import PASSWORD, GWSClient, make_user
from voice import services
from voice.models import VoiceParty

from .live import HttpClient, free_port, production_env, start_server, start_switch

pytestmark = pytest.mark.django_db(transaction=True)
# Lines exist where requests on different lines may run at once: PostgreSQL (advisory locks).
# On SQLite every request takes the whole switch's turn, which the other tests here cover.
per_line = pytest.mark.skipif(not services.lines_supported(), reason="per-line turns are PostgreSQL advisory locks")

CALLER = ["Dialing", "Established", "Held", "Established", "Released"]
CALLEE = ["Ringing", "Established", "Released"]


@pytest.fixture
def agents(admin):
    """Four agents (two pairs): name -> (user, device, number)."""
    found = {}
    for name, number in (("ann", "5005"), ("bob", "5001"), ("cid", "5000"), ("dee", "5002")):
        user = make_user(admin, f"{name}@redwings.com")
        found[name] = (user, provisioning.create_device(admin, {"phoneNumber": number}, user=user), number)
    return found


@pytest.fixture(autouse=True)
def _forget_hints():
    services._hints.clear()
    yield
    services._hints.clear()


class HeldLines:
    """Another database session holding advisory locks (as a request in another process would)."""

    def __init__(self, *statements):
        self.cursor = connections.create_connection("default").cursor()
        self.cursor.execute("; ".join(statements))

    def release(self):
        self.cursor.execute("SELECT pg_advisory_unlock_all()")
        self.cursor.connection.close()


class HeldSwitch:
    """The whole switch's turn held by someone else: another database session's advisory lock
    on PostgreSQL (a request in another process), the process's turn on SQLite."""

    def __init__(self):
        self.lines = HeldLines(f"SELECT pg_advisory_lock({services.SWITCH_LOCK_KEY})") if services.lines_supported() else None
        if self.lines is None:
            services._process_turn.acquire()

    def release(self):
        if self.lines is None:
            services._process_turn.release()
        else:
            self.lines.release()


def in_thread(action):
    """Run action in a thread (with its own database connection); returns the thread and its result."""
    result = {}

    def run():
        try:
            result["value"] = action()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            result["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def call_states(recorder, call_id=None):
    return [
        m["data"]["call"]["state"]
        for m in recorder.messages("/v2/me/calls")
        if m["data"]["messageType"] == "CallStateChangeMessage" and (call_id is None or m["data"]["call"]["id"] == call_id)
    ]


def sequences(recorder):
    return [m["ext"]["gws"]["sequence"] for m in recorder.messages()]


def dial(client, device, number):
    return client.post(f"/api/v2/me/devices/{device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": number}})


@per_line
def test_a_request_waits_for_its_lines_while_another_line_goes_on(agents):
    (ann, ann_device, _), (bob, _, bob_number) = agents["ann"], agents["bob"]
    (cid, cid_device, _), (dee, _, dee_number) = agents["cid"], agents["dee"]
    ann_client, cid_client = GWSClient(ann.user_name), GWSClient(cid.user_name)
    recorders = {name: NotificationRecorder(agents[name][0]) for name in agents}
    # Another request holds bob's line: ann's Dial to bob waits for it...
    held = HeldLines(f"SELECT pg_advisory_lock({services.line_lock_key(agents['bob'][1].pk)})")
    try:
        thread, result = in_thread(lambda: dial(ann_client, ann_device, bob_number).status_code)
        thread.join(1.5)
        assert thread.is_alive()
        assert not VoiceParty.objects.filter(device=ann_device).exists()
        # ... while cid calls dee on other lines, to the end.
        assert dial(cid_client, cid_device, dee_number).status_code == 200
        assert call_states(recorders["cid"]) == ["Dialing"] and call_states(recorders["dee"]) == ["Ringing"]
        assert thread.is_alive()
    finally:
        held.release()
    thread.join(20)
    assert result == {"value": 200}
    assert call_states(recorders["ann"]) == ["Dialing"] and call_states(recorders["bob"]) == ["Ringing"]


def test_the_whole_switch_turn_excludes_every_line(agents):
    (ann, ann_device, _), (_, _, bob_number) = agents["ann"], agents["bob"]
    client = GWSClient(ann.user_name)
    held = HeldSwitch()  # as agent state, DND and sessions take it
    try:
        thread, result = in_thread(lambda: dial(client, ann_device, bob_number).status_code)
        thread.join(1.5)
        assert thread.is_alive()
    finally:
        held.release()
    thread.join(20)
    assert result == {"value": 200}


@per_line
def test_a_device_reached_unexpectedly_is_locked_before_anything_is_committed(agents, admin):
    """bob forwards to dee: ann's Dial is expected to touch bob's line but touches dee's; it is
    rolled back, retried with dee's line, and waits for dee's line like any request on it."""
    (ann, ann_device, _), (bob, bob_device, bob_number) = agents["ann"], agents["bob"]
    bob_device.forward_to = agents["dee"][2]
    bob_device.save(update_fields=["forward_to"])
    recorder = NotificationRecorder(agents["dee"][0])
    held = HeldLines(f"SELECT pg_advisory_lock({services.line_lock_key(agents['dee'][1].pk)})")
    try:
        thread, result = in_thread(lambda: dial(GWSClient(ann.user_name), ann_device, bob_number).status_code)
        thread.join(1.5)
        assert thread.is_alive()
        assert not VoiceParty.objects.exists()  # the first try touched dee's line: rolled back
    finally:
        held.release()
    thread.join(20)
    assert result == {"value": 200}
    assert call_states(recorder) == ["Ringing"]
    assert set(VoiceParty.objects.values_list("device_id", flat=True)) == {ann_device.pk, agents["dee"][1].pk}


def test_two_pairs_calling_at_once_through_threads_keep_every_users_sequence(agents):
    """Both pairs' requests and the two callers' at once, on the embedded switch in threads:
    each user's messages numbered 1, 2, 3... with no gap, each call's states in order."""
    recorders = {name: NotificationRecorder(agents[name][0]) for name in agents}
    clients = {name: GWSClient(agents[name][0].user_name) for name in agents}

    def cycles(caller, callee, count=3):
        for _ in range(count):
            (_, device, _), (_, _, number) = agents[caller], agents[callee]
            assert dial(clients[caller], device, number).status_code == 200
            call_id = VoiceParty.objects.filter(device=device, state="Dialing").values_list("call_id", flat=True).get()
            for actor, operation in ((callee, "Answer"), (caller, "Hold"), (caller, "Retrieve"), (caller, "Hangup")):
                response = clients[actor].post(f"/api/v2/me/calls/{call_id}", {"operationName": operation})
                assert response.status_code == 200, response.json()
        return True

    threads = [in_thread(lambda: cycles("ann", "bob")), in_thread(lambda: cycles("cid", "dee"))]
    for thread, _ in threads:
        thread.join(60)
    assert [result for _, result in threads] == [{"value": True}, {"value": True}]
    for name, expected in (("ann", CALLER), ("bob", CALLEE), ("cid", CALLER), ("dee", CALLEE)):
        assert call_states(recorders[name]) == expected * 3, name
        numbers = sequences(recorders[name])
        assert numbers == list(range(recorders[name].start + 1, recorders[name].start + 1 + len(expected) * 3)), name


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="the production setup: PostgreSQL and Redis")
def test_two_pairs_through_two_server_processes_and_the_switch_process(agents, settings):
    """The production setup: each pair's agents on different daphne processes, the switch
    process carrying out requests of both pairs at once; every user's sequence complete."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user, _, _ in agents.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    env = {**production_env(GWS_VOICE_SWITCH_WORKERS="4"), "GWS_VOICE_SWITCH_TIMEOUT": "20"}
    ports = [free_port(), free_port()]
    processes = [start_switch(env), *(start_server(env, port) for port in ports)]
    try:
        recorders = {name: NotificationRecorder(agents[name][0]) for name in agents}
        # ann and cid on the first process, bob and dee on the second.
        clients = {
            name: HttpClient(ports[index % 2], agents[name][0].user_name, PASSWORD) for index, name in enumerate(("ann", "bob", "cid", "dee"))
        }

        def cycles(caller, callee, count=4):
            (_, device, _), (_, _, number) = agents[caller], agents[callee]
            for _ in range(count):
                status, body = clients[caller].post(
                    f"/me/devices/{device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": number}}
                )
                assert status == 200, body
                [call] = clients[caller].get("/me/calls?fields=id")[1]["calls"]
                for actor, operation in ((callee, "Answer"), (caller, "Hold"), (caller, "Retrieve"), (caller, "Hangup")):
                    status, body = clients[actor].post(f"/me/calls/{call['id']}", {"operationName": operation})
                    assert status == 200, body
            return True

        threads = [in_thread(lambda: cycles("ann", "bob")), in_thread(lambda: cycles("cid", "dee"))]
        for thread, _ in threads:
            thread.join(120)
        assert [result for _, result in threads] == [{"value": True}, {"value": True}]
    finally:
        for process in processes:
            process.stop()
    for name, expected in (("ann", CALLER), ("bob", CALLEE), ("cid", CALLER), ("dee", CALLEE)):
        assert call_states(recorders[name]) == expected * 4, name
        # Numbered without a gap (the services' Inactive announcement when the switch stopped too).
        numbers, start = sequences(recorders[name]), recorders[name].start
        assert numbers == list(range(start + 1, start + 1 + len(numbers))), name
