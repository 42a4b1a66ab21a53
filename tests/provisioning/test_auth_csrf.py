"""Authentication (Basic opening a JSESSIONID session, the cookie alone) and GWS CSRF protection."""
import base64

import pytest
from django.test import Client

from provisioning import services
from provisioning.models import Skill, User
from tests.conftest import PASSWORD, GWSClient, assert_error, basic


# ---------------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------------


def test_request_without_credentials_is_not_authenticated(db):
    response = Client().get("/api/v2/me")
    assert_error(response, 401, 20)
    assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize(
    "authorization",
    [basic("mikeb@redwings.com", "wrong"), basic("nobody@redwings.com"), "Basic !!!notbase64", "Basic",
     "Basic " + base64.b64encode(b"no-colon").decode()],
)
def test_bad_credentials_are_not_authenticated(admin, authorization):
    assert_error(Client().get("/api/v2/users", headers={"Authorization": authorization}), 401, 20)


@pytest.mark.parametrize("path", ["/api/v2/me", "/api/v2/users", "/api/v2/devices", "/api/v2/skills",
                                  "/api/v2/voice-environments", "/api/v2/me/devices", "/api/v2/me/skills"])
def test_every_read_needs_credentials(db, path):
    assert_error(Client().get(path), 401, 20)


def test_write_without_credentials_and_csrf_disabled_is_not_authenticated(db, settings):
    settings.GWS_CSRF_ENABLED = False
    assert_error(GWSClient().post("/api/v2/skills", {"name": "Sales"}), 401, 20)


def test_basic_opens_a_jsessionid_session_that_works_alone(admin):
    # given a client that authenticated once with Basic
    client = Client()
    response = client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)})
    assert response.status_code == 200
    assert "JSESSIONID" in response.cookies
    # when it sends only the cookie, then it is still the admin
    assert client.get("/api/v2/me").json()["user"]["userName"] == admin.user_name


def test_wrong_basic_on_an_open_session_is_refused(admin):
    client = Client()
    client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)})
    assert_error(client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name, "wrong")}), 401, 20)


def test_basic_of_another_user_on_a_session_switches_user(admin, agent):
    client = Client()
    client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)})
    body = client.get("/api/v2/me", headers={"Authorization": basic(agent.user_name)}).json()
    assert body["user"]["userName"] == agent.user_name
    assert client.get("/api/v2/me").json()["user"]["userName"] == agent.user_name


def test_disabled_user_cannot_log_in(admin, agent):
    services.update_user(admin, agent, {"enabled": False})
    assert_error(Client().get("/api/v2/me", headers={"Authorization": basic(agent.user_name)}), 401, 20)


def test_disabling_a_user_ends_its_open_session(admin_client, agent):
    # given an agent with an open session
    client = Client()
    client.get("/api/v2/me", headers={"Authorization": basic(agent.user_name)})
    # when the admin disables it
    assert admin_client.put(f"/api/v2/users/{agent.id}", {"enabled": False}).json() == {"statusCode": 0}
    # then neither the cookie nor Basic lets it in
    assert_error(client.get("/api/v2/me"), 401, 20)
    assert_error(client.get("/api/v2/me", headers={"Authorization": basic(agent.user_name)}), 401, 20)


def test_passwords_are_stored_hashed(admin_client, admin):
    admin_client.post("/api/v2/users", {"userName": "new@redwings.com", "password": "plain-text-pw"})
    user = User.objects.get(user_name="new@redwings.com")
    assert "plain-text-pw" not in user.password and user.check_password("plain-text-pw")


# ---------------------------------------------------------------------------------------------
# CSRF ("Cross Site Request Forgery Protection")
# ---------------------------------------------------------------------------------------------


def test_authenticated_get_hands_out_the_csrf_header_and_token(admin):
    response = Client().get("/api/v2/me", headers={"Authorization": basic(admin.user_name)})
    assert response.headers["X-CSRF-HEADER"] == "X-CSRF-TOKEN"
    assert len(response.headers["X-CSRF-TOKEN"]) == 36


def test_token_is_tied_to_the_session_and_stays_the_same(admin):
    client = Client(headers={"Authorization": basic(admin.user_name)})
    first = client.get("/api/v2/me").headers["X-CSRF-TOKEN"]
    assert client.get("/api/v2/skills").headers["X-CSRF-TOKEN"] == first
    other = Client(headers={"Authorization": basic(admin.user_name)}).get("/api/v2/me").headers["X-CSRF-TOKEN"]
    assert other != first


@pytest.mark.parametrize("login", ["form", "basic"])
def test_the_token_is_made_at_login_so_concurrent_first_reads_agree_on_it(admin, login):
    """A page's first requests run at once: each reads the session as login left it. They must
    find the token there, not each make one (the last session write would win, and the others'
    writes get 403)."""
    from gws_project.api import csrf
    from gws_project.api.sessions import SessionStore

    client = Client()
    if login == "form":
        assert client.login(user_name=admin.user_name, password=PASSWORD)
    else:
        client.get("/api/v2/diagnostics/version", headers={"Authorization": basic(admin.user_name)})
        client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)})
    key = client.cookies["JSESSIONID"].value
    stored = SessionStore(key)[csrf.SESSION_KEY]
    first, second = SessionStore(key), SessionStore(key)  # two requests' views of the session
    assert csrf.session_token(first, create=True) == csrf.session_token(second, create=True) == stored
    assert not first.modified and not second.modified
    assert client.get("/api/v2/me").headers["X-CSRF-TOKEN"] == stored


def test_unauthenticated_get_hands_out_no_token(db):
    response = Client().get("/api/v2/diagnostics/version")
    assert "X-CSRF-TOKEN" not in response.headers


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_write_without_the_token_is_forbidden(admin, method):
    # given a client that has a session but does not send the token
    client = GWSClient(admin.user_name, csrf=False)
    client.get("/api/v2/me")
    # when it writes, then 403 says the CSRF token is missing, and nothing changed
    response = getattr(client, method)("/api/v2/skills", {"name": "Sales"})
    assert_error(response, 403, 3)
    assert "CSRF token" in response.json()["statusMessage"]
    assert not Skill.objects.exists()


def test_write_with_a_token_of_another_session_is_forbidden(admin):
    token = GWSClient(admin.user_name).csrf_token
    client = GWSClient(admin.user_name)
    response = client.post("/api/v2/skills", {"name": "Sales"}, headers={"X-CSRF-TOKEN": token})
    assert_error(response, 403, 3)


def test_write_with_the_token_of_its_session_succeeds(admin_client):
    assert admin_client.post("/api/v2/skills", {"name": "Sales"}).json()["statusCode"] == 0


def test_csrf_turned_off_hands_out_no_token_and_checks_none(admin, settings):
    settings.GWS_CSRF_ENABLED = False
    client = GWSClient(admin.user_name)
    assert client.csrf_token is None
    assert client.post("/api/v2/skills", {"name": "Sales"}).json()["statusCode"] == 0


# ---------------------------------------------------------------------------------------------
# Role and contact center scoping, in one place
# ---------------------------------------------------------------------------------------------


def test_system_superuser_without_contact_center_may_not_use_tenant_resources(db):
    User.objects.create_superuser("root", PASSWORD)
    client = GWSClient("root")
    assert_error(client.get("/api/v2/me"), 403, 5)
    assert_error(client.get("/api/v2/users"), 403, 5)


def test_basic_login_on_the_api_sets_only_the_session_cookie(admin):
    # Django's login() would add its form "csrftoken" cookie; GWS clients know only JSESSIONID.
    response = Client().get("/api/v2/diagnostics/version", headers={"Authorization": basic(admin.user_name)})
    assert list(response.cookies) == ["JSESSIONID"]
    assert response.headers["X-CSRF-TOKEN"]


def test_same_basic_header_on_its_session_skips_the_password_check_and_the_session_write(admin, monkeypatch):
    # given a client that sends Basic with every request, as GWS clients do
    from django.contrib.auth.backends import ModelBackend

    checks = []
    original = ModelBackend.authenticate
    monkeypatch.setattr(ModelBackend, "authenticate", lambda self, *a, **kw: checks.append(1) or original(self, *a, **kw))
    client = Client(headers={"Authorization": basic(admin.user_name)})
    assert "JSESSIONID" in client.get("/api/v2/me").cookies
    # when it sends the same header again on the session it opened
    response = client.get("/api/v2/me")
    # then the password was checked once, and the session was neither written nor rotated
    assert response.status_code == 200 and checks == [1]
    assert "JSESSIONID" not in response.cookies


@pytest.mark.parametrize("with_basic", [True, False], ids=["basic on its session", "cookie alone"])
def test_views_get_the_user_itself_not_the_lazy_proxy(admin, monkeypatch, with_basic):
    # given a session opened with Basic
    from django.utils.functional import LazyObject

    from provisioning.api.views import MeView

    seen = []
    original = MeView.get
    monkeypatch.setattr(MeView, "get", lambda self, request: seen.append((request.user, request._request.user)) or original(self, request))
    client = Client()
    assert client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)}).status_code == 200
    # when a later request comes on that session, with the same Basic header or the cookie alone
    headers = {"Authorization": basic(admin.user_name)} if with_basic else {}
    assert client.get("/api/v2/me", headers=headers).status_code == 200
    # then the view's user is the User itself (every request.user.x through Django's lazy proxy
    # cost dozens of indirections a request), for DRF and for Django alike
    user, django_user = seen[-1]
    assert type(user) is User and user.pk == admin.pk
    assert django_user is user and not isinstance(django_user, LazyObject)


def test_a_session_whose_user_was_disabled_is_refused_with_the_cookie_alone(admin):
    client = Client()
    assert client.get("/api/v2/me", headers={"Authorization": basic(admin.user_name)}).status_code == 200
    admin.is_active = False
    admin.save()
    response = client.get("/api/v2/me")
    assert_error(response, 401, 20)
