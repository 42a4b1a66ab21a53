"""/voice-environments: the telephony back ends devices live on."""
import uuid

import pytest

from provisioning import services
from provisioning.models import VoiceEnvironment
from tests.conftest import assert_error

ENVIRONMENTS = "/api/v2/voice-environments"


def test_every_user_reads_its_contact_centers_voice_environments(agent_client, agent, foreign_environment):
    environment = agent.devices.get().voice_environment
    body = agent_client.get(f"{ENVIRONMENTS}?fields=*").json()
    assert body == {"statusCode": 0, "voiceEnvironments": [{"id": str(environment.id), "name": "EmbeddedSwitch"}]}
    assert agent_client.get(f"{ENVIRONMENTS}/{environment.id}").json()["voiceEnvironment"]["name"] == "EmbeddedSwitch"


def test_voice_environment_of_another_contact_center_or_unknown_is_not_found(admin_client, foreign_environment):
    for environment_id in (foreign_environment.id, uuid.uuid4(), "bad"):
        assert_error(admin_client.get(f"{ENVIRONMENTS}/{environment_id}"), 404, 6)
        assert_error(admin_client.put(f"{ENVIRONMENTS}/{environment_id}", {"name": "X"}), 404, 6)
        assert_error(admin_client.delete(f"{ENVIRONMENTS}/{environment_id}"), 404, 6)


def test_admin_creates_renames_and_deletes_a_voice_environment(admin_client):
    created = admin_client.post(ENVIRONMENTS, {"name": "SIP"}).json()
    assert created["statusCode"] == 0 and created["path"] == f"/voice-environments/{created['id']}"
    path = f"{ENVIRONMENTS}/{created['id']}"
    assert admin_client.put(path, {"name": "SIP Server"}).json() == {"statusCode": 0}
    assert admin_client.get(path).json()["voiceEnvironment"]["name"] == "SIP Server"
    assert admin_client.delete(path).json() == {"statusCode": 0}
    assert_error(admin_client.get(path), 404, 6)


@pytest.mark.parametrize("body,code", [({}, 1), ({"name": 1}, 1), ({"name": ""}, 10), ({"name": "A", "id": "x"}, 11), ({"name": "A", "x": 1}, 10)])
def test_create_voice_environment_with_a_bad_body(admin_client, body, code):
    assert_error(admin_client.post(ENVIRONMENTS, body), 400, code)


def test_voice_environment_names_are_unique(admin_client, admin):
    services.create_voice_environment(admin, {"name": "SIP"})
    assert_error(admin_client.post(ENVIRONMENTS, {"name": "EmbeddedSwitch"}), 409, 18)
    default = VoiceEnvironment.objects.get(contact_center=admin.contact_center, name="EmbeddedSwitch")
    assert_error(admin_client.put(f"{ENVIRONMENTS}/{default.id}", {"name": "SIP"}), 409, 18)


def test_voice_environment_with_devices_is_in_use(admin_client, agent):
    environment = agent.devices.get().voice_environment
    assert_error(admin_client.delete(f"{ENVIRONMENTS}/{environment.id}"), 409, 19)


def test_only_admins_change_voice_environments(agent_client, supervisor_client, agent):
    environment = agent.devices.get().voice_environment
    assert_error(agent_client.post(ENVIRONMENTS, {"name": "SIP"}), 403, 5)
    assert_error(supervisor_client.put(f"{ENVIRONMENTS}/{environment.id}", {"name": "SIP"}), 403, 5)
    assert_error(agent_client.delete(f"{ENVIRONMENTS}/{environment.id}"), 403, 5)


def test_bulk_create_and_delete_voice_environments(admin_client):
    body = admin_client.post(ENVIRONMENTS, {"voiceEnvironments": [{"name": "A"}, {"name": "A"}]}).json()
    assert body["statusCode"] == 7 and body["failed"][0] == {"name": "A", "statusCode": 18, "statusMessage": body["failed"][0]["statusMessage"]}
    body = admin_client.delete(ENVIRONMENTS, {"paths": [body["succeeded"][0]["path"]]}).json()
    assert body["statusCode"] == 0 and len(body["succeeded"]) == 1
