"""
Input validation shared by every resource: strict JSON types, unknown and read-only attributes.

DRF fields coerce ("5" becomes 5, 5 becomes "5"); GWS clients must learn that a wrong type is a
malformed request (statusCode 1), so the fields here accept only the JSON type they declare.
"""
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A JSON string, nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false, nothing else."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number, nothing else."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class GWSSerializer(serializers.Serializer):
    """A write serializer that refuses unknown attributes (10) and writes to read-only ones (11).

    ``read_only_names`` are attributes a client may send back unchanged (as when it PUTs an
    object it has just read) but never change; ``current`` maps them to the instance's values.
    """

    read_only_names = ("id", "uri", "path")

    def __init__(self, *args, current=None, **kwargs):
        self.current = current or {}
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [serializers.ErrorDetail("The request body must be a JSON object", code="invalid")]}
            )
        for name, value in data.items():
            if name in self.read_only_names:
                if self.instance is None or self.current.get(name) != value:
                    raise serializers.ValidationError(
                        {name: [serializers.ErrorDetail(f"'{name}' is read-only", code="read_only")]}
                    )
            elif name not in self.fields:
                raise serializers.ValidationError(
                    {name: [serializers.ErrorDetail(f"Unknown attribute '{name}'", code="unknown")]}
                )
        writable = {name: value for name, value in data.items() if name not in self.read_only_names}
        return super().to_internal_value(writable)
