"""Voice routes under /api/v2/."""
from django.urls import path

from . import agent_views, views

urlpatterns = [
    path("me/calls", views.MeCallsView.as_view(), name="me-calls"),
    path("me/channels/voice", agent_views.MeVoiceChannelView.as_view(), name="me-channels-voice"),
    path("queues", agent_views.QueuesView.as_view(), name="queues"),
    path("queues/<str:queue_id>", agent_views.QueueView.as_view(), name="queue"),
    path("me/calls/<str:call_id>", views.MeCallView.as_view(), name="me-call"),
    path("me/devices/<str:device_id>/calls", views.MeDeviceCallsView.as_view(), name="me-device-calls"),
    path("voice-simulation/calls", views.SimulatedCallsView.as_view(), name="voice-simulation-calls"),
    path("voice-simulation/calls/<str:call_id>", views.SimulatedCallView.as_view(), name="voice-simulation-call"),
    path(
        "voice-simulation/remote-numbers",
        views.SimulatedRemoteNumbersView.as_view(),
        name="voice-simulation-remote-numbers",
    ),
    path("voice-simulation/service", views.SimulatedServiceView.as_view(), name="voice-simulation-service"),
]
