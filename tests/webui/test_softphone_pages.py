"""The softphone page with Django's test client: who may open it, and what it loads."""
from django.contrib.staticfiles import finders
from django.test import Client

from tests.conftest import make_user
from provisioning.choices import Role

from .conftest import logged_in


def test_anonymous_softphone_goes_to_login(db):
    response = Client().get("/softphone")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/softphone"


def test_agent_opens_the_softphone_with_its_script_and_menu(agent):
    response = logged_in(agent).get("/softphone")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/webui/softphone/softphone.js" in html
    assert '<a href="/softphone" aria-current="page">Softphone</a>' in html
    assert "/console/users" not in html


def test_supervisor_opens_the_softphone(supervisor):
    assert logged_in(supervisor).get("/softphone").status_code == 200


def test_admin_only_user_is_refused_the_softphone_in_words(admin):
    response = logged_in(admin).get("/softphone")
    assert response.status_code == 403
    assert "is for agents and supervisors" in response.content.decode()


def test_agent_admin_lands_on_the_board_and_sees_the_softphone_in_the_menu(admin):
    both = make_user(admin, "both@redwings.com", roles=(Role.AGENT, Role.ADMIN))
    client = logged_in(both)
    assert client.get("/")["Location"] == "/board"
    assert 'href="/softphone"' in client.get("/console/users").content.decode()


def test_the_npm_cometd_client_is_a_static_file():
    # Installed by `make setup` (npm ci in webui/) and exposed through STATICFILES_DIRS.
    assert finders.find("webui/vendor/cometd/cometd.js")
    assert finders.find("webui/live/cometd.js")
