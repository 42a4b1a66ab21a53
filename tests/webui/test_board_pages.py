"""The live agent board page with Django's test client: who may open it, where "/" sends whom,
and what it loads (its data comes from /api/v2 and /api/v2/notifications in the browser)."""
from django.contrib.staticfiles import finders
from django.test import Client

from provisioning.choices import Role
from tests.conftest import make_user
from webui import navigation

from .conftest import logged_in


def test_anonymous_board_goes_to_login(db):
    response = Client().get("/board")
    assert response.status_code == 302
    assert response["Location"] == "/login?next=/board"


def test_supervisor_opens_the_board_with_its_script_and_menu(supervisor):
    response = logged_in(supervisor).get("/board")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/webui/board/board.js" in html
    assert '<a href="/board" aria-current="page">Agent board</a>' in html
    assert "/console/users" not in html  # a supervisor is no admin


def test_admin_opens_the_board_and_keeps_the_console_in_the_menu(admin):
    response = logged_in(admin).get("/board")
    assert response.status_code == 200
    assert 'href="/console/users"' in response.content.decode()


def test_agent_is_refused_the_board_in_words(agent):
    response = logged_in(agent).get("/board")
    assert response.status_code == 403
    assert "is for supervisors and contact center admins" in response.content.decode()
    assert 'href="/board"' not in response.content.decode()  # not in the agent's menu either


def test_root_sends_supervisors_and_admins_to_the_board_and_agents_to_the_softphone(admin, agent, supervisor):
    both = make_user(admin, "lead@redwings.com", roles=(Role.SUPERVISOR, Role.AGENT))
    assert logged_in(supervisor).get("/")["Location"] == "/board"
    assert logged_in(admin).get("/")["Location"] == "/board"
    assert logged_in(both).get("/")["Location"] == "/board"
    assert logged_in(agent).get("/")["Location"] == "/softphone"
    assert [page.url_name for _, pages in navigation.menu(both) for page in pages] == ["board", "softphone"]


def test_the_board_files_are_static_files():
    assert finders.find("webui/board/board.js")
    assert finders.find("webui/board/board.css")
