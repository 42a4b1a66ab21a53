"""Filters of groups and dispositions by exact wire field name ("Filtering")."""
import django_filters

from provisioning.filtersets import StrictBooleanFilter

from .choices import Contains
from .models import Disposition, Group


class GroupFilterSet(django_filters.FilterSet):
    """Groups by name, contains (type is the same value) and defaultGroup."""

    name = django_filters.CharFilter(field_name="name")
    contains = django_filters.ChoiceFilter(field_name="contains", choices=Contains.choices)
    type = django_filters.ChoiceFilter(field_name="contains", choices=Contains.choices)
    defaultGroup = StrictBooleanFilter(field_name="default_group")

    class Meta:
        model = Group
        fields = []


class DispositionFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(field_name="name")
    displayName = django_filters.CharFilter(field_name="display_name")

    class Meta:
        model = Disposition
        fields = []
