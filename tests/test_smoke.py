"""A first look at the running API: version, /me, and the seed sample's create-and-assign path."""


def test_version_needs_no_authentication(client, db):
    response = client.get("/api/v2/diagnostics/version")
    assert response.status_code == 200
    assert response.json() == {"statusCode": 0, "version": "8.5.200.23"}


def test_me(admin_client, admin):
    body = admin_client.get("/api/v2/me?subresources=*").json()
    assert body["statusCode"] == 0 and body["user"]["userName"] == admin.user_name


def test_create_user_and_device(admin_client):
    user = {"userName": "bob", "password": "x", "firstName": "Bob", "lastName": "P", "roles": ["ROLE_AGENT"]}
    created = admin_client.post("/api/v2/users", user)
    assert created.status_code == 200, created.json()
    user_id = created.json()["id"]
    device = admin_client.post(f"/api/v2/users/{user_id}/devices", {"phoneNumber": "+1 650 987 0000"})
    assert device.status_code == 200, device.json()
    devices = admin_client.get("/api/v2/devices?fields=*").json()["devices"]
    assert [d["e164Number"] for d in devices] == ["+16509870000"]
    users = admin_client.get("/api/v2/users?fields=*&subresources=*&limit=10&sortBy=lastName").json()
    assert users["totalCount"] == 2
    bob = next(u for u in users["users"] if u["userName"] == "bob")
    assert [d["id"] for d in bob["devices"]] == [device.json()["id"]]
