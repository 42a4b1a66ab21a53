"""Fixtures for the provisioning API tests: objects of both contact centers, and no 500s ever."""
import pytest
from django.test import Client

from provisioning import services
from tests.conftest import make_user


@pytest.fixture(autouse=True)
def _no_request_answers_500(monkeypatch):
    """Every request of these tests must be answered without an internal error (HTTP 500)."""
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        assert response.status_code != 500, (kwargs.get("PATH_INFO"), response.content[:500])
        return response

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def sales(admin):
    return services.create_skill(admin, {"name": "Sales"})


@pytest.fixture
def support(admin):
    return services.create_skill(admin, {"name": "Support"})


@pytest.fixture
def free_device(admin):
    """A device of the admin's contact center assigned to nobody."""
    return services.create_device(admin, {"phoneNumber": "+1 650 987 0000", "model": "CloudDevice", "vendor": "Genesys"})


@pytest.fixture
def other_agent(admin):
    user = make_user(admin, "bob@redwings.com", firstName="Bob", lastName="Probert")
    services.create_device(admin, {"phoneNumber": "5002"}, user=user)
    return user


@pytest.fixture
def foreign_user(foreign_admin):
    return make_user(foreign_admin, "eve@bluejays.com")


@pytest.fixture
def foreign_device(foreign_admin):
    return services.create_device(foreign_admin, {"phoneNumber": "7001"})


@pytest.fixture
def foreign_skill(foreign_admin):
    return services.create_skill(foreign_admin, {"name": "Sales"})


@pytest.fixture
def foreign_environment(foreign_admin):
    return services.default_voice_environment(foreign_admin.contact_center_id)
