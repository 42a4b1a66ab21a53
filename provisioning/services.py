"""
The only writers of provisioning data. Each function takes the acting user explicitly, checks
what it may do, and changes everything or nothing (one transaction).
"""
from django.db import IntegrityError, transaction

from gws_project.api.errors import AlreadyExists, Forbidden, InUse, NotFound

from . import access
from .choices import Role, TelephonyNetwork
from .models import ContactCenter, Device, User, UserSkill, VoiceEnvironment
from .phone_numbers import normalise

DEFAULT_VOICE_ENVIRONMENT = "EmbeddedSwitch"
DEFAULT_SKILL_LEVEL = 1


# ---------------------------------------------------------------------------------------------
# Contact centers
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_contact_center(name, admin_user_name, admin_password, country_code="US", **admin_fields):
    """A new tenant with its default voice environment and its first admin."""
    if ContactCenter.objects.filter(name=name).exists():
        raise AlreadyExists(f"Contact center '{name}' already exists")
    if User.objects.filter(user_name=admin_user_name).exists():
        raise AlreadyExists(f"userName '{admin_user_name}' already exists")
    contact_center = ContactCenter.objects.create(name=name, country_code=country_code.upper())
    VoiceEnvironment.objects.create(contact_center=contact_center, name=DEFAULT_VOICE_ENVIRONMENT)
    admin = User.objects.create_user(
        admin_user_name,
        admin_password,
        contact_center=contact_center,
        roles_text=Role.ADMIN,
        is_staff=True,
        **admin_fields,
    )
    admin.groups.add(contact_center_admins_group())
    return contact_center, admin


# Apps whose objects a contact center admin edits in the Django admin (always scoped to its
# contact center); the tenants themselves and system services stay with superusers.
_ADMIN_APPS = ("provisioning", "dispositions")
_SYSTEM_MODELS = ("contactcenter", "systemservice")


def contact_center_admins_group():
    """The Django auth group giving contact center admins their Django-admin permissions."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Contact center admins")
    permissions = Permission.objects.filter(content_type__app_label__in=_ADMIN_APPS).exclude(
        content_type__model__in=_SYSTEM_MODELS
    )
    group.permissions.set(permissions)
    return group


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------

_USER_ATTRIBUTES = {
    "firstName": "first_name",
    "lastName": "last_name",
    "enabled": "is_active",
    "changePasswordOnFirstLogin": "change_password_on_first_login",
}


def _apply_user_fields(user, data):
    for wire, attribute in _USER_ATTRIBUTES.items():
        if wire in data:
            setattr(user, attribute, data[wire])
    if "roles" in data:
        user.roles = data["roles"]
    if "password" in data:
        user.set_password(data["password"])
    if "settings" in data:
        user.settings = data["settings"]


@transaction.atomic
def create_user(actor, data):
    """Create a user in the actor's contact center (admin only)."""
    access.require_writer(actor)
    if User.objects.filter(user_name=data["userName"]).exists():
        raise AlreadyExists(f"userName '{data['userName']}' already exists")
    user = User(contact_center_id=actor.contact_center_id, user_name=data["userName"])
    _apply_user_fields(user, {"roles": [Role.AGENT], **data})
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:  # a concurrent create of the same userName
        raise AlreadyExists(f"userName '{data['userName']}' already exists") from None
    return user


@transaction.atomic
def update_user(actor, user, data):
    """Change a user's attributes, roles or password (admin only)."""
    access.require_writer(actor)
    if user.pk == actor.pk and (data.get("enabled") is False or ("roles" in data and Role.ADMIN not in data["roles"])):
        raise Forbidden("An admin may not disable itself or drop its own ROLE_ADMIN")
    _apply_user_fields(user, data)
    user.save()
    return user


@transaction.atomic
def delete_user(actor, user):
    """Delete a user; its devices stay in the contact center, unassigned (admin only)."""
    access.require_writer(actor)
    if user.pk == actor.pk:
        raise Forbidden("An admin may not delete itself")
    user.delete()


# ---------------------------------------------------------------------------------------------
# Voice environments
# ---------------------------------------------------------------------------------------------


def _unique_name(queryset, name, what, exclude=None):
    existing = queryset.filter(name=name)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    if existing.exists():
        raise AlreadyExists(f"{what} '{name}' already exists")


def _create_named(actor, queryset, data, what):
    """Create a contact-center object identified by a unique name (skill, voice environment)."""
    access.require_writer(actor)
    _unique_name(queryset, data["name"], what)
    return queryset.model.objects.create(contact_center_id=actor.contact_center_id, name=data["name"])


def _rename(actor, obj, queryset, data, what):
    access.require_writer(actor)
    if "name" in data:
        _unique_name(queryset, data["name"], what, exclude=obj)
        obj.name = data["name"]
    obj.save()
    return obj


@transaction.atomic
def create_voice_environment(actor, data):
    return _create_named(actor, access.voice_environments(actor), data, "Voice environment")


@transaction.atomic
def update_voice_environment(actor, environment, data):
    return _rename(actor, environment, access.voice_environments(actor), data, "Voice environment")


@transaction.atomic
def delete_voice_environment(actor, environment):
    access.require_writer(actor)
    if environment.devices.exists():
        raise InUse(f"Voice environment '{environment.name}' still has devices")
    environment.delete()


def default_voice_environment(contact_center_id):
    environment = VoiceEnvironment.objects.filter(contact_center_id=contact_center_id).order_by("name").first()
    if environment is None:
        environment = VoiceEnvironment.objects.create(
            contact_center_id=contact_center_id, name=DEFAULT_VOICE_ENVIRONMENT
        )
    return environment


# ---------------------------------------------------------------------------------------------
# Devices
# ---------------------------------------------------------------------------------------------


def _number_must_be_free(contact_center_id, e164_number, exclude=None):
    existing = Device.objects.filter(contact_center_id=contact_center_id, e164_number=e164_number)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    if existing.exists():
        raise AlreadyExists(f"A device with phone number '{e164_number}' already exists")


@transaction.atomic
def create_device(actor, data, user=None):
    """Create a device (and assign it to user, the "hybrid operation") (admin only)."""
    access.require_writer(actor)
    contact_center = actor.contact_center
    number = normalise(data["phoneNumber"], contact_center.country_code)
    _number_must_be_free(contact_center.pk, number.e164_number)
    if data.get("voiceEnvironmentId"):
        environment = access.get_or_404(access.voice_environments(actor), data["voiceEnvironmentId"], "Voice environment")
    else:
        environment = default_voice_environment(contact_center.pk)
    device = Device(
        contact_center=contact_center,
        voice_environment=environment,
        user=user,
        phone_number=number.phone_number,
        e164_number=number.e164_number,
        digits=number.digits,
        country_name=number.country_name,
        country_code=number.country_code,
        calling_code=number.calling_code,
        location=number.location,
        local_number=number.local_number,
        telephony_network=data.get("telephonyNetwork") or _default_telephony_network(contact_center.pk),
        model=data.get("model", ""),
        vendor=data.get("vendor", ""),
    )
    try:
        with transaction.atomic():
            device.save(force_insert=True)
    except IntegrityError:
        raise AlreadyExists(f"A device with phone number '{number.e164_number}' already exists") from None
    return device


@transaction.atomic
def update_device(actor, device, data):
    """Change a device's model, vendor, telephony network or voice environment (admin only)."""
    access.require_writer(actor)
    for wire, attribute in (("model", "model"), ("vendor", "vendor"), ("telephonyNetwork", "telephony_network")):
        if wire in data:
            setattr(device, attribute, data[wire])
    if data.get("voiceEnvironmentId"):
        device.voice_environment = access.get_or_404(
            access.voice_environments(actor), data["voiceEnvironmentId"], "Voice environment"
        )
    device.save()
    return device


@transaction.atomic
def delete_device(actor, device):
    access.require_writer(actor)
    device.delete()


def _default_telephony_network(contact_center_id):
    """The voice setting defaultTelephonyNetworkType, used when a new device names no network."""
    from .settings_groups import value

    return value(contact_center_id, "voice", "defaultTelephonyNetworkType", TelephonyNetwork.PRIVATE)


def _locked_device(device):
    return Device.objects.select_for_update().get(pk=device.pk)


@transaction.atomic
def assign_device(actor, user, device):
    """Assign an existing device to a user; a device belongs to one user at most (admin only)."""
    access.require_writer(actor)
    device = _locked_device(device)
    if device.user_id == user.pk:
        raise AlreadyExists(f"Device '{device.phone_number}' is already assigned to this user")
    if device.user_id is not None:
        raise InUse(f"Device '{device.phone_number}' is assigned to another user")
    device.user = user
    device.save(update_fields=["user"])
    return device


@transaction.atomic
def unassign_device(actor, user, device):
    access.require_writer(actor)
    device = _locked_device(device)
    if device.user_id != user.pk:
        raise NotFound(f"Device '{device.phone_number}' is not assigned to this user")
    device.user = None
    device.save(update_fields=["user"])
    return device


# ---------------------------------------------------------------------------------------------
# Skills
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_skill(actor, data):
    return _create_named(actor, access.skills(actor), data, "Skill")


@transaction.atomic
def update_skill(actor, skill, data):
    return _rename(actor, skill, access.skills(actor), data, "Skill")


@transaction.atomic
def delete_skill(actor, skill):
    """Delete a skill and its assignments to users (admin only)."""
    access.require_writer(actor)
    skill.delete()


@transaction.atomic
def assign_skill(actor, user, skill, level=DEFAULT_SKILL_LEVEL):
    access.require_writer(actor)
    if UserSkill.objects.filter(user=user, skill=skill).exists():
        raise AlreadyExists(f"Skill '{skill.name}' is already assigned to this user")
    try:
        with transaction.atomic():
            return UserSkill.objects.create(user=user, skill=skill, level=level)
    except IntegrityError:
        raise AlreadyExists(f"Skill '{skill.name}' is already assigned to this user") from None


def _user_skill(user, skill):
    try:
        return UserSkill.objects.select_related("skill").get(user=user, skill=skill)
    except UserSkill.DoesNotExist:
        raise NotFound(f"Skill '{skill.name}' is not assigned to this user") from None


@transaction.atomic
def set_skill_level(actor, user, skill, level):
    access.require_writer(actor)
    user_skill = _user_skill(user, skill)
    user_skill.level = level
    user_skill.save(update_fields=["level"])
    return user_skill


@transaction.atomic
def unassign_skill(actor, user, skill):
    access.require_writer(actor)
    _user_skill(user, skill).delete()
