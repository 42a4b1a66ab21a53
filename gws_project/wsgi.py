"""WSGI entry point (management tools; the server itself runs on ASGI)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gws_project.settings")
application = get_wsgi_application()
