"""
The flat settings group ``dispositions`` ("Disposition codes"): the default group's own
dispositions, keyed by ``name``. It is another view of the same rows the Grouping API shows, so
whatever one creates the other sees. provisioning.settings_groups hands this group over here.
"""
from gws_project.api.errors import InvalidValue, MissingParameter
from provisioning import access

from . import services
from .models import Disposition

KEY = "name"


def read(actor):
    """GET /settings/dispositions: {"key": "name", "settings": [{name, displayName}...]}."""
    rows = Disposition.objects.filter(
        group__contact_center_id=access.contact_center_id(actor), group__default_group=True
    ).values_list("name", "display_name")
    return {"key": KEY, "settings": [{"name": name, "displayName": display_name} for name, display_name in rows]}


def _string(data, name):
    if name not in data:
        raise MissingParameter(f"Missing mandatory parameter '{name}'")
    value = data[name]
    if not isinstance(value, str):
        raise MissingParameter(f"'{name}' must be a string")
    if not value.strip():
        raise InvalidValue(f"'{name}' must not be empty")
    if len(value) > 255:
        raise InvalidValue(f"'{name}' must be at most 255 characters")
    return value


def _parse(actor, data, names):
    """The body's values of names (all mandatory); admins only, nothing else allowed."""
    access.require_writer(actor)
    if not isinstance(data, dict):
        raise MissingParameter("The request body must be a JSON object")
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise InvalidValue(f"Unknown attribute '{unknown[0]}'; a disposition code has: {', '.join(names)}")
    return {name: _string(data, name) for name in names}


def create(actor, data):
    services.create_default_disposition(actor, _parse(actor, data, ("name", "displayName")))


def update(actor, data):
    services.update_default_disposition(actor, _parse(actor, data, ("name", "displayName")))


def delete(actor, data):
    services.delete_default_disposition(actor, _parse(actor, data, ("name",))["name"])
