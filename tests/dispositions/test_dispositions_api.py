"""/groups/{id}/dispositions and /groups/{id}/dispositions/{id}, and their failures."""
from dispositions.models import Disposition
from tests.conftest import assert_error
from tests.dispositions.conftest import group_url, uri


def codes_url(group, code=None):
    return group_url(group, "/dispositions" + (f"/{code.pk if hasattr(code, 'pk') else code}" if code else ""))


def test_list_gives_the_groups_own_dispositions_as_objects(agent_client, tree):
    """The document's example: GET /groups/{id}/dispositions lists name and displayName."""
    body = agent_client.get(codes_url(tree["root"])).json()

    codes = list(Disposition.objects.filter(group=tree["root"]))
    assert body == {
        "statusCode": 0,
        "dispositions": [
            {
                "id": code.pk,
                "uri": uri(f"/groups/{tree['root'].pk}/dispositions/{code.pk}"),
                "name": name,
                "displayName": display_name,
            }
            for code, (name, display_name) in zip(
                codes, [("Disp1", "Dispo One"), ("Disp2", "Dispo Two"), ("Disp3", "Dispo Three")]
            )
        ],
    }


def test_list_filters_sorts_paginates_and_selects_fields(agent_client, tree):
    url = codes_url(tree["root"])
    assert agent_client.get(f"{url}?name=Disp2&fields=displayName").json()["dispositions"] == [{"displayName": "Dispo Two"}]
    names = agent_client.get(f"{url}?fields=name&sortBy=displayName&order=Descending").json()["dispositions"]
    assert [code["name"] for code in names] == ["Disp2", "Disp3", "Disp1"]
    page = agent_client.get(f"{url}?limit=2&offset=2").json()
    assert page["totalCount"] == 3 and [code["name"] for code in page["dispositions"]] == ["Disp3"]
    assert_error(agent_client.get(f"{url}?sortBy=colour"), 400, 10)


def test_create_disposition(admin_client, tree):
    response = admin_client.post(codes_url(tree["support"]), {"name": "MyDisposition", "displayName": "Display Name"})

    body = response.json()
    code = Disposition.objects.get(name="MyDisposition")
    path = f"/groups/{tree['support'].pk}/dispositions/{code.pk}"
    assert body == {"statusCode": 0, "id": code.pk, "uri": uri(path), "path": path}
    assert code.group_id == tree["support"].pk and code.display_name == "Display Name"
    support = admin_client.get(group_url(tree["support"], "?subresources=*")).json()["group"]
    assert support["dispositions"][0]["name"] == "MyDisposition"


def test_same_name_in_another_group_is_fine(admin_client, tree):
    response = admin_client.post(codes_url(tree["support"]), {"name": "Disp1", "displayName": "Other"})
    assert response.json()["statusCode"] == 0


def test_create_failures(admin_client, foreign_client, agent_client, tree, team):
    url = codes_url(tree["root"])
    assert_error(admin_client.post(url, {"name": "Disp1", "displayName": "Again"}), 409, 18)
    assert_error(admin_client.post(url, {"name": "NoDisplay"}), 400, 1)
    assert_error(admin_client.post(url, {"displayName": "No name"}), 400, 1)
    assert_error(admin_client.post(url, {"name": 1, "displayName": "x"}), 400, 1)
    assert_error(admin_client.post(url, {"name": "", "displayName": "x"}), 400, 10)
    assert_error(admin_client.post(url, {"name": "x" * 256, "displayName": "x"}), 400, 10)
    assert_error(admin_client.post(url, {"name": "A", "displayName": "x", "code": 3}), 400, 10)
    assert_error(admin_client.post(url, {"name": "A", "displayName": "x", "id": "mine"}), 400, 11)
    assert_error(admin_client.post(codes_url(team), {"name": "A", "displayName": "x"}), 400, 10)
    assert_error(admin_client.post(codes_url("0" * 32), {"name": "A", "displayName": "x"}), 404, 6)
    assert_error(foreign_client.post(url, {"name": "A", "displayName": "x"}), 404, 6)
    assert_error(agent_client.post(url, {"name": "A", "displayName": "x"}), 403, 5)
    assert Disposition.objects.filter(group=tree["root"]).count() == 3


def test_get_one_disposition(agent_client, tree):
    code = Disposition.objects.get(name="Disp4")

    body = agent_client.get(codes_url(tree["sales"], code)).json()

    path = f"/groups/{tree['sales'].pk}/dispositions/{code.pk}"
    assert body == {
        "statusCode": 0,
        "disposition": {"id": code.pk, "uri": uri(path), "name": "Disp4", "displayName": "Dispo 4"},
    }


def test_get_failures(agent_client, foreign_client, tree, team):
    code = Disposition.objects.get(name="Disp4")
    assert_error(agent_client.get(codes_url(tree["root"], code)), 404, 6)  # not in that group
    assert_error(agent_client.get(codes_url(tree["sales"], "0" * 32)), 404, 6)
    assert_error(foreign_client.get(codes_url(tree["sales"], code)), 404, 6)
    assert_error(foreign_client.get(codes_url(tree["sales"])), 404, 6)
    assert_error(agent_client.get(codes_url(team)), 400, 10)


def test_update_display_name(admin_client, tree):
    code = Disposition.objects.get(name="Disp4")

    assert admin_client.put(codes_url(tree["sales"], code), {"displayName": "Resolved"}).json() == {"statusCode": 0}

    code.refresh_from_db()
    assert code.display_name == "Resolved" and code.name == "Disp4"


def test_update_failures(admin_client, agent_client, tree):
    code = Disposition.objects.get(name="Disp4")
    url = codes_url(tree["sales"], code)
    assert_error(admin_client.put(url, {"name": "Renamed", "displayName": "x"}), 400, 11)
    assert_error(admin_client.put(url, {"displayName": 4}), 400, 1)
    assert_error(admin_client.put(url, {"displayName": ""}), 400, 10)
    assert_error(admin_client.put(url, {"colour": "red"}), 400, 10)
    assert_error(agent_client.put(url, {"displayName": "x"}), 403, 5)
    assert_error(admin_client.put(codes_url(tree["sales"], "0" * 32), {"displayName": "x"}), 404, 6)
    # Sending the unchanged name back is not a change.
    assert admin_client.put(url, {"name": "Disp4", "displayName": "Four"}).json() == {"statusCode": 0}
    code.refresh_from_db()
    assert (code.name, code.display_name) == ("Disp4", "Four")


def test_delete_disposition(admin_client, tree):
    code = Disposition.objects.get(name="Disp4")

    assert admin_client.delete(codes_url(tree["sales"], code)).json() == {"statusCode": 0}

    assert not Disposition.objects.filter(pk=code.pk).exists()
    assert_error(admin_client.get(codes_url(tree["sales"], code)), 404, 6)
    assert_error(admin_client.delete(codes_url(tree["sales"], code)), 404, 6)


def test_delete_failures(agent_client, foreign_client, tree):
    code = Disposition.objects.get(name="Disp4")
    assert_error(agent_client.delete(codes_url(tree["sales"], code)), 403, 5)
    assert_error(foreign_client.delete(codes_url(tree["sales"], code)), 404, 6)
    assert Disposition.objects.filter(pk=code.pk).exists()
