"""
The only writers of groups, dispositions and agent-group members.

Every write takes the acting user explicitly, checks it, and first locks the row of the contact
center it changes (``select_for_update``): one writer at a time per contact center, which is what
django-mptt needs to keep its nested-set columns right. Tree changes go through mptt's own APIs
(``save`` with a parent, ``move_to``, ``delete``, ``build_tree_nodes``), never ``update()`` or
raw SQL. No write positions a top-level group relative to another one: mptt would renumber every
later tree (other contact centers' too) to make room, and those are not locked by this writer.
"""
from django.db import IntegrityError, transaction

from gws_project.api.errors import AlreadyExists, InvalidValue, NotFound
from provisioning import access
from provisioning.models import ContactCenter
from provisioning.service_states import require_provisioning_writable

from .choices import Contains
from .models import Disposition, Group, GroupMembership, ordered_id

# The group a POST to /settings/dispositions creates when the contact center has no default group.
DEFAULT_GROUP_NAME = "Dispositions"

# ---------------------------------------------------------------------------------------------
# Who writes, and the lock
# ---------------------------------------------------------------------------------------------


def require_writer(actor, contact_center_id):
    """Admins write their own contact center's groups; a superuser (Django admin) any one's."""
    if actor.is_superuser and actor.contact_center_id is None:
        require_provisioning_writable()
        return
    access.require_writer(actor)
    if actor.contact_center_id != contact_center_id:
        raise NotFound("The group does not exist")


def lock_contact_center(contact_center_id):
    """Serialise the writes of one contact center's groups: its row is the lock."""
    list(ContactCenter.objects.select_for_update().filter(pk=contact_center_id).values_list("pk", flat=True))


def _begin(actor, contact_center_id):
    require_writer(actor, contact_center_id)
    lock_contact_center(contact_center_id)


def _fresh(group):
    """The group re-read under the lock: its mptt columns may have changed since it was loaded."""
    try:
        return Group.objects.get(pk=group.pk)
    except Group.DoesNotExist:
        raise NotFound(f"Group '{group.pk}' does not exist") from None


def _group_of(contact_center_id, group_id):
    try:
        return Group.objects.get(pk=group_id, contact_center_id=contact_center_id)
    except Group.DoesNotExist:
        raise NotFound(f"Group '{group_id}' does not exist") from None


# ---------------------------------------------------------------------------------------------
# Where a group may live
# ---------------------------------------------------------------------------------------------


def is_within(node, group):
    """Whether node is group or one of its descendants (both with current mptt columns)."""
    return node.tree_id == group.tree_id and group.lft <= node.lft <= group.rght


def check_placement(group, parent):
    """The rules of the Grouping API for group under parent (None: top level); raises GWS errors.

    Sub-groups hold what their parent holds; the default group is a top-level group of
    dispositions; a group cannot go under itself or its own sub-groups; names are unique among
    siblings (18).
    """
    if parent is not None:
        if parent.contact_center_id != group.contact_center_id:
            raise NotFound(f"Group '{parent.pk}' does not exist")
        if not group._state.adding and is_within(parent, group):
            raise InvalidValue("A group cannot be moved under itself or one of its sub-groups")
        if parent.contains != group.contains:
            raise InvalidValue(f"Group '{parent.name}' contains {parent.contains}, not {group.contains}")
        if group.default_group:
            raise InvalidValue("The default group is a top-level group")
    if group.default_group and not group.holds_dispositions:
        raise InvalidValue("Only a group of dispositions can be the default group")
    if parent is None:
        siblings = Group.objects.filter(contact_center_id=group.contact_center_id, parent__isnull=True)
    else:
        siblings = Group.objects.filter(parent=parent)
    if siblings.filter(name=group.name).exclude(pk=group.pk).exists():
        where = f"group '{parent.name}'" if parent is not None else "the top level"
        raise AlreadyExists(f"A group named '{group.name}' already exists in {where}")


def _clear_default(contact_center_id, keep=None):
    """Config Server points at one default business attribute: naming a new one replaces it."""
    others = Group.objects.filter(contact_center_id=contact_center_id, default_group=True)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    for other in others:
        other.default_group = False
        other.save(update_fields=["default_group"])


def _saved(group):
    try:
        with transaction.atomic():
            group.save()
    except IntegrityError:  # a name taken since check_placement looked
        raise AlreadyExists(f"A group named '{group.name}' already exists there") from None
    return group


# ---------------------------------------------------------------------------------------------
# Groups
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_group(actor, data, parent=None):
    """A top-level group, or a sub-group of parent (last child); it holds what its parent holds."""
    contact_center_id = parent.contact_center_id if parent is not None else access.contact_center_id(actor)
    _begin(actor, contact_center_id)
    if parent is not None:
        parent = _fresh(parent)
    contains = data.get("contains") or (parent.contains if parent is not None else Contains.DISPOSITIONS)
    group = Group(
        contact_center_id=contact_center_id,
        parent=parent,
        name=data["name"],
        contains=contains,
        default_group=data.get("defaultGroup", False),
    )
    check_placement(group, parent)
    if group.default_group:
        _clear_default(contact_center_id)
    return _saved(group)


@transaction.atomic
def update_group(actor, group, data):
    """PUT /groups/{id}: make it the default group (or not), move it under another (parentId)."""
    _begin(actor, group.contact_center_id)
    group = _fresh(group)
    parent = group.parent
    if "parentId" in data:
        parent = None if data["parentId"] is None else _group_of(group.contact_center_id, data["parentId"])
    moving = (parent.pk if parent is not None else None) != group.parent_id
    if "defaultGroup" in data:
        group.default_group = data["defaultGroup"]
    check_placement(group, parent)
    if group.default_group:
        _clear_default(group.contact_center_id, keep=group)
    if moving:
        # move_to refreshes both nodes' mptt columns, moves the subtree and saves the group.
        group.move_to(parent, "last-child")
    else:
        group.save(update_fields=["default_group"])
    return group


@transaction.atomic
def move_group(actor, group, target, position="last-child"):
    """Move a group (and its subtree) under target ("last-child") or beside it ("left"/"right").

    Beside a top-level group means "at the top level": top-level groups are kept in creation
    order, never renumbered (see the module docstring).
    """
    if position not in ("last-child", "left", "right"):
        raise InvalidValue(f"Unknown position '{position}'")
    _begin(actor, group.contact_center_id)
    group, target = _fresh(group), _fresh(target)
    if target.pk == group.pk:
        raise InvalidValue("A group cannot be moved relative to itself")
    parent = target if position == "last-child" else target.parent
    check_placement(group, parent)
    if parent is None:
        if group.parent_id is not None:
            group.move_to(None)
    else:
        group.move_to(target, position)
    return group


@transaction.atomic
def save_group(actor, group):
    """Save a group edited as a whole (the Django admin form): create it, or apply its changes."""
    _begin(actor, group.contact_center_id)
    parent = _fresh(group.parent) if group.parent_id is not None else None
    if not group._state.adding:
        current = _fresh(group)
        for attribute in ("lft", "rght", "tree_id", "level"):
            setattr(group, attribute, getattr(current, attribute))
    check_placement(group, parent)
    if group.default_group:
        _clear_default(group.contact_center_id, keep=group)
    # With a changed parent, mptt's save moves the subtree to be the new parent's last child.
    return _saved(group)


@transaction.atomic
def delete_group(actor, group):
    """Delete a group with its whole subtree: sub-groups, dispositions, memberships."""
    _begin(actor, group.contact_center_id)
    # mptt's delete closes the gap the subtree leaves; the database cascades the rest.
    _fresh(group).delete()


@transaction.atomic
def import_tree(actor, contact_center_id, data, parent=None):
    """Create a whole tree of groups and dispositions in a few queries, whatever its size.

    data: {"name", "contains"?, "dispositions": [{"name", "displayName"}], "groups": [data...]}.
    mptt numbers the nodes (``build_tree_nodes``) and ``bulk_create`` inserts them: the proper
    bulk path of mptt, with no rebuild. Returns the new top group.
    """
    _begin(actor, contact_center_id)
    if parent is not None:
        parent = _fresh(parent)
    dispositions = []

    def node(entry, parent_id, contains):
        group_id = ordered_id()
        names = [child["name"] for child in entry.get("groups", [])]
        if len(names) != len(set(names)):
            raise AlreadyExists(f"Group '{entry['name']}' has two sub-groups of the same name")
        codes = [code["name"] for code in entry.get("dispositions", [])]
        if len(codes) != len(set(codes)):
            raise AlreadyExists(f"Group '{entry['name']}' has two dispositions of the same name")
        dispositions.extend(
            Disposition(id=ordered_id(), group_id=group_id, name=code["name"], display_name=code["displayName"])
            for code in entry.get("dispositions", [])
        )
        return {
            "id": group_id,
            "parent_id": parent_id,
            "contact_center_id": contact_center_id,
            "name": entry["name"],
            "contains": contains,
            "children": [node(child, group_id, contains) for child in entry.get("groups", [])],
        }

    contains = data.get("contains") or (parent.contains if parent is not None else Contains.DISPOSITIONS)
    tree = node(data, parent.pk if parent is not None else None, contains)
    check_placement(Group(contact_center_id=contact_center_id, name=data["name"], contains=contains), parent)
    groups = Group.objects.build_tree_nodes(tree, target=parent)
    Group.objects.bulk_create(groups, batch_size=1000)
    Disposition.objects.bulk_create(dispositions, batch_size=1000)
    return groups[0]


# ---------------------------------------------------------------------------------------------
# Dispositions
# ---------------------------------------------------------------------------------------------


def require_holding(group, contains):
    """Dispositions live in groups of dispositions, users in agent groups (10 otherwise)."""
    if group.contains != contains:
        raise InvalidValue(f"Group '{group.name}' contains {group.contains}, not {contains}")


@transaction.atomic
def create_disposition(actor, group, data):
    """A disposition in group: its name is what a client sets on a call, unique in the group."""
    _begin(actor, group.contact_center_id)
    group = _fresh(group)
    require_holding(group, Contains.DISPOSITIONS)
    if group.dispositions.filter(name=data["name"]).exists():
        raise AlreadyExists(f"Disposition '{data['name']}' already exists in group '{group.name}'")
    disposition = Disposition(group=group, name=data["name"], display_name=data["displayName"])
    try:
        with transaction.atomic():
            disposition.save(force_insert=True)
    except IntegrityError:
        raise AlreadyExists(f"Disposition '{data['name']}' already exists in group '{group.name}'") from None
    return disposition


@transaction.atomic
def update_disposition(actor, disposition, data):
    """Only displayName changes; name is immutable (the serializer answers 11 for it)."""
    _begin(actor, disposition.group.contact_center_id)
    if "displayName" in data:
        disposition.display_name = data["displayName"]
        disposition.save(update_fields=["display_name"])
    return disposition


@transaction.atomic
def delete_disposition(actor, disposition):
    """Remove a disposition: it is no longer offered to agents (calls keep the name they got)."""
    _begin(actor, disposition.group.contact_center_id)
    disposition.delete()


# ---------------------------------------------------------------------------------------------
# The default group, as the flat settings group "dispositions" sees it
# ---------------------------------------------------------------------------------------------


def default_group(contact_center_id):
    """The contact center's default group of dispositions, or None (a legitimate state)."""
    return Group.objects.filter(contact_center_id=contact_center_id, default_group=True).first()


def _default_group_for_writing(actor):
    """The default group; without one, the top-level group "Dispositions" becomes it (or is made)."""
    contact_center_id = actor.contact_center_id
    group = default_group(contact_center_id)
    if group is not None:
        return group
    group = Group.objects.filter(
        contact_center_id=contact_center_id, parent__isnull=True, name=DEFAULT_GROUP_NAME, contains=Contains.DISPOSITIONS
    ).first()
    if group is None:
        return _saved(Group(contact_center_id=contact_center_id, name=DEFAULT_GROUP_NAME, default_group=True))
    group.default_group = True
    group.save(update_fields=["default_group"])
    return group


def _default_disposition(actor, name):
    group = default_group(actor.contact_center_id)
    disposition = group and group.dispositions.filter(name=name).first()
    if not disposition:
        raise NotFound(f"Disposition '{name}' does not exist")
    return disposition


@transaction.atomic
def create_default_disposition(actor, data):
    """POST /settings/dispositions: a disposition in the default group (made if there is none)."""
    _begin(actor, access.contact_center_id(actor))
    return create_disposition(actor, _default_group_for_writing(actor), data)


@transaction.atomic
def update_default_disposition(actor, data):
    """PUT /settings/dispositions: the displayName of the default group's disposition data["name"]."""
    _begin(actor, access.contact_center_id(actor))
    return update_disposition(actor, _default_disposition(actor, data["name"]), data)


@transaction.atomic
def delete_default_disposition(actor, name):
    """DELETE /settings/dispositions: the default group's disposition of that name."""
    _begin(actor, access.contact_center_id(actor))
    delete_disposition(actor, _default_disposition(actor, name))


# ---------------------------------------------------------------------------------------------
# Agent groups
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def add_member(actor, group, user):
    """Put a user of the group's contact center into an agent group (18 if already there)."""
    _begin(actor, group.contact_center_id)
    require_holding(group, Contains.USERS)
    if user.contact_center_id != group.contact_center_id:
        raise NotFound(f"User '{user.pk}' does not exist")
    if GroupMembership.objects.filter(group=group, user=user).exists():
        raise AlreadyExists(f"User '{user.user_name}' is already in group '{group.name}'")
    try:
        with transaction.atomic():
            return GroupMembership.objects.create(group=group, user=user)
    except IntegrityError:
        raise AlreadyExists(f"User '{user.user_name}' is already in group '{group.name}'") from None


@transaction.atomic
def remove_member(actor, group, user):
    """Take a user out of an agent group (6 if it is not in it)."""
    _begin(actor, group.contact_center_id)
    require_holding(group, Contains.USERS)
    deleted, _ = GroupMembership.objects.filter(group=group, user=user).delete()
    if not deleted:
        raise NotFound(f"User '{user.user_name}' is not in group '{group.name}'")
