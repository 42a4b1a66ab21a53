"""
Reading group trees in a fixed number of queries, whatever their size.

A subtree is one range of ``lft`` in one ``tree_id`` (django-mptt's nested sets), so its groups
and their dispositions come back from one LEFT JOIN ordered by (tree_id, lft), and the nesting is
rebuilt in Python from ``parent_id``. Rows stay tuples until they are rendered: building model
instances for ten thousand dispositions would cost more than the query.
"""
from dataclasses import dataclass, field

from django.db.models import FilteredRelation, Q, Subquery

from .choices import Contains
from .models import Group, GroupMembership

_GROUP_COLUMNS = ("id", "name", "contains", "default_group", "parent_id", "level")


@dataclass(slots=True)
class GroupNode:
    """A group as read with its tree: the model's wire attributes, its sub-groups and contents."""

    id: str
    name: str
    contains: str
    default_group: bool
    parent_id: str
    level: int
    groups: list = field(default_factory=list)
    dispositions: list = field(default_factory=list)  # (id, name, display_name) tuples
    users: list = field(default_factory=list)

    @property
    def holds_dispositions(self):
        return self.contains == Contains.DISPOSITIONS

    @property
    def holds_users(self):
        return self.contains == Contains.USERS


def subtree(contact_center_id, group_id, whole):
    """The group with its sub-groups (all levels when whole, else one) and contents, or None.

    One query for a tree of groups of dispositions, whatever its size: the group's own row is
    found by subqueries inside the same statement. Agent groups add one query for their members.
    """
    root = Group.objects.filter(pk=group_id, contact_center_id=contact_center_id)
    groups = Group.objects.filter(
        contact_center_id=contact_center_id,
        tree_id=Subquery(root.values("tree_id")),
        lft__gte=Subquery(root.values("lft")),
        lft__lte=Subquery(root.values("rght")),
    )
    if not whole:
        groups = groups.filter(level__lte=Subquery(root.values("level")) + 1)
    nodes = _assemble(groups, contents_of=None if whole else [group_id])
    return nodes.get(group_id)


def subtrees(roots, whole):
    """{id: GroupNode} for each of roots (a page of groups) with its sub-groups and contents."""
    if not roots:
        return {}
    ranges = Q()
    for root in roots:
        one = Q(tree_id=root.tree_id, lft__gte=root.lft, lft__lte=root.rght)
        if not whole:
            one &= Q(level__lte=root.level + 1)
        ranges |= one
    ids = [root.pk for root in roots]
    nodes = _assemble(Group.objects.filter(ranges), contents_of=None if whole else ids)
    return {pk: nodes[pk] for pk in ids if pk in nodes}


def _assemble(groups, contents_of):
    """Read groups joined to their dispositions (only those of contents_of, unless None)."""
    condition = Q() if contents_of is None else Q(dispositions__group_id__in=contents_of)
    rows = (
        groups.annotate(contents=FilteredRelation("dispositions", condition=condition))
        .order_by("tree_id", "lft", "contents__id")
        .values_list(*_GROUP_COLUMNS, "contents__id", "contents__name", "contents__display_name")
    )
    nodes = {}
    for group_id, name, contains, default_group, parent_id, level, code_id, code_name, display_name in rows:
        node = nodes.get(group_id)
        if node is None:
            node = nodes[group_id] = GroupNode(group_id, name, contains, default_group, parent_id, level)
            parent = nodes.get(parent_id)
            if parent is not None:
                parent.groups.append(node)
        if code_id is not None:
            node.dispositions.append((code_id, code_name, display_name))
    agent_groups = [
        node.id for node in nodes.values() if node.holds_users and (contents_of is None or node.id in contents_of)
    ]
    if agent_groups:
        memberships = GroupMembership.objects.filter(group_id__in=agent_groups).select_related("user")
        for membership in memberships.order_by("user__user_name"):
            nodes[membership.group_id].users.append(membership.user)
    return nodes
