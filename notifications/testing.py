"""
Helpers for tests (this app's and other apps') that need to see what a user's CometD clients
receive.

``NotificationRecorder`` reads the user's retained message log: the very log a reconnecting
client is replayed from, filled by the real ``publish`` path (numbering, on-commit scheduling,
fan-out to a contact center's users). Use it in sync tests::

    from notifications.testing import NotificationRecorder

    def test_ready_announces_device_state(agent_client, agent, django_capture_on_commit_callbacks):
        recorder = NotificationRecorder(agent)
        with django_capture_on_commit_callbacks(execute=True):   # the test runs in a transaction
            agent_client.post("/api/v2/me/devices/...", {"operationName": "Ready"})
        assert recorder.message_types("/v2/me/devices") == ["DeviceStateChangeMessage"]
        assert recorder.messages()[0]["data"]["devices"][0]["userState"]["state"] == "Ready"

With ``transactional_db`` (or outside any transaction) on-commit callbacks run by themselves.
To drive a live server with a real CometD client instead, see ``tests/notifications/live.py``
(a daphne process fixture and an aiocometd client authenticated like a GWS desktop).
"""
from asgiref.sync import async_to_sync

from .store import get_store


class NotificationRecorder:
    """What a user receives from now on, in order: ``{"channel", "data", "ext"}`` messages."""

    def __init__(self, user):
        self.user_id = str(getattr(user, "pk", user))
        self.start = async_to_sync(get_store().last_seq)(self.user_id)

    def messages(self, channel=None):
        """The messages published to the user since the recorder was made (optionally one channel)."""
        backlog = async_to_sync(get_store().since)(self.user_id, self.start)
        return [
            {"channel": topic, "data": data, "ext": {"gws": {"sequence": seq}}}
            for seq, topic, data in backlog.messages
            if channel is None or topic == channel
        ]

    def message_types(self, channel=None):
        return [message["data"]["messageType"] for message in self.messages(channel)]

    def clear(self):
        """Forget what was received so far."""
        self.start = async_to_sync(get_store().last_seq)(self.user_id)
