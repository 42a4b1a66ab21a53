from django.contrib import admin

from .models import Queue


@admin.register(Queue)
class QueueAdmin(admin.ModelAdmin):
    """Queues are configured here (GWS reads them; the Voice API has no queue writes)."""

    list_display = ("name", "number", "channel", "contact_center")
    list_filter = ("contact_center",)
