"""/users and /users/{id}: list, filter and sort (also by skills and devices), create, change, delete."""
import pytest

from provisioning import services
from provisioning.models import Device, User
from tests.conftest import PASSWORD, GWSClient, assert_error, make_user

USERS = "/api/v2/users"


def _names(body):
    return [user["userName"] for user in body["users"]]


# ---------------------------------------------------------------------------------------------
# GET /users
# ---------------------------------------------------------------------------------------------


def test_admin_lists_the_users_of_its_contact_center_only(admin_client, admin, agent, foreign_user):
    body = admin_client.get(f"{USERS}?fields=userName").json()
    assert sorted(_names(body)) == sorted([admin.user_name, agent.user_name])


def test_user_objects_have_the_documented_fields(admin_client, agent):
    body = admin_client.get(f"{USERS}?fields=*&userName={agent.user_name}").json()
    assert body["users"] == [
        {
            "id": agent.id,
            "uri": f"http://testserver/api/v2/users/{agent.id}",
            "userName": "carole@redwings.com",
            "firstName": "Carole",
            "lastName": "Spencer",
            "roles": ["ROLE_AGENT"],
            "enabled": True,
            "changePasswordOnFirstLogin": False,
        }
    ]


def test_supervisor_lists_users(supervisor_client, agent):
    assert agent.user_name in _names(supervisor_client.get(f"{USERS}?fields=userName").json())


def test_agent_may_not_list_users(agent_client):
    assert_error(agent_client.get(USERS), 403, 5)


def test_list_with_all_subresources(admin_client, admin, agent, sales):
    services.assign_skill(admin, agent, sales, 4)
    body = admin_client.get(f"{USERS}?fields=userName&subresources=*&userName={agent.user_name}").json()
    (user,) = body["users"]
    assert user["skills"] == [{"id": sales.id, "name": "Sales", "level": 4}]
    assert [device["phoneNumber"] for device in user["devices"]] == ["5001"]
    assert user["settings"] == {}


def test_subresources_without_fields_give_objects(admin_client, agent):
    body = admin_client.get(f"{USERS}?subresources=devices&userName={agent.user_name}").json()
    assert body["users"][0]["userName"] == agent.user_name and body["users"][0]["devices"]


# Filtering and sorting by subresource fields ("Filtering and sorting users").


@pytest.fixture
def skilled(admin, sales, support):
    """Three agents: ann (Sales 2, number 5101), ben (Sales 4, Support 1, 5102), cid (none, 5103)."""
    people = {}
    for name, number, levels in (("ann", "5101", {sales: 2}), ("ben", "5102", {sales: 4, support: 1}), ("cid", "5103", {})):
        user = make_user(admin, name, lastName=name.title())
        services.create_device(admin, {"phoneNumber": number}, user=user)
        for skill, level in levels.items():
            services.assign_skill(admin, user, skill, level)
        people[name] = user
    return people


def test_filter_by_skill_name(admin_client, skilled):
    body = admin_client.get(f"{USERS}?subresources=skills&fields=id,userName&skills.name=Sales").json()
    assert sorted(_names(body)) == ["ann", "ben"]
    assert body["users"][0].keys() == {"id", "userName", "skills"}


def test_filter_by_skill_level(admin_client, skilled):
    assert _names(admin_client.get(f"{USERS}?fields=userName&skills.level=4").json()) == ["ben"]


def test_filter_by_skill_level_that_is_not_a_number_is_invalid(admin_client, skilled):
    assert_error(admin_client.get(f"{USERS}?skills.level=high"), 400, 10)


def test_filter_by_device_phone_number_digits(admin_client, skilled):
    assert _names(admin_client.get(f"{USERS}?fields=userName&devices.phoneNumber=5102").json()) == ["ben"]


def test_filter_by_public_device_number_uses_its_e164_digits(admin_client, admin, skilled):
    services.create_device(admin, {"phoneNumber": "(650) 987-0001"}, user=skilled["cid"])
    assert _names(admin_client.get(f"{USERS}?fields=userName&devices.phoneNumber=16509870001").json()) == ["cid"]


def test_filter_by_device_phone_number_with_non_digits_is_invalid(admin_client, skilled):
    assert_error(admin_client.get(f"{USERS}?devices.phoneNumber=%2B15102"), 400, 10)
    assert_error(admin_client.get(f"{USERS}?devices.phoneNumber=51-02"), 400, 10)


def test_sort_by_skill_level_descending(admin_client, skilled):
    body = admin_client.get(f"{USERS}?subresources=skills&fields=userName&skills.name=Sales&sortBy=skills.level&order=Descending").json()
    assert _names(body) == ["ben", "ann"]
    assert [s["level"] for s in body["users"][0]["skills"] if s["name"] == "Sales"] == [4]


def test_sort_by_skill_level_ascending_puts_users_without_skills_last(admin_client, skilled):
    body = admin_client.get(f"{USERS}?fields=userName&sortBy=skills.level&limit=10&roles=ROLE_AGENT").json()
    assert _names(body) == ["ben", "ann", "cid"]  # lowest levels: ben 1, ann 2, cid none


def test_sort_by_skill_name_and_device_number(admin_client, skilled):
    by_skill = admin_client.get(f"{USERS}?fields=userName&sortBy=skills.name&order=Descending&limit=10&roles=ROLE_AGENT").json()
    assert _names(by_skill)[:2] == ["ben", "ann"] and _names(by_skill)[-1] == "cid"  # Support > Sales
    by_number = admin_client.get(f"{USERS}?fields=userName&sortBy=devices.phoneNumber&order=Descending&limit=10&roles=ROLE_AGENT").json()
    assert _names(by_number) == ["cid", "ben", "ann"]


def test_sorted_page_has_total_count_without_duplicates_from_joins(admin_client, skilled):
    body = admin_client.get(f"{USERS}?fields=userName&skills.name=Sales&sortBy=skills.level&offset=0&limit=1").json()
    assert body["totalCount"] == 2 and _names(body) == ["ann"]


# ---------------------------------------------------------------------------------------------
# POST /users
# ---------------------------------------------------------------------------------------------

NEW_USER = {"userName": "bobp@redwings.com", "password": "pw", "firstName": "Bob", "lastName": "Probert", "roles": ["ROLE_AGENT"]}


def test_admin_creates_a_user_that_can_log_in(admin_client):
    # when the admin creates a user
    response = admin_client.post(USERS, NEW_USER)
    # then it answers HTTP 200 with id, uri and path
    assert response.status_code == 200
    body = response.json()
    assert body == {"statusCode": 0, "id": body["id"], "uri": f"http://testserver/api/v2/users/{body['id']}", "path": f"/users/{body['id']}"}
    # and the new user logs in with its password
    me = GWSClient("bobp@redwings.com", "pw").get("/api/v2/me").json()["user"]
    assert me["id"] == body["id"] and me["roles"] == ["ROLE_AGENT"] and me["enabled"] is True


def test_new_user_without_roles_is_an_agent(admin_client):
    admin_client.post(USERS, {"userName": "x@redwings.com", "password": "pw"})
    assert User.objects.get(user_name="x@redwings.com").roles == ["ROLE_AGENT"]


@pytest.mark.parametrize("missing", ["userName", "password"])
def test_create_without_a_mandatory_field_is_a_missing_parameter(admin_client, missing):
    body = {k: v for k, v in NEW_USER.items() if k != missing}
    response = admin_client.post(USERS, body)
    assert_error(response, 400, 1)
    assert missing in response.json()["statusMessage"]


@pytest.mark.parametrize(
    "field,value",
    [("userName", 5), ("password", None), ("firstName", ["Bob"]), ("enabled", "yes"), ("roles", "ROLE_AGENT"),
     ("changePasswordOnFirstLogin", 1), ("settings", []), ("roles", [])],
)
def test_create_with_a_wrong_type_or_nothing_is_a_missing_parameter(admin_client, field, value):
    assert_error(admin_client.post(USERS, {**NEW_USER, field: value}), 400, 1)
    assert not User.objects.filter(user_name="bobp@redwings.com").exists()


@pytest.mark.parametrize(
    "field,value", [("roles", ["ROLE_KING"]), ("userName", ""), ("userName", "x" * 256), ("color", "red")]
)
def test_create_with_an_invalid_value_is_an_input_validation_error(admin_client, field, value):
    assert_error(admin_client.post(USERS, {**NEW_USER, field: value}), 400, 10)


@pytest.mark.parametrize("field", ["id", "uri", "path"])
def test_create_with_a_read_only_field_is_refused(admin_client, field):
    assert_error(admin_client.post(USERS, {**NEW_USER, field: "abc"}), 400, 11)


def test_create_with_a_taken_user_name_is_a_duplicate(admin_client, agent, foreign_user):
    assert_error(admin_client.post(USERS, {**NEW_USER, "userName": agent.user_name}), 409, 18)
    # userNames are logins: unique across contact centers too
    assert_error(admin_client.post(USERS, {**NEW_USER, "userName": foreign_user.user_name}), 409, 18)


def test_agent_and_supervisor_may_not_create_users(agent_client, supervisor_client):
    assert_error(agent_client.post(USERS, NEW_USER), 403, 5)
    assert_error(supervisor_client.post(USERS, NEW_USER), 403, 5)
    assert not User.objects.filter(user_name="bobp@redwings.com").exists()


def test_create_while_provisioning_is_read_only_is_refused(admin_client):
    from provisioning.models import SystemService

    SystemService.objects.create(id="provisioning", state="ReadOnly")
    assert_error(admin_client.post(USERS, NEW_USER), 503, 4)


def test_bulk_create_with_partial_success(admin_client, agent):
    # given three users of which the third has a taken userName and the second lacks a password
    users = [NEW_USER, {"userName": "u2@redwings.com"}, {**NEW_USER, "userName": agent.user_name}]
    # when they are created in bulk
    body = admin_client.post(USERS, {"users": users}).json()
    # then the first succeeded and the others failed, each named by userName
    assert body["statusCode"] == 7
    (created,) = body["succeeded"]
    assert created["path"] == f"/users/{created['id']}" and created["uri"].endswith(created["path"])
    assert [(f["userName"], f["statusCode"]) for f in body["failed"]] == [("u2@redwings.com", 1), (agent.user_name, 18)]
    assert all(f["statusMessage"] for f in body["failed"])
    assert User.objects.filter(user_name__in=["bobp@redwings.com", "u2@redwings.com"]).count() == 1


def test_bulk_create_all_succeeding_is_ok(admin_client):
    body = admin_client.post(USERS, {"users": [NEW_USER, {**NEW_USER, "userName": "u2"}]}).json()
    assert body["statusCode"] == 0 and len(body["succeeded"]) == 2 and "failed" not in body


def test_bulk_create_all_failing_is_the_first_error(admin_client, agent):
    response = admin_client.post(USERS, {"users": [{**NEW_USER, "userName": agent.user_name}, 5]})
    assert_error(response, 409, 18)


def test_bulk_create_of_non_objects_fails_each_item(admin_client):
    body = admin_client.post(USERS, {"users": [NEW_USER, "bob", None]}).json()
    assert body["statusCode"] == 7 and [f["statusCode"] for f in body["failed"]] == [1, 1]


# ---------------------------------------------------------------------------------------------
# GET /users/{id}
# ---------------------------------------------------------------------------------------------


def test_admin_reads_a_user_with_its_subresources(admin_client, admin, agent, sales):
    services.assign_skill(admin, agent, sales, 3)
    body = admin_client.get(f"{USERS}/{agent.id}?subresources=skills,devices").json()
    assert body["statusCode"] == 0
    assert body["user"]["userName"] == agent.user_name and body["user"]["skills"] == [{"id": sales.id, "name": "Sales", "level": 3}]
    assert body["user"]["devices"][0]["phoneNumber"] == "5001"
    assert "skills" not in admin_client.get(f"{USERS}/{agent.id}").json()["user"]


def test_agent_reads_itself_but_not_others(agent_client, agent, other_agent):
    assert agent_client.get(f"{USERS}/{agent.id}").json()["user"]["id"] == agent.id
    assert_error(agent_client.get(f"{USERS}/{other_agent.id}"), 403, 5)


def test_user_of_another_contact_center_is_not_found(admin_client, foreign_user):
    assert_error(admin_client.get(f"{USERS}/{foreign_user.id}"), 404, 6)


def test_unknown_user_is_not_found(admin_client):
    assert_error(admin_client.get(f"{USERS}/nosuchuser"), 404, 6)


# ---------------------------------------------------------------------------------------------
# PUT /users/{id}
# ---------------------------------------------------------------------------------------------


def test_admin_changes_names_roles_and_password(admin_client, agent):
    change = {"firstName": "Caro", "lastName": "S", "roles": ["ROLE_AGENT", "ROLE_SUPERVISOR"], "password": "new-pw",
              "changePasswordOnFirstLogin": True}
    assert admin_client.put(f"{USERS}/{agent.id}", change).json() == {"statusCode": 0}
    user = admin_client.get(f"{USERS}/{agent.id}").json()["user"]
    assert (user["firstName"], user["lastName"], user["roles"], user["changePasswordOnFirstLogin"]) == (
        "Caro", "S", ["ROLE_AGENT", "ROLE_SUPERVISOR"], True)
    assert GWSClient(agent.user_name, "new-pw").get("/api/v2/me").status_code == 200
    assert_error(GWSClient(agent.user_name, PASSWORD, csrf=False).get("/api/v2/me"), 401, 20)


def test_put_back_of_what_was_read_is_accepted(admin_client, agent):
    user = admin_client.get(f"{USERS}/{agent.id}").json()["user"]
    assert admin_client.put(f"{USERS}/{agent.id}", {**user, "firstName": "Caro"}).json() == {"statusCode": 0}


@pytest.mark.parametrize("field,value", [("userName", "other@redwings.com"), ("id", "0" * 32), ("uri", "http://x/")])
def test_changing_a_read_only_field_is_refused(admin_client, agent, field, value):
    assert_error(admin_client.put(f"{USERS}/{agent.id}", {field: value}), 400, 11)
    assert User.objects.get(pk=agent.pk).user_name == agent.user_name


@pytest.mark.parametrize("body,code", [({"enabled": "no"}, 1), ({"roles": ["ROLE_KING"]}, 10), ({"nickname": "C"}, 10),
                                       ({"firstName": 3}, 1)])
def test_put_with_a_bad_value(admin_client, agent, body, code):
    assert_error(admin_client.put(f"{USERS}/{agent.id}", body), 400, code)


def test_put_on_unknown_or_foreign_user_is_not_found(admin_client, foreign_user):
    assert_error(admin_client.put(f"{USERS}/nosuchuser", {"firstName": "X"}), 404, 6)
    assert_error(admin_client.put(f"{USERS}/{foreign_user.id}", {"firstName": "X"}), 404, 6)


def test_agent_may_not_change_even_itself(agent_client, agent):
    assert_error(agent_client.put(f"{USERS}/{agent.id}", {"firstName": "X"}), 403, 5)


def test_admin_may_not_disable_itself_or_drop_its_admin_role(admin_client, admin):
    assert_error(admin_client.put(f"{USERS}/{admin.id}", {"enabled": False}), 403, 3)
    assert_error(admin_client.put(f"{USERS}/{admin.id}", {"roles": ["ROLE_AGENT"]}), 403, 3)


# ---------------------------------------------------------------------------------------------
# DELETE /users/{id} and DELETE /users (bulk)
# ---------------------------------------------------------------------------------------------


def test_delete_user_leaves_its_devices_unassigned(admin_client, agent):
    assert admin_client.delete(f"{USERS}/{agent.id}").json() == {"statusCode": 0}
    assert_error(admin_client.get(f"{USERS}/{agent.id}"), 404, 6)
    assert Device.objects.get(phone_number="5001").user is None


def test_delete_unknown_foreign_or_self(admin_client, admin, foreign_user):
    assert_error(admin_client.delete(f"{USERS}/nosuchuser"), 404, 6)
    assert_error(admin_client.delete(f"{USERS}/{foreign_user.id}"), 404, 6)
    assert_error(admin_client.delete(f"{USERS}/{admin.id}"), 403, 3)


def test_agent_may_not_delete_users(agent_client, other_agent):
    assert_error(agent_client.delete(f"{USERS}/{other_agent.id}"), 403, 5)
    assert User.objects.filter(pk=other_agent.pk).exists()


def test_bulk_delete_by_uris_and_paths_with_partial_success(admin_client, agent, other_agent, foreign_user):
    uri = f"http://testserver/api/v2/users/{agent.id}"
    body = admin_client.delete(USERS, {"uris": [uri], "paths": [f"/users/{other_agent.id}", f"/users/{foreign_user.id}"]}).json()
    assert body["statusCode"] == 7
    assert [s["id"] for s in body["succeeded"]] == [agent.id, other_agent.id]
    assert body["failed"] == [{"path": f"/users/{foreign_user.id}", "statusCode": 6, "statusMessage": body["failed"][0]["statusMessage"]}]
    assert not User.objects.filter(pk__in=[agent.pk, other_agent.pk]).exists()


@pytest.mark.parametrize("body,code", [({}, 1), ({"uris": "x"}, 1), ({"uris": [5]}, 1), ({"paths": ["/skills/1"]}, 10)])
def test_bulk_delete_with_bad_references(admin_client, body, code):
    assert_error(admin_client.delete(USERS, body), 400, code)


def test_bulk_delete_without_a_body_is_a_missing_parameter(admin_client):
    assert_error(admin_client.delete(USERS), 400, 1)


def test_agent_may_not_bulk_delete(agent_client, other_agent):
    assert_error(agent_client.delete(USERS, {"paths": [f"/users/{other_agent.id}"]}), 403, 5)
