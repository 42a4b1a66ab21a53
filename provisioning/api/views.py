"""
Provisioning endpoints: /me, /users, /devices, /skills, /voice-environments and the
assignments between them. Views parse, call a service with the actor, and answer.
"""
from rest_framework.response import Response

from gws_project.api.errors import MissingParameter, NotFound
from gws_project.api.resources import descriptor
from gws_project.api.views import OK, GWSView, reference_id, references, run_bulk
from notifications.publish import snapshot_sequence

from .. import access, services
from ..resources import DEVICES, ME, SKILLS, USER_SKILLS, USERS, VOICE_ENVIRONMENTS
from . import serializers


def validated(serializer_class, data, instance=None, current=None):
    """Validate a request body with a GWSSerializer; errors become GWS errors."""
    serializer = serializer_class(instance=instance, data=data, current=current, partial=instance is not None)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CollectionView(GWSView):
    """A plural resource: list, create one or many ({"users": [...]}), delete many by uris/paths.

    Subclasses declare ``scope`` (actor -> its queryset), ``create_service`` and
    ``delete_service`` (services taking the actor); ``read_check(actor)`` guards the list.
    """

    create_serializer = None
    read_check = staticmethod(access.require_reader)

    def scoped(self):
        return self.scope(self.request.user)

    def create_one(self, data):
        return self.create_service(self.request.user, data)

    def delete_one(self, obj):
        self.delete_service(self.request.user, obj)

    def get(self, request):
        self.read_check(request.user)
        return self.list_response(self.scoped())

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
        access.require_admin(request.user)
        queryset = self.scoped()
        ctx = self.context()

        def delete(value):
            obj = access.get_or_404(queryset, reference_id(value, self.resource.collection_path), "Resource")
            result = descriptor(self.resource, obj, ctx)
            self.delete_one(obj)
            return result

        return run_bulk(references(self.body()), delete)


class ItemView(GWSView):
    """A singular resource: read it, change it (PUT), delete it; writes are for admins.

    Subclasses declare ``scope``, ``update_service`` and ``delete_service`` as collections do, and
    ``reader`` (actor, pk) -> what a reader may see (by default: anything in ``scope``).
    """

    update_serializer = None
    what = "Resource"
    reader = None

    def scoped(self):
        return self.scope(self.request.user)

    def admin_object(self, pk):
        access.require_admin(self.request.user)
        return access.get_or_404(self.scoped(), pk, self.what)

    def readable(self, pk):
        if self.reader is not None:
            return self.reader(self.request.user, pk)
        return access.get_or_404(self.scoped(), pk, self.what)

    def get(self, request, pk):
        return self.item_response(self.readable(pk))

    def put(self, request, pk):
        obj = self.admin_object(pk)
        current = self.resource.represent(obj, self.context())
        data = validated(self.update_serializer, self.body(), instance=obj, current=current)
        self.update_service(self.request.user, obj, data)
        return Response(OK)

    def delete(self, request, pk):
        self.delete_service(self.request.user, self.admin_object(pk))
        return Response(OK)


# ---------------------------------------------------------------------------------------------
# /me
# ---------------------------------------------------------------------------------------------


class MeView(GWSView):
    """GET /me: the current user, with devices, skills, settings and calls as subresources."""

    resource = ME

    def get(self, request):
        access.contact_center_id(request.user)
        # With subresources (the "recovering existing state" read), report the user's CometD
        # sequence number, read BEFORE the state so the state reflects every message up to it.
        sequence = snapshot_sequence(request.user.pk) if "subresources" in request.query_params else None
        response = self.item_response(request.user)
        if sequence is not None:
            response.data["notificationSequence"] = sequence
        return response

    def post(self, request):
        """Session and agent-state operations of the Voice API (voice/sessions.py)."""
        from voice.sessions import me_operation  # voice builds on provisioning, not the reverse

        return Response(me_operation(request, self.body()))


class MeDevicesView(GWSView):
    resource = DEVICES

    def get(self, request):
        return self.list_response(access.devices(request.user).filter(user=request.user))


class MeDeviceView(GWSView):
    resource = DEVICES

    def get(self, request, device_id):
        device = access.get_or_404(access.devices(request.user).filter(user=request.user), device_id, "Device")
        return self.item_response(device)

    def post(self, request, device_id):
        """DoNotDisturbOn/Off, ForwardCallsOn/Off (voice/agent_state.py)."""
        from voice.agent_state import device_operation

        device_operation(request.user, device_id, self.body(), request.build_absolute_uri("/api/v2"))
        return Response(OK)


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
    scope = staticmethod(access.users)
    create_service = staticmethod(services.create_user)
    delete_service = staticmethod(services.delete_user)


class UserView(ItemView):
    resource = USERS
    update_serializer = serializers.UserUpdateSerializer
    what = "User"
    scope = staticmethod(access.users)
    reader = staticmethod(access.readable_user)
    update_service = staticmethod(services.update_user)
    delete_service = staticmethod(services.delete_user)


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

            return run_bulk(references(body), assign)
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

        return run_bulk(references(self.body()), unassign)


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

            return run_bulk(references(body), assign)
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

        return run_bulk(references(self.body()), unassign)


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
    scope = staticmethod(access.devices)
    create_service = staticmethod(services.create_device)
    delete_service = staticmethod(services.delete_device)


class DeviceView(ItemView):
    resource = DEVICES
    update_serializer = serializers.DeviceUpdateSerializer
    what = "Device"
    scope = staticmethod(access.devices)
    reader = staticmethod(access.readable_device)
    update_service = staticmethod(services.update_device)
    delete_service = staticmethod(services.delete_device)


class SkillsView(CollectionView):
    resource = SKILLS
    create_serializer = serializers.SkillSerializer
    scope = staticmethod(access.skills)
    create_service = staticmethod(services.create_skill)
    delete_service = staticmethod(services.delete_skill)


class SkillView(ItemView):
    resource = SKILLS
    update_serializer = serializers.SkillSerializer
    what = "Skill"
    scope = staticmethod(access.skills)
    reader = staticmethod(access.readable_skill)
    update_service = staticmethod(services.update_skill)
    delete_service = staticmethod(services.delete_skill)


class VoiceEnvironmentsView(CollectionView):
    """Every user of a contact center may read its voice environments (devices point to them)."""

    resource = VOICE_ENVIRONMENTS
    create_serializer = serializers.VoiceEnvironmentSerializer
    read_check = staticmethod(access.contact_center_id)
    scope = staticmethod(access.voice_environments)
    create_service = staticmethod(services.create_voice_environment)
    delete_service = staticmethod(services.delete_voice_environment)


class VoiceEnvironmentView(ItemView):
    resource = VOICE_ENVIRONMENTS
    update_serializer = serializers.VoiceEnvironmentSerializer
    what = "Voice environment"
    scope = staticmethod(access.voice_environments)
    update_service = staticmethod(services.update_voice_environment)
    delete_service = staticmethod(services.delete_voice_environment)
