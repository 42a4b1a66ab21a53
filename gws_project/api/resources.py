"""
The GWS resource conventions, implemented once ("Request Parameters", "Return Values",
"Subresources", "Filtering", "Filtering and sorting users").

A ``Resource`` declares how one kind of object looks on the wire: its plural and singular names,
where its items live, how an object is represented, its subresources, the URIs it can resolve,
its filterset and sort keys. ``parse_query`` reads a GET's parameters against that declaration,
and the ``*_response`` functions shape every answer, so each view stays a few lines.
"""
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.db.models import F, prefetch_related_objects

from .errors import InvalidValue
from .prepared import count_and_rows

MAX_LIMIT = 500
ASCENDING, DESCENDING = "Ascending", "Descending"


# ---------------------------------------------------------------------------------------------
# Rendering context
# ---------------------------------------------------------------------------------------------


class Context:
    """What representations need from the request: the actor and the API's absolute base URI."""

    def __init__(self, request):
        self.request = request
        self.actor = request.user
        self.base_uri = request.build_absolute_uri("/api/v2")

    def uri(self, path):
        return self.base_uri + path


# ---------------------------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------------------------


@dataclass
class Subresource:
    """A collection read together with its owner (``subresources=skills``).

    ``prefetch`` names what to prefetch on a queryset of owners so a whole page of owners costs a
    fixed number of queries; ``render(owner, ctx)`` returns the collection's wire value.
    """

    render: object
    prefetch: tuple = ()


@dataclass
class LinkedUri:
    """A ``...Uri`` property that ``resolveUris`` can replace by the object it points to."""

    resource: object
    get_object: object
    select_related: tuple = ()


class Resource(ABC):
    """The wire description of one kind of object; subclass and fill in the class attributes."""

    plural = ""
    singular = ""
    collection_path = ""  # items live at /{collection_path}/{id}
    field_names = ()  # every field of the full representation, in wire order
    subresources: dict = {}
    linked_uris: dict = {}
    filterset_class = None
    sorts: dict = {}  # sortBy name -> model field path, or callable(queryset, descending) -> (qs, expr)
    identity_fields = ("id",)  # what names an item in a bulk failure descriptor
    # Optional: the model fields represent() reads. A list that asks for objects but for no
    # subresource nor resolved URI then reads these values only, as named rows (values_list with
    # named=True), and represent() gets them instead of model instances (building instances was
    # 40% of a 100-user page's time).
    row_fields = ()

    def item_path(self, obj):
        return f"/{self.collection_path}/{obj.pk_str if hasattr(obj, 'pk_str') else obj.pk}"

    @abstractmethod
    def represent(self, obj, ctx):
        """The full wire representation of obj (without subresources)."""

    def prefetch_lookups(self, query):
        """The prefetch_related lookups of the requested subresources (override to share them)."""
        return [lookup for name in query.subresources for lookup in self.subresources[name].prefetch]

    def prefetch(self, queryset, query):
        """Add what the requested subresources and resolved URIs need, in bulk."""
        related = self.prefetch_lookups(query)
        if related:
            queryset = queryset.prefetch_related(*related)
        selected = [rel for name in query.resolve_uris for rel in self.linked_uris[name].select_related]
        if selected:
            queryset = queryset.select_related(*selected)
        return queryset

    def prefetch_object(self, obj, query):
        """The same for one object already loaded (a singular GET, /me)."""
        related = self.prefetch_lookups(query)
        if related:
            prefetch_related_objects([obj], *related)

    def reads_ahead(self, obj, query):
        """The prepared reads (``(PreparedQuery, values)``) that prefetching and rendering one
        object will make, to be run together in one round trip (prepared.read_ahead)."""
        return []


# ---------------------------------------------------------------------------------------------
# Request parameters
# ---------------------------------------------------------------------------------------------

RESERVED_PARAMETERS = {"fields", "subresources", "resolveUris", "resolveUri", "offset", "limit", "sortBy", "order"}


@dataclass
class Query:
    """The GWS parameters of one GET, validated against a Resource."""

    fields: object = None  # None (URIs only), "*", or a list of names
    subresources: list = field(default_factory=list)
    resolve_uris: list = field(default_factory=list)
    offset: int = 0
    limit: object = None
    paginated: bool = False
    sort_by: list = field(default_factory=list)
    descending: bool = False
    filters: dict = field(default_factory=dict)

    @property
    def wants_objects(self):
        return self.fields is not None or bool(self.subresources) or bool(self.resolve_uris)


def _names(raw):
    return [name.strip() for name in raw.split(",") if name.strip()]


def _choose(raw, allowed, what):
    """'*' means all of allowed; otherwise every listed name must be one of them."""
    if raw is None:
        return []
    if raw.strip() == "*":
        return list(allowed)
    names = _names(raw)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        valid = ", ".join(allowed) or "none"
        raise InvalidValue(f"Unknown {what} '{unknown[0]}'; valid values: {valid}")
    return names


def _non_negative_int(raw, name):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidValue(f"'{name}' must be a whole number, not '{raw}'") from None
    if value < 0:
        raise InvalidValue(f"'{name}' must not be negative")
    return value


def parse_query(params, resource, plural=True):
    """Validate and read the GWS request parameters of a GET on resource."""
    query = Query()
    raw_fields = params.get("fields")
    if raw_fields is not None:
        query.fields = "*" if raw_fields.strip() == "*" else _choose(raw_fields, resource.field_names, "field")
    query.subresources = _choose(params.get("subresources"), list(resource.subresources), "subresource")
    query.resolve_uris = _choose(
        params.get("resolveUris", params.get("resolveUri")), list(resource.linked_uris), "URI property"
    )
    if not plural:
        return query
    if "offset" in params:
        query.offset = _non_negative_int(params["offset"], "offset")
        query.paginated = True
    if "limit" in params:
        query.limit = _non_negative_int(params["limit"], "limit")
        if query.limit == 0 or query.limit > MAX_LIMIT:
            raise InvalidValue(f"'limit' must be between 1 and {MAX_LIMIT}")
        query.paginated = True
    if "sortBy" in params:
        query.sort_by = _choose(params["sortBy"], list(resource.sorts), "sortBy property")
        if not query.sort_by:
            raise InvalidValue("'sortBy' names no property")
    order = params.get("order", ASCENDING)
    if order not in (ASCENDING, DESCENDING):
        raise InvalidValue(f"'order' must be {ASCENDING} or {DESCENDING}, not '{order}'")
    query.descending = order == DESCENDING
    query.filters = {key: value for key, value in params.items() if key not in RESERVED_PARAMETERS}
    return query


# ---------------------------------------------------------------------------------------------
# Reading collections
# ---------------------------------------------------------------------------------------------


def filter_queryset(resource, queryset, query):
    """Apply the resource's filterset to the query's filter parameters (exact field names)."""
    if resource.filterset_class is None or not query.filters:
        # No filter parameter: nothing to apply, and building the filterset (a deep copy of its
        # filters and a form) was a tenth of a 100-user page's Python time.
        return queryset
    filterset = resource.filterset_class(data=query.filters, queryset=queryset)
    if not filterset.is_valid():
        name, errors = next(iter(filterset.errors.items()))
        raise InvalidValue(f"Invalid filter '{name}': {errors[0]}")
    return filterset.qs


def sort_queryset(resource, queryset, query):
    """Order by the sortBy list (one direction for all, as GWS allows), then by pk for stability.

    Without sortBy the queryset's own ordering (or its model's default) stays first.
    """
    if not query.sort_by:
        default = list(queryset.query.order_by or queryset.model._meta.ordering)
        return queryset.order_by(*default, "pk")
    ordering = []
    for name in query.sort_by:
        key = resource.sorts[name]
        if callable(key):
            queryset, expression = key(queryset, query.descending)
        else:
            expression = F(key)
        ordering.append(expression.desc(nulls_last=True) if query.descending else expression.asc(nulls_last=True))
    return queryset.order_by(*ordering, "pk")


@dataclass
class Page:
    """One page of a collection: the objects, the total when paginated, and whether truncated."""

    objects: list
    total: object = None
    partial: bool = False


def read_collection(resource, queryset, query):
    """Filter, sort and paginate a scoped queryset; a fixed number of queries whatever its size.

    Without offset/limit at most MAX_LIMIT objects come back, and a longer result is flagged as
    partial (statusCode 7, "Partial Success": "for bulk GETs ... if the result is a partial list").
    """
    queryset = filter_queryset(resource, queryset, query)
    queryset = sort_queryset(resource, queryset, query)
    rows = bool(resource.row_fields) and query.wants_objects and not query.subresources and not query.resolve_uris
    if rows:
        queryset = queryset.values_list(*resource.row_fields, named=True)
    elif query.wants_objects:
        queryset = resource.prefetch(queryset, query)
    if query.paginated:
        end = query.offset + (query.limit or MAX_LIMIT)
        counted = count_and_rows(queryset, query.offset, end) if rows else None
        if counted is not None:  # PostgreSQL: the total and the page in one round trip
            return Page(counted[1], total=counted[0])
        total = queryset.count()
        return Page(list(queryset[query.offset:end]), total=total)
    objects = list(queryset[: MAX_LIMIT + 1])
    partial = len(objects) > MAX_LIMIT
    return Page(objects[:MAX_LIMIT], partial=partial)


def read_static(resource, objects, query):
    """Filter, sort and paginate an in-memory catalogue (features, routing templates).

    Objects are wire dicts; a filter parameter named after one of the resource's fields keeps the
    objects whose value, as text, equals it (booleans as "true"/"false"); other parameters are
    ignored, as for querysets.
    """

    def text(value):
        return str(value).lower() if isinstance(value, bool) else str(value)

    for name, wanted in query.filters.items():
        if name in resource.field_names:
            objects = [obj for obj in objects if name in obj and text(obj[name]) == wanted]
    for name in reversed(query.sort_by):
        objects = sorted(objects, key=lambda obj: text(obj.get(name, "")), reverse=query.descending)
    if query.paginated:
        end = query.offset + (query.limit or MAX_LIMIT)
        return Page(objects[query.offset:end], total=len(objects))
    return Page(objects[:MAX_LIMIT], partial=len(objects) > MAX_LIMIT)


# ---------------------------------------------------------------------------------------------
# Responses
# ---------------------------------------------------------------------------------------------


def render(resource, obj, query, ctx):
    """One object as the query asks: its fields, then subresources and resolved URIs (an object
    read as a named row of row_fields has neither)."""
    full = resource.represent(obj, ctx)
    if query.fields is None or query.fields == "*":
        data = full
    else:
        data = {name: full[name] for name in query.fields if name in full}
    for name in query.subresources:
        data[name] = resource.subresources[name].render(obj, ctx)
    for name in query.resolve_uris:
        link = resource.linked_uris[name]
        target = link.get_object(obj)
        if target is not None:
            data[name[: -len("Uri")]] = link.resource.represent(target, ctx)
    return data


def list_body(resource, page, query, ctx):
    """A collection: URIs and paths by default, objects under the plural name when asked."""
    body = {"statusCode": 7 if page.partial else 0}
    if query.wants_objects:
        body[resource.plural] = [render(resource, obj, query, ctx) for obj in page.objects]
    else:
        paths = [resource.item_path(obj) for obj in page.objects]
        body["uris"] = [ctx.uri(path) for path in paths]
        body["paths"] = paths
    if page.total is not None:
        body["totalCount"] = page.total
    return body


def item_body(resource, obj, query, ctx):
    """A singular resource under its singular name."""
    return {"statusCode": 0, resource.singular: render(resource, obj, query, ctx)}


def created_body(resource, obj, ctx):
    """POST to create: the new object's id, uri and path."""
    path = resource.item_path(obj)
    return {"statusCode": 0, "id": str(obj.pk), "uri": ctx.uri(path), "path": path}


def descriptor(resource, obj, ctx):
    """A succeeded item of a bulk operation."""
    path = resource.item_path(obj)
    return {"id": str(obj.pk), "uri": ctx.uri(path), "path": path}
