"""
Base API views and the bulk-operation ("Partial Success") machinery shared by every resource.
"""
import re
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .errors import InvalidValue, MissingParameter, NotFound, to_gws_error
from .prepared import read_ahead
from .resources import Context, created_body, item_body, list_body, parse_query, read_collection, read_static

OK = {"statusCode": 0}


class GWSView(APIView):
    """Base of every GWS API view: the resource it speaks for and the request's context."""

    resource = None

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        # Reference cycles that only the garbage collector would free and that the handler
        # (gws_project/handlers.py, which empties the request and the response) cannot reach:
        # View.setup binds self.head = self.get; the DRF request's parser_context holds the view
        # and the request (the body has been parsed by now).
        self.__dict__.pop("head", None)
        self.request.parser_context = None
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # An id with a NUL character names nothing (PostgreSQL cannot even look it up).
        if any("\x00" in str(value) for value in kwargs.values()):
            raise NotFound(f"No resource at {request.path}")

    def context(self):
        return Context(self.request)

    def body(self):
        """The JSON object of a write request (a JSON array or scalar is malformed: 1)."""
        data = self.request.data
        if not isinstance(data, dict):
            raise MissingParameter("The request body must be a JSON object")
        return data

    # The three shapes of GET, used by subclasses.

    def list_response(self, queryset):
        query = parse_query(self.request.query_params, self.resource)
        page = read_collection(self.resource, queryset, query)
        return Response(list_body(self.resource, page, query, self.context()))

    def static_list_response(self, objects):
        """A collection of wire dicts kept in memory (a catalogue) rather than in a table."""
        query = parse_query(self.request.query_params, self.resource)
        page = read_static(self.resource, objects, query)
        return Response(list_body(self.resource, page, query, self.context()))

    def item_response(self, obj):
        query = parse_query(self.request.query_params, self.resource, plural=False)
        if query.fields is None:
            query.fields = "*"
        with read_ahead(self.resource.reads_ahead(obj, query)):
            self.resource.prefetch_object(obj, query)
            return Response(item_body(self.resource, obj, query, self.context()))

    def created_response(self, obj, resource=None):
        return Response(created_body(resource or self.resource, obj, self.context()))


class VersionView(GWSView):
    """GET /api/v2/diagnostics/version: the only request that needs no authentication."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"statusCode": 0, "version": settings.GWS_VERSION})


# ---------------------------------------------------------------------------------------------
# References: {"uris": [...], "paths": [...]} and single {"id"|"uri"|"path"}
# ---------------------------------------------------------------------------------------------


def reference_id(reference, collection_path):
    """The id a URI or a path (relative to /api/v2) names in collection_path."""
    if not isinstance(reference, str):
        raise MissingParameter("A URI or path must be a string")
    path = urlparse(reference).path
    if path.startswith("/api/v2/"):
        path = path[len("/api/v2") :]
    match = re.fullmatch(rf"/{re.escape(collection_path)}/([^/]+)/?", path)
    if not match:
        raise InvalidValue(f"'{reference}' is not a URI of /{collection_path}")
    return match.group(1)


def references(body):
    """The (identity, reference) pairs of a bulk body's uris and paths: ({"uri": u}, u)..."""
    items = []
    for key in ("uris", "paths"):
        values = body.get(key, [])
        if not isinstance(values, list):
            raise MissingParameter(f"'{key}' must be an array")
        items.extend(({key[:-1]: value}, value) for value in values)
    if not items:
        raise MissingParameter("Give the resources as 'uris' or 'paths'")
    return items


def single_reference_id(body, collection_path):
    """The id of a body naming one resource by id, uri or path, or None when it names none."""
    if "id" in body:
        if not isinstance(body["id"], str):
            raise MissingParameter("'id' must be a string")
        return body["id"]
    for key in ("uri", "path"):
        if key in body:
            return reference_id(body[key], collection_path)
    return None


# ---------------------------------------------------------------------------------------------
# Bulk operations ("Partial Success")
# ---------------------------------------------------------------------------------------------


def run_bulk(items, action):
    """Run action(item) for each (identity, item) pair, each in its own transaction.

    Each item is all-or-nothing; the operation answers 0 when all succeed, 7 with ``succeeded``
    and ``failed`` when some do, and the first failure's error when none does (an error body
    carries nothing but statusCode and statusMessage).
    """
    succeeded, failed, errors = [], [], []
    for identity, item in items:
        try:
            with transaction.atomic():
                result = action(item)
        except Exception as exc:  # noqa: BLE001 - every failure of one item is reported, not raised
            error = to_gws_error(exc)
            if error is None:
                raise
            errors.append(error)
            failed.append({**identity, "statusCode": error.status_code, "statusMessage": error.message})
        else:
            succeeded.append(result)
    if failed and not succeeded:
        first = errors[0]
        if len(failed) > 1:
            first.message = f"All {len(failed)} items failed; the first: {first.message}"
        raise first
    body = {"statusCode": 7 if failed else 0, "succeeded": [s for s in succeeded if s is not None]}
    if failed:
        body["failed"] = failed
    return Response(body)
