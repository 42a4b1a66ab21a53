"""The publishing entry point: shapes, numbering, on-commit scheduling, contact-center fan-out."""
import asyncio

import pytest
from django.db import transaction

from notifications import publish as notify
from notifications.testing import NotificationRecorder
from provisioning import service_states
from tests.conftest import make_user

DEVICE_STATE = {"messageType": "DeviceStateChangeMessage", "devices": [{"id": "d1", "deviceState": "Active"}]}


def test_publish_reaches_the_user_log_in_the_document_shape(agent, django_capture_on_commit_callbacks):
    recorder = NotificationRecorder(agent)
    with django_capture_on_commit_callbacks(execute=True):
        notify.publish(agent.pk, "/v2/me/devices", DEVICE_STATE)
    [message] = recorder.messages()
    assert message["channel"] == "/v2/me/devices"
    assert message["data"] == DEVICE_STATE
    assert message["ext"]["gws"]["sequence"] == recorder.start + 1


def test_publish_waits_for_commit_and_skips_rollback(agent, django_capture_on_commit_callbacks):
    # given a publication inside a transaction that rolls back
    recorder = NotificationRecorder(agent)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notify.publish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
                assert recorder.messages() == []  # not before commit
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    # then nothing was announced
    assert recorder.messages() == []


def test_publish_copies_data_at_call_time(agent, django_capture_on_commit_callbacks):
    recorder = NotificationRecorder(agent)
    data = {"messageType": "CallStateChangeMessage", "call": {"state": "Ringing"}}
    with django_capture_on_commit_callbacks(execute=True):
        notify.publish(agent.pk, "/v2/me/calls", data)
        data["call"]["state"] = "Changed later"
    assert recorder.messages()[0]["data"]["call"]["state"] == "Ringing"


def test_sequence_numbers_are_per_user_and_consecutive(agent, supervisor, django_capture_on_commit_callbacks):
    agent_recorder, supervisor_recorder = NotificationRecorder(agent), NotificationRecorder(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            notify.publish(agent.pk, "/v2/me/devices", DEVICE_STATE)
        notify.publish(supervisor.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
    sequences = [m["ext"]["gws"]["sequence"] for m in agent_recorder.messages()]
    assert sequences == [agent_recorder.start + 1, agent_recorder.start + 2, agent_recorder.start + 3]
    assert [m["ext"]["gws"]["sequence"] for m in supervisor_recorder.messages()] == [supervisor_recorder.start + 1]


@pytest.mark.parametrize(
    "channel, data",
    [
        ("/notifications/services", DEVICE_STATE),
        ("/v2/me/other", DEVICE_STATE),
        ("/v2/me/devices", {"devices": []}),
        ("/v2/me/devices", "DeviceStateChangeMessage"),
        ("/v2/me/devices", {"messageType": "X", "when": object()}),
    ],
)
def test_publish_refuses_bad_channel_or_data(agent, channel, data):
    with pytest.raises((ValueError, TypeError)):
        notify.publish(agent.pk, channel, data)


def test_publish_from_async_code_is_refused_with_a_pointer_to_apublish(agent):
    async def call():
        notify.publish(agent.pk, "/v2/me/devices", DEVICE_STATE)

    with pytest.raises(RuntimeError, match="apublish"):
        asyncio.run(call())


@pytest.mark.django_db(transaction=True)
def test_apublish_delivers_at_once(contact_center_and_admin):
    _, admin = contact_center_and_admin
    recorder = NotificationRecorder(admin)
    asyncio.run(notify.apublish(admin.pk, "/v2/me/devices", DEVICE_STATE))
    assert recorder.message_types() == ["DeviceStateChangeMessage"]


def test_service_state_change_reaches_every_user_of_the_contact_center_only(
    admin, agent, supervisor, foreign_admin, contact_center, django_capture_on_commit_callbacks
):
    recorders = [NotificationRecorder(user) for user in (admin, agent, supervisor)]
    foreign = NotificationRecorder(foreign_admin)
    environment = contact_center.voice_environments.first()
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_voice_state(environment, "Inactive")
    for recorder in recorders:
        [message] = recorder.messages("/notifications/services")
        assert message["data"] == {
            "messageType": "ServiceStateChangeMessage",
            "service": {"id": str(environment.id), "name": environment.name, "type": "Voice", "state": "Inactive"},
        }
    assert foreign.messages() == []


def test_recorder_filters_by_channel(agent, django_capture_on_commit_callbacks):
    recorder = NotificationRecorder(agent)
    with django_capture_on_commit_callbacks(execute=True):
        notify.publish(agent.pk, "/v2/me/devices", DEVICE_STATE)
        notify.publish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
    assert recorder.message_types("/v2/me/calls") == ["CallStateChangeMessage"]
    assert recorder.message_types() == ["DeviceStateChangeMessage", "CallStateChangeMessage"]
    recorder.clear()
    assert recorder.messages() == []


def test_a_new_user_of_the_contact_center_is_included(admin, django_capture_on_commit_callbacks):
    newcomer = make_user(admin, "new@redwings.com")
    recorder = NotificationRecorder(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        notify.announce_service_state(admin.contact_center_id, {"id": "provisioning", "name": "Provisioning", "type": "Provisioning", "state": "ReadOnly"})
    assert recorder.messages()[0]["data"]["service"]["state"] == "ReadOnly"


def test_me_with_subresources_reports_the_sequence_its_snapshot_reflects(agent, agent_client, django_capture_on_commit_callbacks):
    # given two messages already published to the agent
    with django_capture_on_commit_callbacks(execute=True):
        notify.publish(agent.pk, "/v2/me/devices", DEVICE_STATE)
        notify.publish(agent.pk, "/v2/me/calls", {"messageType": "CallStateChangeMessage"})
    recorder_then = NotificationRecorder(agent).start
    # when the agent recovers its state
    body = agent_client.get("/api/v2/me?subresources=*").json()
    # then the snapshot says which messages it already reflects
    assert body["notificationSequence"] == recorder_then >= 2
    assert "notificationSequence" not in agent_client.get("/api/v2/me").json()
