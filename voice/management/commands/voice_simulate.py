"""Script the embedded switch from a shell (the simulation API's twin; see docs/voice.md).

    manage.py voice_simulate inbound --contact-center Redwings --from +14155550100 --to 5001 \\
        --user-data '{"CustomerName": "Chris"}' [--queue 9000]
    manage.py voice_simulate hangup --contact-center Redwings CALL_ID [--number +14155550100]
    manage.py voice_simulate answer --contact-center Redwings CALL_ID
    manage.py voice_simulate remote-number --contact-center Redwings 5551212 busy|no-answer|answer [--delay 3]
    manage.py voice_simulate service --contact-center Redwings down|up
"""
import json
import os

from django.core.management.base import BaseCommand, CommandError

from gws_project.api.errors import GWSError
from provisioning.models import ContactCenter
from voice import simulation


class Command(BaseCommand):
    help = "Simulate telephony events on the embedded switch (inbound calls, remote hang-ups, outages)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("inbound", "hangup", "answer", "remote-number", "service"):
            p = sub.add_parser(name)
            p.add_argument("--contact-center", required=True, help="The contact center's name.")
            if name == "inbound":
                p.add_argument("--from", dest="origin", required=True)
                p.add_argument("--to", required=True)
                p.add_argument("--user-data", default="{}", help="A JSON object.")
                p.add_argument("--queue", default="")
                p.add_argument(
                    "--base-uri",
                    default=os.environ.get("GWS_PUBLIC_BASE_URI", "http://127.0.0.1:8000/api/v2"),
                    help="The API base URI notifications link to.",
                )
            elif name in ("hangup", "answer"):
                p.add_argument("call_id")
                p.add_argument("--number", default=None)
            elif name == "remote-number":
                p.add_argument("number")
                p.add_argument("behaviour")
                p.add_argument("--delay", type=float, default=0)
            else:
                p.add_argument("state", choices=("down", "up"))

    def handle(self, *args, **options):
        contact_center = ContactCenter.objects.filter(name=options["contact_center"]).first()
        if contact_center is None:
            raise CommandError(f"No contact center named '{options['contact_center']}'")
        action = options["action"]
        try:
            if action == "inbound":
                try:
                    user_data = json.loads(options["user_data"])
                except ValueError as error:
                    raise CommandError(f"--user-data is not JSON: {error}") from None
                body = {"from": options["origin"], "to": options["to"], "userData": user_data}
                if options["queue"]:
                    body["queue"] = options["queue"]
                call_id = simulation.place_inbound_call(contact_center, body, options["base_uri"].rstrip("/"))
                self.stdout.write(call_id)
            elif action in ("hangup", "answer"):
                body = {"operationName": "RemoteHangup" if action == "hangup" else "RemoteAnswer"}
                if options["number"]:
                    body["number"] = options["number"]
                simulation.remote_party_operation(contact_center, options["call_id"], body)
            elif action == "remote-number":
                simulation.configure_remote_number(
                    contact_center, {"number": options["number"], "behaviour": options["behaviour"], "delay": options["delay"]}
                )
            else:
                simulation.set_voice_service(contact_center, {"state": "Active" if options["state"] == "up" else "Inactive"})
        except GWSError as error:
            raise CommandError(error.message) from None
