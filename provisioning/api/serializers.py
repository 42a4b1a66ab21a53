"""Validation of provisioning request bodies (wire names, strict JSON types)."""
from rest_framework import serializers

from gws_project.api.serializers import GWSSerializer, StrictBooleanField, StrictCharField, StrictIntegerField
from gws_project.api.views import reference_id

from ..choices import Role, TelephonyNetwork


class UserCreateSerializer(GWSSerializer):
    userName = StrictCharField(max_length=255)
    password = StrictCharField(max_length=128, trim_whitespace=False)
    firstName = StrictCharField(max_length=150, required=False, allow_blank=True)
    lastName = StrictCharField(max_length=150, required=False, allow_blank=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.values), allow_empty=False, required=False)
    enabled = StrictBooleanField(required=False)
    changePasswordOnFirstLogin = StrictBooleanField(required=False)
    # Per-user settings groups ({group: {name: value}}), shown under /me?subresources=settings.
    settings = serializers.DictField(child=serializers.DictField(), required=False)


class UserUpdateSerializer(UserCreateSerializer):
    """PUT /users/{id}: any attribute but userName; the password may be reset."""

    read_only_names = ("id", "uri", "path", "userName")


class VoiceEnvironmentSerializer(GWSSerializer):
    name = StrictCharField(max_length=255)


_DEVICE_READ_ONLY = (
    "id",
    "uri",
    "path",
    "e164Number",
    "country",
    "location",
    "localNumber",
    "deviceState",
    "doNotDisturb",
    "forwardTo",
    "capabilities",
    "userState",
    "userUri",
)


class DeviceCreateSerializer(GWSSerializer):
    read_only_names = _DEVICE_READ_ONLY
    phoneNumber = StrictCharField(max_length=64)
    telephonyNetwork = serializers.ChoiceField(choices=TelephonyNetwork.values, required=False)
    model = StrictCharField(max_length=128, required=False, allow_blank=True)
    vendor = StrictCharField(max_length=128, required=False, allow_blank=True)
    voiceEnvironmentUri = StrictCharField(required=False)

    def validate(self, data):
        if "voiceEnvironmentUri" in data:
            data["voiceEnvironmentId"] = reference_id(data.pop("voiceEnvironmentUri"), "voice-environments")
        return data


class DeviceUpdateSerializer(DeviceCreateSerializer):
    """PUT /devices/{id}: the phone number identifies the directory number and stays."""

    read_only_names = (*_DEVICE_READ_ONLY, "phoneNumber")
    phoneNumber = None


class SkillSerializer(GWSSerializer):
    name = StrictCharField(max_length=255)


class SkillLevelSerializer(GWSSerializer):
    """The level of an assigned skill (PUT /users/{id}/skills/{id})."""

    level = StrictIntegerField(min_value=0, max_value=100)


class SkillAssignmentSerializer(GWSSerializer):
    """POST /users/{id}/skills: one skill by id, uri, path or name, or many by uris/paths."""

    read_only_names = ()
    id = StrictCharField(required=False)
    uri = StrictCharField(required=False)
    path = StrictCharField(required=False)
    name = StrictCharField(required=False)
    uris = serializers.ListField(child=StrictCharField(), required=False)
    paths = serializers.ListField(child=StrictCharField(), required=False)
    level = StrictIntegerField(min_value=0, max_value=100, required=False)


class DeviceAssignmentSerializer(DeviceCreateSerializer):
    """POST /users/{id}/devices: create-and-assign (phoneNumber...), or assign by id/uri/path(s)."""

    read_only_names = tuple(name for name in _DEVICE_READ_ONLY if name not in ("id", "uri", "path"))
    phoneNumber = StrictCharField(max_length=64, required=False)
    id = StrictCharField(required=False)
    uri = StrictCharField(required=False)
    path = StrictCharField(required=False)
    uris = serializers.ListField(child=StrictCharField(), required=False)
    paths = serializers.ListField(child=StrictCharField(), required=False)
