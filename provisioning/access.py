"""Who may see and change what: the contact-center scope of every provisioning query.

Objects of another contact center are never visible: asking for one answers 6 (not found), as
if it did not exist. Inside its own contact center an admin sees and changes everything, a
supervisor reads users, devices and skills, an agent reads only what is its own.
"""
from django.core.exceptions import ValidationError

from gws_project.api.errors import NoPermission, NotFound

from .models import Device, Skill, User, UserSkill, VoiceEnvironment


def contact_center_id(actor):
    """The actor's contact center; a system user without one may not use tenant resources."""
    if actor.contact_center_id is None:
        raise NoPermission("This user belongs to no contact center")
    return actor.contact_center_id


def require_admin(actor):
    """Writes and contact-center-wide lists need ROLE_ADMIN."""
    contact_center_id(actor)
    if not actor.is_cc_admin:
        raise NoPermission("Only a contact center admin may do this")


def require_writer(actor):
    """Provisioning writes need ROLE_ADMIN and a Provisioning service that is not read-only."""
    require_admin(actor)
    from .service_states import require_provisioning_writable

    require_provisioning_writable()


def require_reader(actor):
    """Contact-center-wide reads need ROLE_ADMIN or ROLE_SUPERVISOR."""
    contact_center_id(actor)
    if not (actor.is_cc_admin or actor.is_supervisor):
        raise NoPermission("Only a contact center admin or supervisor may read this")


def users(actor):
    return User.objects.filter(contact_center_id=contact_center_id(actor))


def devices(actor):
    return Device.objects.filter(contact_center_id=contact_center_id(actor))


def skills(actor):
    return Skill.objects.filter(contact_center_id=contact_center_id(actor))


def voice_environments(actor):
    return VoiceEnvironment.objects.filter(contact_center_id=contact_center_id(actor))


def get_or_404(queryset, pk, what):
    """One object of a scoped queryset, or 6 whether it is missing or someone else's."""
    try:
        return queryset.get(pk=pk)
    # A malformed UUID raises ValidationError: it names no object either.
    except (queryset.model.DoesNotExist, ValueError, TypeError, ValidationError):
        raise NotFound(f"{what} '{pk}' does not exist") from None


def readable_user(actor, pk):
    """A user the actor may read: itself, or anyone of its contact center for admins/supervisors."""
    if pk == actor.pk:
        return actor
    require_reader(actor)
    return get_or_404(users(actor), pk, "User")


def readable_device(actor, pk):
    """A device the actor may read: its own, or any of its contact center for admins/supervisors."""
    device = get_or_404(devices(actor), pk, "Device")
    if device.user_id != actor.pk and not (actor.is_cc_admin or actor.is_supervisor):
        raise NotFound(f"Device '{pk}' does not exist")
    return device


def readable_skill(actor, pk):
    """A skill of the actor's contact center, for admins and supervisors."""
    require_reader(actor)
    return get_or_404(skills(actor), pk, "Skill")


def user_skills(user):
    return UserSkill.objects.filter(user=user).select_related("skill")
