"""The conventions every resource shares ("Request Parameters", "Return Values", "Filtering")."""
import pytest

from provisioning.models import Skill
from tests.conftest import GWSClient, assert_error


# ---------------------------------------------------------------------------------------------
# Envelope and list shapes
# ---------------------------------------------------------------------------------------------


def test_version_answers_without_authentication(client, db):
    response = client.get("/api/v2/diagnostics/version")
    assert response.status_code == 200
    assert response.json() == {"statusCode": 0, "version": "8.5.200.23"}


def test_list_without_fields_gives_uris_and_paths(admin_client, sales, support):
    # given two skills / when listed without parameters
    body = admin_client.get("/api/v2/skills").json()
    # then the uris and paths name them, in name order
    assert body == {
        "statusCode": 0,
        "uris": [f"http://testserver/api/v2/skills/{sales.id}", f"http://testserver/api/v2/skills/{support.id}"],
        "paths": [f"/skills/{sales.id}", f"/skills/{support.id}"],
    }


def test_list_with_all_fields_gives_objects_under_the_plural_name(admin_client, sales):
    body = admin_client.get("/api/v2/skills?fields=*").json()
    assert body == {"statusCode": 0, "skills": [{"id": sales.id, "name": "Sales"}]}


def test_list_with_some_fields_gives_only_those(admin_client, agent):
    body = admin_client.get("/api/v2/users?fields=userName,lastName&userName=carole@redwings.com").json()
    assert body == {"statusCode": 0, "users": [{"userName": "carole@redwings.com", "lastName": "Spencer"}]}


def test_singular_get_answers_under_the_singular_name_with_a_field_subset(admin_client, sales):
    body = admin_client.get(f"/api/v2/skills/{sales.id}?fields=name").json()
    assert body == {"statusCode": 0, "skill": {"name": "Sales"}}


@pytest.mark.parametrize(
    "query",
    ["fields=nope", "subresources=nope", "resolveUris=nope", "sortBy=nope", "order=Up", "limit=0", "limit=501",
     "limit=ten", "offset=-1", "offset=x", "sortBy=,"],
)
def test_bad_request_parameter_is_invalid_value(admin_client, query):
    assert_error(admin_client.get(f"/api/v2/users?{query}"), 400, 10)


def test_unknown_api_path_is_not_found(admin_client):
    assert_error(admin_client.get("/api/v2/no-such-thing"), 404, 6)


def test_unsupported_method_is_refused_with_405(admin_client):
    assert_error(admin_client.put("/api/v2/skills", {}), 405, 3)


# ---------------------------------------------------------------------------------------------
# Pagination and sorting
# ---------------------------------------------------------------------------------------------


def _skills(admin, names):
    return Skill.objects.bulk_create(Skill(contact_center_id=admin.contact_center_id, name=name) for name in names)


def test_offset_and_limit_page_through_with_total_count(admin_client, admin):
    # given five skills
    _skills(admin, ["a", "b", "c", "d", "e"])
    # when the second page of two is asked for
    body = admin_client.get("/api/v2/skills?fields=name&offset=2&limit=2").json()
    # then it holds the third and fourth, and the total of five
    assert body == {"statusCode": 0, "skills": [{"name": "c"}, {"name": "d"}], "totalCount": 5}


def test_limit_of_500_is_allowed(admin_client, admin):
    _skills(admin, ["a"])
    assert admin_client.get("/api/v2/skills?limit=500").json()["totalCount"] == 1


def test_list_longer_than_500_without_limit_is_partial(admin_client, admin):
    # given 501 skills / when listed without offset or limit
    _skills(admin, [f"skill-{n:03}" for n in range(501)])
    body = admin_client.get("/api/v2/skills").json()
    # then 500 come back and the statusCode says the list is partial (7)
    assert body["statusCode"] == 7 and len(body["uris"]) == 500 and "totalCount" not in body


def test_sort_descending(admin_client, admin):
    _skills(admin, ["b", "a", "c"])
    body = admin_client.get("/api/v2/skills?fields=name&sortBy=name&order=Descending").json()
    assert [s["name"] for s in body["skills"]] == ["c", "b", "a"]


def test_sort_by_a_comma_list_of_fields(admin_client, admin):
    from tests.conftest import make_user

    make_user(admin, "u1", firstName="Zed", lastName="Adams")
    make_user(admin, "u2", firstName="Amy", lastName="Adams")
    make_user(admin, "u3", firstName="Al", lastName="Baker")
    body = admin_client.get("/api/v2/users?fields=userName&sortBy=lastName,firstName&limit=10&roles=ROLE_AGENT").json()
    assert [u["userName"] for u in body["users"]] == ["u2", "u1", "u3"]
    assert body["totalCount"] == 3


# ---------------------------------------------------------------------------------------------
# Filtering
# ---------------------------------------------------------------------------------------------


def test_filter_by_exact_field_name(admin_client, sales, support):
    body = admin_client.get("/api/v2/skills?fields=*&name=Support").json()
    assert body == {"statusCode": 0, "skills": [{"id": support.id, "name": "Support"}]}


def test_filters_combine(admin_client, agent, supervisor):
    body = admin_client.get("/api/v2/users?fields=userName&enabled=true&roles=ROLE_SUPERVISOR").json()
    assert body["users"] == [{"userName": "sam@redwings.com"}]


def test_filter_with_a_value_out_of_range_is_invalid(admin_client, agent):
    assert_error(admin_client.get("/api/v2/users?enabled=maybe"), 400, 10)
    assert_error(admin_client.get("/api/v2/users?roles=ROLE_KING"), 400, 10)


# ---------------------------------------------------------------------------------------------
# Request bodies
# ---------------------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/v2/users"),
    ("post", "/api/v2/skills"),
    ("post", "/api/v2/devices"),
    ("post", "/api/v2/voice-environments"),
]


@pytest.mark.parametrize("method,path", WRITES)
def test_malformed_json_is_a_missing_parameter(admin_client, method, path):
    assert_error(getattr(admin_client, method)(path, '{"name": '), 400, 1)


@pytest.mark.parametrize("method,path", WRITES)
def test_body_that_is_not_an_object_is_a_missing_parameter(admin_client, method, path):
    assert_error(getattr(admin_client, method)(path, "[1, 2]"), 400, 1)
    assert_error(getattr(admin_client, method)(path, '"text"'), 400, 1)


def test_body_that_is_not_json_is_refused_with_415(admin_client):
    response = admin_client.generic(
        "POST", "/api/v2/skills", "name=x", content_type="application/x-www-form-urlencoded",
        headers={"X-CSRF-TOKEN": admin_client.csrf_token},
    )
    assert_error(response, 415, 10)


def test_error_bodies_carry_only_status_code_and_message(db):
    # A request without credentials: the body is exactly statusCode and statusMessage.
    assert_error(GWSClient().get("/api/v2/users"), 401, 20)


@pytest.mark.parametrize(
    "method, path, body, http_status, status_code",
    [
        ("get", "/api/v2/users/a%00b", None, 404, 6),
        ("get", "/api/v2/skills?name=a%00b", None, 400, 10),
        ("get", "/api/v2/me/calls/a%00b", None, 404, 6),
        ("post", "/api/v2/me/calls/a%00b", {"operationName": "Hold"}, 404, 6),
        ("post", "/api/v2/skills", {"name": "Sales\u0000"}, 400, 1),
        ("post", "/api/v2/settings/agent-states", {"operationName": "Nul", "displayName": "a\u0000", "state": "Ready", "reason": "x"}, 400, 1),
        ("post", "/api/v2/settings/agent-states", {"operationName": "Nul", "extra": {"key\u0000": 1}}, 400, 1),
    ],
)
def test_a_nul_character_anywhere_is_refused_alike_on_every_database(admin_client, method, path, body, http_status, status_code):
    """PostgreSQL cannot store NUL in text, SQLite can: the API refuses it before either is asked."""
    skills = Skill.objects.count()
    response = admin_client.get(path) if body is None else getattr(admin_client, method)(path, body)
    assert_error(response, http_status, status_code)
    assert Skill.objects.count() == skills


def test_a_value_the_database_refuses_is_an_invalid_value_not_a_server_error():
    from django.db import DataError

    from gws_project.api.errors import to_gws_error

    error = to_gws_error(DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"))
    assert (error.http_status, error.body()["statusCode"]) == (400, 10)
