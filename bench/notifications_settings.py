"""Settings of the server process that bench/notifications_load.py starts: the project's, on a
throw-away SQLite database (BENCH_DATABASE), with the fast password hasher for its 1,200 users."""
import os

from gws_project.settings import *  # noqa: F401,F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["BENCH_DATABASE"], "OPTIONS": {"timeout": 20}}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GWS_CSRF_ENABLED = False
