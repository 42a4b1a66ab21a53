"""Fixtures for the provisioning API tests: objects of both contact centers, and no 500s ever."""
import pytest

from provisioning import services
from tests.conftest import make_user


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
