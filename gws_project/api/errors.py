"""
The one place that turns errors into GWS responses: ``{"statusCode": n, "statusMessage": "..."}``.

Domain code raises a ``GWSError`` subclass; each carries its GWS ``statusCode`` and HTTP status as
class attributes (the DRF ``APIException`` idea). DRF's own exceptions and Django's 404/500 are
translated here too, so no API response ever carries another shape.
"""
import logging

from django.db import DataError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

logger = logging.getLogger(__name__)


class StatusCode:
    """The statusCode values of "Return Values"."""

    OK = 0
    MISSING_PARAMETER = 1
    INVALID_STATE = 2
    FORBIDDEN = 3
    INTERNAL_ERROR = 4
    NO_PERMISSION = 5
    NOT_FOUND = 6
    PARTIAL_SUCCESS = 7
    CHANGE_PASSWORD = 8
    INCOMPLETE = 9
    INVALID_VALUE = 10
    READ_ONLY = 11
    UNABLE_TO_RETRIEVE = 12
    UNABLE_TO_CREATE = 13
    UNABLE_TO_DELETE = 14
    UNABLE_TO_UPDATE = 15
    UNABLE_TO_ASSIGN = 16
    UNABLE_TO_UNASSIGN = 17
    ALREADY_EXISTS = 18
    IN_USE = 19
    NOT_AUTHENTICATED = 20


class GWSError(Exception):
    """An error a GWS client is told about; nothing was changed when it is raised."""

    status_code = StatusCode.INTERNAL_ERROR
    http_status = 500
    default_message = "An internal error occurred"

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(self.message)

    def body(self):
        return {"statusCode": self.status_code, "statusMessage": self.message}


class MissingParameter(GWSError):
    status_code, http_status = StatusCode.MISSING_PARAMETER, 400
    default_message = "A required parameter is missing in the request"


class InvalidState(GWSError):
    status_code, http_status = StatusCode.INVALID_STATE, 400
    default_message = "The specified parameter is not valid for the current state"


class Forbidden(GWSError):
    status_code, http_status = StatusCode.FORBIDDEN, 403
    default_message = "The operation is forbidden"


class ServiceUnavailable(GWSError):
    status_code, http_status = StatusCode.INTERNAL_ERROR, 503
    default_message = "Service is not available at this time"


class NoPermission(GWSError):
    status_code, http_status = StatusCode.NO_PERMISSION, 403
    default_message = "The user does not have permission to perform this operation"


class NotFound(GWSError):
    status_code, http_status = StatusCode.NOT_FOUND, 404
    default_message = "The requested resource could not be found"


class InvalidValue(GWSError):
    status_code, http_status = StatusCode.INVALID_VALUE, 400
    default_message = "Input validation error"


class ReadOnlyProperty(GWSError):
    status_code, http_status = StatusCode.READ_ONLY, 400
    default_message = "User requested to change read-only property"


class AlreadyExists(GWSError):
    status_code, http_status = StatusCode.ALREADY_EXISTS, 409
    default_message = "Resource already exists"


class InUse(GWSError):
    status_code, http_status = StatusCode.IN_USE, 409
    default_message = "Resource already in use"


class NotAuthenticated(GWSError):
    status_code, http_status = StatusCode.NOT_AUTHENTICATED, 401
    default_message = "User is not authenticated"


# DRF validation error codes that mean "the request is malformed or lacks something" (1);
# every other validation failure is a value out of range (10).
_MISSING_OR_MALFORMED_CODES = {
    "required",
    "null",
    "invalid",
    "not_a_list",
    "not_a_dict",
    "parse_error",
    "empty",
}


def validation_error_to_gws(detail):
    """Turn a DRF ValidationError detail into the GWSError of its first problem."""
    field, error = _first_error(detail, path="")
    code = getattr(error, "code", "invalid")
    text = str(error)
    message = f"{field}: {text}" if field else text
    if code == "read_only":
        return ReadOnlyProperty(message)
    if code == "required":
        return MissingParameter(f"Missing mandatory parameter '{field}'" if field else text)
    if code in _MISSING_OR_MALFORMED_CODES:
        return MissingParameter(message)
    return InvalidValue(message)


def _first_error(detail, path):
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = "" if key == "non_field_errors" else str(key)
            return _first_error(value, f"{path}.{key}".strip(".") if key else path)
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, (dict, list)):
                return _first_error(value, f"{path}[{index}]" if path else str(index))
            return path, value
    return path, detail


def to_gws_error(exc):
    """Map any exception an API view may raise to a GWSError, or None for unexpected ones."""
    if isinstance(exc, GWSError):
        return exc
    if isinstance(exc, drf_exceptions.ValidationError):
        return validation_error_to_gws(exc.detail)
    if isinstance(exc, drf_exceptions.ParseError):
        return MissingParameter(f"Malformed request body: {exc.detail}")
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        return NotAuthenticated(str(exc.detail))
    if isinstance(exc, drf_exceptions.PermissionDenied):
        return NoPermission(str(exc.detail))
    if isinstance(exc, (drf_exceptions.NotFound, Http404)):
        return NotFound()
    if isinstance(exc, drf_exceptions.MethodNotAllowed):
        error = Forbidden(str(exc.detail))
        error.http_status = 405
        return error
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        error = InvalidValue("Content-Type must be application/json")
        error.http_status = 415
        return error
    if isinstance(exc, drf_exceptions.NotAcceptable):
        error = InvalidValue("Only application/json responses are available")
        error.http_status = 406
        return error
    if isinstance(exc, DataError):
        # The database refused a value the request carried (PostgreSQL: a NUL character in a
        # text, "\u0000" in JSON); the statement failed, so nothing of it was stored.
        return InvalidValue("The request carries a value the server cannot store or look up (such as a NUL character)")
    return None


def exception_handler(exc, context):
    """DRF exception handler: every API error leaves as a GWS error body."""
    error = to_gws_error(exc)
    if error is None:
        logger.exception("Unexpected error in %s", context.get("view"))
        error = GWSError()
    headers = {}
    request = context.get("request")
    # Scripts in a browser page mark their requests (X-Requested-With: XMLHttpRequest, as the web
    # UI does): a Basic challenge would make the browser hold the request behind its own login
    # prompt instead of letting the page handle the 401.
    scripted = request is not None and request.headers.get("X-Requested-With") == "XMLHttpRequest"
    if isinstance(error, NotAuthenticated) and not scripted:
        headers["WWW-Authenticate"] = 'Basic realm="GWS"'
    return Response(error.body(), status=error.http_status, headers=headers)


def error_response(error):
    """A plain Django JsonResponse for a GWSError, for code outside DRF views."""
    return JsonResponse(error.body(), status=error.http_status)


def not_found_view(request, exception=None):
    """handler404: JSON for API paths, Django's page for the rest."""
    if request.path.startswith("/api/"):
        return error_response(NotFound(f"No resource at {request.path}"))
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


def server_error_view(request):
    """handler500: JSON for API paths, Django's page for the rest."""
    if request.path.startswith("/api/"):
        return error_response(GWSError())
    from django.views.defaults import server_error

    return server_error(request)
