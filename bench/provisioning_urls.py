"""The project's routes plus /bench/plain: a plain Django JsonResponse view, the benchmark's
baseline, mounted only when bench/provisioning_settings.py is the settings module."""
from django.http import JsonResponse
from django.urls import path

from gws_project.urls import handler404, handler500, urlpatterns as project_urlpatterns  # noqa: F401


def plain(request):
    return JsonResponse({"statusCode": 0, "version": "8.5.200.23"})


urlpatterns = [path("bench/plain", plain), *project_urlpatterns]
