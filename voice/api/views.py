"""Voice API views: parse, call the voice service with the acting user, answer."""
from rest_framework.response import Response

from gws_project.api.errors import NotFound
from gws_project.api.views import OK, GWSView
from provisioning import access, features

from .. import operations, simulation
from ..resources import CALLS, user_calls


def _base_uri(request):
    return request.build_absolute_uri("/api/v2")


class MeCallsView(GWSView):
    """GET /me/calls: the user's active calls (Recovering Existing State)."""

    resource = CALLS

    def get(self, request):
        features.require(access.contact_center_id(request.user), "api-voice")
        return self.static_list_response(user_calls(request.user, _base_uri(request)))


class MeCallView(GWSView):
    """GET /me/calls/{id}: one active call; POST: a call operation ({"operationName": ...})."""

    resource = CALLS

    def get(self, request, call_id):
        features.require(access.contact_center_id(request.user), "api-voice")
        calls = user_calls(request.user, _base_uri(request), call_id=call_id)
        if not calls:
            raise NotFound(f"Call '{call_id}' does not exist")
        return self.item_response(calls[0])

    def post(self, request, call_id):
        operations.call_operation(request.user, call_id, self.body(), _base_uri(request))
        return Response(OK)


class MeDeviceCallsView(GWSView):
    """POST /me/devices/{id}/calls: Dial."""

    def post(self, request, device_id):
        operations.dial(request.user, device_id, self.body(), _base_uri(request))
        return Response(OK)


# ---------------------------------------------------------------------------------------------
# Simulation (not GWS: the developer's remote control of the embedded switch; admins only)
# ---------------------------------------------------------------------------------------------


class SimulatedCallsView(GWSView):
    """POST /voice-simulation/calls: an outside number calls a device number."""

    def post(self, request):
        call_id = simulation.inbound_call(request.user, self.body(), _base_uri(request))
        return Response({"statusCode": 0, "id": call_id})


class SimulatedCallView(GWSView):
    """POST /voice-simulation/calls/{id}: {"operationName": "RemoteHangup"|"RemoteAnswer"}."""

    def post(self, request, call_id):
        simulation.remote_operation(request.user, call_id, self.body())
        return Response(OK)


class SimulatedRemoteNumbersView(GWSView):
    """GET /voice-simulation/remote-numbers: configured behaviours; PUT: set one; DELETE: reset one."""

    def get(self, request):
        return Response({"statusCode": 0, **simulation.remote_numbers(request.user)})

    def put(self, request):
        simulation.set_remote_number(request.user, self.body())
        return Response(OK)

    def delete(self, request):
        simulation.reset_remote_number(request.user, self.body())
        return Response(OK)


class SimulatedServiceView(GWSView):
    """PUT /voice-simulation/service {"state": "Inactive"|"Active"[, "voiceEnvironmentId"]}."""

    def put(self, request):
        simulation.set_service_state(request.user, self.body())
        return Response(OK)
