"""
Settings for the GWS server, all read from environment variables with safe defaults.

The defaults are the embedded set-up: SQLite and the in-memory channel layer, one process.
Production sets DATABASE_URL (PostgreSQL) and REDIS_URL (channels-redis, shared sessions).
"""
import os
import tempfile
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable as a list of non-empty strings."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("GWS_DEBUG", False)
# The fallback key is only good for development: production must set GWS_SECRET_KEY.
SECRET_KEY = os.environ.get("GWS_SECRET_KEY", "gws-insecure-development-key-change-me-in-production")
ALLOWED_HOSTS = env_list("GWS_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]")

# The version reported by GET /api/v2/diagnostics/version.
GWS_VERSION = os.environ.get("GWS_VERSION", "8.5.200.23")
# CSRF protection as GWS does it: a token in the HTTP session, sent back in X-CSRF-TOKEN.
GWS_CSRF_ENABLED = env_bool("GWS_CSRF_ENABLED", True)
# Country used for contact centers created without one (ISO 3166 alpha-2).
GWS_DEFAULT_COUNTRY = os.environ.get("GWS_DEFAULT_COUNTRY", "US")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mptt",
    "channels",
    "provisioning",
    "notifications",
    "voice",
    "voice.agents",
    "dispositions",
    "webui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the session's user with the session (gws_project/api/sessions.py).
    "gws_project.api.sessions.GWSAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last on purpose: the innermost middleware being sync-only keeps the whole chain synchronous
    # under ASGI, so a request crosses between the event loop and the worker thread three times
    # instead of a dozen (bench/provisioning_api.py: +40% on the provisioning endpoints).
    "gws_project.api.csrf.GWSCsrfMiddleware",
]

ROOT_URLCONF = "gws_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "gws_project.wsgi.application"
ASGI_APPLICATION = "gws_project.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'gws.sqlite3'}"),
        conn_max_age=int(os.environ.get("GWS_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads of one ASGI process write to SQLite. A writer waits for the lock instead of
    # failing (timeout), takes it when its transaction begins so that two read-then-write
    # transactions never meet half-way (IMMEDIATE: SQLite fails one of those at once, whatever the
    # timeout), and readers never wait for a writer (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    )
    # The test database is a file as well, one per test process. Django's default, an in-memory
    # database in shared-cache mode, locks whole tables between the live server's threads and
    # answers "database table is locked" at once, which no timeout waits for (seen in CI).
    DATABASES["default"]["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"gws-test-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("GWS_DB_POOL", False):
    # Production servers should set GWS_DB_POOL=true: under ASGI Django recommends its PostgreSQL
    # connection pool (psycopg-pool) over persistent connections, and without either every request
    # pays a new connection (bench/provisioning_api.py). Off by default: test suites whose threads
    # keep a connection for good would exhaust a bounded pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("GWS_DB_POOL_SIZE", "10")),
    }

# The asynchronous PostgreSQL connections of each server process's event loop, for the reads
# answered there (provisioning/api/event_loop_me.py): at most this many.
GWS_EVENT_LOOP_POOL_SIZE = int(os.environ.get("GWS_EVENT_LOOP_POOL_SIZE", "10"))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 times reads out after 5 s by default, exactly channels-redis's 5 s blocking
            # receive (BZPOPMIN): a quiet channel then fails with "Timeout reading". Give reads room.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_USER_MODEL = "provisioning.User"
AUTH_PASSWORD_VALIDATORS = []  # GWS accepts any password an admin sets; policy is the deployment's.
# PBKDF2 stays the default; tests switch to a fast hasher in tests/conftest.py.

# Django's database sessions (in provisioning.HttpSession, which names the session's user) and
# ModelBackend: a request reads its session and its user in one query, compiled once.
SESSION_ENGINE = "gws_project.api.sessions"
AUTHENTICATION_BACKENDS = ["gws_project.api.authentication.GWSModelBackend"]
# The session cookie keeps the name GWS clients know from the Java server.
SESSION_COOKIE_NAME = "JSESSIONID"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = os.environ.get("GWS_SESSION_COOKIE_SAMESITE", "Lax")
SESSION_COOKIE_SECURE = env_bool("GWS_SESSION_COOKIE_SECURE", False)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The web UI's npm libraries (webui/package.json, installed by `make setup`), served as static files.
STATICFILES_DIRS = [("webui/vendor/cometd", BASE_DIR / "webui" / "node_modules" / "cometd")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gws_project.api.authentication.GWSBasicAuthentication",
        "gws_project.api.authentication.GWSSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["gws_project.api.renderers.GWSJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["gws_project.api.parsers.GWSJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "gws_project.api.negotiation.GWSContentNegotiation",
    "EXCEPTION_HANDLER": "gws_project.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "gws_project.api.schema.GWSAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Genesys Web Services v2 API (open implementation)",
    "DESCRIPTION": "Provisioning, voice, dispositions and notifications, as GWS 8.5.2 defines them.",
    "VERSION": GWS_VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# CORS: global origins from configuration; issue 3 merges each contact center's own list.
CORS_ALLOWED_ORIGINS = env_list("GWS_CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"
CORS_EXPOSE_HEADERS = ["X-CSRF-HEADER", "X-CSRF-TOKEN"]
from corsheaders.defaults import default_headers  # noqa: E402

CORS_ALLOW_HEADERS = (*default_headers, "x-csrf-token")

LOGIN_URL = "/admin/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GWS_LOG_LEVEL", "WARNING")},
}

# --- notifications (CometD / Bayeux at /api/v2/notifications) ---------------------------------
# How long a user's messages are kept for clients that reconnect (seconds).
NOTIFICATIONS_RETENTION_SECONDS = float(os.environ.get("GWS_NOTIFICATIONS_RETENTION_SECONDS", "300"))
# Bayeux advice: a /meta/connect is held up to TIMEOUT; clients wait INTERVAL between connects;
# a client that has not connected for MAX_INTERVAL after its last connect ended expires (ms).
COMETD_TIMEOUT_MS = int(os.environ.get("GWS_COMETD_TIMEOUT_MS", "30000"))
COMETD_INTERVAL_MS = int(os.environ.get("GWS_COMETD_INTERVAL_MS", "0"))
COMETD_MAX_INTERVAL_MS = int(os.environ.get("GWS_COMETD_MAX_INTERVAL_MS", "10000"))
# How often each server process looks for expired clients (seconds).
COMETD_SWEEP_SECONDS = float(os.environ.get("GWS_COMETD_SWEEP_SECONDS", "1"))
if REDIS_URL:
    # channels-redis carries every message to a process's consumers through ONE list per
    # process, capped at `capacity` (100 by default) and dropped beyond it: a burst to a few
    # hundred clients of one process overflows it (bench/notifications_load.py).
    CHANNEL_LAYERS["default"]["CONFIG"].setdefault("capacity", int(os.environ.get("GWS_CHANNEL_CAPACITY", "10000")))
# --- end notifications -------------------------------------------------------------------------

# --- voice: agent state and sessions (voice/monitor.py, voice/push.py, voice/queues.py) --------
# Seconds a contact-center session survives without a CometD client (the user monitor).
GWS_AGENT_LOGOUT_TIMEOUT = float(os.environ.get("GWS_AGENT_LOGOUT_TIMEOUT", "60"))
# Genesys Mobile Services' publish URL for mobile push notifications (empty: no push).
GWS_MOBILE_PUSH_URL = os.environ.get("GWS_MOBILE_PUSH_URL", "")
# Base of the links in notifications the server sends on its own (the user monitor, wrap-up end).
GWS_PUBLIC_BASE_URI = os.environ.get("GWS_PUBLIC_BASE_URI", "http://localhost:8080/api/v2")
