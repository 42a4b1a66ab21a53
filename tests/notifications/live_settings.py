"""Settings for server processes started by tests: the project's, plus the fast password hasher
the test suite creates its users with (tests/conftest.py)."""
from gws_project.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
