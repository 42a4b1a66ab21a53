"""Per-contact-center CORS: configuration origins merged with each contact center's allowedOrigins."""
from tests.conftest import assert_error

ACCESS = "/api/v2/settings/access-control"


def preflight(client, origin, path="/api/v2/me", method="POST"):
    return client.options(
        path,
        headers={"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "authorization,content-type,x-csrf-token"},
    )


def test_access_control_settings_as_the_document(admin_client):
    origins = ["https://cloud.genhtcc.com", "https://*.genhtcc.com"]
    assert admin_client.post(ACCESS, {"name": "allowedOrigins", "value": origins}).json() == {"statusCode": 0}
    assert admin_client.get(ACCESS).json() == {"statusCode": 0, "key": "name", "settings": [{"name": "allowedOrigins", "value": origins}]}
    replaced = origins + ["https://*.genesys.com"]
    assert admin_client.put(ACCESS, {"name": "allowedOrigins", "value": replaced}).json() == {"statusCode": 0}
    assert admin_client.get(ACCESS).json()["settings"][0]["value"] == replaced
    assert admin_client.put(ACCESS, {"name": "allowedOrigins", "value": ["https://only.example.com"]}).json()["statusCode"] == 0
    assert admin_client.get(ACCESS).json()["settings"][0]["value"] == ["https://only.example.com"]


def test_the_cors_pages_wrapped_put_body_is_understood(admin_client):
    """The document writes the PUT as {settings: {name, value}}; the plain body works as well."""
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://cloud.genhtcc.com", "https://*.genhtcc.com"]})
    wrapped = {"settings": {"name": "allowedOrigins", "value": ["https://cloud.genhtcc.com", "https://*.genhtcc.com", "https://*.genesys.com"]}}
    assert admin_client.put(ACCESS, wrapped).json() == {"statusCode": 0}
    assert admin_client.get(ACCESS).json()["settings"] == [wrapped["settings"]]
    assert_error(admin_client.put(ACCESS, {"settings": {"name": "allowedOrigins", "value": ["*"]}}), 400, 10)
    assert_error(admin_client.put(ACCESS, {"settings": [{"name": "allowedOrigins", "value": []}]}), 400, 1)


def test_star_alone_and_malformed_origins_are_refused(admin_client):
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["*"]}), 400, 10)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://*"]}), 400, 10)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["genhtcc.com"]}), 400, 10)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://a.com/path"]}), 400, 10)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": "https://a.com"}), 400, 1)
    assert_error(admin_client.post(ACCESS, {"name": "blockedOrigins", "value": []}), 400, 10)


def test_preflight_from_an_allowed_origin(admin_client, client):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://*.genhtcc.com"]})
    response = preflight(client, "https://desk.eu.genhtcc.com")
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.eu.genhtcc.com"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrf-token" in response.headers["Access-Control-Allow-Headers"]
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_preflight_from_a_refused_origin(admin_client, client):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://*.genhtcc.com"]})
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://genhtcc.com.evil.org").headers
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://evil.org").headers


def test_global_origins_from_configuration_are_merged(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://global.example.com"]
    assert preflight(client, "https://global.example.com").headers["Access-Control-Allow-Origin"] == "https://global.example.com"


def test_another_contact_centers_origin_cannot_read_our_responses(admin_client, foreign_client, agent_client):
    foreign_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://bluejays.example.com"]})
    origin = {"Origin": "https://bluejays.example.com"}
    # The preflight carries no credentials: it is answered for any contact center's origin...
    assert preflight(agent_client, "https://bluejays.example.com").headers["Access-Control-Allow-Origin"]
    # ...but the credentialed request of a Redwings user gets no CORS headers, so the browser blocks it.
    response = agent_client.get("/api/v2/me", headers=origin)
    assert "Access-Control-Allow-Origin" not in response.headers
    # The Bluejays admin, whose contact center lists the origin, can read its answers.
    response = foreign_client.get("/api/v2/me", headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "https://bluejays.example.com"
    assert "X-CSRF-TOKEN" in response.headers["Access-Control-Expose-Headers"]


def test_only_admins_touch_access_control(agent_client):
    assert_error(agent_client.get(ACCESS), 403, 5)
    assert_error(agent_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://a.com"]}), 403, 5)


def test_an_allowed_origin_reads_the_csrf_headers_with_credentials(admin_client, agent_client):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://*.genhtcc.com"]})
    response = agent_client.get("/api/v2/me", headers={"Origin": "https://desk.genhtcc.com"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.genhtcc.com"
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    exposed = [name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")]
    assert {"x-csrf-header", "x-csrf-token"} <= set(exposed)
    assert response.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN" and response.headers["X-CSRF-TOKEN"]
    assert "origin" in response.headers["Vary"].lower()
    # The write the token is for: answered with the CORS headers too.
    response = agent_client.post("/api/v2/settings/voice", {"name": "x", "value": 1}, headers={"Origin": "https://desk.genhtcc.com"})
    assert_error(response, 403, 5)
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.genhtcc.com"


def test_preflight_for_every_write_method(admin_client, client):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["http://localhost:3000"]})
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = preflight(client, "http://localhost:3000", path="/api/v2/settings/voice", method=method)
        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
        assert method in response.headers["Access-Control-Allow-Methods"]
    # The port is part of the origin.
    assert "Access-Control-Allow-Origin" not in preflight(client, "http://localhost:3001").headers
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://localhost:3000").headers


def test_listed_origins_get_no_cors_outside_the_api(admin_client, client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://global.example.com"]
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://desk.genhtcc.com"]})
    for origin in ("https://desk.genhtcc.com", "https://global.example.com"):
        response = client.get("/admin/login/", headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Origin" not in preflight(client, origin, path="/admin/login/").headers


def test_global_origins_may_use_wildcards(client, settings, db):
    settings.CORS_ALLOWED_ORIGINS = ["https://*.global.example.com"]
    assert preflight(client, "https://a.global.example.com").headers["Access-Control-Allow-Origin"] == "https://a.global.example.com"
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://global.example.com").headers


def test_globally_allowed_origin_reads_any_contact_centers_answers(agent_client, foreign_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://global.example.com"]
    for user_client in (agent_client, foreign_client):
        response = user_client.get("/api/v2/me", headers={"Origin": "https://global.example.com"})
        assert response.headers["Access-Control-Allow-Origin"] == "https://global.example.com"


def test_more_malformed_origins_are_refused(admin_client):
    for origin in ("https://a.com:99999", "https://a.com:port", "https://user:pw@a.com", "ftp://a.com", "https://a.com?q=1", "https://", "*.genhtcc.com"):
        assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": [origin]}), 400, 10)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": [7]}), 400, 1)
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins"}), 400, 1)
    # Nothing was stored by the refused requests: the array is created once, then replaced.
    assert admin_client.get(ACCESS).json()["settings"] == []
    assert admin_client.post(ACCESS, {"name": "allowedOrigins", "value": []}).json() == {"statusCode": 0}
    assert_error(admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://b.com"]}), 409, 18)
    assert admin_client.delete(ACCESS, {"name": "allowedOrigins"}).json() == {"statusCode": 0}
    assert admin_client.get(ACCESS).json()["settings"] == []


def test_removing_an_origin_stops_its_preflights(admin_client, client):
    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://a.example.com", "https://b.example.com"]})
    assert preflight(client, "https://b.example.com").headers["Access-Control-Allow-Origin"]
    admin_client.put(ACCESS, {"name": "allowedOrigins", "value": ["https://a.example.com"]})
    assert "Access-Control-Allow-Origin" not in preflight(client, "https://b.example.com").headers
    assert preflight(client, "https://a.example.com").headers["Access-Control-Allow-Origin"]


def test_a_user_of_no_contact_center_gets_only_configured_origins(admin_client, db, settings):
    from provisioning.models import User
    from tests.conftest import PASSWORD, GWSClient

    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://desk.genhtcc.com"]})
    User.objects.create_superuser("root", PASSWORD)
    root = GWSClient("root", csrf=False)
    response = root.get("/api/v2/diagnostics/version", headers={"Origin": "https://desk.genhtcc.com"})
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response.headers
    settings.CORS_ALLOWED_ORIGINS = ["https://*.genhtcc.com"]
    response = root.get("/api/v2/diagnostics/version", headers={"Origin": "https://desk.genhtcc.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.genhtcc.com"


def test_a_cross_origin_request_costs_one_query_more(admin_client, agent_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin_client.post(ACCESS, {"name": "allowedOrigins", "value": ["https://desk.genhtcc.com"]})
    agent_client.get("/api/v2/me")
    with CaptureQueriesContext(connection) as plain:
        agent_client.get("/api/v2/me")
    with CaptureQueriesContext(connection) as cross:
        response = agent_client.get("/api/v2/me", headers={"Origin": "https://desk.genhtcc.com"})
    assert response.headers["Access-Control-Allow-Origin"] == "https://desk.genhtcc.com"
    assert len(cross.captured_queries) == len(plain.captured_queries) + 1
