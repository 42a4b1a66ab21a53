from tests.conftest import GWSClient


def test_version_needs_no_authentication(client):
    response = client.get("/api/v2/diagnostics/version")
    assert response.status_code == 200
    assert response.json() == {"statusCode": 0, "version": "8.5.200.23"}


def test_me(admin_client, admin):
    body = admin_client.get("/api/v2/me?subresources=*").json()
    assert body["user"]["userName"] == admin.user_name


def test_create_user_and_device(admin_client):
    r = admin_client.post("/api/v2/users", {"userName": "bob", "password": "x", "firstName": "Bob", "lastName": "P", "roles": ["ROLE_AGENT"]})
    assert r.status_code == 200, r.json()
    uid = r.json()["id"]
    r = admin_client.post(f"/api/v2/users/{uid}/devices", {"phoneNumber": "+1 650 987 0000"})
    assert r.status_code == 200, r.json()
    body = admin_client.get("/api/v2/devices?fields=*").json()
    print(body)
    body = admin_client.get(f"/api/v2/users?fields=*&subresources=*&limit=10&sortBy=lastName").json()
    print(body)
