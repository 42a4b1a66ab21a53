"""Shared fixtures, named for roles: admin, agent, supervisor, and a foreign contact center."""
import base64
import json
import sys

import pytest
from django.test import Client

from provisioning import services
from provisioning.choices import Role

PASSWORD = "secret-pw"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # PBKDF2 is deliberately slow; the suite creates many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def basic(user_name, password=PASSWORD):
    return "Basic " + base64.b64encode(f"{user_name}:{password}".encode()).decode()


class GWSClient(Client):
    """A Django test client speaking JSON, authenticated by HTTP Basic, holding the CSRF token."""

    def __init__(self, user_name=None, password=PASSWORD, csrf=True):
        headers = {"Authorization": basic(user_name, password)} if user_name else {}
        super().__init__(headers=headers)
        self.csrf_token = None
        if user_name and csrf:
            response = self.get("/api/v2/me")
            self.csrf_token = response.headers.get("X-CSRF-TOKEN")

    def _json(self, method, path, data, **extra):
        headers = dict(extra.pop("headers", {}) or {})
        if self.csrf_token:
            headers.setdefault("X-CSRF-TOKEN", self.csrf_token)
        body = data if isinstance(data, (str, bytes)) else json.dumps(data)
        return getattr(super(), method)(path, body, content_type="application/json", headers=headers, **extra)

    def post(self, path, data=None, **extra):
        return self._json("post", path, {} if data is None else data, **extra)

    def put(self, path, data=None, **extra):
        return self._json("put", path, {} if data is None else data, **extra)

    def delete(self, path, data=None, **extra):
        return self._json("delete", path, "" if data is None else data, **extra)


@pytest.fixture
def contact_center_and_admin(db):
    return services.create_contact_center("Redwings", "mikeb@redwings.com", PASSWORD, first_name="Mike")


@pytest.fixture
def contact_center(contact_center_and_admin):
    return contact_center_and_admin[0]


@pytest.fixture
def admin(contact_center_and_admin):
    return contact_center_and_admin[1]


def make_user(admin, user_name, roles=(Role.AGENT,), **fields):
    data = {"userName": user_name, "password": PASSWORD, "roles": list(roles), **fields}
    return services.create_user(admin, data)


@pytest.fixture
def agent(admin):
    user = make_user(admin, "carole@redwings.com", firstName="Carole", lastName="Spencer")
    services.create_device(admin, {"phoneNumber": "5001"}, user=user)
    return user


@pytest.fixture
def supervisor(admin):
    return make_user(admin, "sam@redwings.com", roles=(Role.SUPERVISOR,), firstName="Sam", lastName="Sutter")


@pytest.fixture
def foreign_admin(db):
    return services.create_contact_center("Bluejays", "boss@bluejays.com", PASSWORD, country_code="GB")[1]


@pytest.fixture
def admin_client(admin):
    return GWSClient(admin.user_name)


@pytest.fixture
def agent_client(agent):
    return GWSClient(agent.user_name)


@pytest.fixture
def supervisor_client(supervisor):
    return GWSClient(supervisor.user_name)


@pytest.fixture
def foreign_client(foreign_admin):
    return GWSClient(foreign_admin.user_name)


def assert_error(response, http_status, status_code):
    """An error response: the right HTTP status, and a body of statusCode + statusMessage only."""
    body = response.json()
    assert response.status_code == http_status, body
    assert body["statusCode"] == status_code, body
    assert set(body) == {"statusCode", "statusMessage"}, body
    assert body["statusMessage"]


@pytest.fixture(scope="session", autouse=True)
def _event_loop_connections_closed(django_db_setup):
    """Servers that this test session ran in its own threads (tests/notifications/live.py) answer
    GET /api/v2/me over pools of asynchronous connections (provisioning/api/event_loop_me.py):
    closed at the end, before the test database is dropped (it cannot be while they are open)."""
    yield
    asgi = sys.modules.get("gws_project.asgi")
    if asgi is not None:
        asgi.event_loop_me.close()
