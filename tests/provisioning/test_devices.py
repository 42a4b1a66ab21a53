"""Devices ("Devices API"): /devices, /devices/{id}, /me/devices, /users/{id}/devices (hybrid create-and-assign)."""
import uuid

import pytest

from provisioning import services
from provisioning.models import Device
from tests.conftest import assert_error

DEVICES = "/api/v2/devices"


# ---------------------------------------------------------------------------------------------
# GET /devices and /devices/{id}
# ---------------------------------------------------------------------------------------------


def test_public_device_has_the_documented_shape(admin_client, free_device):
    body = admin_client.get(f"{DEVICES}/{free_device.id}").json()
    environment = free_device.voice_environment_id
    assert body == {
        "statusCode": 0,
        "device": {
            "id": str(free_device.id),
            "deviceState": "Active",
            "phoneNumber": "+1 650 987 0000",
            "e164Number": "+16509870000",
            "country": {"name": "United States", "code": "US", "callingCode": "1"},
            "location": "California",
            "localNumber": "(650) 987-0000",
            "telephonyNetwork": "Private",
            "model": "CloudDevice",
            "vendor": "Genesys",
            "doNotDisturb": "Off",
            "voiceEnvironmentUri": f"http://testserver/api/v2/voice-environments/{environment}",
            "capabilities": ["DoNotDisturbOn", "ForwardCallsOn"],
        },
    }


def test_private_extension_looks_like_the_documents_3001(admin_client, agent):
    (device,) = admin_client.get(f"{DEVICES}?fields=*&phoneNumber=5001").json()["devices"]
    environment = agent.devices.get().voice_environment_id
    assert device == {
        "id": str(agent.devices.get().id),
        "deviceState": "Active",
        # An assigned device shows its user's agent state (logged out until a session starts).
        "userState": {"id": "0F7F5003-EF26-4D13-A6Ef-D0C7EC819BEB", "displayName": "Offline", "state": "LoggedOut"},
        "phoneNumber": "5001",
        "e164Number": "5001",
        "country": {"name": "", "code": "", "callingCode": ""},
        "telephonyNetwork": "Private",
        "doNotDisturb": "Off",
        "voiceEnvironmentUri": f"http://testserver/api/v2/voice-environments/{environment}",
        "capabilities": ["DoNotDisturbOn", "ForwardCallsOn"],
        "userUri": f"http://testserver/api/v2/users/{agent.id}",
    }


def test_admin_lists_its_contact_centers_devices_only(admin_client, agent, free_device, foreign_device):
    body = admin_client.get(DEVICES).json()
    assert sorted(body["paths"]) == sorted([f"/devices/{agent.devices.get().id}", f"/devices/{free_device.id}"])


def test_devices_filter_by_telephony_network_and_sort(admin_client, admin, agent, free_device):
    services.create_device(admin, {"phoneNumber": "5003", "telephonyNetwork": "Public"})
    body = admin_client.get(f"{DEVICES}?fields=phoneNumber&telephonyNetwork=Private&sortBy=phoneNumber&order=Descending").json()
    assert body["devices"] == [{"phoneNumber": "5001"}, {"phoneNumber": "+1 650 987 0000"}]
    assert_error(admin_client.get(f"{DEVICES}?telephonyNetwork=Satellite"), 400, 10)


def test_resolve_uris_embeds_the_voice_environment(admin_client, free_device):
    device = admin_client.get(f"{DEVICES}/{free_device.id}?resolveUris=*").json()["device"]
    assert device["voiceEnvironment"] == {"id": str(free_device.voice_environment_id), "name": "EmbeddedSwitch"}
    listed = admin_client.get(f"{DEVICES}?resolveUris=voiceEnvironmentUri").json()["devices"]
    assert listed[0]["voiceEnvironment"]["name"] == "EmbeddedSwitch"


def test_agent_may_not_list_all_devices(agent_client):
    assert_error(agent_client.get(DEVICES), 403, 5)


def test_agent_reads_its_own_device_but_no_other(agent_client, agent, free_device):
    own = agent.devices.get()
    assert agent_client.get(f"{DEVICES}/{own.id}").json()["device"]["phoneNumber"] == "5001"
    assert_error(agent_client.get(f"{DEVICES}/{free_device.id}"), 404, 6)


@pytest.mark.parametrize("device_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_unknown_device_is_not_found(admin_client, device_id):
    assert_error(admin_client.get(f"{DEVICES}/{device_id}"), 404, 6)


def test_device_of_another_contact_center_is_not_found(admin_client, foreign_device):
    assert_error(admin_client.get(f"{DEVICES}/{foreign_device.id}"), 404, 6)


# ---------------------------------------------------------------------------------------------
# POST /devices
# ---------------------------------------------------------------------------------------------


def test_admin_creates_a_device_private_by_default(admin_client):
    body = admin_client.post(DEVICES, {"phoneNumber": "5010", "model": "Desk"}).json()
    assert body["statusCode"] == 0 and body["path"] == f"/devices/{body['id']}"
    device = Device.objects.get(pk=body["id"])
    assert (device.telephony_network, device.e164_number, device.user) == ("Private", "5010", None)


def test_create_device_numbers_are_normalised_relative_to_the_contact_centers_country(admin_client, foreign_client):
    us = admin_client.post(DEVICES, {"phoneNumber": "650.987.0000", "telephonyNetwork": "Public"}).json()
    assert Device.objects.get(pk=us["id"]).e164_number == "+16509870000"
    gb = foreign_client.post(DEVICES, {"phoneNumber": "020 7946 0000"}).json()
    assert Device.objects.get(pk=gb["id"]).e164_number == "+442079460000"


def test_create_device_in_a_named_voice_environment(admin_client, admin):
    environment = services.create_voice_environment(admin, {"name": "SIP"})
    uri = f"http://testserver/api/v2/voice-environments/{environment.id}"
    body = admin_client.post(DEVICES, {"phoneNumber": "5011", "voiceEnvironmentUri": uri}).json()
    assert Device.objects.get(pk=body["id"]).voice_environment == environment


def test_create_device_in_an_unknown_or_foreign_voice_environment_is_not_found(admin_client, foreign_environment):
    for environment_id in (uuid.uuid4(), foreign_environment.id):
        uri = f"/voice-environments/{environment_id}"
        assert_error(admin_client.post(DEVICES, {"phoneNumber": "5011", "voiceEnvironmentUri": uri}), 404, 6)
    assert not Device.objects.filter(phone_number="5011").exists()


@pytest.mark.parametrize("body", [{}, {"model": "Desk"}, {"phoneNumber": None}, {"phoneNumber": 5010}, {"phoneNumber": "5010", "model": 7}])
def test_create_device_missing_or_mistyped_is_a_missing_parameter(admin_client, body):
    assert_error(admin_client.post(DEVICES, body), 400, 1)


@pytest.mark.parametrize(
    "body",
    [{"phoneNumber": "call me"}, {"phoneNumber": ""}, {"phoneNumber": "+1 555"}, {"phoneNumber": "5010", "telephonyNetwork": "Satellite"},
     {"phoneNumber": "5010", "color": "red"}, {"phoneNumber": "5010", "voiceEnvironmentUri": "/skills/1"}],
)
def test_create_device_with_an_invalid_value(admin_client, body):
    assert_error(admin_client.post(DEVICES, body), 400, 10)


@pytest.mark.parametrize("field", ["id", "e164Number", "country", "capabilities", "deviceState", "doNotDisturb", "userState"])
def test_create_device_with_a_read_only_field_is_refused(admin_client, field):
    assert_error(admin_client.post(DEVICES, {"phoneNumber": "5010", field: "x"}), 400, 11)


def test_create_device_with_a_taken_number_is_a_duplicate_whatever_its_format(admin_client, free_device):
    assert_error(admin_client.post(DEVICES, {"phoneNumber": "+16509870000"}), 409, 18)
    assert_error(admin_client.post(DEVICES, {"phoneNumber": "(650) 987-0000"}), 409, 18)


def test_the_same_number_may_exist_in_another_contact_center(foreign_client, agent):
    assert foreign_client.post(DEVICES, {"phoneNumber": "5001"}).json()["statusCode"] == 0


def test_agent_and_supervisor_may_not_create_devices(agent_client, supervisor_client):
    assert_error(agent_client.post(DEVICES, {"phoneNumber": "5010"}), 403, 5)
    assert_error(supervisor_client.post(DEVICES, {"phoneNumber": "5010"}), 403, 5)
    assert not Device.objects.filter(phone_number="5010").exists()


def test_bulk_create_devices_with_partial_success(admin_client, agent):
    body = admin_client.post(DEVICES, {"devices": [{"phoneNumber": "5010"}, {"phoneNumber": "5001"}, {"phoneNumber": "x"}]}).json()
    assert body["statusCode"] == 7 and len(body["succeeded"]) == 1
    assert [(f["phoneNumber"], f["statusCode"]) for f in body["failed"]] == [("5001", 18), ("x", 10)]


# ---------------------------------------------------------------------------------------------
# PUT and DELETE /devices/{id}, DELETE /devices
# ---------------------------------------------------------------------------------------------


def test_admin_changes_model_vendor_and_network(admin_client, free_device):
    change = {"model": "Desk", "vendor": "Acme", "telephonyNetwork": "Public"}
    assert admin_client.put(f"{DEVICES}/{free_device.id}", change).json() == {"statusCode": 0}
    device = admin_client.get(f"{DEVICES}/{free_device.id}").json()["device"]
    assert (device["model"], device["vendor"], device["telephonyNetwork"]) == ("Desk", "Acme", "Public")


def test_put_back_of_what_was_read_is_accepted(admin_client, free_device):
    device = admin_client.get(f"{DEVICES}/{free_device.id}").json()["device"]
    assert admin_client.put(f"{DEVICES}/{free_device.id}", {**device, "model": "Desk"}).json() == {"statusCode": 0}


@pytest.mark.parametrize("field,value", [("phoneNumber", "5099"), ("e164Number", "5099"), ("doNotDisturb", "On")])
def test_changing_a_read_only_device_field_is_refused(admin_client, free_device, field, value):
    assert_error(admin_client.put(f"{DEVICES}/{free_device.id}", {field: value}), 400, 11)


@pytest.mark.parametrize("body,code", [({"model": 5}, 1), ({"telephonyNetwork": "Cable"}, 10), ("[]", 1), ('{"model"', 1)])
def test_put_device_with_a_bad_value(admin_client, free_device, body, code):
    assert_error(admin_client.put(f"{DEVICES}/{free_device.id}", body), 400, code)


def test_put_or_delete_device_by_agent_or_of_another_contact_center(agent_client, admin_client, agent, foreign_device):
    own = agent.devices.get()
    assert_error(agent_client.put(f"{DEVICES}/{own.id}", {"model": "X"}), 403, 5)
    assert_error(agent_client.delete(f"{DEVICES}/{own.id}"), 403, 5)
    assert_error(admin_client.put(f"{DEVICES}/{foreign_device.id}", {"model": "X"}), 404, 6)
    assert_error(admin_client.delete(f"{DEVICES}/{foreign_device.id}"), 404, 6)


def test_admin_deletes_a_device(admin_client, free_device):
    assert admin_client.delete(f"{DEVICES}/{free_device.id}").json() == {"statusCode": 0}
    assert_error(admin_client.delete(f"{DEVICES}/{free_device.id}"), 404, 6)


def test_bulk_delete_devices(admin_client, free_device, foreign_device):
    body = admin_client.delete(DEVICES, {"paths": [f"/devices/{free_device.id}", f"/devices/{foreign_device.id}"]}).json()
    assert body["statusCode"] == 7 and body["succeeded"][0]["id"] == str(free_device.id)
    assert body["failed"][0]["statusCode"] == 6
    assert Device.objects.filter(pk=foreign_device.pk).exists()


# ---------------------------------------------------------------------------------------------
# /me/devices
# ---------------------------------------------------------------------------------------------


def test_agent_lists_its_devices(agent_client, agent, free_device):
    own = agent.devices.get()
    assert agent_client.get("/api/v2/me/devices").json()["paths"] == [f"/devices/{own.id}"]
    devices = agent_client.get("/api/v2/me/devices?fields=*").json()["devices"]
    assert [d["phoneNumber"] for d in devices] == ["5001"]
    assert agent_client.get(f"/api/v2/me/devices/{own.id}").json()["device"]["id"] == str(own.id)


def test_me_device_that_is_not_mine_is_not_found(agent_client, free_device, foreign_device):
    assert_error(agent_client.get(f"/api/v2/me/devices/{free_device.id}"), 404, 6)
    assert_error(agent_client.get(f"/api/v2/me/devices/{foreign_device.id}"), 404, 6)
    assert_error(agent_client.get("/api/v2/me/devices/nonsense"), 404, 6)


# ---------------------------------------------------------------------------------------------
# /users/{id}/devices and /users/{id}/devices/{id}
# ---------------------------------------------------------------------------------------------


def _user_devices(user):
    return f"/api/v2/users/{user.id}/devices"


def test_hybrid_post_creates_and_assigns_in_one_operation(admin_client, other_agent):
    # when the admin posts a phone number to a user's devices
    body = admin_client.post(_user_devices(other_agent), {"phoneNumber": "+1 650 987 0001", "telephonyNetwork": "Public"}).json()
    # then it answers as a create (id, uri, path) and the device is the user's
    assert body == {"statusCode": 0, "id": body["id"], "uri": f"http://testserver/api/v2/devices/{body['id']}", "path": f"/devices/{body['id']}"}
    device = Device.objects.get(pk=body["id"])
    assert device.user == other_agent and device.e164_number == "+16509870001"
    listed = admin_client.get(f"{_user_devices(other_agent)}?fields=phoneNumber&sortBy=phoneNumber").json()["devices"]
    assert listed == [{"phoneNumber": "+1 650 987 0001"}, {"phoneNumber": "5002"}]


def test_hybrid_post_that_fails_leaves_nothing(admin_client, other_agent, agent):
    assert_error(admin_client.post(_user_devices(other_agent), {"phoneNumber": "5001"}), 409, 18)
    assert_error(admin_client.post(_user_devices(other_agent), {"phoneNumber": "x"}), 400, 10)
    assert_error(admin_client.post(_user_devices(other_agent), {"phoneNumber": "5077", "e164Number": "5077"}), 400, 11)
    assert other_agent.devices.count() == 1 and not Device.objects.filter(phone_number="5077").exists()


@pytest.mark.parametrize("key", ["id", "uri", "path"])
def test_assign_an_existing_device_by_reference(admin_client, other_agent, free_device, key):
    reference = {"id": str(free_device.id), "uri": f"http://testserver/api/v2/devices/{free_device.id}", "path": f"/devices/{free_device.id}"}[key]
    assert admin_client.post(_user_devices(other_agent), {key: reference}).json() == {"statusCode": 0}
    assert Device.objects.get(pk=free_device.pk).user == other_agent


def test_assign_a_device_already_assigned(admin_client, agent, other_agent):
    device = agent.devices.get()
    assert_error(admin_client.post(_user_devices(other_agent), {"id": str(device.id)}), 409, 19)
    assert_error(admin_client.post(_user_devices(agent), {"id": str(device.id)}), 409, 18)


def test_assign_unknown_or_foreign_device_is_not_found(admin_client, other_agent, foreign_device):
    assert_error(admin_client.post(_user_devices(other_agent), {"id": str(uuid.uuid4())}), 404, 6)
    assert_error(admin_client.post(_user_devices(other_agent), {"path": f"/devices/{foreign_device.id}"}), 404, 6)


def test_bulk_assign_with_partial_success(admin_client, admin, agent, other_agent, free_device):
    taken = agent.devices.get()
    uris = [f"http://testserver/api/v2/devices/{free_device.id}", f"http://testserver/api/v2/devices/{taken.id}"]
    body = admin_client.post(_user_devices(other_agent), {"uris": uris}).json()
    assert body["statusCode"] == 7
    assert body["succeeded"] == [{"id": str(free_device.id), "uri": uris[0], "path": f"/devices/{free_device.id}"}]
    assert body["failed"][0]["uri"] == uris[1] and body["failed"][0]["statusCode"] == 19


@pytest.mark.parametrize("body,code", [({}, 1), ({"id": 5}, 1), ({"uris": "x"}, 1), ({"uri": "/skills/1"}, 10), ({"color": "red"}, 10)])
def test_user_devices_post_with_a_bad_body(admin_client, other_agent, body, code):
    assert_error(admin_client.post(_user_devices(other_agent), body), 400, code)


def test_user_devices_of_unknown_or_foreign_user(admin_client, foreign_user):
    for user_id in ("nosuchuser", foreign_user.id):
        assert_error(admin_client.get(f"/api/v2/users/{user_id}/devices"), 404, 6)
        assert_error(admin_client.post(f"/api/v2/users/{user_id}/devices", {"phoneNumber": "5010"}), 404, 6)
        assert_error(admin_client.delete(f"/api/v2/users/{user_id}/devices", {"paths": ["/devices/x"]}), 404, 6)


def test_agent_reads_its_own_user_devices_but_may_not_assign(agent_client, agent, other_agent, free_device):
    assert len(agent_client.get(_user_devices(agent)).json()["uris"]) == 1
    assert_error(agent_client.get(_user_devices(other_agent)), 403, 5)
    assert_error(agent_client.post(_user_devices(agent), {"id": str(free_device.id)}), 403, 5)
    assert_error(agent_client.post(_user_devices(agent), {"phoneNumber": "5010"}), 403, 5)


def test_unassign_one_device(admin_client, agent):
    device = agent.devices.get()
    path = f"{_user_devices(agent)}/{device.id}"
    assert admin_client.get(f"{path}?fields=phoneNumber").json() == {"statusCode": 0, "device": {"phoneNumber": "5001"}}
    assert admin_client.delete(path).json() == {"statusCode": 0}
    assert Device.objects.get(pk=device.pk).user is None
    assert_error(admin_client.delete(path), 404, 6)
    assert_error(admin_client.get(path), 404, 6)


def test_unassign_many_with_partial_success(admin_client, agent, free_device):
    own = agent.devices.get()
    body = admin_client.delete(_user_devices(agent), {"paths": [f"/devices/{own.id}", f"/devices/{free_device.id}"]}).json()
    assert body["statusCode"] == 7 and body["succeeded"][0]["id"] == str(own.id) and body["failed"][0]["statusCode"] == 6
    assert agent.devices.count() == 0


def test_agent_may_not_unassign(agent_client, agent):
    device = agent.devices.get()
    assert_error(agent_client.delete(f"{_user_devices(agent)}/{device.id}"), 403, 5)
    assert_error(agent_client.delete(_user_devices(agent), {"paths": [f"/devices/{device.id}"]}), 403, 5)
