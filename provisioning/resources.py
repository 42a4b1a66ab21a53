"""How provisioning objects look on the wire: users, devices, skills, voice environments."""
from django.db.models import F, Max, Min, Prefetch

from gws_project.api.prepared import Param, PreparedQuery
from gws_project.api.resources import LinkedUri, Resource, Subresource

from . import agent_states, filtersets
from .models import Device, User, UserSkill, parse_roles


def device_capabilities(device, ctx=None):
    """The device operations valid in the device's current state ("What Are Capabilities?"):
    the voice service's (voice/agent_state.py) decides."""
    from voice.agent_state import capabilities  # voice builds on provisioning, not the reverse

    return capabilities(device, ctx)


def device_monitoring_state(device, ctx):
    """A supervisor's device: what it monitors (``supervisorMonitoringState``), from the voice service."""
    from voice.supervisor import monitoring_state

    return monitoring_state(device, ctx)


def device_user_state(device, ctx):
    """The agent state on the device (``userState``), from the voice service."""
    from voice.agent_state import user_state

    return user_state(device, ctx)


class VoiceEnvironmentResource(Resource):
    plural, singular, collection_path = "voiceEnvironments", "voiceEnvironment", "voice-environments"
    field_names = ("id", "name")
    filterset_class = filtersets.VoiceEnvironmentFilterSet
    sorts = {"name": "name"}
    identity_fields = ("name",)

    def represent(self, env, ctx):
        return {"id": str(env.id), "name": env.name}


class DeviceResource(Resource):
    plural, singular, collection_path = "devices", "device", "devices"
    field_names = (
        "id",
        "deviceState",
        "userState",
        "phoneNumber",
        "e164Number",
        "country",
        "location",
        "localNumber",
        "telephonyNetwork",
        "model",
        "vendor",
        "doNotDisturb",
        "forwardTo",
        "voiceEnvironmentUri",
        "userUri",
        "capabilities",
        "supervisorMonitoringState",
    )
    filterset_class = filtersets.DeviceFilterSet
    sorts = {
        "phoneNumber": "phone_number",
        "e164Number": "e164_number",
        "telephonyNetwork": "telephony_network",
        "deviceState": "device_state",
        "model": "model",
        "vendor": "vendor",
    }
    identity_fields = ("phoneNumber",)

    def prefetch(self, queryset, query):
        # userState is read with the device (one join, not a query per device); so is the user,
        # whose role decides the supervisor capabilities.
        return super().prefetch(queryset, query).select_related("agent_state", "user")

    def represent(self, device, ctx):
        data = {
            "id": str(device.id),
            "deviceState": device.device_state,
            "phoneNumber": device.phone_number,
            "e164Number": device.e164_number,
            "country": {"name": device.country_name, "code": device.country_code, "callingCode": device.calling_code},
            "telephonyNetwork": device.telephony_network,
            "doNotDisturb": device.do_not_disturb,
            "voiceEnvironmentUri": ctx.uri(f"/voice-environments/{device.voice_environment_id}"),
            "capabilities": device_capabilities(device, ctx),
        }
        # Optional attributes appear only when they have a value, as in the Devices API examples.
        for key, value in (
            ("location", device.location),
            ("localNumber", device.local_number),
            ("model", device.model),
            ("vendor", device.vendor),
            ("forwardTo", device.forward_to),
        ):
            if value:
                data[key] = value
        if device.user_id:
            data["userUri"] = ctx.uri(f"/users/{device.user_id}")
            # "The current contact center state of the user to whom the device is assigned",
            # right after deviceState as in every example.
            data = {key: value for key, value in data.items() if key not in ("id", "deviceState")}
            data = {"id": str(device.id), "deviceState": device.device_state, "userState": device_user_state(device, ctx), **data}
            monitoring = device_monitoring_state(device, ctx)
            if monitoring is not None:
                data["supervisorMonitoringState"] = monitoring
        return data


class SkillResource(Resource):
    plural, singular, collection_path = "skills", "skill", "skills"
    field_names = ("id", "name")
    filterset_class = filtersets.SkillFilterSet
    sorts = {"name": "name"}
    identity_fields = ("name",)

    def represent(self, skill, ctx):
        return {"id": skill.id, "name": skill.name}


class UserSkillResource(Resource):
    """A skill as assigned to a user: the skill's id and name with the user's level."""

    plural, singular, collection_path = "skills", "skill", "skills"
    field_names = ("id", "name", "level")
    sorts = {"name": "skill__name", "level": "level"}

    def item_path(self, user_skill):
        return f"/skills/{user_skill.skill_id}"

    def represent(self, user_skill, ctx):
        return {"id": user_skill.skill_id, "name": user_skill.skill.name, "level": user_skill.level}


DEVICES = DeviceResource()
SKILLS = SkillResource()
USER_SKILLS = UserSkillResource()
VOICE_ENVIRONMENTS = VoiceEnvironmentResource()

DeviceResource.linked_uris = {
    "voiceEnvironmentUri": LinkedUri(
        VOICE_ENVIRONMENTS, lambda device: device.voice_environment, select_related=("voice_environment",)
    ),
}


def _render_skills(user, ctx):
    rows = getattr(user, "_skill_rows", None)  # one user's (UserResource.prefetch_object)
    if rows is not None:
        return [{"id": skill_id, "name": name, "level": level} for skill_id, name, level in rows]
    return [USER_SKILLS.represent(user_skill, ctx) for user_skill in user.user_skills.all()]


def _render_devices(user, ctx):
    devices = getattr(user, "_devices", None)  # one user's (UserResource.prefetch_object)
    if devices is None:
        devices = user.devices.all()
    return [DEVICES.represent(device, ctx) for device in devices]


# ---------------------------------------------------------------------------------------------
# One user's subresources (a singular GET, /me): the rows of the prefetches of UserResource,
# read by prepared queries (gws_project/api/prepared.py: compiling the querysets and prefetching
# cost more CPU than the queries themselves).
# ---------------------------------------------------------------------------------------------

# The skills subresource's values, ordered as UserSkill is (by skill name).
USER_SKILL_ROWS = PreparedQuery(
    lambda: UserSkill.objects.filter(user_id=Param("user", User._meta.pk)).values_list("skill_id", "skill__name", "level")
)


def _device_state_fields():
    from voice.agents.models import DeviceAgentState  # voice builds on provisioning, not the reverse

    return DeviceAgentState, list(DeviceAgentState._meta.concrete_fields)


def _user_devices_query():
    """A user's devices with their agent state (one LEFT JOIN), in the order of the devices
    prefetch (phone number, then pk); every column of both, to build both models."""
    _, state_fields = _device_state_fields()
    return (
        Device.objects.filter(user_id=Param("user", User._meta.pk))
        .order_by("phone_number", "pk")
        .values_list(*(f.name for f in Device._meta.concrete_fields), *(f"agent_state__{f.name}" for f in state_fields))
    )


USER_DEVICE_ROWS = PreparedQuery(_user_devices_query)


def user_devices(user):
    """The user's devices as the devices prefetch gives them: each with its agent state (or
    none) and its user cached."""
    state_model, state_fields = _device_state_fields()
    device_names = [f.attname for f in Device._meta.concrete_fields]
    state_names = [f.attname for f in state_fields]
    cached_state = Device.agent_state.related
    cached_device = state_model._meta.get_field("device")
    count = len(device_names)
    devices = []
    for row in USER_DEVICE_ROWS.rows(user=user.pk):
        device = Device.from_db(USER_DEVICE_ROWS.using, device_names, row[:count])
        state = None
        if row[count] is not None:  # the agent state's primary key: no row when NULL
            state = state_model.from_db(USER_DEVICE_ROWS.using, state_names, row[count:])
            cached_device.set_cached_value(state, device)
        cached_state.set_cached_value(device, state)
        device.user = user
        devices.append(device)
    return devices


def _render_settings(user, ctx):
    return user.settings


def _sort_by_related(path):
    """Sort users by a value of a related collection: its lowest value ascending, highest descending."""

    def sort(queryset, descending):
        alias = "_sort_" + path.replace("__", "_")
        aggregate = Max(path) if descending else Min(path)
        return queryset.annotate(**{alias: aggregate}), F(alias)

    return sort


def _render_statistics(user, ctx, busy=None):
    from voice.statistics import render  # voice builds on provisioning, not the reverse

    if not hasattr(user, "_statistics_devices") and "devices" in getattr(user, "_prefetched_objects_cache", {}):
        # The devices subresource's prefetch (same rows, same order) stands in for the statistics one.
        user._statistics_devices = list(user.devices.all())
    return render(user, ctx, busy)


def _statistics_prefetch():
    from voice.statistics import PREFETCH

    return PREFETCH


def _voice_sort(name):
    def sort(queryset, descending):
        from voice.statistics import sorter

        return sorter(name)(queryset, descending)

    return sort


class UserResource(Resource):
    plural, singular, collection_path = "users", "user", "users"
    field_names = ("id", "uri", "userName", "firstName", "lastName", "roles", "enabled", "changePasswordOnFirstLogin")
    subresources = {
        # One query for the assignments and their skills together (a join, not a second prefetch).
        "skills": Subresource(
            _render_skills, prefetch=(Prefetch("user_skills", queryset=UserSkill.objects.select_related("skill")),)
        ),
        # Ordered as the statistics subresource needs them (Device's own ordering, then pk), so
        # one query serves both when both are asked for (see prefetch_lookups).
        "devices": Subresource(
            _render_devices,
            prefetch=(Prefetch("devices", queryset=Device.objects.select_related("agent_state").order_by("phone_number", "pk")),),
        ),
        "settings": Subresource(_render_settings),
        # The voice channel's state of the user (voice/statistics.py).
        "statistics": Subresource(lambda user, ctx: _render_statistics(user, ctx), prefetch=(_statistics_prefetch(),)),
    }
    filterset_class = filtersets.UserFilterSet
    sorts = {
        "userName": "user_name",
        "firstName": "first_name",
        "lastName": "last_name",
        "enabled": "is_active",
        "roles": "roles_text",
        "devices.phoneNumber": _sort_by_related("devices__digits"),
        "skills.name": _sort_by_related("user_skills__skill__name"),
        "skills.level": _sort_by_related("user_skills__level"),
        **{f"statistics.channels.voice.{name}": _voice_sort(name) for name in ("state", "displayName", "activity", "workMode")},
    }
    identity_fields = ("userName",)
    row_fields = ("id", "user_name", "first_name", "last_name", "roles_text", "is_active", "change_password_on_first_login")

    def prefetch_lookups(self, query):
        lookups = super().prefetch_lookups(query)
        if "devices" in query.subresources and "statistics" in query.subresources:
            # One query for the devices of both subresources (_render_statistics reuses them).
            statistics = _statistics_prefetch()
            lookups = [lookup for lookup in lookups if lookup is not statistics]
        return lookups

    def prefetch_object(self, user, query):
        wanted = set(query.subresources)
        if "skills" in wanted:
            user._skill_rows = USER_SKILL_ROWS.rows(user=user.pk)
        if wanted & {"devices", "statistics"}:
            # One read for both (the statistics subresource uses the devices' order).
            user._devices = user._statistics_devices = user_devices(user)

    def reads_ahead(self, user, query):
        wanted = set(query.subresources)
        reads = []
        if "skills" in wanted:
            reads.append((USER_SKILL_ROWS, {"user": user.pk}))
        if wanted & {"devices", "statistics"}:
            # The devices, and the agent-state operations their userState is matched against.
            reads += [(USER_DEVICE_ROWS, {"user": user.pk}), agent_states.operations_read(user.contact_center_id)]
        return reads

    def prefetch(self, queryset, query):
        # A page of users needs none of these columns; decoding them (a JSON document, two
        # timestamps) was a tenth of a 100-user page's time.
        deferred = ["password", "last_login", "date_joined"]
        if "settings" not in query.subresources:
            deferred.append("settings")
        return super().prefetch(queryset, query).defer(*deferred)

    def represent(self, user, ctx):
        return {
            "id": user.id,
            "uri": ctx.uri(f"/users/{user.id}"),
            "userName": user.user_name,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "roles": parse_roles(user.roles_text),  # user may be a named row of row_fields
            "enabled": user.is_active,
            "changePasswordOnFirstLogin": user.change_password_on_first_login,
        }


USERS = UserResource()


class MeResource(UserResource):
    """The current user (/me): the user with its devices, skills, settings and calls."""

    subresources = {
        **UserResource.subresources,
        # Active calls come from the voice service (voice/resources.py).
        "calls": Subresource(lambda user, ctx: _render_calls(user, ctx)),
        # One user: its own active parties (shared with calls) tell which devices are busy, not
        # a read of the whole contact center's.
        "statistics": Subresource(
            lambda user, ctx: _render_statistics(user, ctx, busy=_me_busy_devices(user, ctx)),
            prefetch=UserResource.subresources["statistics"].prefetch,
        ),
    }

    def reads_ahead(self, user, query):
        from voice.resources import active_parties_read

        reads = super().reads_ahead(user, query)
        if set(query.subresources) & {"calls", "statistics"}:
            reads.append(active_parties_read(user))
        return reads


def _me_busy_devices(user, ctx):
    from voice.resources import me_party_ids

    return {device_id for _, device_id in me_party_ids(user, ctx)}


def _render_calls(user, ctx):
    from voice.resources import render_me_calls  # voice builds on provisioning, not the reverse

    return render_me_calls(user, ctx)


ME = MeResource()


class CatalogueResource(Resource):
    """A resource whose objects are wire dicts already (features, services, routing templates)."""

    def item_path(self, obj):
        return f"/{self.collection_path}/{obj['id']}"

    def represent(self, obj, ctx):
        return dict(obj)


class FeatureResource(CatalogueResource):
    plural, singular, collection_path = "features", "feature", "features"
    field_names = ("id", "displayName", "description")
    sorts = {name: name for name in field_names}


class SystemFeatureResource(FeatureResource):
    collection_path = "system/features"


class ServiceResource(CatalogueResource):
    plural, singular, collection_path = "services", "service", "services"
    field_names = ("id", "name", "type", "state")
    sorts = {name: name for name in field_names}


class RoutingTemplateResource(CatalogueResource):
    plural, singular, collection_path = "routingTemplates", "routingTemplate", "system/routing-templates"
    field_names = ("id", "name", "description", "version", "channel", "dependencies", "enabled", "schema")
    sorts = {name: name for name in ("id", "name", "version", "channel", "enabled")}


FEATURES = FeatureResource()
SYSTEM_FEATURES = SystemFeatureResource()
SERVICES = ServiceResource()
ROUTING_TEMPLATES = RoutingTemplateResource()
