"""Mobile push: a real local HTTP server stands in for Genesys Mobile Services; the user monitor's
hooks switch delivery on (last CometD client gone) and off (a client is back)."""
import json
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from notifications import signals
from provisioning.models import ContactCenterFeature
from tests.voice.live import free_port
from voice.agents.models import ContactCenterSession

MOBILE = {"mobileDeviceId": "72ED12518F714800AA900370B697A777", "mobilePushType": "IOS"}


class Receiver:
    """An HTTP server on a free port recording the JSON bodies POSTed to it."""

    def __init__(self, status=200):
        self.bodies = queue.Queue()
        received, code = self.bodies, status

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                received.put((self.path, json.loads(self.rfile.read(length))))
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/genesys/1/notification/publish"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def next(self, timeout=5):
        return self.bodies.get(timeout=timeout)

    def nothing(self, timeout=0.5):
        try:
            got = self.bodies.get(timeout=timeout)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected push {got}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gms(settings, admin):
    settings.GWS_USER_MONITOR_TIMERS = False
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-mobile-push-notifications")
    receiver = Receiver()
    settings.GWS_MOBILE_PUSH_URL = receiver.url
    yield receiver
    receiver.close()


def start(agent, **mobile):
    body = {"operationName": "StartContactCenterSession", "channels": ["voice"], "mobileSession": {**MOBILE, **mobile}}
    assert agent.post("/api/v2/me", body).status_code == 200


def gone(agent):
    signals.last_client_gone.send(sender=None, user_id=agent.user.pk, client_id="c1", reason="disconnect")


def test_no_push_while_a_cometd_client_is_connected(gms, agent_a):
    start(agent_a)
    agent_a.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    assert gms.nothing()


def test_device_and_call_notifications_are_pushed_then_stop_when_a_client_returns(gms, agent_a, agent_b):
    start(agent_b)
    gone(agent_b)
    agent_b.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    path, body = gms.next()
    assert path == "/genesys/1/notification/publish"
    device_id = str(agent_b.device.pk)
    assert body == {
        "mobileDeviceId": MOBILE["mobileDeviceId"],
        "mobilePushType": "IOS",
        "debug": False,
        "tag": f"gws.api.v2.users.{agent_b.user.pk}.devices.{device_id}",
        "message": {"deviceId": device_id, "messageType": "DeviceStateChangeMessage"},
    }
    agent_a.dial("5001")
    _, body = gms.next()
    call_id = body["message"]["callId"]
    assert body["message"] == {"callId": call_id, "messageType": "CallStateChangeMessage", "notificationType": "StatusChange"}
    assert body["tag"] == f"gws.api.v2.users.{agent_b.user.pk}.calls.{call_id}"
    assert gms.nothing(0.3)  # ann has no mobile session: nothing of hers is pushed
    signals.first_client_connected.send(sender=None, user_id=agent_b.user.pk, client_id="c2")
    agent_b.operate(call_id, "Answer")
    assert gms.nothing()


def test_the_filter_chooses_what_is_pushed(gms, agent_a, agent_b):
    start(agent_b, filter=f"gws.api.v2.users.{agent_b.user.pk}.calls.*", debug=True)
    gone(agent_b)
    agent_b.post("/api/v2/me/channels/voice", {"operationName": "Ready"})
    agent_a.dial("5001")
    _, body = gms.next()
    assert body["message"]["messageType"] == "CallStateChangeMessage" and body["debug"] is True
    assert gms.nothing(0.3)


def test_a_failing_gms_is_logged_and_breaks_nothing(settings, gms, agent_a, agent_b, caplog):
    settings.GWS_MOBILE_PUSH_URL = f"http://127.0.0.1:{free_port()}/nobody"
    start(agent_b)
    gone(agent_b)
    assert agent_b.post("/api/v2/me/channels/voice", {"operationName": "Ready"}).status_code == 200
    assert agent_a.dial("5001").status_code == 200
    assert [m["messageType"] for m in agent_b.messages("/v2/me/devices")] == ["DeviceStateChangeMessage", "DeviceStateChangeMessage"]
    import time

    deadline = time.time() + 5
    while not any("Mobile push" in r.getMessage() for r in caplog.records) and time.time() < deadline:
        time.sleep(0.05)
    assert any(r.levelname == "WARNING" and "Mobile push" in r.getMessage() for r in caplog.records)


def test_ending_the_session_stops_pushes(gms, agent_a, agent_b):
    start(agent_b)
    gone(agent_b)
    agent_b.post("/api/v2/me", {"operationName": "EndContactCenterSession"})
    assert not ContactCenterSession.objects.exists()  # the session (and its mobile part) is gone
    agent_a.dial("5001")
    assert gms.nothing()
