"""Validation of Grouping API request bodies (wire names, strict JSON types)."""
from rest_framework import serializers

from gws_project.api.serializers import GWSSerializer, StrictBooleanField, StrictCharField
from gws_project.api.views import reference_id

from ..choices import Contains


class StrictChoiceField(serializers.ChoiceField):
    """A JSON string among the choices: another type is malformed (1), another string invalid (10)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)

    default_error_messages = {"invalid": "Must be a string."}


class GroupCreateSerializer(GWSSerializer):
    """POST /groups and /groups/{id}/groups: a sub-group holds what its parent holds."""

    read_only_names = ("id", "uri", "path", "type", "parentUri")
    name = StrictCharField(max_length=255)
    contains = StrictChoiceField(choices=Contains.values, required=False)
    defaultGroup = StrictBooleanField(required=False)


class GroupUpdateSerializer(GWSSerializer):
    """PUT /groups/{id}: defaultGroup, and parentUri to move the group (null: to the top level)."""

    read_only_names = ("id", "uri", "path", "name", "contains", "type")
    defaultGroup = StrictBooleanField(required=False)
    parentUri = StrictCharField(required=False, allow_null=True)

    def validate(self, data):
        if "parentUri" in data:
            uri = data.pop("parentUri")
            data["parentId"] = None if uri is None else reference_id(uri, "groups")
        return data


class DispositionCreateSerializer(GWSSerializer):
    name = StrictCharField(max_length=255)
    displayName = StrictCharField(max_length=255)


class DispositionUpdateSerializer(GWSSerializer):
    """PUT /groups/{id}/dispositions/{id}: displayName only; name is immutable (11)."""

    read_only_names = ("id", "uri", "path", "name")
    displayName = StrictCharField(max_length=255)


class MembersSerializer(GWSSerializer):
    """POST/DELETE /groups/{id}/users: one user by id, uri or path, or many by uris/paths."""

    read_only_names = ()
    id = StrictCharField(required=False)
    uri = StrictCharField(required=False)
    path = StrictCharField(required=False)
    uris = serializers.ListField(child=StrictCharField(), required=False)
    paths = serializers.ListField(child=StrictCharField(), required=False)
