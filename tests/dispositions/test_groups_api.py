"""/groups and /groups/{id}: the Hierarchical Dispositions API's group requests and their failures."""
import pytest

from dispositions.models import Disposition, Group
from tests.conftest import GWSClient, assert_error
from tests.dispositions.conftest import API, assert_trees_sound, group_url, uri

# ---------------------------------------------------------------------------------------------
# Creating groups
# ---------------------------------------------------------------------------------------------


def test_create_top_level_group_answers_id_uri_path(admin_client):
    response = admin_client.post(f"{API}/groups", {"name": "MyGroup", "contains": "dispositions"})

    body = response.json()
    assert response.status_code == 200, body
    group = Group.objects.get(name="MyGroup")
    assert body == {
        "statusCode": 0,
        "id": group.pk,
        "uri": uri(f"/groups/{group.pk}"),
        "path": f"/groups/{group.pk}",
    }
    assert group.parent is None and group.contains == "dispositions" and not group.default_group


def test_create_sub_group_under_a_group(admin_client, tree):
    response = admin_client.post(group_url(tree["support"], "/groups"), {"name": "MySubGroup", "contains": "dispositions"})

    body = response.json()
    assert body["statusCode"] == 0, body
    sub = Group.objects.get(pk=body["id"])
    assert sub.parent_id == tree["support"].pk and sub.level == 2
    assert body["path"] == f"/groups/{sub.pk}"
    assert_trees_sound()


def test_sub_group_holds_what_its_parent_holds(admin_client, tree, team):
    body = admin_client.post(group_url(team, "/groups"), {"name": "Night shift"}).json()

    assert Group.objects.get(pk=body["id"]).contains == "users"
    mismatch = admin_client.post(group_url(tree["root"], "/groups"), {"name": "Agents", "contains": "users"})
    assert_error(mismatch, 400, 10)


def test_create_default_group_replaces_the_previous_default(admin_client, tree):
    body = admin_client.post(f"{API}/groups", {"name": "Outbound", "contains": "dispositions", "defaultGroup": True}).json()

    assert Group.objects.get(default_group=True).pk == body["id"]
    tree["root"].refresh_from_db()
    assert not tree["root"].default_group


def test_create_group_failures(admin_client, tree, team):
    groups = f"{API}/groups"
    assert_error(admin_client.post(groups, {"name": "Dispositions", "contains": "dispositions"}), 409, 18)
    assert_error(admin_client.post(group_url(tree["root"], "/groups"), {"name": "Sales"}), 409, 18)
    assert_error(admin_client.post(groups, {"contains": "dispositions"}), 400, 1)
    assert_error(admin_client.post(groups, {"name": 5}), 400, 1)
    assert_error(admin_client.post(groups, "not json"), 400, 1)
    assert_error(admin_client.post(groups, ["name"]), 400, 1)
    assert_error(admin_client.post(groups, {"name": ""}), 400, 10)
    assert_error(admin_client.post(groups, {"name": "X", "contains": "calls"}), 400, 10)
    assert_error(admin_client.post(groups, {"name": "X", "colour": "red"}), 400, 10)
    assert_error(admin_client.post(groups, {"name": "X", "id": "abc"}), 400, 11)
    assert_error(admin_client.post(groups, {"name": "X", "contains": "users", "defaultGroup": True}), 400, 10)
    assert_error(admin_client.post(group_url(tree["root"], "/groups"), {"name": "X", "defaultGroup": True}), 400, 10)
    assert_error(admin_client.post(group_url("0" * 32, "/groups"), {"name": "X"}), 404, 6)
    # The same name is fine in another place of the tree.
    assert admin_client.post(group_url(tree["support"], "/groups"), {"name": "Sales"}).json()["statusCode"] == 0


def test_bulk_create_of_top_level_groups(admin_client):
    response = admin_client.post(f"{API}/groups", {"groups": [{"name": "A"}, {"name": "B"}, {"name": "A"}]})

    body = response.json()
    assert body["statusCode"] == 7
    assert [entry["path"] for entry in body["succeeded"]] == [
        f"/groups/{Group.objects.get(name=name).pk}" for name in ("A", "B")
    ]
    assert body["failed"] == [{"name": "A", "statusCode": 18, "statusMessage": body["failed"][0]["statusMessage"]}]


# ---------------------------------------------------------------------------------------------
# Reading groups
# ---------------------------------------------------------------------------------------------


def test_list_gives_uris_and_paths_of_top_level_groups(admin_client, tree, team):
    body = admin_client.get(f"{API}/groups").json()

    paths = [f"/groups/{tree['root'].pk}", f"/groups/{team.pk}"]
    assert body == {"statusCode": 0, "uris": [uri(path) for path in paths], "paths": paths}


def test_list_with_fields_gives_objects(agent_client, tree, team):
    body = agent_client.get(f"{API}/groups?fields=*").json()

    assert body["groups"] == [
        {
            "id": tree["root"].pk,
            "uri": uri(f"/groups/{tree['root'].pk}"),
            "name": "Dispositions",
            "contains": "dispositions",
            "type": "dispositions",
            "defaultGroup": True,
        },
        {"id": team.pk, "uri": uri(f"/groups/{team.pk}"), "name": "Team A", "contains": "users", "type": "users"},
    ]


def test_list_filters_sorts_and_paginates(admin_client, tree, team):
    names = lambda response: [group["name"] for group in response.json()["groups"]]  # noqa: E731

    assert names(admin_client.get(f"{API}/groups?fields=name&contains=users")) == ["Team A"]
    assert names(admin_client.get(f"{API}/groups?fields=name&defaultGroup=true")) == ["Dispositions"]
    assert names(admin_client.get(f"{API}/groups?fields=name&sortBy=name&order=Descending")) == ["Team A", "Dispositions"]
    page = admin_client.get(f"{API}/groups?fields=name&limit=1&offset=1").json()
    assert page["totalCount"] == 2 and len(page["groups"]) == 1
    assert_error(admin_client.get(f"{API}/groups?contains=calls"), 400, 10)
    assert_error(admin_client.get(f"{API}/groups?sortBy=colour"), 400, 10)
    assert_error(admin_client.get(f"{API}/groups?fields=colour"), 400, 10)


def test_list_with_whole_trees(admin_client, tree):
    body = admin_client.get(f"{API}/groups?subresources=**&fields=name").json()

    [root] = [group for group in body["groups"] if group["name"] == "Dispositions"]
    sales = root["groups"][0]
    assert [group["name"] for group in root["groups"]] == ["Sales", "Support"]
    assert [code["name"] for code in sales["dispositions"]] == ["Disp4", "Disp5", "Disp6"]
    assert sales["groups"][0]["dispositions"] == [{"name": "Upgraded", "displayName": "Upgraded", **_ids(tree["upsell"])}]


def _ids(group):
    code = Disposition.objects.get(group=group)
    path = f"/groups/{group.pk}/dispositions/{code.pk}"
    return {"id": code.pk, "uri": uri(path)}


def test_get_group(agent_client, tree):
    body = agent_client.get(group_url(tree["sales"])).json()

    assert body == {
        "statusCode": 0,
        "group": {
            "id": tree["sales"].pk,
            "uri": uri(f"/groups/{tree['sales'].pk}"),
            "name": "Sales",
            "contains": "dispositions",
            "type": "dispositions",
            "defaultGroup": False,
            "parentUri": uri(f"/groups/{tree['root'].pk}"),
        },
    }


def test_one_level_of_subresources(agent_client, tree):
    """GET /groups/{id}?subresources=*: sub-groups without their contents, the group's dispositions."""
    group = agent_client.get(group_url(tree["root"], "?subresources=*")).json()["group"]

    assert [sub["name"] for sub in group["groups"]] == ["Sales", "Support"]
    assert all("groups" not in sub and "dispositions" not in sub for sub in group["groups"])
    assert {sub["parentUri"] for sub in group["groups"]} == {uri(f"/groups/{tree['root'].pk}")}
    assert [(code["name"], code["displayName"]) for code in group["dispositions"]] == [
        ("Disp1", "Dispo One"),
        ("Disp2", "Dispo Two"),
        ("Disp3", "Dispo Three"),
    ]


def test_named_subresources(agent_client, tree):
    only_codes = agent_client.get(group_url(tree["sales"], "?subresources=dispositions")).json()["group"]
    only_groups = agent_client.get(group_url(tree["sales"], "?subresources=groups")).json()["group"]

    assert "groups" not in only_codes and len(only_codes["dispositions"]) == 3
    assert "dispositions" not in only_groups and [sub["name"] for sub in only_groups["groups"]] == ["Upsell"]


def test_whole_subtree(agent_client, tree):
    """GET /groups/{id}?subresources=**: every level has its groups and dispositions."""
    group = agent_client.get(group_url(tree["root"], "?subresources=**")).json()["group"]

    sales, support = group["groups"]
    upsell = sales["groups"][0]
    assert [code["name"] for code in group["dispositions"]] == ["Disp1", "Disp2", "Disp3"]
    assert [code["displayName"] for code in sales["dispositions"]] == ["Dispo 4", "Dispo 5", "Dispo 6"]
    assert upsell["name"] == "Upsell" and upsell["parentUri"] == sales["uri"]
    assert upsell["groups"] == [] and [code["name"] for code in upsell["dispositions"]] == ["Upgraded"]
    assert support["groups"] == [] and support["dispositions"] == []


def test_whole_subtree_of_a_sub_group_stops_at_its_own_range(agent_client, tree):
    group = agent_client.get(group_url(tree["sales"], "?subresources=**")).json()["group"]

    assert group["name"] == "Sales" and [sub["name"] for sub in group["groups"]] == ["Upsell"]


def test_get_failures(admin_client, foreign_client, tree):
    assert_error(admin_client.get(group_url("0" * 32)), 404, 6)
    assert_error(admin_client.get(group_url("0" * 32, "?subresources=**")), 404, 6)
    assert_error(foreign_client.get(group_url(tree["root"])), 404, 6)
    assert_error(foreign_client.get(group_url(tree["root"], "?subresources=**")), 404, 6)
    assert_error(admin_client.get(group_url(tree["root"], "?subresources=calls")), 400, 10)
    assert_error(admin_client.get(group_url(tree["root"], "?subresources=***")), 400, 10)
    assert_error(GWSClient().get(group_url(tree["root"])), 401, 20)
    assert_error(GWSClient().get(f"{API}/groups"), 401, 20)


def test_sub_groups_list(agent_client, tree):
    body = agent_client.get(group_url(tree["root"], "/groups")).json()

    assert body["paths"] == [f"/groups/{tree['sales'].pk}", f"/groups/{tree['support'].pk}"]
    objects = agent_client.get(group_url(tree["root"], "/groups?subresources=*")).json()["groups"]
    assert [sub["name"] for sub in objects[0]["groups"]] == ["Upsell"]
    assert [code["name"] for code in objects[0]["dispositions"]] == ["Disp4", "Disp5", "Disp6"]
    assert_error(agent_client.get(group_url("0" * 32, "/groups")), 404, 6)


# ---------------------------------------------------------------------------------------------
# Changing and moving groups
# ---------------------------------------------------------------------------------------------


def test_put_back_what_was_read_changes_nothing(admin_client, tree):
    group = admin_client.get(group_url(tree["sales"])).json()["group"]

    assert admin_client.put(group_url(tree["sales"]), group).json() == {"statusCode": 0}
    tree["sales"].refresh_from_db()
    assert tree["sales"].parent_id == tree["root"].pk and tree["sales"].name == "Sales"


def test_move_sub_tree_under_another_group(admin_client, tree):
    response = admin_client.put(group_url(tree["sales"]), {"parentUri": uri(f"/groups/{tree['support'].pk}")})

    assert response.json() == {"statusCode": 0}
    support = admin_client.get(group_url(tree["support"], "?subresources=**")).json()["group"]
    sales = support["groups"][0]
    assert sales["name"] == "Sales" and sales["parentUri"] == uri(f"/groups/{tree['support'].pk}")
    assert [code["name"] for code in sales["dispositions"]] == ["Disp4", "Disp5", "Disp6"]
    assert sales["groups"][0]["name"] == "Upsell"
    assert Group.objects.get(pk=tree["upsell"].pk).level == 3
    assert_trees_sound()


def test_move_to_top_level_and_back(admin_client, tree):
    assert admin_client.put(group_url(tree["sales"]), {"parentUri": None}).json()["statusCode"] == 0
    assert tree["sales"].pk in admin_client.get(f"{API}/groups").json()["paths"][-1]
    moved = admin_client.get(group_url(tree["sales"], "?subresources=**")).json()["group"]
    assert "parentUri" not in moved and moved["groups"][0]["name"] == "Upsell"
    assert_trees_sound()

    path = f"/groups/{tree['root'].pk}"
    assert admin_client.put(group_url(tree["sales"]), {"parentUri": path}).json()["statusCode"] == 0
    root = admin_client.get(group_url(tree["root"], "?subresources=*")).json()["group"]
    assert [sub["name"] for sub in root["groups"]] == ["Support", "Sales"]
    assert_trees_sound()


def test_default_group_changes(admin_client, tree):
    other = admin_client.post(f"{API}/groups", {"name": "Outbound"}).json()["id"]

    assert admin_client.put(group_url(other), {"defaultGroup": True}).json()["statusCode"] == 0
    assert list(Group.objects.filter(default_group=True).values_list("pk", flat=True)) == [other]
    assert admin_client.put(group_url(other), {"defaultGroup": False}).json()["statusCode"] == 0
    assert not Group.objects.filter(default_group=True).exists()


def test_put_failures(admin_client, foreign_client, tree, team):
    sales = group_url(tree["sales"])
    assert_error(admin_client.put(sales, {"name": "Marketing"}), 400, 11)
    assert_error(admin_client.put(sales, {"contains": "users"}), 400, 11)
    assert_error(admin_client.put(sales, {"id": "x"}), 400, 11)
    assert_error(admin_client.put(sales, {"defaultGroup": "yes"}), 400, 1)
    assert_error(admin_client.put(sales, {"defaultGroup": True}), 400, 10)
    assert_error(admin_client.put(sales, {"colour": "red"}), 400, 10)
    assert_error(admin_client.put(sales, {"parentUri": 5}), 400, 1)
    assert_error(admin_client.put(sales, {"parentUri": "/users/abc"}), 400, 10)
    # Cycles: under itself, under its own sub-group.
    assert_error(admin_client.put(sales, {"parentUri": f"/groups/{tree['sales'].pk}"}), 400, 10)
    assert_error(admin_client.put(sales, {"parentUri": f"/groups/{tree['upsell'].pk}"}), 400, 10)
    # Another kind of group, a missing one, a name taken among the new siblings.
    assert_error(admin_client.put(sales, {"parentUri": f"/groups/{team.pk}"}), 400, 10)
    assert_error(admin_client.put(sales, {"parentUri": f"/groups/{'0' * 32}"}), 404, 6)
    admin_client.post(f"{API}/groups", {"name": "Sales"})
    assert_error(admin_client.put(sales, {"parentUri": None}), 409, 18)
    # The default group stays at the top level.
    assert_error(admin_client.put(group_url(tree["root"]), {"parentUri": f"/groups/{team.pk}"}), 400, 10)
    assert_error(admin_client.put(group_url("0" * 32), {"defaultGroup": True}), 404, 6)
    assert_error(foreign_client.put(sales, {"defaultGroup": False}), 404, 6)
    tree["sales"].refresh_from_db()
    assert tree["sales"].parent_id == tree["root"].pk
    assert_trees_sound()


def test_agents_and_supervisors_do_not_write_groups(agent_client, supervisor_client, tree):
    for client in (agent_client, supervisor_client):
        assert_error(client.post(f"{API}/groups", {"name": "Mine"}), 403, 5)
        assert_error(client.post(group_url(tree["root"], "/groups"), {"name": "Mine"}), 403, 5)
        assert_error(client.put(group_url(tree["sales"]), {"parentUri": None}), 403, 5)
        assert_error(client.delete(group_url(tree["sales"])), 403, 5)
    assert Group.objects.count() == 4


def test_writes_need_the_csrf_token(admin, tree):
    client = GWSClient(admin.user_name, csrf=False)
    assert_error(client.delete(group_url(tree["sales"])), 403, 3)


# ---------------------------------------------------------------------------------------------
# Deleting groups
# ---------------------------------------------------------------------------------------------


def test_delete_sub_group_removes_its_whole_subtree(admin_client, tree):
    assert admin_client.delete(group_url(tree["sales"])).json() == {"statusCode": 0}

    assert set(Group.objects.values_list("name", flat=True)) == {"Dispositions", "Support"}
    assert not Disposition.objects.filter(name__in=["Disp4", "Upgraded"]).exists()
    assert_error(admin_client.get(group_url(tree["upsell"])), 404, 6)
    root = admin_client.get(group_url(tree["root"], "?subresources=**")).json()["group"]
    assert [sub["name"] for sub in root["groups"]] == ["Support"]
    assert_trees_sound()


def test_delete_root_group_removes_everything_under_it(admin_client, tree, team):
    assert admin_client.delete(group_url(tree["root"])).json() == {"statusCode": 0}

    assert list(Group.objects.values_list("name", flat=True)) == ["Team A"]
    assert not Disposition.objects.exists()
    assert admin_client.get(f"{API}/groups").json()["paths"] == [f"/groups/{team.pk}"]


def test_delete_failures(admin_client, foreign_client, tree):
    assert_error(admin_client.delete(group_url("0" * 32)), 404, 6)
    assert_error(foreign_client.delete(group_url(tree["root"])), 404, 6)
    assert Group.objects.count() == 4


@pytest.mark.parametrize("field", ["name", "contains"])
def test_put_with_unchanged_read_only_values_is_accepted(admin_client, tree, field):
    current = {"name": "Sales", "contains": "dispositions"}[field]
    assert admin_client.put(group_url(tree["sales"]), {field: current}).json() == {"statusCode": 0}


def test_bulk_delete_of_top_level_groups(admin_client, tree, team):
    body = admin_client.delete(
        f"{API}/groups", {"paths": [f"/groups/{team.pk}", f"/groups/{tree['sales'].pk}", f"/groups/{'0' * 32}"]}
    ).json()

    assert body["statusCode"] == 7
    assert [entry["id"] for entry in body["succeeded"]] == [team.pk]
    # A sub-group is not a member of /groups (the top level): delete it at /groups/{id}.
    assert [entry["statusCode"] for entry in body["failed"]] == [6, 6]
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Dispositions", "Sales", "Support", "Upsell"]


def test_generic_subresource_renderers_agree_with_the_tree_reader(rf, admin, tree):
    """The Resource's own subresource functions (one group at a time) give what render_group gives."""
    from dispositions import trees
    from dispositions.resources import GROUPS, render_group
    from gws_project.api.resources import Context, Query

    request = rf.get("/")
    request.user = admin
    ctx = Context(request)
    query = Query(fields="*", subresources=["groups", "dispositions"])
    node = trees.subtree(admin.contact_center_id, tree["sales"].pk, whole=False)
    expected = render_group(node, query, ctx, whole=False)

    group = Group.objects.get(pk=tree["sales"].pk)
    rendered = {**GROUPS.represent(group, ctx), **{name: GROUPS.subresources[name].render(group, ctx) for name in query.subresources}}
    assert rendered == expected
