"""A tree of 1,000 groups and 10,000 dispositions: read in a constant number of queries."""
from django.core.management import call_command

from dispositions import demo_trees, services
from dispositions.models import Disposition, Group
from tests.dispositions.conftest import API, assert_trees_sound, group_url


def test_whole_tree_of_a_thousand_groups_costs_three_queries(admin, admin_client, django_assert_max_num_queries):
    root = services.import_tree(admin, admin.contact_center_id, demo_trees.generated(1000, 10000))
    assert (Group.objects.count(), Disposition.objects.count()) == (1000, 10000)

    # The session, the user, and the tree with its dispositions.
    with django_assert_max_num_queries(3):
        response = admin_client.get(group_url(root, "?subresources=**"))

    group = response.json()["group"]
    assert demo_trees.count(group) == (1000, 10000)
    assert group["groups"][0]["groups"][0]["name"] == "Category 11"
    assert group["groups"][0]["groups"][0]["dispositions"][0]["name"] == "Code11"


def test_one_level_and_lists_cost_a_constant_number_of_queries(admin, admin_client, django_assert_max_num_queries):
    root = services.import_tree(admin, admin.contact_center_id, demo_trees.generated(300, 1000))

    with django_assert_max_num_queries(3):
        group = admin_client.get(group_url(root, "?subresources=*")).json()["group"]
    with django_assert_max_num_queries(5):  # session, user, page, count, trees
        listed = admin_client.get(f"{API}/groups?subresources=**&limit=10").json()["groups"]

    assert len(group["groups"]) == 10 and len(group["dispositions"]) == 4
    assert demo_trees.count(listed[0]) == (300, 1000)


def test_imported_tree_is_sound_and_can_grow_and_move(admin, admin_client, tree):
    services.import_tree(admin, admin.contact_center_id, demo_trees.generated(50, 100), parent=tree["sales"])

    assert_trees_sound()
    moved = Group.objects.get(name="Category 3")
    assert admin_client.put(group_url(moved), {"parentUri": f"/groups/{tree['support'].pk}"}).json()["statusCode"] == 0
    assert admin_client.delete(group_url(Group.objects.get(name="Category 1"))).json()["statusCode"] == 0
    assert_trees_sound()
    support = admin_client.get(group_url(tree["support"], "?subresources=**")).json()["group"]
    assert support["groups"][0]["name"] == "Category 3"


def test_seed_command(contact_center):
    call_command("seed_dispositions", contact_center.name, "--groups", "12", "--dispositions", "30", stdout=open("/dev/null", "w"))

    root = Group.objects.get(name="Generated dispositions")
    assert root.get_descendant_count() == 11 and Disposition.objects.filter(group__tree_id=root.tree_id).count() == 30
    assert_trees_sound()
