"""Voice API views for the agent's state: POST /me/channels/voice {"operationName": ...}."""
from rest_framework.response import Response

from gws_project.api.views import OK, GWSView

from .. import agent_state


class MeVoiceChannelView(GWSView):
    """POST /me/channels/voice: a system or custom agent-state operation."""

    def post(self, request):
        agent_state.agent_state_operation(request.user, self.body(), request.build_absolute_uri("/api/v2"))
        return Response(OK)
