"""Where the CometD transports live: /api/v2/notifications, for HTTP and WebSocket."""
from channels.sessions import SessionMiddlewareStack
from django.urls import re_path

from .consumers import BayeuxWebsocketConsumer
from .longpolling import LongPollingApplication

# Long-polling, with the suffixes the official JavaScript client appends (/handshake, /connect...).
http_urlpatterns = [
    re_path(r"^api/v2/notifications(?:/[^/]*)?/?$", SessionMiddlewareStack(LongPollingApplication())),
]

websocket_urlpatterns = [
    re_path(r"^api/v2/notifications/?$", BayeuxWebsocketConsumer.as_asgi()),
]
