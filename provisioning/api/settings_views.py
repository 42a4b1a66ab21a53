"""
Settings groups, features, services and routing templates: what agent desktops configure
themselves from, and what tells a client which parts of the API exist.
"""
from rest_framework.response import Response

from gws_project.api.views import OK, GWSView

from .. import access, features, routing_templates, service_states, settings_groups
from ..resources import FEATURES, ROUTING_TEMPLATES, SERVICES, SYSTEM_FEATURES


class SettingsView(GWSView):
    """GET /settings lists the groups; POST /settings creates a custom group."""

    def get(self, request):
        return Response({"statusCode": 0, "settings": settings_groups.groups(request.user, self.context())})

    def post(self, request):
        settings_groups.create_group(request.user, self.body())
        return Response(OK)


class SettingsGroupView(GWSView):
    """/settings/{group}: read it; create, update, delete a setting; DELETE without body: the group."""

    def get(self, request, group):
        return Response({"statusCode": 0, **settings_groups.read(request.user, group)})

    def post(self, request, group):
        settings_groups.create_setting(request.user, group, self.body())
        return Response(OK)

    def put(self, request, group):
        settings_groups.update_setting(request.user, group, self.body())
        return Response(OK)

    def delete(self, request, group):
        body = self.body()
        if body:
            settings_groups.delete_setting(request.user, group, body)
        else:
            settings_groups.delete_group(request.user, group)
        return Response(OK)


class MeSettingsGroupView(GWSView):
    """GET /me/settings/{group}: the settings a desktop reads for its user (e.g. agent-states)."""

    def get(self, request, group):
        return Response({"statusCode": 0, **settings_groups.read(request.user, group)})


class FeaturesView(GWSView):
    """GET /features: the contact center's features (URIs, or descriptions with fields=*)."""

    resource = FEATURES

    def get(self, request):
        return self.static_list_response(features.assigned(access.contact_center_id(request.user)))


class FeatureView(GWSView):
    """/features/{id}: a feature of the contact center (unassigned ones do not exist: 6)."""

    resource = FEATURES

    def get(self, request, feature_id):
        contact_center_id = access.contact_center_id(request.user)
        return self.item_response(features.assigned_feature(contact_center_id, feature_id))

    def delete(self, request, feature_id):
        """Only a cloud admin (superuser) removes a feature; default features stay."""
        features.unassign(request.user, access.contact_center_id(request.user), feature_id)
        return Response(OK)


class SystemFeaturesView(GWSView):
    """GET /system/features: every feature of the system (contact center admins)."""

    resource = SYSTEM_FEATURES

    def get(self, request):
        access.require_admin(request.user)
        return self.static_list_response(list(features.FEATURES.values()))


class SystemFeatureView(GWSView):
    """GET /system/features/{id}: one feature of the catalogue (what the list's URIs name)."""

    resource = SYSTEM_FEATURES

    def get(self, request, feature_id):
        access.require_admin(request.user)
        return self.item_response(features.feature(feature_id))


class ServicesView(GWSView):
    resource = SERVICES

    def get(self, request):
        return self.static_list_response(service_states.services(access.contact_center_id(request.user)))


class ServiceView(GWSView):
    resource = SERVICES

    def get(self, request, service_id):
        return self.item_response(service_states.find(access.contact_center_id(request.user), service_id))


class RoutingTemplatesView(GWSView):
    """GET /system/routing-templates: the read-only catalogue, filterable by channel and version."""

    resource = ROUTING_TEMPLATES

    def get(self, request):
        # Supervisors provision routing too (feature ui-supervisor-provisioning-routing).
        access.require_reader(request.user)
        return self.static_list_response(routing_templates.ROUTING_TEMPLATES)


class RoutingTemplateView(GWSView):
    """GET /system/routing-templates/{id}: one template (what the list's URIs name)."""

    resource = ROUTING_TEMPLATES

    def get(self, request, template_id):
        access.require_reader(request.user)
        return self.item_response(routing_templates.find(template_id))
