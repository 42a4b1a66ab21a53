"""The Django admin registers every model; the management commands that set a server up."""
import io

import pytest
from django.apps import apps
from django.contrib import admin as django_admin
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from provisioning import services
from provisioning.management.commands.seed_demo import DEMO_ADMIN, DEMO_PASSWORD
from provisioning.models import ContactCenter, HttpSession, User
from tests.conftest import PASSWORD, GWSClient, make_user


def _models():
    return list(apps.get_app_config("provisioning").get_models())


def test_every_provisioning_model_is_registered_in_the_django_admin():
    missing = [model.__name__ for model in _models() if model not in django_admin.site._registry]
    assert missing == []


@pytest.fixture
def superuser_client(db):
    User.objects.create_superuser("root", PASSWORD)
    client = Client()
    client.login(user_name="root", password=PASSWORD)
    return client


@pytest.mark.parametrize("model", _models(), ids=lambda model: model.__name__)
def test_superuser_opens_every_change_list_and_add_form(superuser_client, agent, model):
    opts = model._meta
    assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # HTTP sessions are made by logging in, not in the admin.
    adds = model is not HttpSession
    assert superuser_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == (200 if adds else 403)


def test_only_superusers_see_http_sessions_and_deleting_one_logs_its_client_out(superuser_client, admin, agent):
    agent_client = GWSClient(agent.user_name)
    [session] = HttpSession.objects.filter(user=agent)
    staff = Client()
    assert staff.login(user_name=admin.user_name, password=PASSWORD)
    assert staff.get(reverse("admin:provisioning_httpsession_changelist")).status_code == 403
    listed = superuser_client.get(reverse("admin:provisioning_httpsession_changelist")).content.decode()
    assert agent.user_name in listed
    delete = reverse("admin:provisioning_httpsession_delete", args=[session.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 302
    cookie_only = GWSClient()
    cookie_only.cookies = agent_client.cookies
    assert cookie_only.get("/api/v2/me").status_code == 401


def test_contact_center_admin_sees_only_its_contact_centers_users_in_the_django_admin(admin, agent, foreign_admin):
    make_user(foreign_admin, "eve@bluejays.com")
    client = Client()
    assert client.login(user_name=admin.user_name, password=PASSWORD)
    html = client.get(reverse("admin:provisioning_user_changelist")).content.decode()
    assert agent.user_name in html and "eve@bluejays.com" not in html


def test_agent_cannot_log_into_the_django_admin(agent):
    client = Client()
    client.login(user_name=agent.user_name, password=PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 302


def test_createsuperuser_works_without_prompting(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-pw")
    call_command("createsuperuser", "--noinput", "--user_name=root", stdout=io.StringIO())
    root = User.objects.get(user_name="root")
    assert root.is_superuser and root.is_staff and root.check_password("root-pw") and root.contact_center is None


def test_create_contact_center_command_creates_the_tenant_and_its_admin(db):
    out = io.StringIO()
    call_command("create_contact_center", "Acme", "--admin=boss@acme.com", "--admin-password=pw", "--country=gb", stdout=out)
    contact_center = ContactCenter.objects.get(name="Acme")
    boss = User.objects.get(user_name="boss@acme.com")
    assert contact_center.country_code == "GB" and boss.contact_center == contact_center and boss.is_cc_admin
    assert GWSClient("boss@acme.com", "pw").get("/api/v2/me").json()["user"]["roles"] == ["ROLE_ADMIN"]
    assert "Acme" in out.getvalue()


def test_create_contact_center_command_takes_the_password_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("GWS_ADMIN_PASSWORD", "env-pw")
    call_command("create_contact_center", "Acme", "--admin=boss@acme.com", stdout=io.StringIO())
    assert User.objects.get(user_name="boss@acme.com").check_password("env-pw")


def test_create_contact_center_command_refuses_a_missing_password_or_a_duplicate(db, monkeypatch):
    monkeypatch.delenv("GWS_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="password"):
        call_command("create_contact_center", "Acme", "--admin=boss@acme.com")
    call_command("create_contact_center", "Acme", "--admin=boss@acme.com", "--admin-password=pw", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_contact_center", "Acme", "--admin=other@acme.com", "--admin-password=pw")


def test_seed_demo_creates_the_demo_once_and_prints_its_logins(db):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert ContactCenter.objects.count() == 1
    printed = out.getvalue()
    assert DEMO_ADMIN in printed and "agent1@redwings.com" in printed and "5001" in printed
    body = GWSClient(DEMO_ADMIN, DEMO_PASSWORD).get("/api/v2/users?fields=userName,roles").json()
    roles = sorted(role for user in body["users"] for role in user["roles"])
    assert roles.count("ROLE_AGENT") >= 2 and "ROLE_SUPERVISOR" in roles and "ROLE_ADMIN" in roles
    # The softphone's disposition picker has a tree to offer, as an agent reads it.
    tree = GWSClient("agent1@redwings.com", DEMO_PASSWORD).get("/api/v2/groups?contains=dispositions&subresources=**")
    assert '"Sale"' in tree.content.decode() and '"Escalated"' in tree.content.decode()


def test_contact_center_services_create_contact_center_refuses_a_taken_admin_name(admin):
    from gws_project.api.errors import AlreadyExists

    with pytest.raises(AlreadyExists):
        services.create_contact_center("Other", admin.user_name, PASSWORD)
