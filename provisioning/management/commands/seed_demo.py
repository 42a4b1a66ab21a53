"""Create (once) the demo contact center that `make run` serves, and print its logins."""
from django.core.management.base import BaseCommand
from django.db import transaction

from dispositions import services as dispositions
from provisioning import services, settings_groups
from provisioning.choices import Role
from provisioning.models import ContactCenter, ContactCenterFeature, User

DEMO_CONTACT_CENTER = "Redwings Demo"
DEMO_PASSWORD = "password"
# userName, firstName, lastName, roles, device number, skills {name: level}
DEMO_PEOPLE = [
    ("supervisor@redwings.com", "Sam", "Sutter", [Role.SUPERVISOR, Role.AGENT], "5000", {"Sales": 5}),
    ("agent1@redwings.com", "Carole", "Spencer", [Role.AGENT], "5001", {"Sales": 3, "Support": 2}),
    ("agent2@redwings.com", "Bob", "Probert", [Role.AGENT], "5002", {"Support": 4}),
]
# The admin login of the seed's Python sample ("Python Example"), so it runs unchanged against `make run`.
DEMO_ADMIN = "mikeb@redwings.com"
# The dispositions the softphone's picker offers (a group per outcome, as "Hierarchical Dispositions" shows).
DEMO_DISPOSITIONS = {
    "name": "Call outcomes",
    "groups": [
        {"name": "Sales", "dispositions": [{"name": "Sale", "displayName": "Sale"}, {"name": "NoSale", "displayName": "No sale"}]},
        {"name": "Support", "dispositions": [{"name": "Resolved", "displayName": "Resolved"}, {"name": "Escalated", "displayName": "Escalated"}]},
    ],
}


class Command(BaseCommand):
    help = "Create the demo contact center (an admin, a supervisor, two agents with devices, dispositions) unless it exists."

    def handle(self, *args, **options):
        if not ContactCenter.objects.filter(name=DEMO_CONTACT_CENTER).exists():
            self._create()
        self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
        for user in User.objects.filter(contact_center__name=DEMO_CONTACT_CENTER).order_by("user_name"):
            numbers = ", ".join(device.phone_number for device in user.devices.all()) or "-"
            self.stdout.write(f"  {user.user_name:<28} {','.join(user.roles):<30} device {numbers}")

    @transaction.atomic
    def _create(self):
        _, admin = services.create_contact_center(
            DEMO_CONTACT_CENTER, DEMO_ADMIN, DEMO_PASSWORD, first_name="Mike", last_name="Babcock"
        )
        skills = {name: services.create_skill(admin, {"name": name}) for name in ("Sales", "Support")}
        for user_name, first, last, roles, number, levels in DEMO_PEOPLE:
            user = services.create_user(
                admin,
                {"userName": user_name, "password": DEMO_PASSWORD, "firstName": first, "lastName": last, "roles": roles},
            )
            services.create_device(admin, {"phoneNumber": number}, user=user)
            for name, level in levels.items():
                services.assign_skill(admin, user, skills[name], level)
        for feature_id in ("api-supervisor-monitoring", "api-mobile-push-notifications"):
            ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id=feature_id)
        training = {"operationName": "Training", "displayName": "Training", "state": "NotReady", "workMode": "AuxWork", "reason": "Training"}
        settings_groups.create_setting(admin, "agent-states", training)
        toast = [{"attachedDataKey": "CustomerName", "displayName": "Customer"}]
        settings_groups.create_setting(admin, "voice", {"name": "toast-filter", "value": toast})
        case = toast + [{"attachedDataKey": "POC", "displayName": "Purpose of Call"}]
        settings_groups.create_setting(admin, "voice", {"name": "case-filter", "value": case})
        settings_groups.create_setting(admin, "voice", {"name": "defaultWrapupTime", "value": 10})
        dispositions.import_tree(admin, admin.contact_center_id, DEMO_DISPOSITIONS)
