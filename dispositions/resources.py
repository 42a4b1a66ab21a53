"""How groups and dispositions look on the wire ("Hierarchical Dispositions API")."""
from gws_project.api.resources import Resource, Subresource
from provisioning.resources import USERS

from . import filtersets
from .choices import Contains


def _sub_groups(group, ctx):
    return [GROUPS.represent(child, ctx) for child in group.get_children()]


def _dispositions(group, ctx):
    return [DISPOSITIONS.represent(code, ctx) for code in group.dispositions.all()]


def _members(group, ctx):
    return [USERS.represent(membership.user, ctx) for membership in group.memberships.select_related("user")]


class GroupResource(Resource):
    """A group of the Grouping API; ``type`` is what it contains, as the document says."""

    plural, singular, collection_path = "groups", "group", "groups"
    field_names = ("id", "uri", "name", "contains", "type", "defaultGroup", "parentUri")
    # One group at a time; the API's views read whole pages of trees at once with render_group.
    subresources = {
        "groups": Subresource(_sub_groups),
        "dispositions": Subresource(_dispositions),
        "users": Subresource(_members),
    }
    filterset_class = filtersets.GroupFilterSet
    sorts = {"name": "name", "contains": "contains", "type": "contains", "defaultGroup": "default_group"}
    identity_fields = ("name",)

    def represent(self, group, ctx):
        """Works for Group and trees.GroupNode alike."""
        data = {
            "id": group.id,
            "uri": ctx.uri(f"/groups/{group.id}"),
            "name": group.name,
            "contains": group.contains,
            "type": group.contains,
        }
        if group.contains == Contains.DISPOSITIONS:
            data["defaultGroup"] = group.default_group
        if group.parent_id:
            data["parentUri"] = ctx.uri(f"/groups/{group.parent_id}")
        return data


class DispositionResource(Resource):
    """A disposition: its id and uri address it; name and displayName are the document's pair."""

    plural, singular, collection_path = "dispositions", "disposition", "dispositions"
    field_names = ("id", "uri", "name", "displayName")
    filterset_class = filtersets.DispositionFilterSet
    sorts = {"name": "name", "displayName": "display_name"}
    identity_fields = ("name",)

    def item_path(self, disposition):
        return f"/groups/{disposition.group_id}/dispositions/{disposition.id}"

    def represent(self, disposition, ctx):
        return self.wire(ctx, disposition.group_id, disposition.id, disposition.name, disposition.display_name)

    @staticmethod
    def wire(ctx, group_id, disposition_id, name, display_name):
        """The representation from plain values: trees render ten thousand of them per request."""
        return {
            "id": disposition_id,
            "uri": ctx.uri(f"/groups/{group_id}/dispositions/{disposition_id}"),
            "name": name,
            "displayName": display_name,
        }


GROUPS = GroupResource()
DISPOSITIONS = DispositionResource()


def _select(full, query):
    if query.fields is None or query.fields == "*":
        return full
    return {name: full[name] for name in query.fields if name in full}


def render_group(node, query, ctx, whole):
    """A group read with its tree (trees.GroupNode), with the subresources the query names.

    ``subresources=*`` (or names) gives the group's own sub-groups and contents, its sub-groups
    plain; ``subresources=**`` gives every level the same way, down to the leaves. A group shows
    only the contents it can hold: dispositions, or users for an agent group.
    """
    data = _select(GROUPS.represent(node, ctx), query)
    for name in query.subresources:
        if name == "groups":
            if whole:
                data["groups"] = [render_group(child, query, ctx, whole) for child in node.groups]
            else:
                data["groups"] = [_select(GROUPS.represent(child, ctx), query) for child in node.groups]
        elif name == "dispositions" and node.holds_dispositions:
            wire, group_id = DISPOSITIONS.wire, node.id
            data["dispositions"] = [wire(ctx, group_id, *row) for row in node.dispositions]
        elif name == "users" and node.holds_users:
            data["users"] = [USERS.represent(user, ctx) for user in node.users]
    return data
