"""
OpenAPI for GWS views. They are plain APIViews (the GWS conventions shape every answer), so the
schema takes a view's request serializer from its declaration and describes every answer as the
GWS envelope, instead of guessing a serializer per view.
"""
import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

_LIST_PARAMETERS = [
    OpenApiParameter("fields", str, description="'*' or a comma list: objects instead of URIs"),
    OpenApiParameter("subresources", str, description="'*' or a comma list of subresources"),
    OpenApiParameter("resolveUris", str, description="'*' or a comma list of ...Uri properties"),
    OpenApiParameter("offset", int, description="Index of the first object (pagination)"),
    OpenApiParameter("limit", int, description="Number of objects, at most 500 (pagination)"),
    OpenApiParameter("sortBy", str, description="Comma list of properties"),
    OpenApiParameter("order", str, enum=["Ascending", "Descending"]),
]


class GWSAutoSchema(AutoSchema):
    def get_request_serializer(self):
        if self.method == "POST":
            return getattr(self.view, "create_serializer", None) or OpenApiTypes.OBJECT
        if self.method in ("PUT", "DELETE"):
            return OpenApiTypes.OBJECT
        return None

    def get_response_serializers(self):
        return OpenApiTypes.OBJECT

    def get_override_parameters(self):
        path_parameters = [
            OpenApiParameter(name, str, location=OpenApiParameter.PATH) for name in re.findall(r"{(\w+)}", self.path)
        ]
        if self.method == "GET" and getattr(self.view, "resource", None) is not None:
            return path_parameters + _LIST_PARAMETERS
        return path_parameters

    def get_operation_id(self):
        name = re.sub(r"View$", "", self.view.__class__.__name__)
        return f"{name[0].lower()}{name[1:]}_{self.method.lower()}"

    def get_tags(self):
        parts = [part for part in self.path.split("/") if part and not part.startswith("{")]
        return [parts[2] if len(parts) > 2 else parts[-1]]


class BasicAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "gws_project.api.authentication.GWSBasicAuthentication"
    name = "basicAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic"}


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "gws_project.api.authentication.GWSSessionAuthentication"
    name = "sessionCookie"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "JSESSIONID"}
