"""End what timers in a stopped process would have ended: due after-call work and sessions whose
CometD clients have been gone past their logout timeout. Safe to run any time (cron, or after a
restart); each decision is re-checked under a row lock."""
from django.core.management.base import BaseCommand

from voice import monitor, queues


class Command(BaseCommand):
    help = "End due after-call work (agents Ready again) and expired contact-center sessions."

    def handle(self, *args, **options):
        wrapups = queues.end_due_wrapups()
        ended = monitor.end_expired_sessions()
        self.stdout.write(f"After-call work ended: {wrapups}; sessions ended: {len(ended)}")
