"""Voice fixtures: three agents with a phone each (5005, 5001, 5000), what each one's CometD
clients receive, and calls in a given state."""
import pytest

from notifications.testing import NotificationRecorder
from provisioning import services
from tests.conftest import GWSClient, make_user
from voice import backend
from voice.models import VoiceParty


@pytest.fixture(autouse=True)
def _embedded_switch_without_timer_thread(monkeypatch):
    """Tests fire the switch's timers themselves (services.run_due_timers) instead of a thread."""
    monkeypatch.setattr(backend.EmbeddedBackend, "timers_enabled", False)
    backend.set_backend(backend.EmbeddedBackend())
    yield
    backend.set_backend(None)


class Agent:
    """A user with one device, a logged-in API client and a recorder of its notifications."""

    def __init__(self, admin, user_name, number, committing, **device_fields):
        self.user = make_user(admin, user_name)
        self.device = services.create_device(admin, {"phoneNumber": number, **device_fields}, user=self.user)
        self.number = number
        self.client = GWSClient(user_name)
        self.recorder = NotificationRecorder(self.user)
        self._committing = committing

    def post(self, path, data):
        with self._committing(execute=True):
            return self.client.post(path, data)

    def dial(self, number, **extra):
        return self.post(f"/api/v2/me/devices/{self.device.pk}/calls", {"operationName": "Dial", "destination": {"phoneNumber": number}, **extra})

    def operate(self, call_id, operation, **params):
        return self.post(f"/api/v2/me/calls/{call_id}", {"operationName": operation, **params})

    def calls(self):
        return self.client.get("/api/v2/me/calls?fields=*").json()["calls"]

    def call(self, call_id):
        return self.client.get(f"/api/v2/me/calls/{call_id}").json()["call"]

    def messages(self, channel="/v2/me/calls"):
        return [m["data"] for m in self.recorder.messages(channel)]

    def events(self):
        """(notificationType, call id, state) of each CallStateChangeMessage so far."""
        return [
            (m["notificationType"], m["call"]["id"], m["call"]["state"])
            for m in self.messages()
            if m["messageType"] == "CallStateChangeMessage"
        ]

    def clear(self):
        self.recorder.clear()


@pytest.fixture
def agent_a(admin, django_capture_on_commit_callbacks):
    return Agent(admin, "ann@redwings.com", "5005", django_capture_on_commit_callbacks)


@pytest.fixture
def agent_b(admin, django_capture_on_commit_callbacks):
    return Agent(admin, "bob@redwings.com", "5001", django_capture_on_commit_callbacks)


@pytest.fixture
def agent_c(admin, django_capture_on_commit_callbacks):
    return Agent(admin, "cid@redwings.com", "5000", django_capture_on_commit_callbacks)


def last_call_id(agent):
    return VoiceParty.objects.filter(device=agent.device).order_by("-created_at").values_list("call_id", flat=True).first()


@pytest.fixture
def ringing_call(agent_a, agent_b):
    """agent_a has dialed agent_b: Dialing for a, Ringing for b."""
    assert agent_a.dial("5001").status_code == 200
    return last_call_id(agent_a)


@pytest.fixture
def established_call(ringing_call, agent_a, agent_b):
    assert agent_b.operate(ringing_call, "Answer").status_code == 200
    agent_a.clear()
    agent_b.clear()
    return ringing_call
