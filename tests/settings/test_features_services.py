"""Features, services and routing templates."""
from provisioning import features
from provisioning.models import ContactCenterFeature
from tests.conftest import GWSClient, assert_error


def test_features_list_uris_or_descriptions(agent_client):
    body = agent_client.get("/api/v2/features").json()
    assert "http://testserver/api/v2/features/api-voice" in body["uris"]
    assert "/features/api-voice" in body["paths"]
    described = agent_client.get("/api/v2/features?fields=*").json()["features"]
    assert {"id": "api-provisioning-read", "displayName": "Provisioning read", "description": "General provisioning read"} in described
    assert {feature["id"] for feature in described} == features.DEFAULT_IDS


def test_feature_by_id_and_unassigned_feature_is_not_found(agent_client):
    assert agent_client.get("/api/v2/features/api-voice").json()["feature"]["id"] == "api-voice"
    assert_error(agent_client.get("/api/v2/features/api-supervisor-monitoring"), 404, 6)
    assert_error(agent_client.get("/api/v2/features/no-such-feature"), 404, 6)


def test_assigned_extra_feature_appears_and_guards_its_operations(admin_client, contact_center):
    assert features.has(contact_center.pk, "api-supervisor-monitoring") is False
    ContactCenterFeature.objects.create(contact_center=contact_center, feature_id="api-supervisor-monitoring")
    assert admin_client.get("/api/v2/features/api-supervisor-monitoring").status_code == 200
    features.require_operation(contact_center.pk, "api-supervisor-monitoring", "ListenIn")


def test_default_features_cannot_be_removed(admin_client):
    assert_error(admin_client.delete("/api/v2/features/api-voice"), 403, 3)


def test_only_a_cloud_admin_removes_a_feature(admin_client, admin, contact_center):
    ContactCenterFeature.objects.create(contact_center=contact_center, feature_id="api-mobile-push-notifications")
    assert_error(admin_client.delete("/api/v2/features/api-mobile-push-notifications"), 403, 5)
    admin.is_superuser = True
    admin.save()
    assert admin_client.delete("/api/v2/features/api-mobile-push-notifications").json() == {"statusCode": 0}
    assert_error(admin_client.get("/api/v2/features/api-mobile-push-notifications"), 404, 6)


def test_system_features_for_admins_only(admin_client, agent_client):
    ids = {f["id"] for f in admin_client.get("/api/v2/system/features?fields=*").json()["features"]}
    assert {"api-supervisor-monitoring", "api-mobile-push-notifications"} <= ids and features.DEFAULT_IDS <= ids
    assert_error(agent_client.get("/api/v2/system/features"), 403, 5)


def test_services_one_provisioning_and_one_voice_per_environment(admin_client, agent_client):
    admin_client.post("/api/v2/voice-environments", {"name": "SIPS2"})
    services = agent_client.get("/api/v2/services?fields=*").json()["services"]
    assert services[0] == {"id": "provisioning", "name": "Provisioning", "type": "Provisioning", "state": "Active"}
    assert sorted(s["name"] for s in services if s["type"] == "Voice") == ["EmbeddedSwitch", "SIPS2"]
    voice = services[1]
    assert agent_client.get(f"/api/v2/services/{voice['id']}").json() == {"statusCode": 0, "service": voice}
    assert_error(agent_client.get("/api/v2/services/nope"), 404, 6)


def test_routing_templates_filtered_by_channel_and_version(admin_client, agent_client):
    body = admin_client.get("/api/v2/system/routing-templates?fields=*&channel=voice&version=1.0.0").json()
    assert [t["id"] for t in body["routingTemplates"]] == ["00_RouteToSpecDestination", "07_SegmentCallerRouteToSpecDestination"]
    assert body["routingTemplates"][0]["dependencies"] == ["media", "destination"]
    assert admin_client.get("/api/v2/system/routing-templates?fields=id&channel=email").json() == {"statusCode": 0, "routingTemplates": []}
    assert admin_client.get("/api/v2/system/routing-templates?fields=id,name").json()["routingTemplates"][0] == {
        "id": "00_RouteToSpecDestination",
        "name": "Route Call to Specified Destination",
    }
    assert_error(admin_client.get("/api/v2/system/routing-templates?fields=colour"), 400, 10)
    assert_error(agent_client.get("/api/v2/system/routing-templates"), 403, 5)


def test_unauthenticated_reads_are_refused(client, db):
    assert_error(client.get("/api/v2/features"), 401, 20)
    assert_error(GWSClient("nobody@x.com", csrf=False).get("/api/v2/services"), 401, 20)


def test_read_only_provisioning_refuses_writes_but_serves_reads(admin_client, agent):
    from provisioning.models import SystemService

    SystemService.objects.create(id="provisioning", state="ReadOnly")
    assert admin_client.get("/api/v2/services/provisioning").json()["service"]["state"] == "ReadOnly"
    assert admin_client.get("/api/v2/users").status_code == 200
    assert_error(admin_client.post("/api/v2/skills", {"name": "Sales"}), 503, 4)
    assert_error(admin_client.put(f"/api/v2/users/{agent.id}", {"firstName": "C"}), 503, 4)
    assert_error(admin_client.post("/api/v2/settings/voice", {"name": "outboundCallerId", "value": "123"}), 503, 4)
    assert_error(admin_client.post("/api/v2/settings", {"name": "prefs"}), 503, 4)
    SystemService.objects.filter(id="provisioning").update(state="Active")
    assert admin_client.post("/api/v2/skills", {"name": "Sales"}).json()["statusCode"] == 0
