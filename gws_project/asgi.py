"""ASGI entry point: Django for HTTP, Channels for the CometD transports (WebSocket, and
HTTP long-polling, which runs outside Django's middleware so that a waiting poll holds no
thread: see notifications/longpolling.py)."""
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gws_project.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from gws_project.handlers import GWSASGIHandler  # noqa: E402

django_asgi_app = GWSASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import SessionMiddlewareStack  # noqa: E402
from django.urls import re_path  # noqa: E402

from gws_project.startup import freeze_startup_objects  # noqa: E402
from notifications.routing import http_urlpatterns, websocket_urlpatterns  # noqa: E402
from provisioning.api.event_loop_me import EventLoopMe  # noqa: E402

event_loop_me = EventLoopMe(django_asgi_app)
application = ProtocolTypeRouter(
    {
        # GET /api/v2/me is answered on the event loop when it can (provisioning/api/event_loop_me.py).
        "http": URLRouter([*http_urlpatterns, re_path(r"", event_loop_me)]),
        "websocket": SessionMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)

freeze_startup_objects()
