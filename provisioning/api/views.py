"""
Provisioning endpoints: /me, /users, /devices, /skills, /voice-environments and the
assignments between them. Views parse, call a service with the actor, and answer.
"""
from rest_framework.response import Response

from gws_project.api.errors import MissingParameter, NotFound
from gws_project.api.resources import descriptor
from gws_project.api.views import OK, GWSView, reference_id, references, run_bulk

from .. import access, services
from ..resources import DEVICES, ME, SKILLS, USER_SKILLS, USERS, VOICE_ENVIRONMENTS
from . import serializers


def validated(serializer_class, data, instance=None, current=None):
    """Validate a request body with a GWSSerializer; errors become GWS errors."""
    serializer = serializer_class(instance=instance, data=data, current=current, partial=instance is not None)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CollectionView(GWSView):
    """A plural resource: create one or many ({"users": [...]}), delete many by uris/paths.

    Subclasses define ``scoped()`` (the actor's queryset), ``create_one(data)`` and
    ``delete_one(obj)`` (service calls).
    """

    create_serializer = None

    def post(self, request, **kwargs):
        body = self.body()
        items = body.get(self.resource.plural)
        if isinstance(items, list) and len(body) == 1:
            ctx = self.context()

            def create(item):
                return descriptor(self.resource, self.create_one(validated(self.create_serializer, item)), ctx)

            def identity(item):
                source = item if isinstance(item, dict) else {}
                return {name: source.get(name) for name in self.resource.identity_fields}

            return run_bulk([(identity(item), item) for item in items], create)
        obj = self.create_one(validated(self.create_serializer, body))
        return self.created_response(obj)

    def delete(self, request, **kwargs):
        queryset = self.scoped()
        ctx = self.context()

        def delete(value):
            obj = access.get_or_404(queryset, reference_id(value, self.resource.collection_path), "Resource")
            result = descriptor(self.resource, obj, ctx)
            self.delete_one(obj)
            return result

        items = [({key: value}, value) for key, value, _ in references(self.body(), self.resource.collection_path)]
        return run_bulk(items, delete)


# ---------------------------------------------------------------------------------------------
# /me
# ---------------------------------------------------------------------------------------------


class MeView(GWSView):
    """GET /me: the current user, with devices, skills, settings and calls as subresources."""

    resource = ME

    def get(self, request):
        access.contact_center_id(request.user)
        return self.item_response(request.user)


class MeDevicesView(GWSView):
    resource = DEVICES

    def get(self, request):
        return self.list_response(access.devices(request.user).filter(user=request.user))


class MeDeviceView(GWSView):
    resource = DEVICES

    def get(self, request, device_id):
        device = access.get_or_404(access.devices(request.user).filter(user=request.user), device_id, "Device")
        return self.item_response(device)


class MeSkillsView(GWSView):
    resource = USER_SKILLS

    def get(self, request):
        access.contact_center_id(request.user)
        return self.list_response(access.user_skills(request.user))


# ---------------------------------------------------------------------------------------------
# /users
# ---------------------------------------------------------------------------------------------


class UsersView(CollectionView):
    resource = USERS
    create_serializer = serializers.UserCreateSerializer

    def scoped(self):
        return access.users(self.request.user)

    def create_one(self, data):
        return services.create_user(self.request.user, data)

    def delete_one(self, user):
        services.delete_user(self.request.user, user)

    def get(self, request):
        access.require_reader(request.user)
        return self.list_response(self.scoped())

    def delete(self, request, **kwargs):
        access.require_admin(request.user)
        return super().delete(request, **kwargs)


class UserView(GWSView):
    resource = USERS

    def get(self, request, user_id):
        return self.item_response(access.readable_user(request.user, user_id))

    def put(self, request, user_id):
        access.require_admin(request.user)
        user = access.get_or_404(access.users(request.user), user_id, "User")
        data = validated(
            serializers.UserUpdateSerializer, self.body(), instance=user, current=USERS.represent(user, self.context())
        )
        services.update_user(request.user, user, data)
        return Response(OK)

    def delete(self, request, user_id):
        access.require_admin(request.user)
        services.delete_user(request.user, access.get_or_404(access.users(request.user), user_id, "User"))
        return Response(OK)


class UserDevicesView(GWSView):
    """/users/{id}/devices: list, create-and-assign (hybrid), assign by reference, unassign many."""

    resource = DEVICES

    def get(self, request, user_id):
        user = access.readable_user(request.user, user_id)
        return self.list_response(access.devices(request.user).filter(user=user))

    def post(self, request, user_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        body = self.body()
        data = validated(serializers.DeviceAssignmentSerializer, body)
        if "uris" in data or "paths" in data:
            ctx = self.context()

            def assign(value):
                device = access.get_or_404(access.devices(actor), reference_id(value, "devices"), "Device")
                return descriptor(DEVICES, services.assign_device(actor, user, device), ctx)

            items = [({key: value}, value) for key, value, _ in references(body, "devices")]
            return run_bulk(items, assign)
        device_id = data.get("id") or next(
            (reference_id(data[key], "devices") for key in ("uri", "path") if key in data), None
        )
        if device_id is not None:
            device = access.get_or_404(access.devices(actor), device_id, "Device")
            services.assign_device(actor, user, device)
            return Response(OK)
        if "phoneNumber" not in data:
            raise MissingParameter("Missing mandatory parameter 'phoneNumber'")
        device = services.create_device(actor, data, user=user)
        return self.created_response(device)

    def delete(self, request, user_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        ctx = self.context()

        def unassign(value):
            device = access.get_or_404(access.devices(actor), reference_id(value, "devices"), "Device")
            return descriptor(DEVICES, services.unassign_device(actor, user, device), ctx)

        items = [({key: value}, value) for key, value, _ in references(self.body(), "devices")]
        return run_bulk(items, unassign)


class UserDeviceView(GWSView):
    resource = DEVICES

    def _device(self, user_id, device_id):
        user = access.readable_user(self.request.user, user_id)
        return user, access.get_or_404(access.devices(self.request.user).filter(user=user), device_id, "Device")

    def get(self, request, user_id, device_id):
        return self.item_response(self._device(user_id, device_id)[1])

    def delete(self, request, user_id, device_id):
        access.require_admin(request.user)
        user, device = self._device(user_id, device_id)
        services.unassign_device(request.user, user, device)
        return Response(OK)


class UserSkillsView(GWSView):
    """/users/{id}/skills: list with levels, assign one or many, unassign many."""

    resource = USER_SKILLS

    def get(self, request, user_id):
        user = access.readable_user(request.user, user_id)
        return self.list_response(access.user_skills(user))

    def post(self, request, user_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        body = self.body()
        data = validated(serializers.SkillAssignmentSerializer, body)
        level = data.get("level", services.DEFAULT_SKILL_LEVEL)
        if "uris" in data or "paths" in data:
            ctx = self.context()

            def assign(value):
                skill = access.get_or_404(access.skills(actor), reference_id(value, "skills"), "Skill")
                return descriptor(SKILLS, services.assign_skill(actor, user, skill, level).skill, ctx)

            items = [({key: value}, value) for key, value, _ in references(body, "skills")]
            return run_bulk(items, assign)
        skill = self._named_skill(data)
        services.assign_skill(actor, user, skill, level)
        return Response(OK)

    def _named_skill(self, data):
        skills = access.skills(self.request.user)
        if "name" in data:
            found = skills.filter(name=data["name"]).first()
            if found is None:
                raise NotFound(f"Skill '{data['name']}' does not exist")
            return found
        for key in ("uri", "path"):
            if key in data:
                return access.get_or_404(skills, reference_id(data[key], "skills"), "Skill")
        if "id" in data:
            return access.get_or_404(skills, data["id"], "Skill")
        raise MissingParameter("Name the skill by 'id', 'uri', 'path', 'name', or many by 'uris'/'paths'")

    def delete(self, request, user_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        ctx = self.context()

        def unassign(value):
            skill = access.get_or_404(access.skills(actor), reference_id(value, "skills"), "Skill")
            services.unassign_skill(actor, user, skill)
            return descriptor(SKILLS, skill, ctx)

        items = [({key: value}, value) for key, value, _ in references(self.body(), "skills")]
        return run_bulk(items, unassign)


class UserSkillView(GWSView):
    resource = USER_SKILLS

    def get(self, request, user_id, skill_id):
        user = access.readable_user(request.user, user_id)
        user_skill = access.user_skills(user).filter(skill_id=skill_id).first()
        if user_skill is None:
            raise NotFound(f"Skill '{skill_id}' is not assigned to this user")
        return self.item_response(user_skill)

    def put(self, request, user_id, skill_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        skill = access.get_or_404(access.skills(actor), skill_id, "Skill")
        data = validated(serializers.SkillLevelSerializer, self.body())
        services.set_skill_level(actor, user, skill, data["level"])
        return Response(OK)

    def delete(self, request, user_id, skill_id):
        actor = request.user
        access.require_admin(actor)
        user = access.get_or_404(access.users(actor), user_id, "User")
        skill = access.get_or_404(access.skills(actor), skill_id, "Skill")
        services.unassign_skill(actor, user, skill)
        return Response(OK)


# ---------------------------------------------------------------------------------------------
# /devices, /skills, /voice-environments
# ---------------------------------------------------------------------------------------------


class DevicesView(CollectionView):
    resource = DEVICES
    create_serializer = serializers.DeviceCreateSerializer

    def scoped(self):
        return access.devices(self.request.user)

    def create_one(self, data):
        return services.create_device(self.request.user, data)

    def delete_one(self, device):
        services.delete_device(self.request.user, device)

    def get(self, request):
        access.require_reader(request.user)
        return self.list_response(self.scoped())

    def delete(self, request, **kwargs):
        access.require_admin(request.user)
        return super().delete(request, **kwargs)


class DeviceView(GWSView):
    resource = DEVICES

    def get(self, request, device_id):
        return self.item_response(access.readable_device(request.user, device_id))

    def put(self, request, device_id):
        access.require_admin(request.user)
        device = access.get_or_404(access.devices(request.user), device_id, "Device")
        current = DEVICES.represent(device, self.context())
        data = validated(serializers.DeviceUpdateSerializer, self.body(), instance=device, current=current)
        services.update_device(request.user, device, data)
        return Response(OK)

    def delete(self, request, device_id):
        access.require_admin(request.user)
        services.delete_device(request.user, access.get_or_404(access.devices(request.user), device_id, "Device"))
        return Response(OK)


class SkillsView(CollectionView):
    resource = SKILLS
    create_serializer = serializers.SkillSerializer

    def scoped(self):
        return access.skills(self.request.user)

    def create_one(self, data):
        return services.create_skill(self.request.user, data)

    def delete_one(self, skill):
        services.delete_skill(self.request.user, skill)

    def get(self, request):
        access.require_reader(request.user)
        return self.list_response(self.scoped())

    def delete(self, request, **kwargs):
        access.require_admin(request.user)
        return super().delete(request, **kwargs)


class SkillView(GWSView):
    resource = SKILLS

    def get(self, request, skill_id):
        access.require_reader(request.user)
        return self.item_response(access.get_or_404(access.skills(request.user), skill_id, "Skill"))

    def put(self, request, skill_id):
        access.require_admin(request.user)
        skill = access.get_or_404(access.skills(request.user), skill_id, "Skill")
        data = validated(serializers.SkillSerializer, self.body(), instance=skill, current={"id": skill.id})
        services.update_skill(request.user, skill, data)
        return Response(OK)

    def delete(self, request, skill_id):
        access.require_admin(request.user)
        services.delete_skill(request.user, access.get_or_404(access.skills(request.user), skill_id, "Skill"))
        return Response(OK)


class VoiceEnvironmentsView(CollectionView):
    resource = VOICE_ENVIRONMENTS
    create_serializer = serializers.VoiceEnvironmentSerializer

    def scoped(self):
        return access.voice_environments(self.request.user)

    def create_one(self, data):
        return services.create_voice_environment(self.request.user, data)

    def delete_one(self, environment):
        services.delete_voice_environment(self.request.user, environment)

    def get(self, request):
        access.contact_center_id(request.user)
        return self.list_response(self.scoped())

    def delete(self, request, **kwargs):
        access.require_admin(request.user)
        return super().delete(request, **kwargs)


class VoiceEnvironmentView(GWSView):
    resource = VOICE_ENVIRONMENTS

    def _environment(self, environment_id):
        return access.get_or_404(access.voice_environments(self.request.user), environment_id, "Voice environment")

    def get(self, request, environment_id):
        return self.item_response(self._environment(environment_id))

    def put(self, request, environment_id):
        access.require_admin(request.user)
        environment = self._environment(environment_id)
        current = {"id": str(environment.id)}
        data = validated(serializers.VoiceEnvironmentSerializer, self.body(), instance=environment, current=current)
        services.update_voice_environment(request.user, environment, data)
        return Response(OK)

    def delete(self, request, environment_id):
        access.require_admin(request.user)
        services.delete_voice_environment(request.user, self._environment(environment_id))
        return Response(OK)
