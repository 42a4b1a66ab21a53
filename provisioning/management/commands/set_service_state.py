"""Change a service's state (Provisioning, or a voice environment's Voice service)."""
from django.core.management.base import BaseCommand, CommandError

from gws_project.api.errors import GWSError
from provisioning import service_states
from provisioning.choices import ServiceState
from provisioning.models import VoiceEnvironment


class Command(BaseCommand):
    help = (
        "Set a service's state and announce it (ServiceStateChangeMessage). SERVICE is "
        "'provisioning' or a voice environment's id or name; STATE is Active, Inactive or ReadOnly "
        "(ReadOnly for Provisioning only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("service")
        parser.add_argument("state", choices=ServiceState.values)
        parser.add_argument("--contact-center", help="Contact center name, to pick a voice environment by name.")

    def handle(self, *args, service, state, contact_center=None, **options):
        try:
            if service == service_states.PROVISIONING_ID:
                service_states.set_provisioning_state(state)
            else:
                service_states.set_voice_state(self._environment(service, contact_center), state)
        except GWSError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{service} is {state}")

    def _environment(self, service, contact_center):
        environments = VoiceEnvironment.objects.all()
        if contact_center:
            environments = environments.filter(contact_center__name=contact_center)
        by_id = [env for env in environments if str(env.id) == service]
        found = by_id or list(environments.filter(name=service))
        if len(found) != 1:
            raise CommandError(f"'{service}' names {len(found)} voice environments: give its id or --contact-center")
        return found[0]
