"""Give a contact center a generated tree of disposition groups (demo data, load tests)."""
from django.core.management.base import BaseCommand, CommandError

from dispositions import demo_trees, services
from provisioning.models import ContactCenter, User


class Command(BaseCommand):
    help = "Create a generated top-level disposition group tree in a contact center."

    def add_arguments(self, parser):
        parser.add_argument("contact_center", help="The contact center's name")
        parser.add_argument("--groups", type=int, default=20)
        parser.add_argument("--dispositions", type=int, default=100)
        parser.add_argument("--name", default="Generated dispositions", help="The top-level group's name")

    def handle(self, *args, **options):
        contact_center = ContactCenter.objects.filter(name=options["contact_center"]).first()
        if contact_center is None:
            raise CommandError(f"No contact center named '{options['contact_center']}'")
        if options["groups"] < 1 or options["dispositions"] < 0:
            raise CommandError("--groups must be at least 1 and --dispositions not negative")
        system = User(user_name="seed_dispositions", is_superuser=True)  # never saved: the acting system user
        data = demo_trees.generated(options["groups"], options["dispositions"])
        data["name"] = options["name"]
        try:
            root = services.import_tree(system, contact_center.pk, data)
        except Exception as error:  # a GWSError: a name already taken
            raise CommandError(str(error)) from None
        self.stdout.write(f"Created group {root.pk} with {options['groups']} groups and {options['dispositions']} dispositions")
