"""/me: the current user, with devices, skills, settings and calls as subresources."""
import pytest

from provisioning import services
from tests.conftest import assert_error


def test_me_without_subresources_is_the_user_alone(agent_client, agent):
    body = agent_client.get("/api/v2/me").json()
    assert body["statusCode"] == 0
    assert body["user"]["userName"] == agent.user_name and body["user"]["roles"] == ["ROLE_AGENT"]
    assert not {"devices", "skills", "settings", "calls"} & body["user"].keys()


def test_me_with_all_subresources_like_the_documents_example(agent_client, admin, agent, sales):
    # given an agent with a device, a skill and a settings group
    services.assign_skill(admin, agent, sales, 3)
    services.update_user(admin, agent, {"settings": {"htcc": {"roles": "Agent"}}})
    # when it reads /me?subresources=*
    user = agent_client.get("/api/v2/me?subresources=*").json()["user"]
    # then devices, skills, settings and calls come with it
    assert [d["phoneNumber"] for d in user["devices"]] == ["5001"]
    assert user["devices"][0]["capabilities"] == ["DoNotDisturbOn", "ForwardCallsOn"]
    assert user["skills"] == [{"id": sales.id, "name": "Sales", "level": 3}]
    assert user["settings"] == {"htcc": {"roles": "Agent"}}
    assert user["calls"] == []
    assert user["changePasswordOnFirstLogin"] is False


def test_me_with_chosen_subresources_and_fields(agent_client):
    user = agent_client.get("/api/v2/me?subresources=devices&fields=userName").json()["user"]
    assert user.keys() == {"userName", "devices"}


@pytest.mark.parametrize("query", ["subresources=moods", "fields=password", "resolveUris=deviceUri"])
def test_me_with_an_unknown_parameter_value_is_invalid(agent_client, query):
    assert_error(agent_client.get(f"/api/v2/me?{query}"), 400, 10)


def test_me_of_admin_and_supervisor(admin_client, supervisor_client, admin, supervisor):
    assert admin_client.get("/api/v2/me").json()["user"]["roles"] == ["ROLE_ADMIN"]
    assert supervisor_client.get("/api/v2/me?subresources=*").json()["user"]["devices"] == []


def test_me_is_read_only(agent_client):
    assert_error(agent_client.put("/api/v2/me", {"firstName": "X"}), 405, 3)
    assert_error(agent_client.delete("/api/v2/me"), 405, 3)
