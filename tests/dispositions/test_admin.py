"""The Django admin of groups: a contact center admin moves, edits and searches its own trees."""
import pytest
from django.test import Client

from dispositions import services
from dispositions.models import Disposition, Group
from tests.dispositions.conftest import API, assert_trees_sound, group_url

CHANGELIST = "/admin/dispositions/group/"


def change_url(group):
    return f"{CHANGELIST}{group.pk}/change/"


@pytest.fixture
def staff(admin):
    """The contact center admin in the Django admin (scoped staff, see provisioning.admin)."""
    client = Client()
    client.force_login(admin)
    return client


def form_data(response):
    """The POST a browser would send back from a change form (main form and inline formsets)."""
    data = {}

    def put(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            elif value is not None:
                data[form.add_prefix(name)] = value

    put(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        put(formset.management_form)
        for form in formset.forms:
            put(form)
    return data


def test_changelist_shows_only_the_admins_own_trees(staff, tree, foreign_admin):
    services.create_group(foreign_admin, {"name": "Bluejays codes"})

    response = staff.get(CHANGELIST)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Upsell" in content and "Bluejays codes" not in content
    assert "draggable-admin" in content  # DraggableMPTTAdmin's tree


def test_moving_a_group_in_the_change_form_shows_in_the_api(staff, admin_client, tree):
    data = form_data(staff.get(change_url(tree["sales"])))
    data["parent"] = tree["support"].pk

    response = staff.post(change_url(tree["sales"]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    support = admin_client.get(group_url(tree["support"], "?subresources=**")).json()["group"]
    assert [group["name"] for group in support["groups"]] == ["Sales"]
    assert support["groups"][0]["groups"][0]["name"] == "Upsell"
    assert_trees_sound()


def test_drag_and_drop_move_shows_in_the_api(staff, admin_client, tree):
    response = staff.post(
        CHANGELIST, {"cmd": "move_node", "cut_item": tree["upsell"].pk, "pasted_on": tree["support"].pk, "position": "last-child"}
    )

    assert response.content == b"OK, moved."
    upsell = admin_client.get(group_url(tree["upsell"])).json()["group"]
    assert upsell["parentUri"].endswith(f"/groups/{tree['support'].pk}")
    assert_trees_sound()


def test_drag_and_drop_refuses_a_cycle_and_another_contact_centers_group(staff, tree, foreign_admin):
    foreign = services.create_group(foreign_admin, {"name": "Theirs"})

    cycle = staff.post(CHANGELIST, {"cmd": "move_node", "cut_item": tree["sales"].pk, "pasted_on": tree["upsell"].pk, "position": "last-child"})
    theirs = staff.post(CHANGELIST, {"cmd": "move_node", "cut_item": tree["sales"].pk, "pasted_on": foreign.pk, "position": "last-child"})

    assert cycle.content == b"FAIL, invalid move."
    assert theirs.content == b"FAIL, invalid objects."
    assert Group.objects.get(pk=tree["sales"].pk).parent_id == tree["root"].pk


def test_change_form_refuses_a_descendant_parent_and_a_taken_name(staff, tree):
    data = form_data(staff.get(change_url(tree["sales"])))
    cycle = staff.post(change_url(tree["sales"]), {**data, "parent": tree["upsell"].pk})
    taken = staff.post(change_url(tree["support"]), {**form_data(staff.get(change_url(tree["support"]))), "name": "Sales"})

    assert cycle.status_code == 200 and cycle.context["adminform"].form.errors
    assert taken.status_code == 200
    assert "already has a sub-group with this name" in str(taken.context["adminform"].form.errors)
    assert Group.objects.get(pk=tree["sales"].pk).parent_id == tree["root"].pk


def test_inline_dispositions_are_added_and_renamed_but_names_stay(staff, admin_client, tree):
    response = staff.get(change_url(tree["sales"]))
    data = form_data(response)
    data["dispositions-0-display_name"] = "Four"
    data["dispositions-0-name"] = "Renamed"  # a disabled field: the browser cannot send it, Django ignores it
    new = int(data["dispositions-TOTAL_FORMS"]) - 1
    data[f"dispositions-{new}-name"] = "Disp7"
    data[f"dispositions-{new}-display_name"] = "Dispo 7"

    assert staff.post(change_url(tree["sales"]), data).status_code == 302

    codes = admin_client.get(group_url(tree["sales"], "/dispositions?fields=name,displayName")).json()["dispositions"]
    assert codes[0] == {"name": "Disp4", "displayName": "Four"}
    assert codes[-1] == {"name": "Disp7", "displayName": "Dispo 7"}


def test_search_finds_groups_by_name_and_by_disposition(staff, tree):
    by_name = staff.get(CHANGELIST, {"q": "Supp"}).content.decode()
    by_code = staff.get(CHANGELIST, {"q": "Upgraded"}).content.decode()

    assert "Support" in by_name and "Upsell" not in by_name
    assert "Upsell" in by_code and "Support" not in by_code


def test_adding_a_group_puts_it_in_the_admins_contact_center(staff, admin, tree):
    add = staff.get(f"{CHANGELIST}add/")
    assert "contact_center" not in add.context["adminform"].form.fields

    response = staff.post(f"{CHANGELIST}add/", {"name": "Retention", "contains": "dispositions", "parent": tree["root"].pk})

    assert response.status_code == 302
    group = Group.objects.get(name="Retention")
    assert group.contact_center_id == admin.contact_center_id and group.parent_id == tree["root"].pk
    assert_trees_sound()


def test_another_contact_centers_admin_cannot_open_the_group(foreign_admin, tree):
    client = Client()
    client.force_login(foreign_admin)
    assert client.get(change_url(tree["sales"])).status_code == 302  # "does not exist" redirect
    assert client.post(f"{change_url(tree['sales'])[:-7]}delete/", {"post": "yes"}).status_code == 302
    assert Group.objects.filter(pk=tree["sales"].pk).exists()


def test_deleting_in_the_admin_removes_the_subtree(staff, admin_client, tree):
    response = staff.post(f"{CHANGELIST}{tree['sales'].pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Group.objects.filter(name__in=["Sales", "Upsell"]).exists()
    assert not Disposition.objects.filter(name="Upgraded").exists()
    assert admin_client.get(group_url(tree["root"], "?subresources=*")).json()["group"]["groups"][0]["name"] == "Support"
    assert_trees_sound()


def test_delete_selected_action_goes_through_the_services(staff, tree):
    response = staff.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [tree["sales"].pk, tree["upsell"].pk], "post": "yes"}
    )

    assert response.status_code == 302
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Dispositions", "Support"]
    assert_trees_sound()


def test_making_another_group_default_in_the_admin_replaces_the_default(staff, admin_client, tree):
    data = form_data(staff.get(change_url(tree["support"])))
    data["parent"] = ""
    data["default_group"] = "on"

    assert staff.post(change_url(tree["support"]), data).status_code == 302

    assert admin_client.get(f"{API}/groups?defaultGroup=true").json()["paths"] == [f"/groups/{tree['support'].pk}"]


def test_superuser_sees_every_contact_center(db, tree, foreign_admin):
    from provisioning.models import User

    services.create_group(foreign_admin, {"name": "Bluejays codes"})
    root = User.objects.create_superuser("root", "pw")
    client = Client()
    client.force_login(root)

    content = client.get(CHANGELIST).content.decode()

    assert "Bluejays codes" in content and "Upsell" in content


def test_staff_without_role_admin_reads_the_tree_but_cannot_change_it(admin, tree):
    from django.contrib.auth.models import Permission

    from tests.conftest import make_user

    supervisor = make_user(admin, "viewer@redwings.com", roles=("ROLE_SUPERVISOR",))
    supervisor.is_staff = True
    supervisor.save()
    supervisor.user_permissions.set(Permission.objects.filter(content_type__app_label="dispositions"))
    client = Client()
    client.force_login(supervisor)
    data = form_data(client.get(change_url(tree["sales"])))
    data["parent"] = tree["support"].pk

    response = client.post(change_url(tree["sales"]), data)

    assert response.status_code == 403
    tree["sales"].refresh_from_db()
    assert tree["sales"].parent_id == tree["root"].pk
    assert client.post(CHANGELIST, {"cmd": "move_node", "cut_item": tree["sales"].pk, "pasted_on": tree["support"].pk, "position": "last-child"}).content.startswith(b"FAIL")
