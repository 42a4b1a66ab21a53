"""Run the switch as its own process, reached through the channel layer (GWS_VOICE_SWITCH=process
on the API side; a shared channel layer, i.e. REDIS_URL, between them).

While it runs, the Voice services are Active; when it stops they are marked Inactive, and the
API answers 503 with statusCode 4 until it is back (clients get ServiceStateChangeMessages).
"""
import asyncio
import signal

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gws_project.startup import freeze_startup_objects
from provisioning.choices import ServiceState
from provisioning.models import VoiceEnvironment
from provisioning.service_states import set_voice_state
from voice.backend import serve


def mark_all(state):
    for environment in VoiceEnvironment.objects.all():
        set_voice_state(environment, state)


class Command(BaseCommand):
    help = "Run the telephony switch process (requests from the channel layer, timers, simulation)."

    def add_arguments(self, parser):
        parser.add_argument("--allow-memory-layer", action="store_true", help="Allow the in-memory layer (tests only).")

    def handle(self, *args, **options):
        backend = settings.CHANNEL_LAYERS["default"]["BACKEND"]
        if "InMemory" in backend and not options["allow_memory_layer"]:
            raise CommandError("runswitch needs a shared channel layer: set REDIS_URL")
        freeze_startup_objects()
        asyncio.run(self.run())

    async def run(self):
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await sync_to_async(mark_all)(ServiceState.ACTIVE)
        self.stdout.write("Switch running", ending="\n")
        self.stdout.flush()
        try:
            await serve(stop)
        finally:
            await sync_to_async(mark_all)(ServiceState.INACTIVE)
            self.stdout.write("Switch stopped")
