"""
GET /api/v2/groups/{id}?subresources=** on a tree of 1,000 groups and 10,000 dispositions.

Baseline, measured in the same run through the same in-process client: a plain Django view that
reads the same rows with one query (the groups of the subtree LEFT JOIN their dispositions) and
answers them flat with JsonResponse: no authentication, no nesting, no URIs. The ratio is what
the GWS endpoint (Basic + session auth, DRF, the nested wire shape) costs on top of the data.

Runs on a throw-away test database of the configured engine (SQLite by default; set
DATABASE_URL for PostgreSQL). Usage: .venv/bin/python bench/dispositions_tree.py [--runs N]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gws_project.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402

from dispositions import demo_trees, services  # noqa: E402
from dispositions.models import Group  # noqa: E402
from gws_project.urls import urlpatterns as project_urls  # noqa: E402
from provisioning import services as provisioning  # noqa: E402

GROUPS, DISPOSITIONS = 1000, 10000


def flat_rows(request, pk):
    """The baseline: the same rows, one query, a plain JsonResponse."""
    root = Group.objects.get(pk=pk)
    rows = (
        Group.objects.filter(tree_id=root.tree_id, lft__gte=root.lft, lft__lte=root.rght)
        .order_by("lft", "dispositions__id")
        .values_list("id", "name", "contains", "parent_id", "dispositions__id", "dispositions__name", "dispositions__display_name")
    )
    return JsonResponse({"rows": [list(row) for row in rows]})


urlpatterns = [*project_urls, path("bench/flat/<str:pk>", flat_rows)]


def timed(requests, runs):
    """Best and median seconds of each request, run in turns so that both see the same load."""
    for request in requests:
        request()  # warm-up
    times = [[] for _ in requests]
    sizes = [0 for _ in requests]
    for _ in range(runs):
        for index, request in enumerate(requests):
            start = time.perf_counter()
            response = request()
            times[index].append(time.perf_counter() - start)
            assert response.status_code == 200, response.content[:300]
            sizes[index] = len(response.content)
    return [(min(spent), statistics.median(spent), size) for spent, size in zip(times, sizes)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with override_settings(
            ROOT_URLCONF=__name__, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"], DEBUG=False
        ):
            _, admin = provisioning.create_contact_center("Bench", "bench@example.com", "pw")
            start = time.perf_counter()
            root = services.import_tree(admin, admin.contact_center_id, demo_trees.generated(GROUPS, DISPOSITIONS))
            build = time.perf_counter() - start

            import base64

            auth = "Basic " + base64.b64encode(b"bench@example.com:pw").decode()
            client = Client()
            client.get("/api/v2/me", headers={"Authorization": auth})  # log in once, as a desktop does
            url = f"/api/v2/groups/{root.pk}?subresources=**"
            with CaptureQueriesContext(connection) as queries:
                body = client.get(url, headers={"Authorization": auth}).json()
            assert demo_trees.count(body["group"]) == (GROUPS, DISPOSITIONS)
            query_count = len(queries.captured_queries)  # read now: later requests clear the log

            plain = Client()
            baseline, endpoint = timed(
                [lambda: plain.get(f"/bench/flat/{root.pk}"), lambda: client.get(url, headers={"Authorization": auth})],
                args.runs,
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    print(f"database: {connection.vendor}; tree: {GROUPS} groups, {DISPOSITIONS} dispositions (built in {build * 1000:.0f} ms)")
    print(f"{'':46} {'best':>9} {'median':>9} {'size':>9}")
    for label, (best, median, size) in (
        ("baseline  flat JsonResponse of the same rows", baseline),
        ("endpoint  GET /groups/{id}?subresources=**", endpoint),
    ):
        print(f"{label:46} {best * 1000:6.1f} ms {median * 1000:6.1f} ms {size / 1024:5.0f} KiB")
    print(f"SQL queries of the endpoint (auth included): {query_count}")
    print(f"ratio endpoint / baseline: {endpoint[0] / baseline[0]:.2f}x best, {endpoint[1] / baseline[1]:.2f}x median ({args.runs} runs each, in turns)")

if __name__ == "__main__":
    main()
