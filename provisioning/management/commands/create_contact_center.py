"""Create a contact center and its admin without prompting (for scripts and CI)."""
import os

from django.core.management.base import BaseCommand, CommandError

from gws_project.api.errors import GWSError
from provisioning import services


class Command(BaseCommand):
    help = (
        "Create a contact center with its default voice environment and its first admin "
        "(ROLE_ADMIN). The password comes from --admin-password or the GWS_ADMIN_PASSWORD "
        "environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="Contact center name (unique).")
        parser.add_argument("--admin", required=True, help="userName of the contact center admin.")
        parser.add_argument("--admin-password", help="Admin password (default: $GWS_ADMIN_PASSWORD).")
        parser.add_argument("--country", default="US", help="ISO 3166 alpha-2 country (default US).")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, **options):
        password = options["admin_password"] or os.environ.get("GWS_ADMIN_PASSWORD")
        if not password:
            raise CommandError("Give --admin-password or set GWS_ADMIN_PASSWORD")
        try:
            contact_center, admin = services.create_contact_center(
                options["name"],
                options["admin"],
                password,
                country_code=options["country"],
                first_name=options["first_name"],
                last_name=options["last_name"],
            )
        except GWSError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Created contact center {contact_center.name} ({contact_center.pk}) with admin {admin.user_name}")
