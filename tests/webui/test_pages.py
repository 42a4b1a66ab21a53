"""The page views with Django's test client: login, logout, who may open what, redirects."""
import pytest
from django.test import Client

from provisioning import services
from provisioning.choices import Role
from provisioning.models import User
from tests.conftest import PASSWORD, make_user
from webui import navigation

from .conftest import logged_in

CONSOLE_PAGES = [f"/console/{name}" for name in ("users", "devices", "skills", "settings", "agent-states", "cors", "dispositions", "features")]


def test_anonymous_root_goes_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/"


@pytest.mark.parametrize("path", CONSOLE_PAGES + ["/console/users/abc"])
def test_console_pages_need_a_login(db, path):
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login?next={path}"


def test_admin_root_goes_to_the_agent_board(admin):
    response = logged_in(admin).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/board"


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_admin_opens_every_console_page_with_its_script_and_menu(admin, path):
    response = logged_in(admin).get(path)
    assert response.status_code == 200
    html = response.content.decode()
    name = path.rsplit("/", 1)[1].replace("-", "_")
    assert f"/static/webui/pages/{name}.js" in html
    assert f'<a href="{path}" aria-current="page">' in html
    for other in CONSOLE_PAGES:
        assert f'href="{other}"' in html


def test_user_page_carries_the_user_id_for_its_script(admin, agent):
    response = logged_in(admin).get(f"/console/users/{agent.pk}")
    assert response.status_code == 200
    assert f'data-user-id="{agent.pk}"' in response.content.decode()


def test_agent_root_goes_to_the_softphone(agent):
    response = logged_in(agent).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/softphone"


def test_supervisor_root_goes_to_the_agent_board(supervisor):
    response = logged_in(supervisor).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/board"


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_agents_and_supervisors_may_not_open_console_pages(agent, supervisor, path):
    for user in (agent, supervisor):
        response = logged_in(user).get(path)
        assert response.status_code == 403
        assert "Not for your role" in response.content.decode()


def test_system_user_without_contact_center_is_sent_to_the_django_admin(db):
    root = User.objects.create_superuser("root", PASSWORD)
    response = logged_in(root).get("/")
    assert response.status_code == 200
    assert "belongs to no contact center" in response.content.decode()
    assert logged_in(root).get("/console/users").status_code == 403


def test_login_opens_the_session_the_api_accepts_with_a_csrf_token(admin):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/login")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post("/login", {"username": admin.user_name, "password": PASSWORD, "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "JSESSIONID" in client.cookies
    me = client.get("/api/v2/me")
    assert me.status_code == 200
    assert me.json()["user"]["userName"] == admin.user_name
    assert me.headers["X-CSRF-TOKEN"]


def test_login_form_without_django_csrf_token_is_refused(admin):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login", {"username": admin.user_name, "password": PASSWORD})
    assert response.status_code == 403


def test_wrong_password_shows_the_form_again_with_an_error(admin):
    response = Client().post("/login", {"username": admin.user_name, "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_disabled_user_cannot_log_in(admin, agent):
    services.update_user(admin, agent, {"enabled": False})
    response = Client().post("/login", {"username": agent.user_name, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.wsgi_request.session


def test_login_does_not_follow_next_to_another_site(admin):
    response = Client().post("/login", {"username": admin.user_name, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logged_in_user_visiting_login_goes_on(admin):
    response = logged_in(admin).get("/login")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_logout_ends_the_api_session_too(admin):
    client = logged_in(admin)
    assert client.get("/api/v2/me").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert response["Location"] == "/login"
    assert client.get("/api/v2/me").status_code == 401


def test_logout_is_post_only(admin):
    assert logged_in(admin).get("/logout").status_code == 405


def test_menu_lists_only_pages_of_the_users_roles(admin):
    multi = make_user(admin, "both@redwings.com", roles=(Role.AGENT, Role.ADMIN))
    assert [page.url_name for _, pages in navigation.menu(multi) for page in pages] == [p.url_name for p in navigation.PAGES]
    agent_only = make_user(admin, "only@redwings.com")
    assert [page.url_name for _, pages in navigation.menu(agent_only) for page in pages] == ["softphone"]
    assert navigation.start_page(agent_only).url_name == "softphone"


def test_api_challenges_clients_but_not_scripts_of_a_page(db):
    plain = Client().get("/api/v2/me")
    assert plain.status_code == 401
    assert plain.headers["WWW-Authenticate"].startswith("Basic")
    scripted = Client().get("/api/v2/me", headers={"X-Requested-With": "XMLHttpRequest"})
    assert scripted.status_code == 401
    assert scripted.json()["statusCode"] == 20
    assert "WWW-Authenticate" not in scripted.headers
