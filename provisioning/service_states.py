"""
Services ("Services"): the Provisioning service and one Voice service per voice environment,
with the one function that changes a service's state (and announces it).
"""
from django.db import transaction

from gws_project.api.errors import InvalidValue, NotFound, ServiceUnavailable

from . import features
from .choices import ServiceState
from .models import ContactCenter, SystemService, VoiceEnvironment

PROVISIONING_ID = "provisioning"


def _provisioning_state():
    row = SystemService.objects.filter(pk=PROVISIONING_ID).first()
    return row.state if row else ServiceState.ACTIVE


def provisioning_service(state=None):
    """The Provisioning service resource (one for the whole system)."""
    return {"id": PROVISIONING_ID, "name": "Provisioning", "type": "Provisioning", "state": state or _provisioning_state()}


def voice_service(environment):
    """The Voice service resource of a voice environment."""
    return {"id": str(environment.id), "name": environment.name, "type": "Voice", "state": environment.service_state}


def services(contact_center_id):
    """The services of a contact center, as its features enable them."""
    assigned = features.assigned_ids(contact_center_id)
    found = []
    if "api-provisioning-read" in assigned:
        found.append(provisioning_service())
    if "api-voice" in assigned:
        environments = VoiceEnvironment.objects.filter(contact_center_id=contact_center_id).order_by("name")
        found.extend(voice_service(environment) for environment in environments)
    return found


def find(contact_center_id, service_id):
    """One service of a contact center; 6 when it has no such service."""
    service = next((s for s in services(contact_center_id) if s["id"] == service_id), None)
    if service is None:
        raise NotFound(f"Service '{service_id}' does not exist")
    return service


def require_provisioning_writable():
    """Provisioning writes are refused while the Provisioning service is not Active."""
    state = _provisioning_state()
    if state != ServiceState.ACTIVE:
        raise ServiceUnavailable(f"Provisioning service is {state}: it accepts no changes at this time")


def _check_state(state):
    if state not in ServiceState.values:
        raise InvalidValue(f"'{state}' is not a service state ({', '.join(ServiceState.values)})")


@transaction.atomic
def set_voice_state(environment, state):
    """Change a Voice service's state and announce it to its contact center's users."""
    _check_state(state)
    if state == ServiceState.READ_ONLY:
        raise InvalidValue("A Voice service is Active or Inactive")
    environment = VoiceEnvironment.objects.select_for_update().get(pk=environment.pk)
    if environment.service_state == state:
        return environment
    environment.service_state = state
    environment.save(update_fields=["service_state"])
    _announce(environment.contact_center_id, voice_service(environment))
    return environment


@transaction.atomic
def set_provisioning_state(state):
    """Change the Provisioning service's state and announce it to every contact center."""
    _check_state(state)
    row, _ = SystemService.objects.select_for_update().get_or_create(pk=PROVISIONING_ID)
    if row.state == state:
        return
    row.state = state
    row.save(update_fields=["state"])
    for contact_center_id in ContactCenter.objects.values_list("pk", flat=True):
        _announce(contact_center_id, provisioning_service(state))


def _announce(contact_center_id, service):
    """Announce a state change as a ServiceStateChangeMessage; notifications delivers it once the
    change commits (a rolled-back change is never announced)."""
    # Imported late: notifications depends on provisioning, not the other way round.
    from notifications.publish import announce_service_state

    announce_service_state(contact_center_id, service)
