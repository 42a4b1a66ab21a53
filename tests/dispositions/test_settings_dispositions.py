"""The flat settings group "dispositions" ("Disposition codes") and the default group: one data set."""
from dispositions.models import Disposition, Group
from tests.conftest import assert_error
from tests.dispositions.conftest import API, group_url

SETTINGS = f"{API}/settings/dispositions"


def test_document_example_round_trip(admin_client):
    """The "Disposition codes" examples, in order, on a contact center without any group yet."""
    for name, display_name in (
        ("EscalationCreated", "Issue Escalated"),
        ("IssueResolved", "Issue Resolved"),
        ("UpdateProvided", "Update Provided"),
        ("InfoRequested", "Information Requested"),
    ):
        assert admin_client.post(SETTINGS, {"name": name, "displayName": display_name}).json() == {"statusCode": 0}
    assert admin_client.put(SETTINGS, {"name": "IssueResolved", "displayName": "Resolved"}).json() == {"statusCode": 0}
    assert admin_client.put(SETTINGS, {"name": "IssueResolved", "displayName": "Issue Resolved"}).json() == {
        "statusCode": 0
    }

    assert admin_client.get(SETTINGS).json() == {
        "key": "name",
        "settings": [
            {"displayName": "Issue Escalated", "name": "EscalationCreated"},
            {"displayName": "Issue Resolved", "name": "IssueResolved"},
            {"displayName": "Update Provided", "name": "UpdateProvided"},
            {"displayName": "Information Requested", "name": "InfoRequested"},
        ],
        "statusCode": 0,
    }
    assert admin_client.delete(SETTINGS, {"name": "IssueResolved"}).json() == {"statusCode": 0}
    names = [setting["name"] for setting in admin_client.get(SETTINGS).json()["settings"]]
    assert names == ["EscalationCreated", "UpdateProvided", "InfoRequested"]


def test_created_through_settings_is_seen_in_the_default_group(admin_client):
    admin_client.post(SETTINGS, {"name": "IssueResolved", "displayName": "Issue Resolved"})

    default = Group.objects.get(default_group=True)
    paths = admin_client.get(f"{API}/groups?defaultGroup=true").json()["paths"]
    assert paths == [f"/groups/{default.pk}"]
    group = admin_client.get(group_url(default, "?subresources=*")).json()["group"]
    assert group["name"] == "Dispositions" and group["defaultGroup"] is True
    assert [(code["name"], code["displayName"]) for code in group["dispositions"]] == [("IssueResolved", "Issue Resolved")]


def test_created_in_the_default_group_is_seen_in_settings(admin_client, agent_client, tree):
    admin_client.post(group_url(tree["root"], "/dispositions"), {"name": "Callback", "displayName": "Call back"})
    code = Disposition.objects.get(name="Disp2")
    admin_client.put(group_url(tree["root"], f"/dispositions/{code.pk}"), {"displayName": "Second"})
    admin_client.delete(group_url(tree["root"], f"/dispositions/{Disposition.objects.get(name='Disp3').pk}"))

    settings = agent_client.get(SETTINGS).json()["settings"]

    # Only the default group's own dispositions: sub-groups' codes are the Grouping API's.
    assert settings == [
        {"name": "Disp1", "displayName": "Dispo One"},
        {"name": "Disp2", "displayName": "Second"},
        {"name": "Callback", "displayName": "Call back"},
    ]
    assert agent_client.get(f"{API}/me/settings/dispositions").json()["settings"] == settings


def test_settings_writes_reach_the_existing_default_group(admin_client, tree):
    admin_client.post(SETTINGS, {"name": "Survey", "displayName": "Survey"})
    admin_client.put(SETTINGS, {"name": "Disp1", "displayName": "First"})
    admin_client.delete(SETTINGS, {"name": "Disp3"})

    codes = admin_client.get(group_url(tree["root"], "/dispositions?fields=name,displayName")).json()["dispositions"]
    assert codes == [
        {"name": "Disp1", "displayName": "First"},
        {"name": "Disp2", "displayName": "Dispo Two"},
        {"name": "Survey", "displayName": "Survey"},
    ]
    assert Group.objects.filter(default_group=True).count() == 1


def test_without_a_default_group_settings_are_empty(admin_client, tree):
    admin_client.put(group_url(tree["root"]), {"defaultGroup": False})

    assert admin_client.get(SETTINGS).json() == {"statusCode": 0, "key": "name", "settings": []}
    assert_error(admin_client.put(SETTINGS, {"name": "Disp1", "displayName": "x"}), 404, 6)


def test_first_write_adopts_a_top_level_group_named_dispositions(admin_client, tree):
    admin_client.put(group_url(tree["root"]), {"defaultGroup": False})

    admin_client.post(SETTINGS, {"name": "New", "displayName": "New"})

    tree["root"].refresh_from_db()
    assert tree["root"].default_group
    assert [setting["name"] for setting in admin_client.get(SETTINGS).json()["settings"]] == ["Disp1", "Disp2", "Disp3", "New"]


def test_another_default_group_changes_what_settings_show(admin_client, tree):
    other = admin_client.post(f"{API}/groups", {"name": "Outbound", "defaultGroup": True}).json()["id"]
    admin_client.post(group_url(other, "/dispositions"), {"name": "NoAnswer", "displayName": "No answer"})

    assert admin_client.get(SETTINGS).json()["settings"] == [{"name": "NoAnswer", "displayName": "No answer"}]


def test_settings_failures(admin_client, agent_client, foreign_client, tree):
    assert_error(admin_client.post(SETTINGS, {"name": "Disp1", "displayName": "Again"}), 409, 18)
    assert_error(admin_client.post(SETTINGS, {"name": "NoDisplay"}), 400, 1)
    assert_error(admin_client.post(SETTINGS, {"displayName": "No name"}), 400, 1)
    assert_error(admin_client.post(SETTINGS, {"name": 3, "displayName": "x"}), 400, 1)
    assert_error(admin_client.post(SETTINGS, {"name": " ", "displayName": "x"}), 400, 10)
    assert_error(admin_client.post(SETTINGS, {"name": "A", "displayName": "x", "value": 1}), 400, 10)
    assert_error(admin_client.put(SETTINGS, {"name": "Missing", "displayName": "x"}), 404, 6)
    assert_error(admin_client.delete(SETTINGS, {"name": "Missing"}), 404, 6)
    assert_error(admin_client.delete(SETTINGS, {"name": "Disp1", "displayName": "x"}), 400, 10)
    assert_error(admin_client.delete(SETTINGS), 403, 3)  # the group itself is a system group
    assert_error(agent_client.post(SETTINGS, {"name": "A", "displayName": "x"}), 403, 5)
    assert_error(agent_client.put(SETTINGS, {"name": "Disp1", "displayName": "x"}), 403, 5)
    assert_error(agent_client.delete(SETTINGS, {"name": "Disp1"}), 403, 5)
    assert_error(foreign_client.put(SETTINGS, {"name": "Disp1", "displayName": "x"}), 404, 6)
    assert foreign_client.get(SETTINGS).json()["settings"] == []
    assert Disposition.objects.filter(group=tree["root"]).count() == 3


def test_settings_list_names_the_dispositions_group(agent_client):
    groups = agent_client.get(f"{API}/settings").json()["settings"]
    assert {"displayName": "dispositions", "name": "dispositions", "uri": f"http://testserver{SETTINGS}"} in groups
