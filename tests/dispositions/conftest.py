"""Fixtures of the Grouping API: a small disposition tree, an agent group, URL helpers."""
import pytest

from dispositions import services
from dispositions.choices import Contains

API = "/api/v2"


def group_url(group, suffix=""):
    pk = group if isinstance(group, str) else group.pk
    return f"{API}/groups/{pk}{suffix}"


def uri(path):
    return f"http://testserver{API}{path}"


@pytest.fixture
def tree(admin):
    """Dispositions (default) > {Sales > Upsell, Support}, with a few codes on each level.

    Built through the services, as the API would: root codes Disp1-3, Sales codes Disp4-6.
    """
    root = services.create_group(admin, {"name": "Dispositions", "contains": "dispositions", "defaultGroup": True})
    sales = services.create_group(admin, {"name": "Sales"}, parent=root)
    upsell = services.create_group(admin, {"name": "Upsell"}, parent=sales)
    support = services.create_group(admin, {"name": "Support"}, parent=root)
    for number, names in ((1, "One"), (2, "Two"), (3, "Three")):
        services.create_disposition(admin, root, {"name": f"Disp{number}", "displayName": f"Dispo {names}"})
    for number in (4, 5, 6):
        services.create_disposition(admin, sales, {"name": f"Disp{number}", "displayName": f"Dispo {number}"})
    services.create_disposition(admin, upsell, {"name": "Upgraded", "displayName": "Upgraded"})
    return {"root": root, "sales": sales, "upsell": upsell, "support": support}


@pytest.fixture
def team(admin):
    """A top-level agent group."""
    return services.create_group(admin, {"name": "Team A", "contains": Contains.USERS})


def assert_trees_sound():
    """Every tree's nested sets agree with its parent links: 1..2n, children inside parents."""
    from collections import defaultdict

    from dispositions.models import Group

    by_tree = defaultdict(list)
    for group in Group.objects.all():
        by_tree[group.tree_id].append(group)
    for tree_id, nodes in by_tree.items():
        by_id = {node.pk: node for node in nodes}
        roots = [node for node in nodes if node.parent_id is None]
        assert len(roots) == 1, f"tree {tree_id} has {len(roots)} roots"
        edges = sorted([node.lft for node in nodes] + [node.rght for node in nodes])
        assert edges == list(range(1, 2 * len(nodes) + 1)), f"tree {tree_id}: {edges}"
        for node in nodes:
            assert node.lft < node.rght
            if node.parent_id is not None:
                parent = by_id[node.parent_id]
                assert parent.lft < node.lft and node.rght < parent.rght
                assert node.level == parent.level + 1
                assert node.contact_center_id == parent.contact_center_id
            else:
                assert node.level == 0
