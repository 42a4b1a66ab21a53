"""
Per-contact-center CORS ("Cross Origin Resource Sharing (CORS) Settings").

django-cors-headers answers preflights and adds the CORS headers; its ``check_request_enabled``
signal lets us allow, besides the global origins of configuration, the origins contact centers
list in their ``access-control`` settings. A preflight carries no credentials, so it is allowed
when any contact center lists the origin; the actual request is authenticated, and gets CORS
headers only when the user's own contact center lists the origin, so the browser does not hand
another contact center's page the response.
"""
import re
from urllib.parse import urlsplit

from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.dispatch import receiver

from gws_project.api.errors import InvalidValue

SETTING_GROUP, SETTING_NAME = "access-control", "allowedOrigins"
_HOST = re.compile(r"(\*|[A-Za-z0-9-]+)(\.(\*|[A-Za-z0-9-]+))*")


def validate_origin(origin):
    """An origin is scheme://host[:port]; '*' may stand for labels of the host, never alone."""
    parts = urlsplit(origin)
    host = parts.hostname or ""
    if origin.strip() == "*" or host == "*":
        raise InvalidValue("'*' alone is not an allowed origin: name a domain, e.g. https://*.example.com")
    if parts.scheme not in ("http", "https") or not host or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidValue(f"'{origin}' is not an origin (scheme://host[:port])")
    if not _HOST.fullmatch(host) or parts.username is not None or parts.password is not None:
        raise InvalidValue(f"'{origin}' has an invalid host name")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is read
    except ValueError:
        raise InvalidValue(f"'{origin}' has an invalid port") from None


def _pattern(allowed):
    """A regular expression for an allowed origin; '*' matches one or more host labels."""
    escaped = re.escape(allowed.rstrip("/")).replace(r"\*", "[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*")
    return re.compile(escaped, re.IGNORECASE)


def matches(origin, allowed_origins):
    return any(_pattern(allowed).fullmatch(origin) for allowed in allowed_origins)


def contact_center_origins(contact_center_id=None):
    """The allowed origins of one contact center, or of all of them."""
    from .models import Setting

    rows = Setting.objects.filter(group=SETTING_GROUP, key=SETTING_NAME)
    if contact_center_id is not None:
        rows = rows.filter(contact_center_id=contact_center_id)
    return [origin for data in rows.values_list("data", flat=True) for origin in data.get("value", [])]


def _globally_allowed(origin):
    """Configuration's origins (GWS_CORS_ALLOWED_ORIGINS), wildcards included."""
    return matches(origin, settings.CORS_ALLOWED_ORIGINS)


def allowed(origin, user=None):
    """Whether origin may read a response for user: configuration's origins for everyone; then,
    for an authenticated user, the origins of the user's own contact center; for a request
    without credentials (a preflight), the origins of any contact center."""
    if _globally_allowed(origin):
        return True
    if user is not None and user.is_authenticated:
        return user.contact_center_id is not None and matches(origin, contact_center_origins(user.contact_center_id))
    return matches(origin, contact_center_origins())


@receiver(check_request_enabled)
def allow_contact_center_origins(sender, request, **kwargs):
    """django-cors-headers' hook for dynamic origins, asked once the response is ready (so the
    request's user is known) and only on API paths.

    django-cors-headers also asks this hook whether CORS applies to paths outside
    CORS_URLS_REGEX; answering yes there would let a listed origin read the admin with cookies.
    """
    origin = request.headers.get("Origin")
    if not origin or not re.match(settings.CORS_URLS_REGEX, request.path_info):
        return False
    # A preflight is answered before the session and authentication middleware run: no user.
    return allowed(origin, getattr(request, "user", None))
