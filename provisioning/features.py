"""
Features ("Features"): the system's catalogue, which a contact center has, and the guard that
makes an unassigned feature's resources answer 404 and its operations fail as invalid.
"""
from django.db import transaction

from gws_project.api.errors import AlreadyExists, Forbidden, InvalidValue, NoPermission, NotFound

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
    """The descriptions of a contact center's features, in catalogue order."""
    ids = assigned_ids(contact_center_id)
    return [FEATURES[feature_id] for feature_id, *_ in CATALOGUE if feature_id in ids]


def has(contact_center_id, feature_id):
    """Whether a contact center has a feature (default features: always)."""
    return feature_id in DEFAULT_IDS or ContactCenterFeature.objects.filter(
        contact_center_id=contact_center_id, feature_id=feature_id
    ).exists()


def require(contact_center_id, feature_id, operation=None):
    """The guard of every resource and operation that belongs to a feature.

    "When a feature is disabled, the API behaves as if this set of functionality does not exist":
    without ``operation`` the resource is not found (6, HTTP 404); with it, the operation is an
    invalid operation (10). Call it before anything else, e.g.
    ``features.require(cc_id, "api-supervisor-monitoring", operation="ListenIn")``.
    """
    if feature_id not in FEATURES:
        raise ValueError(f"Unknown feature '{feature_id}'")  # a programming error, not a client's
    if has(contact_center_id, feature_id):
        return
    if operation is None:
        raise NotFound(f"This contact center does not have the feature '{feature_id}'")
    raise InvalidValue(f"Invalid operation '{operation}': feature '{feature_id}' is not assigned to this contact center")


def feature(feature_id):
    """One feature of the catalogue; 6 when the system has no such feature."""
    if feature_id not in FEATURES:
        raise NotFound(f"Feature '{feature_id}' does not exist")
    return FEATURES[feature_id]


def assigned_feature(contact_center_id, feature_id):
    """One feature of a contact center; 6 when it does not exist or is not assigned."""
    found = feature(feature_id)
    require(contact_center_id, feature_id)
    return found


@transaction.atomic
def assign(contact_center_id, feature_id):
    """Give a contact center a non-default feature (the cloud admin's tools: Django admin, shell)."""
    feature(feature_id)
    if has(contact_center_id, feature_id):
        raise AlreadyExists(f"The contact center already has the feature '{feature_id}'")
    ContactCenterFeature.objects.create(contact_center_id=contact_center_id, feature_id=feature_id)


@transaction.atomic
def unassign(actor, contact_center_id, feature_id):
    """DELETE /features/{id}: only a cloud admin removes a feature, and never a default one."""
    feature(feature_id)
    if not actor.is_superuser:
        raise NoPermission("Only a cloud admin may remove a feature")
    if feature_id in DEFAULT_IDS:
        raise Forbidden(f"'{feature_id}' is a default feature: it cannot be unassigned")
    deleted, _ = ContactCenterFeature.objects.filter(contact_center_id=contact_center_id, feature_id=feature_id).delete()
    if not deleted:
        raise NotFound(f"This contact center does not have the feature '{feature_id}'")
