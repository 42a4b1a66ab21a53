"""
Features ("Features"): the system's catalogue, which a contact center has, and the guard that
makes an unassigned feature's resources answer 404 and its operations fail as invalid.
"""
from gws_project.api.errors import InvalidValue, NotFound

from .models import ContactCenterFeature

# (id, displayName, description, assigned by default)
CATALOGUE = [
    ("api-provisioning-read", "Provisioning read", "General provisioning read", True),
    ("api-provisioning-write", "Provisioning write", "General provisioning write", True),
    ("api-voice", "Voice", "API for the voice channel", True),
    ("ui-supervisor-provisioning-routing", "Supervisor routing", "Supervisor UI to provision routing", True),
    ("ui-supervisor-provisioning-skill", "Supervisor skills", "UI to provision skills", True),
    ("ui-supervisor-provisioning-user", "Supervisor agents", "Supervisor UI to display 'Agents' tab", True),
    ("ui-supervisor-edit-user", "Supervisor user editing", "Supervisor UI to allow editing of users", True),
    ("api-supervisor-monitoring", "Supervisor monitoring", "Supervisor ListenIn, Coach and BargeIn", False),
    ("api-mobile-push-notifications", "Mobile push notifications", "Voice notifications pushed to mobile devices", False),
]
FEATURES = {
    feature_id: {"id": feature_id, "displayName": display_name, "description": description}
    for feature_id, display_name, description, _ in CATALOGUE
}
DEFAULT_IDS = {feature_id for feature_id, _, _, default in CATALOGUE if default}


def assigned_ids(contact_center_id):
    """The ids of the features a contact center has: the defaults plus those assigned to it."""
    extra = ContactCenterFeature.objects.filter(contact_center_id=contact_center_id).values_list("feature_id", flat=True)
    return DEFAULT_IDS | set(extra)


def assigned(contact_center_id):
    ids = assigned_ids(contact_center_id)
    return [FEATURES[feature_id] for feature_id, *_ in CATALOGUE if feature_id in ids]


def has(contact_center_id, feature_id):
    return feature_id in DEFAULT_IDS or ContactCenterFeature.objects.filter(
        contact_center_id=contact_center_id, feature_id=feature_id
    ).exists()


def require_resource(contact_center_id, feature_id):
    """Resources of an unassigned feature do not exist for the contact center (404, 6)."""
    if not has(contact_center_id, feature_id):
        raise NotFound(f"This contact center does not have the feature '{feature_id}'")


def require_operation(contact_center_id, feature_id, operation_name):
    """Operations of an unassigned feature are invalid operations (10)."""
    if not has(contact_center_id, feature_id):
        raise InvalidValue(f"Invalid operation '{operation_name}': feature '{feature_id}' is not assigned")
