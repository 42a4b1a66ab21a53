"""
Settings groups ("Working With Settings", "Toast And Case Data", "Agent State Operations",
"CORS Settings"): the system groups, custom groups, and the only writers of settings.

A group holds settings identified by the value of its key property (``name`` for ``voice``,
``operationName`` for ``agent-states``...). A stored setting is the whole JSON object the client
sent; system groups validate theirs, custom groups take any JSON.
"""
import re
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from gws_project.api.errors import (
    AlreadyExists,
    Forbidden,
    InvalidValue,
    MissingParameter,
    NoPermission,
    NotFound,
    ReadOnlyProperty,
)

from . import access, agent_states, cors
from .choices import AgentState, TelephonyNetwork, WorkMode
from .models import ContactCenter, Setting, SettingsGroup

# ---------------------------------------------------------------------------------------------
# Validation helpers: a wrong JSON type is a malformed request (1), a bad value is 10
# ---------------------------------------------------------------------------------------------


def _only(data, allowed):
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InvalidValue(f"Unknown attribute '{unknown[0]}'; this group's settings have: {', '.join(allowed)}")


def _required(data, name, kind, kind_name):
    if name not in data:
        raise MissingParameter(f"Missing mandatory parameter '{name}'")
    return _typed(data, name, kind, kind_name)


def _typed(data, name, kind, kind_name):
    value = data[name]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise MissingParameter(f"'{name}' must be {kind_name}")
    return value


def _non_empty_string(data, name):
    value = _required(data, name, str, "a string")
    if not value.strip():
        raise InvalidValue(f"'{name}' must not be empty")
    return value


def _attached_data_filter(value, name):
    if not isinstance(value, list):
        raise MissingParameter(f"The value of '{name}' must be an array")
    for entry in value:
        if not isinstance(entry, dict):
            raise MissingParameter(f"Each entry of '{name}' must be an object")
        _only(entry, ("attachedDataKey", "displayName"))
        _non_empty_string(entry, "attachedDataKey")
        _required(entry, "displayName", str, "a string")


def _validate_voice(data, creating):
    _only(data, ("name", "value"))
    name = data["name"]
    if "value" not in data:
        raise MissingParameter("Missing mandatory parameter 'value'")
    value = data["value"]
    if name == "defaultTelephonyNetworkType":
        if value not in TelephonyNetwork.values:
            raise InvalidValue("defaultTelephonyNetworkType must be Public or Private")
    elif name == "defaultWrapupTime":
        if isinstance(value, bool) or not isinstance(value, int):
            raise MissingParameter("defaultWrapupTime must be a whole number of seconds")
        if not 0 <= value <= 3600:
            raise InvalidValue("defaultWrapupTime must be between 0 and 3600 seconds")
    elif name == "agentLogoutTimeout":
        # The user monitor's "agent logout timeout" ("Contact Center defined or default of 60
        # seconds"); voice/monitor.py reads it.
        if isinstance(value, bool) or not isinstance(value, int):
            raise MissingParameter("agentLogoutTimeout must be a whole number of seconds")
        if not 1 <= value <= 86400:
            raise InvalidValue("agentLogoutTimeout must be between 1 and 86400 seconds")
    elif name == "outboundCallerId":
        if not isinstance(value, str):
            raise MissingParameter("outboundCallerId must be a string")
        if not re.fullmatch(r"\+?[0-9]{2,20}", value):
            raise InvalidValue("outboundCallerId must be a phone number (digits, optionally with a leading +)")
    elif name in ("toast-filter", "case-filter"):
        _attached_data_filter(value, name)
    else:
        raise InvalidValue(
            f"'{name}' is not a voice setting (agentLogoutTimeout, defaultTelephonyNetworkType, "
            "defaultWrapupTime, outboundCallerId, toast-filter, case-filter)"
        )


def _validate_voice_operation(data, creating):
    _only(data, ("operationName", "userData"))
    if data["operationName"] != "Dial":
        raise InvalidValue("Default user data is supported for the Dial operation only")
    _required(data, "userData", dict, "an object")


def _validate_agent_state(data, creating):
    _only(data, ("id", "operationName", "displayName", "state", "workMode", "reason"))
    if data["operationName"] in agent_states.SYSTEM_NAMES:
        if creating:
            raise AlreadyExists(f"Agent state operation '{data['operationName']}' already exists")
        raise Forbidden(f"'{data['operationName']}' is a system agent state operation: it cannot be modified")
    if "displayName" in data:
        _non_empty_string(data, "displayName")
    state = _required(data, "state", str, "a string")
    if state not in AgentState.values:
        raise InvalidValue(f"'state' must be one of {', '.join(AgentState.values)}")
    if "workMode" in data:
        if _typed(data, "workMode", str, "a string") not in WorkMode.values:
            raise InvalidValue(f"'workMode' must be one of {', '.join(WorkMode.values)}")
        # AuxWork and AfterCallWork are kinds of NotReady (the system operations' table).
        if state != AgentState.NOT_READY:
            raise InvalidValue(f"'workMode' {data['workMode']} goes with the NotReady state only")
    if "reason" in data:
        _non_empty_string(data, "reason")


def _prepare_agent_state(contact_center_id, data, existing):
    """Custom operations get a stable id at creation; it is read-only afterwards. Two operations
    never share state, workMode and reason, so a device state matches at most one of them."""
    operation = dict(data)
    operation.setdefault("displayName", operation["operationName"])
    if existing is None:
        if "id" in operation:
            raise ReadOnlyProperty("'id' is read-only")
        operation["id"] = str(uuid.uuid4())
    else:
        if "id" in operation and operation["id"] != existing["id"]:
            raise ReadOnlyProperty("'id' is read-only")
        operation["id"] = existing["id"]
    twin = agent_states.same_signature(operation, agent_states.operations(contact_center_id))
    if twin is not None:
        raise AlreadyExists(
            f"Agent state operation '{twin['operationName']}' already has this state, workMode and reason"
        )
    return {key: operation[key] for key in agent_states.PROPERTIES if key in operation}


def _validate_access_control(data, creating):
    _only(data, ("name", "value"))
    if data["name"] != "allowedOrigins":
        raise InvalidValue("allowedOrigins is the only access-control setting")
    value = _required(data, "value", list, "an array of origins")
    for origin in value:
        if not isinstance(origin, str):
            raise MissingParameter("Each allowed origin must be a string")
        cors.validate_origin(origin)


# ---------------------------------------------------------------------------------------------
# The groups
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A settings group as code knows it (system) or as an admin created it (custom)."""

    name: str
    display_name: str
    key: str
    listed_by_key: bool = True  # GET /settings shows "key" (else "name"), as the document does
    validate: object = None  # validate(data, creating) for system groups; None: any JSON
    prepare: object = None  # prepare(contact_center_id, data, existing) -> the object to store
    defaults: dict = field(default_factory=dict)  # key -> setting: always there, update only
    sorted_by_key: bool = False
    admin_only: bool = False
    system: bool = True


GENERAL = "general-settings"
DISPOSITIONS = "dispositions"

SYSTEM_GROUPS = {
    group.name: group
    for group in (
        Group(
            "voice",
            "Voice",
            "name",
            validate=_validate_voice,
            # Only defaultTelephonyNetworkType is a default setting (the document's note, and its
            # example of a fresh voice group); the others exist once an admin creates them.
            defaults={
                "defaultTelephonyNetworkType": {"name": "defaultTelephonyNetworkType", "value": TelephonyNetwork.PRIVATE.value},
            },
            sorted_by_key=True,
        ),
        Group("voice-operations", "Voice Operations", "operationName", validate=_validate_voice_operation),
        Group(
            agent_states.GROUP,
            "Agent States",
            "operationName",
            listed_by_key=False,
            validate=_validate_agent_state,
            prepare=_prepare_agent_state,
            sorted_by_key=True,
        ),
        Group("access-control", "Access Control", "name", validate=_validate_access_control, admin_only=True),
    )
}
# Listed with the others; served by their own modules (general settings are computed from the
# contact center, dispositions are the default disposition group of the dispositions app).
SPECIAL_GROUPS = {GENERAL: "General Settings", DISPOSITIONS: "dispositions"}


def _custom(contact_center_id, name):
    row = SettingsGroup.objects.filter(contact_center_id=contact_center_id, name=name).first()
    if row is None:
        return None
    return Group(row.name, row.display_name, row.key, system=False)


def find_group(actor, name, writing=False):
    """The group an actor may read (or, with writing, change); 6 when there is no such group."""
    contact_center_id = access.contact_center_id(actor)
    group = SYSTEM_GROUPS.get(name) or _custom(contact_center_id, name)
    if group is None:
        raise NotFound(f"Settings group '{name}' does not exist")
    if (writing or group.admin_only) and not actor.is_cc_admin:
        raise NoPermission("Only a contact center admin may do this")
    return group


def groups(actor, ctx):
    """GET /settings: every group the actor may read, with its key (or name) and URI."""
    contact_center_id = access.contact_center_id(actor)
    listed = [(name, display, False) for name, display in SPECIAL_GROUPS.items()]
    listed += [(g.name, g.display_name, g.listed_by_key and g.key) for g in SYSTEM_GROUPS.values() if actor.is_cc_admin or not g.admin_only]
    listed += [
        (row.name, row.display_name, row.key) for row in SettingsGroup.objects.filter(contact_center_id=contact_center_id)
    ]
    result = []
    for name, display_name, key in sorted(listed, key=lambda entry: entry[0]):
        entry = {"displayName": display_name, "key": key} if key else {"displayName": display_name, "name": name}
        entry["uri"] = ctx.uri(f"/settings/{name}")
        result.append(entry)
    return result


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def general_settings(contact_center):
    """The read-only general settings, from the contact center's country."""
    import phonenumbers
    from phonenumbers import geocoder

    code = contact_center.country_code
    calling_code = phonenumbers.country_code_for_region(code)
    example = phonenumbers.example_number(code)
    name = geocoder.country_name_for_number(example, "en") if example else ""
    return {"countryCode": code, "countryDigits": str(calling_code) if calling_code else "", "countryName": name}


def settings_of(contact_center_id, group):
    """The settings of a group: its defaults (possibly updated), then the stored ones."""
    stored = {
        key: data
        for key, data in Setting.objects.filter(contact_center_id=contact_center_id, group=group.name)
        .order_by("id")
        .values_list("key", "data")
    }
    found = [stored.pop(key, default) for key, default in group.defaults.items()] + list(stored.values())
    # The key property first, as in every example (PostgreSQL's jsonb does not keep key order).
    found = [{group.key: setting[group.key], **setting} for setting in found]
    if group.name == agent_states.GROUP:
        found = agent_states.operations(contact_center_id)
    elif group.sorted_by_key:
        found.sort(key=lambda setting: setting[group.key])
    return found


def _dispositions():
    """The dispositions group is the default disposition group of the dispositions app."""
    from dispositions import settings_group

    return settings_group


def read(actor, name):
    """GET /settings/{group}: the group's key and its settings."""
    if name == GENERAL:
        return {"settings": general_settings(ContactCenter.objects.get(pk=access.contact_center_id(actor)))}
    if name == DISPOSITIONS:
        return _dispositions().read(actor)
    group = find_group(actor, name)
    return {"key": group.key, "settings": settings_of(actor.contact_center_id, group)}


def value(contact_center_id, group_name, key, default=None):
    """The value of one name/value setting (e.g. voice defaultWrapupTime), for other modules."""
    group = SYSTEM_GROUPS[group_name]
    data = Setting.objects.filter(contact_center_id=contact_center_id, group=group_name, key=key).values_list(
        "data", flat=True
    ).first() or group.defaults.get(key)
    return data.get("value", default) if data else default


# ---------------------------------------------------------------------------------------------
# Writing (admins only)
# ---------------------------------------------------------------------------------------------


def _setting_of(group, data):
    """The setting a write body carries, and its key value.

    The "CORS Settings" page writes its PUT body as ``{settings: {"name": ..., "value": [...]}}``;
    a client copying it is understood (a key value is a string, so the wrapped form is never a
    setting of its own).
    """
    if not isinstance(data, dict):
        raise MissingParameter("The request body must be a JSON object")
    if set(data) == {"settings"} and isinstance(data["settings"], dict) and group.key != "settings":
        data = data["settings"]
    return data, _non_empty_string(data, group.key)


def _writable(actor, name):
    if name == GENERAL:
        access.require_writer(actor)
        raise ReadOnlyProperty("General settings are read-only")
    group = find_group(actor, name, writing=True)
    access.require_writer(actor)
    return group


def _stored(contact_center_id, group, key):
    return Setting.objects.select_for_update().filter(contact_center_id=contact_center_id, group=group.name, key=key).first()


@transaction.atomic
def create_setting(actor, name, data):
    if name == DISPOSITIONS:
        return _dispositions().create(actor, data)
    group = _writable(actor, name)
    data, key = _setting_of(group, data)
    if group.validate:
        group.validate(data, True)
    if key in group.defaults or _stored(actor.contact_center_id, group, key) is not None:
        raise AlreadyExists(f"Setting '{key}' already exists in '{name}'")
    stored = group.prepare(actor.contact_center_id, data, None) if group.prepare else data
    try:
        with transaction.atomic():
            Setting.objects.create(contact_center_id=actor.contact_center_id, group=group.name, key=key, data=stored)
    except IntegrityError:
        raise AlreadyExists(f"Setting '{key}' already exists in '{name}'") from None


@transaction.atomic
def update_setting(actor, name, data):
    """PUT replaces the whole setting (for allowedOrigins: the whole array)."""
    if name == DISPOSITIONS:
        return _dispositions().update(actor, data)
    group = _writable(actor, name)
    data, key = _setting_of(group, data)
    if group.validate:
        group.validate(data, False)
    row = _stored(actor.contact_center_id, group, key)
    if row is None and key not in group.defaults:
        raise NotFound(f"Setting '{key}' does not exist in '{name}'")
    stored = group.prepare(actor.contact_center_id, data, row.data if row else None) if group.prepare else data
    if row is None:
        Setting.objects.create(contact_center_id=actor.contact_center_id, group=group.name, key=key, data=stored)
    else:
        row.data = stored
        row.save(update_fields=["data"])


@transaction.atomic
def delete_setting(actor, name, data):
    if name == DISPOSITIONS:
        return _dispositions().delete(actor, data)
    group = _writable(actor, name)
    data, key = _setting_of(group, data)
    _only(data, (group.key,))
    if key in group.defaults:
        raise Forbidden(f"'{key}' is a default setting: it can be updated, not deleted")
    if name == agent_states.GROUP and key in agent_states.SYSTEM_NAMES:
        raise Forbidden(f"'{key}' is a system agent state operation: it cannot be deleted")
    row = _stored(actor.contact_center_id, group, key)
    if row is None:
        raise NotFound(f"Setting '{key}' does not exist in '{name}'")
    row.delete()


_GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


@transaction.atomic
def create_group(actor, data):
    """POST /settings {name, displayName, key}: a custom group."""
    access.require_writer(actor)
    if not isinstance(data, dict):
        raise MissingParameter("The request body must be a JSON object")
    _only(data, ("name", "displayName", "key"))
    name = _non_empty_string(data, "name")
    if not _GROUP_NAME.fullmatch(name):
        raise InvalidValue("A group name is letters, digits, '.', '_' and '-' (at most 64)")
    display_name = _non_empty_string(data, "displayName") if "displayName" in data else name
    key = _non_empty_string(data, "key") if "key" in data else "name"
    if name in SYSTEM_GROUPS or name in SPECIAL_GROUPS or SettingsGroup.objects.filter(
        contact_center_id=actor.contact_center_id, name=name
    ).exists():
        raise AlreadyExists(f"Settings group '{name}' already exists")
    try:
        with transaction.atomic():
            SettingsGroup.objects.create(contact_center_id=actor.contact_center_id, name=name, display_name=display_name, key=key)
    except IntegrityError:
        raise AlreadyExists(f"Settings group '{name}' already exists") from None


@transaction.atomic
def delete_group(actor, name):
    """DELETE /settings/{group} without a body: a custom group and its settings."""
    group = find_group(actor, name, writing=True) if name not in SPECIAL_GROUPS else None
    if group is None or group.system:
        access.require_writer(actor)
        raise Forbidden(f"'{name}' is a system settings group: it cannot be deleted")
    access.require_writer(actor)
    SettingsGroup.objects.filter(contact_center_id=actor.contact_center_id, name=name).delete()
    Setting.objects.filter(contact_center_id=actor.contact_center_id, group=name).delete()
