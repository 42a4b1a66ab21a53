"""
Per-contact-center CORS ("Cross Origin Resource Sharing (CORS) Settings").

django-cors-headers answers preflights and adds the CORS headers; its ``check_request_enabled``
signal lets us allow, besides the global origins of configuration, the origins contact centers
list in their ``access-control`` settings. A preflight carries no credentials, so it is allowed
when any contact center lists the origin; the actual request is authenticated, and
``ContactCenterCorsMiddleware`` withholds the CORS headers when the user's own contact center
does not list it, so the browser does not hand the response to that page.
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


@receiver(check_request_enabled)
def allow_contact_center_origins(sender, request, **kwargs):
    """Allow, on API paths, an origin that configuration (with a wildcard) or some contact center
    lists: django-cors-headers' hook for dynamic origins.

    django-cors-headers also asks this hook whether CORS applies to paths outside
    CORS_URLS_REGEX; answering yes there would let a listed origin read the admin with cookies.
    """
    origin = request.headers.get("Origin")
    if not origin or not re.match(settings.CORS_URLS_REGEX, request.path_info):
        return False
    return _globally_allowed(origin) or matches(origin, contact_center_origins())


class ContactCenterCorsMiddleware:
    """Withhold CORS headers from an authenticated user's response when neither configuration nor
    the user's contact center allows the request's origin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origin = request.headers.get("Origin")
        user = getattr(request, "user", None)
        if (
            origin
            and "Access-Control-Allow-Origin" in response
            and user is not None
            and user.is_authenticated
            and not _globally_allowed(origin)
            and not matches(origin, contact_center_origins(user.contact_center_id))
        ):
            for header in [name for name in response.headers if name.lower().startswith("access-control-")]:
                del response[header]
        return response
