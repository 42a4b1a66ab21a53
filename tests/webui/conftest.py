"""Browser fixtures: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API runs an event loop in the test's thread, where Django refuses ORM calls:
tests prepare their data before opening the browser and check the database after closing it.
"""
import os
import re
from pathlib import Path

from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from tests.browser import browser_test, chromium  # noqa: F401 (the webui tests import them from here)
from tests.conftest import PASSWORD

WIDE = {"width": 1280, "height": 800}
NARROW = {"width": 390, "height": 844}  # a phone held upright
# How long the UI may take to show something (ms): generous, the machine is shared.
TIMEOUT = 15_000
# "The board shows every state change within a second" (ms).
LIVE = 1000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


class PageProblems:
    """Script errors and failed API answers (HTTP 5xx) a page met: a test ends with none."""

    def __init__(self, page):
        self.errors = []
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("response", lambda response: response.status >= 500 and self.errors.append(f"HTTP {response.status} {response.url}"))


def new_page(browser, base_url, viewport=WIDE):
    """A page in a fresh context (its own cookies), with its problems recorded on page.problems."""
    context = browser.new_context(viewport=viewport, base_url=base_url)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.problems = PageProblems(page)
    return page


def log_in(page, user_name, password):
    page.goto("/login")
    page.get_by_label("User name", exact=True).fill(user_name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    # Until the next page has loaded, its scripts have not attached their handlers.
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot_path(tmp_path, name):
    """docs/screenshots/<name>.png when GWS_UPDATE_SCREENSHOTS=1, else a temporary file."""
    if os.environ.get("GWS_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS / f"{name}.png"
    return tmp_path / f"{name}.png"


def logged_in(user):
    """Django's test client with user's session (page access tests)."""
    client = Client()
    client.force_login(user)
    return client


def collect_static_if_changed(page_files):
    """daphne serves static files as WhiteNoise does in production, from STATIC_ROOT (`make setup`
    collects them): collect again when one of a live page's files changed since, so the browser
    runs this code."""
    root = Path(django_settings.STATIC_ROOT)
    if any(not (root / name).exists() or (root / name).read_bytes() != Path(finders.find(name)).read_bytes() for name in page_files):
        call_command("collectstatic", interactive=False, verbosity=0)


def open_board(browser, url, user, viewport=WIDE):
    """The live agent board of a supervisor or admin, logged in and connected."""
    page = new_page(browser, url, viewport)
    log_in(page, user.user_name, PASSWORD)
    expect(page).to_have_url(re.compile(r"/board$"))  # "/" leads supervisors and admins here
    expect(page.locator("#live-status")).to_have_text("Live")
    return page


def board_cell(page, user, field):
    """One agent's cell on the board (field: agent, phone, state, dnd, forwarding, call, duration)."""
    return page.locator(f'#board-table tr[data-user="{user.pk}"] td[data-field="{field}"]')
