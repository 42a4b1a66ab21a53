"""Settings groups, replaying "Working With Settings", "Toast And Case Data" and their failures."""
from provisioning import settings_groups
from tests.conftest import GWSClient, assert_error

VOICE = "/api/v2/settings/voice"
BASE = "http://testserver/api/v2/settings/"


def test_group_list_is_the_documents_example(admin_client):
    """The document's list (a custom group interaction-workspace, then the system groups), with
    access-control, which admins also see."""
    admin_client.post("/api/v2/settings", {"name": "interaction-workspace", "displayName": "interaction-workspace", "key": "name"})
    assert admin_client.get("/api/v2/settings").json() == {
        "statusCode": 0,
        "settings": [
            {"displayName": "Access Control", "key": "name", "uri": BASE + "access-control"},
            {"displayName": "Agent States", "name": "agent-states", "uri": BASE + "agent-states"},
            {"displayName": "dispositions", "name": "dispositions", "uri": BASE + "dispositions"},
            {"displayName": "General Settings", "name": "general-settings", "uri": BASE + "general-settings"},
            {"displayName": "interaction-workspace", "key": "name", "uri": BASE + "interaction-workspace"},
            {"displayName": "Voice", "key": "name", "uri": BASE + "voice"},
            {"displayName": "Voice Operations", "key": "operationName", "uri": BASE + "voice-operations"},
        ],
    }


def test_group_list_has_the_documents_system_groups(admin_client):
    body = admin_client.get("/api/v2/settings").json()
    assert body["statusCode"] == 0
    by_uri = {entry["uri"].rsplit("/", 1)[1]: entry for entry in body["settings"]}
    assert by_uri["voice"] == {"displayName": "Voice", "key": "name", "uri": "http://testserver/api/v2/settings/voice"}
    assert by_uri["voice-operations"]["key"] == "operationName"
    assert by_uri["general-settings"] == {
        "displayName": "General Settings",
        "name": "general-settings",
        "uri": "http://testserver/api/v2/settings/general-settings",
    }
    assert by_uri["agent-states"]["name"] == "agent-states"
    assert by_uri["dispositions"]["name"] == "dispositions"
    assert by_uri["access-control"]["key"] == "name"


def test_agents_do_not_see_access_control_in_the_list(agent_client):
    names = [entry["uri"].rsplit("/", 1)[1] for entry in agent_client.get("/api/v2/settings").json()["settings"]]
    assert "access-control" not in names and "voice" in names


def test_general_settings_come_from_the_contact_center(admin_client, foreign_client):
    assert admin_client.get("/api/v2/settings/general-settings").json() == {
        "statusCode": 0,
        "settings": {"countryCode": "US", "countryDigits": "1", "countryName": "United States"},
    }
    british = foreign_client.get("/api/v2/settings/general-settings").json()["settings"]
    assert british == {"countryCode": "GB", "countryDigits": "44", "countryName": "United Kingdom"}


def test_general_settings_are_read_only(admin_client):
    response = admin_client.post("/api/v2/settings/general-settings", {"name": "countryCode", "value": "FR"})
    assert_error(response, 400, 11)


def test_voice_settings_of_a_new_contact_center_are_the_documents_example(admin_client, agent_client):
    expected = {"key": "name", "settings": [{"name": "defaultTelephonyNetworkType", "value": "Private"}], "statusCode": 0}
    assert admin_client.get(VOICE).json() == expected
    assert agent_client.get(VOICE).json() == expected
    assert agent_client.get("/api/v2/me/settings/voice").json() == expected


def test_outbound_caller_id_create_update_delete_as_the_document(admin_client):
    assert admin_client.post(VOICE, {"name": "outboundCallerId", "value": "18883695555"}).json() == {"statusCode": 0}
    assert admin_client.put(VOICE, {"name": "outboundCallerId", "value": "18883691212"}).json() == {"statusCode": 0}
    assert {"name": "outboundCallerId", "value": "18883691212"} in admin_client.get(VOICE).json()["settings"]
    assert admin_client.delete(VOICE, {"name": "outboundCallerId"}).json() == {"statusCode": 0}
    assert all(s["name"] != "outboundCallerId" for s in admin_client.get(VOICE).json()["settings"])


def test_toast_and_case_filters_as_the_document(admin_client, agent_client):
    toast = [{"attachedDataKey": "CustomerName", "displayName": "Customer"}]
    case = toast + [{"attachedDataKey": "POC", "displayName": "Purpose of Call"}]
    assert admin_client.post(VOICE, {"name": "toast-filter", "value": toast}).json() == {"statusCode": 0}
    assert admin_client.post(VOICE, {"name": "case-filter", "value": case}).json() == {"statusCode": 0}
    # The document's answer, plus the default setting it leaves out; the group is sorted by name.
    assert agent_client.get(VOICE).json() == {
        "key": "name",
        "settings": [
            {"name": "case-filter", "value": case},
            {"name": "defaultTelephonyNetworkType", "value": "Private"},
            {"name": "toast-filter", "value": toast},
        ],
        "statusCode": 0,
    }


def test_default_setting_updated_but_not_created_or_deleted(admin_client):
    assert admin_client.put(VOICE, {"name": "defaultTelephonyNetworkType", "value": "Public"}).json() == {"statusCode": 0}
    assert admin_client.get(VOICE).json()["settings"] == [{"name": "defaultTelephonyNetworkType", "value": "Public"}]
    assert_error(admin_client.post(VOICE, {"name": "defaultTelephonyNetworkType", "value": "Private"}), 409, 18)
    assert_error(admin_client.delete(VOICE, {"name": "defaultTelephonyNetworkType"}), 403, 3)
    assert admin_client.get(VOICE).json()["settings"] == [{"name": "defaultTelephonyNetworkType", "value": "Public"}]


def test_default_wrapup_time_is_an_ordinary_voice_setting(admin_client, contact_center):
    assert settings_groups.value(contact_center.pk, "voice", "defaultWrapupTime", 0) == 0
    assert admin_client.post(VOICE, {"name": "defaultWrapupTime", "value": 30}).json() == {"statusCode": 0}
    assert settings_groups.value(contact_center.pk, "voice", "defaultWrapupTime", 0) == 30
    assert admin_client.delete(VOICE, {"name": "defaultWrapupTime"}).json() == {"statusCode": 0}
    assert settings_groups.value(contact_center.pk, "voice", "defaultWrapupTime", 0) == 0


def test_default_telephony_network_applies_to_new_devices(admin_client):
    admin_client.put(VOICE, {"name": "defaultTelephonyNetworkType", "value": "Public"})
    device_id = admin_client.post("/api/v2/devices", {"phoneNumber": "5077"}).json()["id"]
    assert admin_client.get(f"/api/v2/devices/{device_id}").json()["device"]["telephonyNetwork"] == "Public"


def test_voice_setting_failures(admin_client):
    assert_error(admin_client.post(VOICE, {"name": "colour", "value": "red"}), 400, 10)
    assert_error(admin_client.post(VOICE, {"name": "outboundCallerId"}), 400, 1)
    assert_error(admin_client.post(VOICE, {"value": "1"}), 400, 1)
    assert_error(admin_client.post(VOICE, {"name": 7, "value": "1"}), 400, 1)
    assert_error(admin_client.post(VOICE, {"name": "outboundCallerId", "value": "call me"}), 400, 10)
    assert_error(admin_client.post(VOICE, {"name": "defaultWrapupTime", "value": "ten"}), 400, 1)
    assert_error(admin_client.post(VOICE, {"name": "defaultWrapupTime", "value": True}), 400, 1)
    assert_error(admin_client.post(VOICE, {"name": "defaultWrapupTime", "value": -1}), 400, 10)
    assert_error(admin_client.post(VOICE, {"name": "toast-filter", "value": [{"attachedDataKey": "A", "displayName": "a", "x": 1}]}), 400, 10)
    assert_error(admin_client.delete(VOICE, {"name": "outboundCallerId", "value": "1"}), 400, 10)
    assert_error(admin_client.put(VOICE, {"name": "defaultTelephonyNetworkType", "value": "Cellular"}), 400, 10)
    assert_error(admin_client.post(VOICE, {"name": "toast-filter", "value": [{"displayName": "x"}]}), 400, 1)
    assert_error(admin_client.post(VOICE, {"name": "toast-filter", "value": "CustomerName"}), 400, 1)
    assert_error(admin_client.put(VOICE, {"name": "outboundCallerId", "value": "123"}), 404, 6)
    assert_error(admin_client.delete(VOICE, {"name": "outboundCallerId"}), 404, 6)
    assert_error(admin_client.post(VOICE, {"name": "outboundCallerId", "value": "123", "extra": 1}), 400, 10)
    assert_error(admin_client.post(VOICE, "[1, 2]"), 400, 1)
    assert_error(admin_client.post(VOICE, "{not json"), 400, 1)


def test_duplicate_setting_is_refused(admin_client):
    admin_client.post(VOICE, {"name": "outboundCallerId", "value": "18883695555"})
    assert_error(admin_client.post(VOICE, {"name": "outboundCallerId", "value": "18883695555"}), 409, 18)


def test_voice_operations_as_the_document(admin_client):
    path = "/api/v2/settings/voice-operations"
    assert admin_client.post(path, {"operationName": "Dial", "userData": {"subscriberId": "1234567890"}}).json() == {"statusCode": 0}
    assert admin_client.get(path).json() == {
        "statusCode": 0,
        "key": "operationName",
        "settings": [{"operationName": "Dial", "userData": {"subscriberId": "1234567890"}}],
    }
    updated = {"operationName": "Dial", "userData": {"subscriberId": "1234567890", "region": "EU"}}
    assert admin_client.put(path, updated).json() == {"statusCode": 0}
    assert admin_client.get(path).json()["settings"] == [updated]
    assert list(admin_client.get(path).json()["settings"][0]) == ["operationName", "userData"]  # the key first, on any database
    assert admin_client.delete(path, {"operationName": "Dial"}).json() == {"statusCode": 0}
    assert admin_client.get(path).json()["settings"] == []


def test_voice_operations_failures(admin_client):
    path = "/api/v2/settings/voice-operations"
    assert_error(admin_client.post(path, {"operationName": "Answer", "userData": {}}), 400, 10)
    assert_error(admin_client.post(path, {"operationName": "Dial"}), 400, 1)
    assert_error(admin_client.post(path, {"operationName": "Dial", "userData": ["a"]}), 400, 1)


def test_custom_group_lifecycle_as_the_document(admin_client, agent_client):
    assert admin_client.post(
        "/api/v2/settings", {"name": "client-settings", "displayName": "Client Settings", "key": "name"}
    ).json() == {"statusCode": 0}
    path = "/api/v2/settings/client-settings"
    assert admin_client.post(path, {"name": "bgColor", "value": "blue"}).json() == {"statusCode": 0}
    assert admin_client.post(path, {"name": "screenPopCoordinates", "value": {"x": "100", "y": "250"}}).json()["statusCode"] == 0
    assert agent_client.get(path).json() == {
        "statusCode": 0,
        "key": "name",
        "settings": [{"name": "bgColor", "value": "blue"}, {"name": "screenPopCoordinates", "value": {"x": "100", "y": "250"}}],
    }
    assert admin_client.put(path, {"name": "bgColor", "value": "red"}).json() == {"statusCode": 0}
    assert admin_client.delete(path, {"name": "bgColor"}).json() == {"statusCode": 0}
    assert admin_client.get(path).json()["settings"] == [{"name": "screenPopCoordinates", "value": {"x": "100", "y": "250"}}]
    listed = [entry for entry in admin_client.get("/api/v2/settings").json()["settings"] if entry["uri"].endswith("/client-settings")]
    assert listed == [{"displayName": "Client Settings", "key": "name", "uri": "http://testserver/api/v2/settings/client-settings"}]
    assert admin_client.delete(path).json() == {"statusCode": 0}
    assert_error(admin_client.get(path), 404, 6)


def test_custom_group_with_its_own_key_takes_any_json(admin_client):
    admin_client.post("/api/v2/settings", {"name": "layouts", "displayName": "Layouts", "key": "layoutId"})
    layout = {"layoutId": "compact", "panes": [1, 2, {"nested": True}], "ratio": 0.5}
    assert admin_client.post("/api/v2/settings/layouts", layout).json() == {"statusCode": 0}
    assert admin_client.get("/api/v2/settings/layouts").json()["settings"] == [layout]
    assert_error(admin_client.post("/api/v2/settings/layouts", {"name": "x"}), 400, 1)


def test_group_failures(admin_client):
    admin_client.post("/api/v2/settings", {"name": "client-settings", "displayName": "Client Settings", "key": "name"})
    assert_error(admin_client.post("/api/v2/settings", {"name": "client-settings", "key": "name"}), 409, 18)
    assert_error(admin_client.post("/api/v2/settings", {"name": "voice", "key": "name"}), 409, 18)
    assert_error(admin_client.post("/api/v2/settings", {"name": "dispositions"}), 409, 18)
    assert_error(admin_client.post("/api/v2/settings", {"displayName": "No name"}), 400, 1)
    assert_error(admin_client.post("/api/v2/settings", {"name": 5, "key": "name"}), 400, 1)
    assert_error(admin_client.post("/api/v2/settings", {"name": "x", "key": ["name"]}), 400, 1)
    assert_error(admin_client.post("/api/v2/settings", {"name": "x", "displayName": None}), 400, 1)
    assert_error(admin_client.post("/api/v2/settings", "[]"), 400, 1)
    assert_error(admin_client.post("/api/v2/settings", {"name": "bad name!"}), 400, 10)
    assert_error(admin_client.post("/api/v2/settings", {"name": "x", "colour": "red"}), 400, 10)
    assert_error(admin_client.get("/api/v2/settings/no-such-group"), 404, 6)
    assert_error(admin_client.post("/api/v2/settings/no-such-group", {"name": "a", "value": 1}), 404, 6)
    assert_error(admin_client.delete("/api/v2/settings/voice"), 403, 3)
    assert_error(admin_client.delete("/api/v2/settings/general-settings"), 403, 3)


def test_agents_read_but_never_write_settings(agent_client, admin_client):
    admin_client.post("/api/v2/settings", {"name": "client-settings", "key": "name"})
    assert agent_client.get(VOICE).status_code == 200
    assert_error(agent_client.post(VOICE, {"name": "outboundCallerId", "value": "123"}), 403, 5)
    assert_error(agent_client.put(VOICE, {"name": "defaultTelephonyNetworkType", "value": "Public"}), 403, 5)
    assert_error(agent_client.delete(VOICE, {"name": "defaultTelephonyNetworkType"}), 403, 5)
    assert_error(agent_client.post("/api/v2/settings/client-settings", {"name": "bgColor", "value": "blue"}), 403, 5)
    assert_error(agent_client.post("/api/v2/settings/agent-states", {"operationName": "Lunch", "state": "NotReady"}), 403, 5)
    assert admin_client.get(VOICE).json()["settings"] == [{"name": "defaultTelephonyNetworkType", "value": "Private"}]
    assert_error(agent_client.post("/api/v2/settings", {"name": "mine", "key": "name"}), 403, 5)
    assert_error(agent_client.delete("/api/v2/settings/client-settings"), 403, 5)
    assert_error(agent_client.get("/api/v2/settings/access-control"), 403, 5)


def test_another_contact_centers_custom_group_does_not_exist(admin_client, foreign_client):
    admin_client.post("/api/v2/settings", {"name": "client-settings", "key": "name"})
    assert_error(foreign_client.get("/api/v2/settings/client-settings"), 404, 6)
    assert_error(foreign_client.delete("/api/v2/settings/client-settings"), 404, 6)


def test_per_user_settings_appear_under_me(admin_client, agent, agent_client):
    user_settings = {"htcc": {"roles": "Agent"}, "layout": {"theme": "dark"}}
    assert admin_client.put(f"/api/v2/users/{agent.id}", {"settings": user_settings}).json() == {"statusCode": 0}
    assert agent_client.get("/api/v2/me?subresources=settings").json()["user"]["settings"] == user_settings
    assert agent_client.get("/api/v2/me?subresources=*").json()["user"]["settings"] == user_settings


def test_another_contact_centers_settings_are_its_own(admin_client, foreign_client):
    admin_client.post(VOICE, {"name": "outboundCallerId", "value": "18883695555"})
    admin_client.post("/api/v2/settings/voice-operations", {"operationName": "Dial", "userData": {"a": "1"}})
    assert foreign_client.get(VOICE).json()["settings"] == [{"name": "defaultTelephonyNetworkType", "value": "Private"}]
    assert foreign_client.get("/api/v2/settings/voice-operations").json()["settings"] == []
    assert_error(foreign_client.put(VOICE, {"name": "outboundCallerId", "value": "12"}), 404, 6)
    assert_error(foreign_client.delete(VOICE, {"name": "outboundCallerId"}), 404, 6)
    # The same name in both contact centers is no duplicate.
    assert foreign_client.post(VOICE, {"name": "outboundCallerId", "value": "441234567"}).json() == {"statusCode": 0}
    assert {"name": "outboundCallerId", "value": "18883695555"} in admin_client.get(VOICE).json()["settings"]


def test_settings_need_credentials(client, db, admin):
    assert_error(client.get("/api/v2/settings"), 401, 20)
    assert_error(client.get(VOICE), 401, 20)
    assert_error(client.get("/api/v2/me/settings/agent-states"), 401, 20)
    wrong_password = GWSClient(admin.user_name, password="wrong", csrf=False)
    assert_error(wrong_password.get("/api/v2/settings/general-settings"), 401, 20)


def test_custom_settings_take_values_of_any_json_shape(admin_client, agent_client):
    admin_client.post("/api/v2/settings", {"name": "prefs", "displayName": "Preferences", "key": "name"})
    values = [None, 0, 1.5, True, "text", [], [1, "a", None], {"deep": {"er": [{"x": 1}]}}]
    for index, value in enumerate(values):
        assert admin_client.post("/api/v2/settings/prefs", {"name": f"v{index}", "value": value}).json() == {"statusCode": 0}
    stored = agent_client.get("/api/v2/settings/prefs").json()["settings"]
    assert stored == [{"name": f"v{index}", "value": value} for index, value in enumerate(values)]
    assert_error(admin_client.post("/api/v2/settings/prefs", {"name": "", "value": 1}), 400, 10)
    assert_error(admin_client.post("/api/v2/settings/prefs", {"name": ["v"], "value": 1}), 400, 1)
    assert_error(admin_client.put("/api/v2/settings/prefs", {"name": "missing", "value": 1}), 404, 6)
    assert_error(admin_client.post("/api/v2/settings/prefs", {"name": "v0", "value": 2}), 409, 18)
