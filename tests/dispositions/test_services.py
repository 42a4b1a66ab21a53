"""The writers: moves beside and under groups, tree numbers, permissions, the read-only service."""
import threading

import pytest
from django.db import connection

from dispositions import services
from dispositions.models import Group
from gws_project.api.errors import InvalidValue, NoPermission, NotFound, ServiceUnavailable
from provisioning.choices import ServiceState
from provisioning.models import SystemService
from tests.conftest import assert_error
from tests.dispositions.conftest import API, assert_trees_sound


def children(group):
    return [child.name for child in Group.objects.get(pk=group.pk).get_children()]


def test_move_beside_a_sibling_reorders(admin, tree):
    services.move_group(admin, tree["support"], tree["sales"], "left")

    assert children(tree["root"]) == ["Support", "Sales"]
    services.move_group(admin, tree["support"], tree["sales"], "right")
    assert children(tree["root"]) == ["Sales", "Support"]
    assert_trees_sound()


def test_move_beside_a_group_of_another_level_changes_parent(admin, tree):
    services.move_group(admin, tree["support"], tree["upsell"], "right")

    assert children(tree["sales"]) == ["Upsell", "Support"]
    assert Group.objects.get(pk=tree["support"].pk).level == 2
    assert_trees_sound()


def test_move_beside_a_top_level_group_makes_it_top_level_without_renumbering_other_trees(admin, foreign_admin, tree):
    foreign = services.create_group(foreign_admin, {"name": "Theirs"})
    before = Group.objects.get(pk=foreign.pk).tree_id

    services.move_group(admin, tree["sales"], tree["root"], "left")

    sales = Group.objects.get(pk=tree["sales"].pk)
    assert sales.parent_id is None and sales.level == 0
    assert Group.objects.get(pk=foreign.pk).tree_id == before
    assert Group.objects.get(pk=tree["upsell"].pk).tree_id == sales.tree_id
    assert_trees_sound()


def test_top_level_group_moved_under_another_tree(admin, tree):
    other = services.create_group(admin, {"name": "Other"})
    services.create_group(admin, {"name": "Leaf"}, parent=other)

    services.move_group(admin, other, tree["support"])

    assert children(tree["support"]) == ["Other"]
    assert [g.name for g in Group.objects.get(pk=other.pk).get_descendants()] == ["Leaf"]
    assert_trees_sound()


@pytest.mark.parametrize(
    "target, position",
    [("sales", "last-child"), ("upsell", "last-child"), ("upsell", "left"), ("sales", "right"), ("support", "up")],
)
def test_impossible_moves(admin, tree, target, position):
    with pytest.raises(InvalidValue):
        services.move_group(admin, tree["sales"], tree[target], position)
    assert children(tree["root"]) == ["Sales", "Support"]
    assert_trees_sound()


def test_tree_numbers_are_never_shared_between_contact_centers(admin, foreign_admin):
    created = []
    for number in range(3):
        created.append(services.create_group(admin, {"name": f"Ours {number}"}))
        created.append(services.create_group(foreign_admin, {"name": f"Theirs {number}"}))

    tree_ids = [Group.objects.get(pk=group.pk).tree_id for group in created]
    assert len(set(tree_ids)) == 6 and tree_ids == sorted(tree_ids)


def test_writers_are_admins_of_the_groups_contact_center(agent, foreign_admin, tree):
    with pytest.raises(NoPermission):
        services.create_group(agent, {"name": "Mine"})
    with pytest.raises(NotFound):
        services.delete_group(foreign_admin, tree["sales"])
    with pytest.raises(NotFound):
        services.move_group(foreign_admin, tree["sales"], tree["support"])
    assert Group.objects.count() == 4


def test_writes_wait_for_an_active_provisioning_service(admin, admin_client, tree):
    SystemService.objects.create(pk="provisioning", state=ServiceState.READ_ONLY)

    with pytest.raises(ServiceUnavailable):
        services.create_group(admin, {"name": "Late"})
    assert_error(admin_client.post(f"{API}/groups", {"name": "Late"}), 503, 4)
    assert_error(admin_client.post(f"{API}/settings/dispositions", {"name": "Late", "displayName": "x"}), 503, 4)
    assert admin_client.get(f"{API}/groups").json()["statusCode"] == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_sub_group_creation_keeps_the_tree_sound(admin):
    """Writers of one contact center queue on its row; on SQLite the database lock does it."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers itself; the row lock is PostgreSQL's")
    root = services.create_group(admin, {"name": "Root"})
    errors = []

    def create(number):
        try:
            services.create_group(admin, {"name": f"Child {number}"}, parent=root)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(children(root)) == 8
    assert_trees_sound()
