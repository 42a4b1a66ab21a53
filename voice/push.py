"""
Mobile push notifications ("Mobile Push Notifications"): while a user with a mobile session has
no CometD client (the user monitor set ``push_active``), each CallStateChangeMessage and
DeviceStateChangeMessage is translated to the page's minimal payload and POSTed to Genesys
Mobile Services:

    POST <GWS_MOBILE_PUSH_URL>
    {"mobileDeviceId": "...", "mobilePushType": "IOS", "debug": false,
     "tag": "gws.api.v2.users.<user id>.calls.<call id>",        (or .devices.<device id>)
     "message": {"callId": "...", "messageType": "CallStateChangeMessage", "notificationType": "StatusChange"}}

The session's ``filter`` (a GMS tag filter such as ``gws.api.v2.users.<id>.calls.*``) decides
which notifications go; ErrorMessage and the others are never pushed. Delivery happens after the
change commits, in a background thread, so a slow or failing GMS never holds up or breaks event
processing: failures are logged as warnings. Feature ``api-mobile-push-notifications`` gates it.
"""
import fnmatch
import json
import logging
import threading
import urllib.request

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

PUSHED = ("CallStateChangeMessage", "DeviceStateChangeMessage")


def payload(user_id, data):
    """(tag, minimal message) for a notification, or None when it is not pushed."""
    kind = data.get("messageType")
    if kind == "CallStateChangeMessage":
        call_id = data["call"]["id"]
        return f"gws.api.v2.users.{user_id}.calls.{call_id}", {
            "callId": call_id,
            "messageType": kind,
            "notificationType": data["notificationType"],
        }
    if kind == "DeviceStateChangeMessage":
        device_id = data["devices"][0]["id"]
        return f"gws.api.v2.users.{user_id}.devices.{device_id}", {"deviceId": device_id, "messageType": kind}
    return None


def push(user_id, data):
    """Push a notification to the user's mobile device if push delivery is active (on commit)."""
    url = getattr(settings, "GWS_MOBILE_PUSH_URL", "")
    if not url or data.get("messageType") not in PUSHED:
        return
    from provisioning import features

    from .agents.models import ContactCenterSession

    session = (
        ContactCenterSession.objects.filter(user_id=user_id, push_active=True).exclude(mobile_session=None).select_related("user").first()
    )
    if session is None or not features.has(session.user.contact_center_id, "api-mobile-push-notifications"):
        return
    found = payload(user_id, data)
    if found is None:
        return
    tag, message = found
    mobile = session.mobile_session
    if mobile.get("filter") and not fnmatch.fnmatchcase(tag, mobile["filter"]):
        return
    body = {
        "mobileDeviceId": mobile["mobileDeviceId"],
        "mobilePushType": mobile["mobilePushType"],
        "debug": bool(mobile.get("debug")),
        "tag": tag,
        "message": message,
    }
    transaction.on_commit(lambda: _send_later(url, body), robust=True)


def _send_later(url, body):
    threading.Thread(target=_send, args=(url, body), name="mobile-push", daemon=True).start()


def _send(url, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=float(getattr(settings, "GWS_MOBILE_PUSH_TIMEOUT", 5))) as response:
            response.read()
    except Exception as error:  # noqa: BLE001 - "logged as warnings and no exceptions are raised"
        logger.warning("Mobile push to %s failed: %s", url, error)
