"""Agent groups: the Grouping API with contains=users, and /groups/{id}/users."""
import pytest

from dispositions.models import GroupMembership
from tests.conftest import assert_error, make_user
from tests.dispositions.conftest import API, group_url, uri


@pytest.fixture
def members(admin, agent, supervisor, team):
    """Three agents in Team A (plus the fixture agent); the supervisor stays out."""
    from dispositions import services

    people = [
        make_user(admin, f"{name.lower()}@redwings.com", firstName=name, lastName=last)
        for name, last in (("Zoe", "Adams"), ("Bob", "Young"), ("Ann", "Miller"))
    ]
    for person in (*people, agent):
        services.add_member(admin, team, person)
    return people


def users_url(team, query=""):
    return group_url(team, "/users" + query)


def test_members_are_listed_like_users(supervisor_client, team, members, agent):
    body = supervisor_client.get(users_url(team)).json()

    assert body["statusCode"] == 0
    assert sorted(body["paths"]) == sorted(f"/users/{user.pk}" for user in (*members, agent))


def test_members_sort_filter_and_paginate(admin_client, team, members):
    def names(query):
        return [user["firstName"] for user in admin_client.get(users_url(team, query)).json()["users"]]

    assert names("?fields=firstName&sortBy=lastName") == ["Zoe", "Ann", "Carole", "Bob"]
    assert names("?fields=firstName&sortBy=firstName&order=Descending") == ["Zoe", "Carole", "Bob", "Ann"]
    assert names("?fields=firstName&firstName=Ann") == ["Ann"]
    page = admin_client.get(users_url(team, "?sortBy=firstName&limit=2&offset=1&fields=firstName")).json()
    assert page["totalCount"] == 4 and [user["firstName"] for user in page["users"]] == ["Bob", "Carole"]
    assert_error(admin_client.get(users_url(team, "?sortBy=shoeSize")), 400, 10)


def test_group_with_users_subresource(admin_client, team, members, agent):
    group = admin_client.get(group_url(team, "?subresources=*")).json()["group"]

    assert group["type"] == "users" and "defaultGroup" not in group and "dispositions" not in group
    assert [user["userName"] for user in group["users"]] == sorted(u.user_name for u in (*members, agent))
    assert group["groups"] == []


def test_add_members_by_uris_paths_and_id(admin_client, admin, supervisor, team):
    carl = make_user(admin, "carl@redwings.com")
    dana = make_user(admin, "dana@redwings.com")

    body = admin_client.post(users_url(team), {"uris": [uri(f"/users/{carl.pk}")], "paths": [f"/users/{dana.pk}"]}).json()

    assert body["statusCode"] == 0
    assert [entry["id"] for entry in body["succeeded"]] == [carl.pk, dana.pk]
    assert admin_client.post(users_url(team), {"id": supervisor.pk}).json() == {"statusCode": 0}
    assert set(GroupMembership.objects.filter(group=team).values_list("user_id", flat=True)) == {carl.pk, dana.pk, supervisor.pk}


def test_add_members_partially(admin_client, admin, team, members, foreign_admin):
    new = make_user(admin, "eve@redwings.com")
    body = admin_client.post(
        users_url(team), {"paths": [f"/users/{new.pk}", f"/users/{members[0].pk}", f"/users/{foreign_admin.pk}"]}
    ).json()

    assert body["statusCode"] == 7
    assert [entry["id"] for entry in body["succeeded"]] == [new.pk]
    assert [(entry["path"], entry["statusCode"]) for entry in body["failed"]] == [
        (f"/users/{members[0].pk}", 18),
        (f"/users/{foreign_admin.pk}", 6),
    ]


def test_add_member_failures(admin_client, agent_client, foreign_client, team, members, tree):
    assert_error(admin_client.post(users_url(team), {"id": members[0].pk}), 409, 18)
    assert_error(admin_client.post(users_url(team), {"id": "0" * 32}), 404, 6)
    assert_error(admin_client.post(users_url(team), {}), 400, 1)
    assert_error(admin_client.post(users_url(team), {"uris": "not-a-list"}), 400, 1)
    assert_error(admin_client.post(users_url(team), {"uri": "/skills/abc"}), 400, 10)
    assert_error(admin_client.post(users_url(team), {"who": "me"}), 400, 10)
    assert_error(admin_client.post(group_url(tree["root"], "/users"), {"id": members[0].pk}), 400, 10)
    assert_error(admin_client.post(users_url("0" * 32), {"id": members[0].pk}), 404, 6)
    assert_error(agent_client.post(users_url(team), {"id": members[0].pk}), 403, 5)
    assert_error(foreign_client.post(users_url(team), {"id": members[0].pk}), 404, 6)


def test_remove_members(admin_client, team, members):
    body = admin_client.delete(users_url(team), {"paths": [f"/users/{members[0].pk}", f"/users/{members[1].pk}"]}).json()

    assert body["statusCode"] == 0 and len(body["succeeded"]) == 2
    assert admin_client.delete(users_url(team), {"uri": uri(f"/users/{members[2].pk}")}).json() == {"statusCode": 0}
    assert not GroupMembership.objects.filter(user__in=members).exists()
    assert_error(admin_client.delete(users_url(team), {"id": members[0].pk}), 404, 6)


def test_remove_member_failures(admin_client, agent_client, team, members, tree):
    assert_error(agent_client.delete(users_url(team), {"id": members[0].pk}), 403, 5)
    assert_error(admin_client.delete(group_url(tree["root"], "/users"), {"id": members[0].pk}), 400, 10)
    assert_error(admin_client.delete(users_url(team), {}), 400, 1)
    assert GroupMembership.objects.filter(user=members[0]).exists()


def test_agents_do_not_list_members(agent_client, foreign_client, team, members, tree):
    assert_error(agent_client.get(users_url(team)), 403, 5)
    assert_error(foreign_client.get(users_url(team)), 404, 6)


def test_dispositions_group_has_no_users(admin_client, tree):
    assert_error(admin_client.get(group_url(tree["root"], "/users")), 400, 10)


def test_sub_groups_of_agent_groups_and_whole_tree(admin_client, team, members):
    night = admin_client.post(group_url(team, "/groups"), {"name": "Night"}).json()["id"]
    admin_client.post(group_url(night, "/users"), {"id": members[1].pk})

    group = admin_client.get(group_url(team, "?subresources=**")).json()["group"]

    [sub] = group["groups"]
    assert sub["name"] == "Night" and sub["type"] == "users"
    assert [user["firstName"] for user in sub["users"]] == ["Bob"]
    assert len(group["users"]) == 4


def test_deleting_a_user_removes_it_from_groups(admin_client, team, members):
    admin_client.delete(f"{API}/users/{members[0].pk}")
    assert not GroupMembership.objects.filter(user_id=members[0].pk).exists()
