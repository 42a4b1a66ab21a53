"""Features, services and routing templates."""
import io

import pytest
from django.core.management import CommandError, call_command

from gws_project.api.errors import AlreadyExists, InvalidValue, NotFound
from provisioning import features, service_states, services
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


def test_assigned_extra_feature_appears_in_the_list_and_by_id(admin_client, agent_client, contact_center):
    assert features.has(contact_center.pk, "api-supervisor-monitoring") is False
    assert "api-supervisor-monitoring" not in [f["id"] for f in agent_client.get("/api/v2/features?fields=*").json()["features"]]
    features.assign(contact_center.pk, "api-supervisor-monitoring")
    assert features.has(contact_center.pk, "api-supervisor-monitoring") is True
    assert agent_client.get("/api/v2/features/api-supervisor-monitoring").json() == {
        "statusCode": 0,
        "feature": {"id": "api-supervisor-monitoring", "displayName": "Supervisor monitoring", "description": "Supervisor ListenIn, Coach and BargeIn"},
    }
    assert "api-supervisor-monitoring" in [f["id"] for f in agent_client.get("/api/v2/features?fields=*").json()["features"]]


def test_require_guards_resources_and_operations_of_a_feature(contact_center, foreign_admin):
    """The check voice, supervisor monitoring and mobile push call before anything else."""
    cc = contact_center.pk
    with pytest.raises(NotFound) as missing:
        features.require(cc, "api-mobile-push-notifications")
    assert (missing.value.status_code, missing.value.http_status) == (6, 404)
    with pytest.raises(InvalidValue) as invalid:
        features.require(cc, "api-supervisor-monitoring", operation="ListenIn")
    assert (invalid.value.status_code, invalid.value.http_status) == (10, 400)
    assert "ListenIn" in invalid.value.message
    features.require(cc, "api-voice")  # a default feature: always there
    features.require(cc, "api-voice", operation="Dial")
    features.assign(cc, "api-supervisor-monitoring")
    features.require(cc, "api-supervisor-monitoring", operation="ListenIn")
    # Assigned to one contact center only.
    with pytest.raises(InvalidValue):
        features.require(foreign_admin.contact_center_id, "api-supervisor-monitoring", operation="ListenIn")
    with pytest.raises(ValueError):
        features.require(cc, "api-teleportation")  # a typo in calling code fails loudly


def test_assigning_twice_or_an_unknown_feature_is_refused(contact_center):
    features.assign(contact_center.pk, "api-mobile-push-notifications")
    with pytest.raises(AlreadyExists):
        features.assign(contact_center.pk, "api-mobile-push-notifications")
    with pytest.raises(AlreadyExists):
        features.assign(contact_center.pk, "api-voice")
    with pytest.raises(NotFound):
        features.assign(contact_center.pk, "api-teleportation")


def test_default_features_cannot_be_removed(admin_client, admin):
    admin.is_superuser = True
    admin.save()
    assert_error(admin_client.delete("/api/v2/features/api-voice"), 403, 3)
    assert admin_client.get("/api/v2/features/api-voice").status_code == 200


def test_only_a_cloud_admin_removes_a_feature(admin_client, admin, agent_client, contact_center):
    features.assign(contact_center.pk, "api-mobile-push-notifications")
    assert_error(admin_client.delete("/api/v2/features/api-mobile-push-notifications"), 403, 5)
    assert_error(agent_client.delete("/api/v2/features/api-mobile-push-notifications"), 403, 5)
    admin.is_superuser = True
    admin.save()
    assert_error(admin_client.delete("/api/v2/features/no-such-feature"), 404, 6)
    assert admin_client.delete("/api/v2/features/api-mobile-push-notifications").json() == {"statusCode": 0}
    assert_error(admin_client.get("/api/v2/features/api-mobile-push-notifications"), 404, 6)
    assert_error(admin_client.delete("/api/v2/features/api-mobile-push-notifications"), 404, 6)


def test_system_features_for_admins_only(admin_client, agent_client):
    body = admin_client.get("/api/v2/system/features").json()
    assert body["uris"][0] == "http://testserver/api/v2/system/features/api-provisioning-read" and len(body["uris"]) == 9
    ids = {f["id"] for f in admin_client.get("/api/v2/system/features?fields=*").json()["features"]}
    assert {"api-supervisor-monitoring", "api-mobile-push-notifications"} <= ids and features.DEFAULT_IDS <= ids
    # The list's URIs lead somewhere, whether or not the contact center has the feature.
    assert admin_client.get(body["uris"][-1]).json()["feature"]["id"] == "api-mobile-push-notifications"
    assert_error(admin_client.get("/api/v2/system/features/api-teleportation"), 404, 6)
    assert_error(agent_client.get("/api/v2/system/features"), 403, 5)
    assert_error(agent_client.get("/api/v2/system/features/api-voice"), 403, 5)


def test_the_documents_seven_default_features(agent_client):
    described = agent_client.get("/api/v2/features?fields=*").json()["features"]
    assert [(f["id"], f["description"]) for f in described] == [
        ("api-provisioning-read", "General provisioning read"),
        ("api-provisioning-write", "General provisioning write"),
        ("api-voice", "API for the voice channel"),
        ("ui-supervisor-provisioning-routing", "Supervisor UI to provision routing"),
        ("ui-supervisor-provisioning-skill", "UI to provision skills"),
        ("ui-supervisor-provisioning-user", "Supervisor UI to display 'Agents' tab"),
        ("ui-supervisor-edit-user", "Supervisor UI to allow editing of users"),
    ]
    assert agent_client.get("/api/v2/features?fields=id").json()["features"][0] == {"id": "api-provisioning-read"}


def test_services_one_provisioning_and_one_voice_per_environment(admin_client, agent_client, supervisor_client):
    sips2 = admin_client.post("/api/v2/voice-environments", {"name": "SIPS2"}).json()["id"]
    body = agent_client.get("/api/v2/services?fields=*").json()
    voice = [s for s in body["services"] if s["type"] == "Voice"]
    # The document's example: the Provisioning service, then the Voice services.
    assert body == {
        "statusCode": 0,
        "services": [{"id": "provisioning", "name": "Provisioning", "type": "Provisioning", "state": "Active"}, *voice],
    }
    assert [(s["name"], s["state"]) for s in voice] == [("EmbeddedSwitch", "Active"), ("SIPS2", "Active")]
    assert voice[1]["id"] == sips2
    uris = agent_client.get("/api/v2/services").json()["uris"]
    assert uris == ["http://testserver/api/v2/services/provisioning", *(f"http://testserver/api/v2/services/{s['id']}" for s in voice)]
    assert agent_client.get(f"/api/v2/services/{sips2}").json() == {"statusCode": 0, "service": voice[1]}
    assert supervisor_client.get("/api/v2/services/provisioning").json()["service"]["type"] == "Provisioning"
    assert_error(agent_client.get("/api/v2/services/nope"), 404, 6)


def test_another_contact_centers_voice_service_does_not_exist(admin_client, foreign_admin, foreign_client):
    foreign_env = services.default_voice_environment(foreign_admin.contact_center_id)
    assert_error(admin_client.get(f"/api/v2/services/{foreign_env.id}"), 404, 6)
    assert str(foreign_env.id) in foreign_client.get("/api/v2/services").json()["uris"][1]


def test_voice_service_state_changes_in_one_place_and_is_announced_after_commit(
    contact_center, agent_client, announced, django_capture_on_commit_callbacks
):
    environment = services.default_voice_environment(contact_center.pk)
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_voice_state(environment, "Inactive")
    service = {"id": str(environment.id), "name": "EmbeddedSwitch", "type": "Voice", "state": "Inactive"}
    assert announced == [(contact_center.pk, service)]
    assert agent_client.get(f"/api/v2/services/{environment.id}").json()["service"] == service
    # No change, no announcement.
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_voice_state(environment, "Inactive")
    assert len(announced) == 1


def test_a_refused_state_change_changes_and_announces_nothing(contact_center, announced, django_capture_on_commit_callbacks):
    environment = services.default_voice_environment(contact_center.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(InvalidValue):
            service_states.set_voice_state(environment, "ReadOnly")
        with pytest.raises(InvalidValue):
            service_states.set_voice_state(environment, "Sleeping")
        with pytest.raises(InvalidValue):
            service_states.set_provisioning_state("Broken")
    assert callbacks == [] and announced == []
    environment.refresh_from_db()
    assert environment.service_state == "Active"


def test_provisioning_state_is_announced_to_every_contact_center(
    contact_center, foreign_admin, announced, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_provisioning_state("ReadOnly")
    service = {"id": "provisioning", "name": "Provisioning", "type": "Provisioning", "state": "ReadOnly"}
    assert sorted(announced, key=lambda call: call[0]) == sorted(
        [(contact_center.pk, service), (foreign_admin.contact_center_id, service)], key=lambda call: call[0]
    )


def test_set_service_state_command(contact_center, foreign_admin, admin_client, announced, django_capture_on_commit_callbacks):
    environment = services.default_voice_environment(contact_center.pk)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("set_service_state", str(environment.id), "Inactive", stdout=out)
    assert f"{environment.id} is Inactive" in out.getvalue()
    assert admin_client.get(f"/api/v2/services/{environment.id}").json()["service"]["state"] == "Inactive"
    # By name: both contact centers have an EmbeddedSwitch, so the contact center must be named.
    with pytest.raises(CommandError, match="2 voice environments"):
        call_command("set_service_state", "EmbeddedSwitch", "Active", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("set_service_state", "EmbeddedSwitch", "Active", "--contact-center=Redwings", stdout=out)
    assert admin_client.get(f"/api/v2/services/{environment.id}").json()["service"]["state"] == "Active"
    with pytest.raises(CommandError, match="0 voice environments"):
        call_command("set_service_state", "SIPS9", "Active", stdout=out)
    with pytest.raises(CommandError, match="Active or Inactive"):
        call_command("set_service_state", str(environment.id), "ReadOnly", stdout=out)
    with pytest.raises(CommandError):
        call_command("set_service_state", "provisioning", "Sleeping", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("set_service_state", "provisioning", "ReadOnly", stdout=out)
    assert admin_client.get("/api/v2/services/provisioning").json()["service"]["state"] == "ReadOnly"
    assert [service["state"] for _, service in announced] == ["Inactive", "Active", "ReadOnly", "ReadOnly"]


def test_routing_templates_filtered_by_channel_and_version(admin_client, agent_client):
    body = admin_client.get("/api/v2/system/routing-templates?fields=*&channel=voice&version=1.0.0").json()
    assert body["statusCode"] == 0 and list(body) == ["statusCode", "routingTemplates"]
    first, second = body["routingTemplates"]
    assert {key: value for key, value in first.items() if key != "schema"} == {
        "id": "00_RouteToSpecDestination",
        "name": "Route Call to Specified Destination",
        "description": "Routes calls to a skill or queue",
        "version": "1.0.0",
        "channel": "voice",
        "dependencies": ["media", "destination"],
        "enabled": True,
    }
    assert (second["id"], second["dependencies"], second["enabled"]) == (
        "07_SegmentCallerRouteToSpecDestination",
        ["media", "destination", "data_record_type"],
        False,
    )
    assert second["name"] == "Play Greeting, Segment Caller, and Route To Specified Destination"
    assert all(isinstance(template["schema"], list) and template["schema"] for template in (first, second))
    assert admin_client.get("/api/v2/system/routing-templates?fields=id&channel=email").json() == {"statusCode": 0, "routingTemplates": []}
    assert admin_client.get("/api/v2/system/routing-templates?fields=id&version=2.0.0").json() == {"statusCode": 0, "routingTemplates": []}
    assert admin_client.get("/api/v2/system/routing-templates?fields=id&enabled=true").json()["routingTemplates"] == [
        {"id": "00_RouteToSpecDestination"}
    ]
    assert admin_client.get("/api/v2/system/routing-templates?fields=id,name").json()["routingTemplates"][0] == {
        "id": "00_RouteToSpecDestination",
        "name": "Route Call to Specified Destination",
    }
    assert_error(admin_client.get("/api/v2/system/routing-templates?fields=colour"), 400, 10)
    assert_error(agent_client.get("/api/v2/system/routing-templates"), 403, 5)


def test_routing_templates_list_uris_that_lead_to_each_template(admin_client, agent_client, supervisor_client):
    body = admin_client.get("/api/v2/system/routing-templates?channel=voice").json()
    assert body["paths"] == ["/system/routing-templates/00_RouteToSpecDestination", "/system/routing-templates/07_SegmentCallerRouteToSpecDestination"]
    template = admin_client.get(body["uris"][1]).json()["routingTemplate"]
    assert template["id"] == "07_SegmentCallerRouteToSpecDestination" and template["enabled"] is False
    assert admin_client.get(body["uris"][0] + "?fields=id,version").json() == {
        "statusCode": 0,
        "routingTemplate": {"id": "00_RouteToSpecDestination", "version": "1.0.0"},
    }
    assert_error(admin_client.get("/api/v2/system/routing-templates/99_Nothing"), 404, 6)
    # Supervisors provision routing too; agents do not see the catalogue.
    assert supervisor_client.get(body["uris"][0]).json()["routingTemplate"]["id"] == "00_RouteToSpecDestination"
    assert len(supervisor_client.get("/api/v2/system/routing-templates?fields=id").json()["routingTemplates"]) == 2
    assert_error(agent_client.get(body["uris"][0]), 403, 5)
    assert_error(admin_client.post("/api/v2/system/routing-templates", {"id": "x"}), 405, 3)


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


def test_service_state_change_reaches_the_contact_centers_users_as_a_notification(
    contact_center, admin, agent, foreign_admin, django_capture_on_commit_callbacks
):
    """The real path: service_states -> notifications.publish -> each user's message log."""
    from notifications.testing import NotificationRecorder

    ours, theirs = NotificationRecorder(agent), NotificationRecorder(foreign_admin)
    environment = services.default_voice_environment(contact_center.pk)
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_voice_state(environment, "Inactive")
    assert [message["data"] for message in ours.messages("/notifications/services")] == [
        {
            "messageType": "ServiceStateChangeMessage",
            "service": {"id": str(environment.id), "name": "EmbeddedSwitch", "type": "Voice", "state": "Inactive"},
        }
    ]
    assert theirs.messages() == []
    with django_capture_on_commit_callbacks(execute=True):
        service_states.set_provisioning_state("ReadOnly")
    expected = {"messageType": "ServiceStateChangeMessage", "service": service_states.provisioning_service("ReadOnly")}
    assert ours.messages()[-1]["data"] == expected and theirs.messages()[-1]["data"] == expected


def test_a_rolled_back_state_change_is_not_announced(contact_center, agent, django_capture_on_commit_callbacks):
    from django.db import transaction

    from notifications.testing import NotificationRecorder

    recorder = NotificationRecorder(agent)
    environment = services.default_voice_environment(contact_center.pk)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            service_states.set_voice_state(environment, "Inactive")
            raise RuntimeError("something after the change fails")
    environment.refresh_from_db()
    assert environment.service_state == "Active" and recorder.messages() == []


def test_the_django_admin_changes_service_states_through_service_states(db, contact_center, announced, django_capture_on_commit_callbacks):
    from django.test import Client
    from django.urls import reverse

    from provisioning.models import User
    from tests.conftest import PASSWORD

    User.objects.create_superuser("root", PASSWORD)
    client = Client()
    client.login(user_name="root", password=PASSWORD)
    environment = services.default_voice_environment(contact_center.pk)
    url = reverse("admin:provisioning_voiceenvironment_change", args=[environment.pk])
    form = {"contact_center": contact_center.pk, "name": environment.name, "service_state": "Inactive"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, form).status_code == 302
    assert [(cc, service["state"]) for cc, service in announced] == [(contact_center.pk, "Inactive")]
    # ReadOnly is not offered for a Voice service.
    assert client.post(url, {**form, "service_state": "ReadOnly"}).status_code == 200
    environment.refresh_from_db()
    assert environment.service_state == "Inactive"
    add = reverse("admin:provisioning_systemservice_add")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(add, {"id": "provisioning", "state": "ReadOnly"}).status_code == 302
    assert announced[-1] == (contact_center.pk, service_states.provisioning_service("ReadOnly"))
    assert service_states.provisioning_service()["state"] == "ReadOnly"
