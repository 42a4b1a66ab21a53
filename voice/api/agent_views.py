"""Voice API views for the agent's state: POST /me/channels/voice {"operationName": ...}."""
from rest_framework.response import Response

from gws_project.api.views import OK, GWSView
from provisioning import access, features

from .. import agent_state
from ..agents.models import Queue
from ..queues import QUEUES


class MeVoiceChannelView(GWSView):
    """POST /me/channels/voice: a system or custom agent-state operation."""

    def post(self, request):
        agent_state.agent_state_operation(request.user, self.body(), request.build_absolute_uri("/api/v2"))
        return Response(OK)


def _queues(actor):
    contact_center_id = access.contact_center_id(actor)
    features.require(contact_center_id, "api-voice")
    return Queue.objects.filter(contact_center_id=contact_center_id)


class QueuesView(GWSView):
    """GET /queues: the contact center's queues (uris, or fields; filters name, channel, number)."""

    resource = QUEUES

    def get(self, request):
        return self.list_response(_queues(request.user))


class QueueView(GWSView):
    """GET /queues/{id}."""

    resource = QUEUES

    def get(self, request, queue_id):
        return self.item_response(access.get_or_404(_queues(request.user), queue_id, "Queue"))
