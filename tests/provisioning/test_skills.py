"""Skills: /skills, /skills/{id}, and their assignment with a level: /users/{id}/skills, /me/skills."""
import pytest

from provisioning import services
from provisioning.models import Skill, UserSkill
from tests.conftest import assert_error

SKILLS = "/api/v2/skills"


# ---------------------------------------------------------------------------------------------
# /skills
# ---------------------------------------------------------------------------------------------


def test_admin_and_supervisor_list_skills_of_their_contact_center(admin_client, supervisor_client, sales, foreign_skill):
    expected = {"statusCode": 0, "skills": [{"id": sales.id, "name": "Sales"}]}
    assert admin_client.get(f"{SKILLS}?fields=*").json() == expected
    assert supervisor_client.get(f"{SKILLS}?fields=*").json() == expected


def test_agent_may_not_list_skills(agent_client, sales):
    assert_error(agent_client.get(SKILLS), 403, 5)
    assert_error(agent_client.get(f"{SKILLS}/{sales.id}"), 403, 5)


def test_admin_creates_a_skill(admin_client):
    body = admin_client.post(SKILLS, {"name": "Billing"}).json()
    assert body["statusCode"] == 0 and body["path"] == f"/skills/{body['id']}" and len(body["id"]) == 32
    assert admin_client.get(body["uri"].replace("http://testserver", "")).json()["skill"]["name"] == "Billing"


@pytest.mark.parametrize("body,code", [({}, 1), ({"name": 5}, 1), ({"name": None}, 1), ({"name": ""}, 10), ({"name": "x", "level": 1}, 10)])
def test_create_skill_with_a_bad_body(admin_client, body, code):
    assert_error(admin_client.post(SKILLS, body), 400, code)


def test_create_skill_with_an_id_is_refused(admin_client):
    assert_error(admin_client.post(SKILLS, {"name": "Billing", "id": "0" * 32}), 400, 11)


def test_create_skill_with_a_taken_name_is_a_duplicate(admin_client, sales):
    assert_error(admin_client.post(SKILLS, {"name": "Sales"}), 409, 18)


def test_skill_names_are_per_contact_center(foreign_client, sales):
    assert foreign_client.post(SKILLS, {"name": "Sales"}).json()["statusCode"] == 0


def test_agent_and_supervisor_may_not_create_skills(agent_client, supervisor_client):
    assert_error(agent_client.post(SKILLS, {"name": "Billing"}), 403, 5)
    assert_error(supervisor_client.post(SKILLS, {"name": "Billing"}), 403, 5)


def test_bulk_create_skills_with_partial_success(admin_client, sales):
    body = admin_client.post(SKILLS, {"skills": [{"name": "Billing"}, {"name": "Sales"}]}).json()
    assert body["statusCode"] == 7 and len(body["succeeded"]) == 1
    assert body["failed"] == [{"name": "Sales", "statusCode": 18, "statusMessage": body["failed"][0]["statusMessage"]}]


def test_rename_a_skill(admin_client, sales, support):
    assert admin_client.put(f"{SKILLS}/{sales.id}", {"name": "Selling"}).json() == {"statusCode": 0}
    assert Skill.objects.get(pk=sales.pk).name == "Selling"
    assert admin_client.put(f"{SKILLS}/{sales.id}", {"name": "Selling"}).json() == {"statusCode": 0}
    assert_error(admin_client.put(f"{SKILLS}/{sales.id}", {"name": "Support"}), 409, 18)
    assert_error(admin_client.put(f"{SKILLS}/{sales.id}", {"name": 1}), 400, 1)
    assert_error(admin_client.put(f"{SKILLS}/{sales.id}", {"id": "f" * 32}), 400, 11)


def test_skill_of_another_contact_center_or_unknown_is_not_found(admin_client, foreign_skill):
    for skill_id in (foreign_skill.id, "nosuchskill"):
        assert_error(admin_client.get(f"{SKILLS}/{skill_id}"), 404, 6)
        assert_error(admin_client.put(f"{SKILLS}/{skill_id}", {"name": "X"}), 404, 6)
        assert_error(admin_client.delete(f"{SKILLS}/{skill_id}"), 404, 6)


def test_delete_a_skill_unassigns_it(admin_client, admin, agent, sales):
    services.assign_skill(admin, agent, sales, 2)
    assert admin_client.delete(f"{SKILLS}/{sales.id}").json() == {"statusCode": 0}
    assert not UserSkill.objects.exists()


def test_agent_may_not_change_or_delete_skills(agent_client, sales):
    assert_error(agent_client.put(f"{SKILLS}/{sales.id}", {"name": "X"}), 403, 5)
    assert_error(agent_client.delete(f"{SKILLS}/{sales.id}"), 403, 5)


def test_bulk_delete_skills(admin_client, sales, foreign_skill):
    uris = [f"http://testserver/api/v2/skills/{sales.id}", f"http://testserver/api/v2/skills/{foreign_skill.id}"]
    body = admin_client.delete(SKILLS, {"uris": uris}).json()
    assert body["statusCode"] == 7 and body["failed"][0]["uri"] == uris[1]
    assert Skill.objects.filter(pk=foreign_skill.pk).exists() and not Skill.objects.filter(pk=sales.pk).exists()


# ---------------------------------------------------------------------------------------------
# /users/{id}/skills and /users/{id}/skills/{id}
# ---------------------------------------------------------------------------------------------


def _user_skills(user):
    return f"/api/v2/users/{user.id}/skills"


def test_assign_a_skill_by_uri_with_a_level(admin_client, agent, sales):
    uri = f"http://testserver/api/v2/skills/{sales.id}"
    assert admin_client.post(_user_skills(agent), {"uri": uri, "level": 7}).json() == {"statusCode": 0}
    body = admin_client.get(f"{_user_skills(agent)}?fields=*").json()
    assert body == {"statusCode": 0, "skills": [{"id": sales.id, "name": "Sales", "level": 7}]}


@pytest.mark.parametrize("key", ["id", "path", "name"])
def test_assign_a_skill_by_id_path_or_name_gets_level_1(admin_client, agent, sales, key):
    reference = {"id": sales.id, "path": f"/skills/{sales.id}", "name": "Sales"}[key]
    assert admin_client.post(_user_skills(agent), {key: reference}).json() == {"statusCode": 0}
    assert UserSkill.objects.get(user=agent, skill=sales).level == 1


def test_assign_many_skills_with_partial_success(admin_client, admin, agent, sales, support, foreign_skill):
    services.assign_skill(admin, agent, sales, 2)
    paths = [f"/skills/{support.id}", f"/skills/{sales.id}", f"/skills/{foreign_skill.id}"]
    body = admin_client.post(_user_skills(agent), {"paths": paths, "level": 3}).json()
    assert body["statusCode"] == 7
    assert body["succeeded"] == [{"id": support.id, "uri": f"http://testserver/api/v2/skills/{support.id}", "path": paths[0]}]
    assert [(f["path"], f["statusCode"]) for f in body["failed"]] == [(paths[1], 18), (paths[2], 6)]
    assert UserSkill.objects.get(user=agent, skill=support).level == 3


@pytest.mark.parametrize(
    "body,status,code",
    [({}, 400, 1), ({"name": "Sales", "level": "3"}, 400, 1), ({"name": "Sales", "level": -1}, 400, 10),
     ({"name": "Sales", "level": 101}, 400, 10), ({"name": "Nope"}, 404, 6), ({"uri": "/devices/x"}, 400, 10),
     ({"name": "Sales", "colour": 1}, 400, 10), ({"uris": ["/skills/nosuch"]}, 404, 6)],
)
def test_assign_skill_with_a_bad_body(admin_client, agent, sales, body, status, code):
    assert_error(admin_client.post(_user_skills(agent), body), status, code)
    assert not UserSkill.objects.exists()


def test_assign_a_skill_twice_is_a_duplicate(admin_client, admin, agent, sales):
    services.assign_skill(admin, agent, sales, 2)
    assert_error(admin_client.post(_user_skills(agent), {"id": sales.id}), 409, 18)


def test_agent_or_supervisor_may_not_assign_skills(agent_client, supervisor_client, agent, sales):
    assert_error(agent_client.post(_user_skills(agent), {"id": sales.id}), 403, 5)
    assert_error(supervisor_client.post(_user_skills(agent), {"id": sales.id}), 403, 5)


def test_user_skills_of_unknown_or_foreign_user(admin_client, foreign_user, sales):
    for user_id in ("nosuchuser", foreign_user.id):
        assert_error(admin_client.get(f"/api/v2/users/{user_id}/skills"), 404, 6)
        assert_error(admin_client.post(f"/api/v2/users/{user_id}/skills", {"id": sales.id}), 404, 6)
        assert_error(admin_client.put(f"/api/v2/users/{user_id}/skills/{sales.id}", {"level": 2}), 404, 6)


def test_change_and_read_one_assigned_skills_level(admin_client, admin, agent, sales):
    services.assign_skill(admin, agent, sales, 2)
    path = f"{_user_skills(agent)}/{sales.id}"
    assert admin_client.put(path, {"level": 9}).json() == {"statusCode": 0}
    assert admin_client.get(path).json() == {"statusCode": 0, "skill": {"id": sales.id, "name": "Sales", "level": 9}}


@pytest.mark.parametrize("body,code", [({}, 1), ({"level": 2.5}, 1), ({"level": True}, 1), ({"level": 1000}, 10), ({"level": 1, "id": "x"}, 11)])
def test_change_level_with_a_bad_body(admin_client, admin, agent, sales, body, code):
    services.assign_skill(admin, agent, sales, 2)
    assert_error(admin_client.put(f"{_user_skills(agent)}/{sales.id}", body), 400, code)


def test_skill_not_assigned_to_the_user_is_not_found(admin_client, agent, sales, foreign_skill):
    path = f"{_user_skills(agent)}/{sales.id}"
    assert_error(admin_client.get(path), 404, 6)
    assert_error(admin_client.put(path, {"level": 2}), 404, 6)
    assert_error(admin_client.delete(path), 404, 6)
    assert_error(admin_client.put(f"{_user_skills(agent)}/{foreign_skill.id}", {"level": 2}), 404, 6)


def test_unassign_one_and_many(admin_client, admin, agent, sales, support):
    services.assign_skill(admin, agent, sales, 2)
    services.assign_skill(admin, agent, support, 2)
    assert admin_client.delete(f"{_user_skills(agent)}/{sales.id}").json() == {"statusCode": 0}
    body = admin_client.delete(_user_skills(agent), {"paths": [f"/skills/{support.id}", f"/skills/{sales.id}"]}).json()
    assert body["statusCode"] == 7 and body["succeeded"][0]["id"] == support.id and body["failed"][0]["statusCode"] == 6
    assert not UserSkill.objects.exists()
    assert_error(admin_client.delete(_user_skills(agent), {}), 400, 1)


def test_agent_reads_its_own_skills_but_may_not_change_them(agent_client, admin, agent, other_agent, sales):
    services.assign_skill(admin, agent, sales, 2)
    assert agent_client.get(f"{_user_skills(agent)}/{sales.id}").json()["skill"]["level"] == 2
    assert_error(agent_client.get(_user_skills(other_agent)), 403, 5)
    assert_error(agent_client.put(f"{_user_skills(agent)}/{sales.id}", {"level": 5}), 403, 5)
    assert_error(agent_client.delete(f"{_user_skills(agent)}/{sales.id}"), 403, 5)


def test_me_skills_lists_the_agents_skills_with_levels(agent_client, admin, agent, sales, support):
    services.assign_skill(admin, agent, support, 1)
    services.assign_skill(admin, agent, sales, 5)
    body = agent_client.get("/api/v2/me/skills?fields=*").json()
    assert body == {"statusCode": 0, "skills": [{"id": sales.id, "name": "Sales", "level": 5}, {"id": support.id, "name": "Support", "level": 1}]}
    assert agent_client.get("/api/v2/me/skills").json()["paths"] == [f"/skills/{sales.id}", f"/skills/{support.id}"]
    ordered = agent_client.get("/api/v2/me/skills?fields=name&sortBy=level&order=Descending").json()["skills"]
    assert ordered == [{"name": "Sales"}, {"name": "Support"}]
