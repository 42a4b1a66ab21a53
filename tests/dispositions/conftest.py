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
