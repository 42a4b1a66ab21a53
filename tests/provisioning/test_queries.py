"""List endpoints cost a fixed number of SQL queries, whatever the number of rows."""
import pytest
from django.db import connection

from provisioning.models import Device, Skill, User, UserSkill


@pytest.fixture
def crowd(admin):
    """200 agents, each with two of three skills and a device."""
    contact_center = admin.contact_center
    environment = admin.contact_center.voice_environments.get()
    skills = Skill.objects.bulk_create(Skill(contact_center=contact_center, name=name) for name in ("A", "B", "C"))
    users = User.objects.bulk_create(
        User(contact_center=contact_center, user_name=f"agent{n:03}", last_name=f"L{n % 17}", roles_text="ROLE_AGENT")
        for n in range(200)
    )
    UserSkill.objects.bulk_create(
        UserSkill(user=user, skill=skills[(n + k) % 3], level=(n + k) % 10) for n, user in enumerate(users) for k in (0, 1)
    )
    Device.objects.bulk_create(
        Device(contact_center=contact_center, voice_environment=environment, user=user, phone_number=str(6000 + n),
               e164_number=str(6000 + n), digits=str(6000 + n))
        for n, user in enumerate(users)
    )
    return users


# Session, actor, count, rows, skills with their assignments, devices (with their agent state),
# the agent-state operations their userState is matched to: what a page of any size costs.
MAX_QUERIES = 7
# subresources=* adds the voice statistics: the users' devices with their agent state, the
# contact center's devices on a call, the agent-state operations (a fixed three).
MAX_WITH_STATISTICS = MAX_QUERIES + 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/users?fields=*&subresources=skills,devices",
        "/api/v2/users?fields=*&subresources=*&limit=500&sortBy=skills.level&order=Descending",
        "/api/v2/users?fields=id,userName&subresources=skills&skills.name=A&sortBy=lastName,skills.name&limit=200",
        "/api/v2/users?fields=*&devices.phoneNumber=6001",
        "/api/v2/devices?fields=*",
        "/api/v2/devices?fields=*&resolveUris=*&sortBy=phoneNumber&limit=500",
        "/api/v2/users",
    ],
)
def test_list_queries_are_bounded_for_200_users(admin_client, crowd, django_assert_max_num_queries, path):
    with django_assert_max_num_queries(MAX_WITH_STATISTICS if "subresources=*" in path else MAX_QUERIES):
        response = admin_client.get(path)
    assert response.status_code == 200
    body = response.json()
    rows = body.get("users") or body.get("devices") or body.get("uris")
    assert len(rows) >= 1


def test_a_page_of_200_users_brings_every_skill_and_device(admin_client, crowd):
    users = admin_client.get("/api/v2/users?fields=userName&subresources=skills,devices&roles=ROLE_AGENT&limit=500").json()["users"]
    assert len(users) == 200
    assert all(len(user["skills"]) == 2 and len(user["devices"]) == 1 for user in users)


def test_me_with_all_subresources_is_bounded(admin, crowd, django_assert_max_num_queries):
    from tests.conftest import GWSClient

    client = GWSClient(admin.user_name)
    with django_assert_max_num_queries(MAX_WITH_STATISTICS):
        assert client.get("/api/v2/me?subresources=*").status_code == 200


def _me_reads(statements):
    """Queries of a /me read: the session with its user, then the subresources' statements, sent
    together on PostgreSQL (gws_project.api.prepared.read_ahead), one by one elsewhere."""
    return 1 + (1 if connection.vendor == "postgresql" else statements)


def test_me_reads_skills_with_their_assignments_in_one_query(admin, crowd, django_assert_num_queries):
    from tests.conftest import GWSClient

    client = GWSClient(admin.user_name)
    client.get("/api/v2/me")
    # assignments joined with their skills, devices (the admin has none: no agent-state operations)
    with django_assert_num_queries(_me_reads(2)):
        assert client.get("/api/v2/me?subresources=skills,devices").status_code == 200


def test_me_with_all_subresources_costs_two_round_trips_on_postgresql(admin, crowd, django_assert_num_queries):
    from tests.conftest import GWSClient

    client = GWSClient(admin.user_name)
    client.get("/api/v2/me")
    # assignments with their skills, devices with their agent state (shared by the devices and
    # statistics subresources), the agent-state operations, the user's active parties (shared by
    # calls and statistics)
    with django_assert_num_queries(_me_reads(4)):
        body = client.get("/api/v2/me?subresources=*").json()
    assert set(body["user"]) >= {"devices", "skills", "settings", "calls", "statistics"}


def test_an_authenticated_request_reads_its_session_and_user_in_one_query(agent, django_assert_num_queries):
    from tests.conftest import GWSClient

    client = GWSClient(agent.user_name)
    client.get("/api/v2/me")
    with django_assert_num_queries(1):
        assert client.get("/api/v2/me").json()["user"]["userName"] == agent.user_name
