"""
The Grouping API: /groups, their sub-groups, dispositions and agent-group members. Views parse,
check access, call a service with the actor, and answer.

Every user of a contact center reads its groups (an agent desktop shows the dispositions); only
its admins write them (5); a group of another contact center does not exist (6).
"""
from rest_framework.response import Response

from gws_project.api.errors import MissingParameter, NotFound
from gws_project.api.resources import descriptor, item_body, list_body, parse_query, read_collection
from gws_project.api.views import OK, GWSView, reference_id, references, run_bulk, single_reference_id
from provisioning import access
from provisioning.api.views import CollectionView, ItemView, validated
from provisioning.resources import USERS

from .. import services, trees
from ..choices import Contains
from ..models import Disposition, Group
from ..resources import DISPOSITIONS, GROUPS, render_group
from . import serializers


def groups(actor):
    """Every group of the actor's contact center."""
    return Group.objects.filter(contact_center_id=access.contact_center_id(actor))


def top_level_groups(actor):
    return groups(actor).filter(parent__isnull=True)


def tree_query(request, plural):
    """The GWS parameters of a GET on groups; ``subresources=**`` asks for the whole subtree."""
    params = request.query_params
    whole = params.get("subresources", "").strip() == "**"
    if whole:
        params = params.copy()
        params["subresources"] = "*"
    return parse_query(params, GROUPS, plural=plural), whole


class GroupListMixin:
    """A list of groups: URIs by default; objects, with their trees when subresources ask."""

    def groups_response(self, queryset):
        query, whole = tree_query(self.request, plural=True)
        page = read_collection(GROUPS, queryset, query)
        ctx = self.context()
        if not query.subresources:
            return Response(list_body(GROUPS, page, query, ctx))
        nodes = trees.subtrees(page.objects, whole)
        body = {
            "statusCode": 7 if page.partial else 0,
            "groups": [render_group(nodes[group.pk], query, ctx, whole) for group in page.objects],
        }
        if page.total is not None:
            body["totalCount"] = page.total
        return Response(body)


class GroupsView(GroupListMixin, CollectionView):
    """/groups: the top-level groups; POST creates one (or many: {"groups": [...]})."""

    resource = GROUPS
    create_serializer = serializers.GroupCreateSerializer
    read_check = staticmethod(access.contact_center_id)
    scope = staticmethod(top_level_groups)
    create_service = staticmethod(services.create_group)
    delete_service = staticmethod(services.delete_group)

    def get(self, request):
        access.contact_center_id(request.user)
        return self.groups_response(self.scoped())


class GroupView(ItemView):
    """/groups/{id}: read it (with subresources=* or **), change it (PUT), delete its subtree."""

    resource = GROUPS
    update_serializer = serializers.GroupUpdateSerializer
    what = "Group"
    scope = staticmethod(groups)
    update_service = staticmethod(services.update_group)
    delete_service = staticmethod(services.delete_group)

    def get(self, request, pk):
        query, whole = tree_query(request, plural=False)
        if query.fields is None:
            query.fields = "*"
        if not query.subresources:
            return Response(item_body(GROUPS, self.readable(pk), query, self.context()))
        node = trees.subtree(access.contact_center_id(request.user), pk, whole)
        if node is None:
            raise NotFound(f"Group '{pk}' does not exist")
        return Response({"statusCode": 0, "group": render_group(node, query, self.context(), whole)})


class GroupGroupsView(GroupListMixin, GWSView):
    """/groups/{id}/groups: the sub-groups; POST creates one as the last child."""

    resource = GROUPS

    def get(self, request, pk):
        group = access.get_or_404(groups(request.user), pk, "Group")
        return self.groups_response(groups(request.user).filter(parent=group))

    def post(self, request, pk):
        access.require_admin(request.user)
        parent = access.get_or_404(groups(request.user), pk, "Group")
        data = validated(serializers.GroupCreateSerializer, self.body())
        return self.created_response(services.create_group(request.user, data, parent=parent))


# ---------------------------------------------------------------------------------------------
# Dispositions
# ---------------------------------------------------------------------------------------------


def disposition_group(actor, pk):
    """A group of dispositions of the actor's contact center (6 if none, 10 if an agent group)."""
    group = access.get_or_404(groups(actor), pk, "Group")
    services.require_holding(group, Contains.DISPOSITIONS)
    return group


class GroupDispositionsView(GWSView):
    """/groups/{id}/dispositions: the group's own dispositions, as objects (the document's example)."""

    resource = DISPOSITIONS

    def get(self, request, pk):
        group = disposition_group(request.user, pk)
        query = parse_query(request.query_params, DISPOSITIONS)
        if query.fields is None:
            query.fields = "*"
        page = read_collection(DISPOSITIONS, Disposition.objects.filter(group=group), query)
        return Response(list_body(DISPOSITIONS, page, query, self.context()))

    def post(self, request, pk):
        access.require_admin(request.user)
        group = disposition_group(request.user, pk)
        data = validated(serializers.DispositionCreateSerializer, self.body())
        return self.created_response(services.create_disposition(request.user, group, data))


class GroupDispositionView(GWSView):
    """/groups/{id}/dispositions/{id}: read, change displayName, delete."""

    resource = DISPOSITIONS

    def disposition(self, pk, disposition_id):
        group = disposition_group(self.request.user, pk)
        found = access.get_or_404(Disposition.objects.filter(group=group), disposition_id, "Disposition")
        found.group = group
        return found

    def get(self, request, pk, disposition_id):
        return self.item_response(self.disposition(pk, disposition_id))

    def put(self, request, pk, disposition_id):
        access.require_admin(request.user)
        disposition = self.disposition(pk, disposition_id)
        current = DISPOSITIONS.represent(disposition, self.context())
        current["path"] = DISPOSITIONS.item_path(disposition)
        data = validated(serializers.DispositionUpdateSerializer, self.body(), instance=disposition, current=current)
        services.update_disposition(request.user, disposition, data)
        return Response(OK)

    def delete(self, request, pk, disposition_id):
        access.require_admin(request.user)
        services.delete_disposition(request.user, self.disposition(pk, disposition_id))
        return Response(OK)


# ---------------------------------------------------------------------------------------------
# Agent groups
# ---------------------------------------------------------------------------------------------


class GroupUsersView(GWSView):
    """/groups/{id}/users: the members, paginated and sortable as /users; add or remove users."""

    resource = USERS

    def agent_group(self, pk):
        group = access.get_or_404(groups(self.request.user), pk, "Group")
        services.require_holding(group, Contains.USERS)
        return group

    def get(self, request, pk):
        access.require_reader(request.user)
        group = self.agent_group(pk)
        return self.list_response(access.users(request.user).filter(group_memberships__group=group))

    def _members(self, service):
        """Run service(actor, group, user) for the users the body names, one or many."""
        actor = self.request.user
        access.require_admin(actor)
        group = self.agent_group(self.kwargs["pk"])
        body = self.body()
        validated(serializers.MembersSerializer, body)
        ctx = self.context()

        def apply(reference):
            user = access.get_or_404(access.users(actor), reference_id(reference, "users"), "User")
            service(actor, group, user)
            return descriptor(USERS, user, ctx)

        if "uris" in body or "paths" in body:
            return run_bulk(references(body), apply)
        user_id = single_reference_id(body, "users")
        if user_id is None:
            raise MissingParameter("Name the user by 'id', 'uri' or 'path', or many by 'uris'/'paths'")
        service(actor, group, access.get_or_404(access.users(actor), user_id, "User"))
        return Response(OK)

    def post(self, request, pk):
        return self._members(services.add_member)

    def delete(self, request, pk):
        return self._members(services.remove_member)
