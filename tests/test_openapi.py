"""The OpenAPI schema and its Swagger UI, served without any CDN."""
import re


def test_schema_describes_the_api(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v2/users" in paths and "/api/v2/settings/{group}" in paths
    assert response.json()["components"]["securitySchemes"]["basicAuth"] == {"type": "http", "scheme": "basic"}


def test_swagger_ui_loads_its_assets_from_this_server(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(not source.startswith(("http:", "https:", "//")) for source in sources), sources
