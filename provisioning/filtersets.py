"""Filters by exact wire field name ("Filtering"), including the users' subresource fields."""
import django_filters

from .choices import DeviceState, OnOff, Role, TelephonyNetwork
from .models import Device, Skill, User, VoiceEnvironment
from .phone_numbers import digits_only


def _dotted(filterset_class, name, filter_):
    """Declare a filter whose wire name has a dot ("skills.name"), which a class body cannot."""
    filterset_class.base_filters[name] = filter_


class _StrictBooleanField(django_filters.fields.forms.NullBooleanField):
    """"true" or "false" only: django-filter reads any other text as "no filter", which would
    silently list everyone for enabled=maybe."""

    widget = django_filters.fields.forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).lower()
        if text not in ("true", "false"):
            raise django_filters.fields.forms.ValidationError("must be true or false")
        return text == "true"

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField


class UserFilterSet(django_filters.FilterSet):
    """Users by firstName, lastName, userName, enabled, roles, and their devices and skills."""

    userName = django_filters.CharFilter(field_name="user_name")
    firstName = django_filters.CharFilter(field_name="first_name")
    lastName = django_filters.CharFilter(field_name="last_name")
    enabled = StrictBooleanFilter(field_name="is_active")
    roles = django_filters.ChoiceFilter(choices=Role.choices, method="filter_roles")

    class Meta:
        model = User
        fields = []

    def filter_roles(self, queryset, name, value):
        # roles_text is the sorted, comma-joined role list: match one whole item of it.
        return queryset.filter(roles_text__regex=rf"(^|,){value}(,|$)")


class _DigitsFilter(django_filters.CharFilter):
    """devices.phoneNumber: the server searches numbers as digits only, so the value must be digits."""

    def filter(self, qs, value):
        return qs if value in (None, "") else qs.filter(devices__digits=value).distinct()


class _DigitsField(django_filters.fields.forms.CharField):
    def validate(self, value):
        super().validate(value)
        if value and not value.isdigit():
            raise django_filters.fields.forms.ValidationError("must contain digits only")


_DigitsFilter.field_class = _DigitsField
_dotted(UserFilterSet, "devices.phoneNumber", _DigitsFilter())
_dotted(UserFilterSet, "skills.name", django_filters.CharFilter(field_name="user_skills__skill__name", distinct=True))
_dotted(UserFilterSet, "skills.level", django_filters.NumberFilter(field_name="user_skills__level", distinct=True))


class _VoiceStatisticFilter(django_filters.CharFilter):
    """statistics.channels.voice.<field>: one of comma-separated values (voice/statistics.py)."""

    def __init__(self, field):
        super().__init__()
        self.voice_field = field

    def filter(self, qs, value):
        from voice.statistics import filter_users  # voice builds on provisioning, not the reverse

        return qs if value in (None, "") else filter_users(qs, self.voice_field, value)


for _field in ("state", "displayName", "activity", "workMode"):
    _dotted(UserFilterSet, f"statistics.channels.voice.{_field}", _VoiceStatisticFilter(_field))


class DeviceFilterSet(django_filters.FilterSet):
    """Devices by their wire fields."""

    phoneNumber = django_filters.CharFilter(field_name="phone_number")
    e164Number = django_filters.CharFilter(field_name="e164_number")
    telephonyNetwork = django_filters.ChoiceFilter(field_name="telephony_network", choices=TelephonyNetwork.choices)
    deviceState = django_filters.ChoiceFilter(field_name="device_state", choices=DeviceState.choices)
    doNotDisturb = django_filters.ChoiceFilter(field_name="do_not_disturb", choices=OnOff.choices)
    model = django_filters.CharFilter()
    vendor = django_filters.CharFilter()
    location = django_filters.CharFilter()

    class Meta:
        model = Device
        fields = []


class SkillFilterSet(django_filters.FilterSet):
    """Skills by name."""

    name = django_filters.CharFilter()

    class Meta:
        model = Skill
        fields = []


class VoiceEnvironmentFilterSet(django_filters.FilterSet):
    """Voice environments by name."""

    name = django_filters.CharFilter()

    class Meta:
        model = VoiceEnvironment
        fields = []
