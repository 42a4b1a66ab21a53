"""CORS in a real browser: headless Chromium pages on three origins call a live server.

The pages live on http://localhost:<port> and the API on http://localhost:<other port>: different
origins (so CORS applies) of the same site (so the Lax JSESSIONID cookie travels with
``credentials: "include"``, as for a desktop served next to GWS).
"""
import base64
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import sync_playwright

from provisioning import services, settings_groups
from provisioning.models import SettingsGroup
from tests.browser import CHROMIUM, CHROMIUM_ARGS, browser_test
from tests.conftest import PASSWORD

pytestmark = browser_test

# A desktop's start-up: log in with Basic, read the CSRF token from the exposed headers, then
# write with the session cookie alone and the token. Any failure is returned, not thrown.
DESKTOP = """
async ({api, auth}) => {
  const result = {};
  try {
    const me = await fetch(api + "/api/v2/me", {credentials: "include", headers: {Authorization: auth}, signal: AbortSignal.timeout(15000)});
    result.me = (await me.json()).user.userName;
    result.csrfHeader = me.headers.get("X-CSRF-HEADER");
    const token = me.headers.get("X-CSRF-TOKEN");
    result.hasToken = Boolean(token);
    const created = await fetch(api + "/api/v2/settings", {
      method: "POST",
      credentials: "include",
      headers: {"Content-Type": "application/json", [result.csrfHeader]: token},
      body: JSON.stringify({name: "desk-prefs", displayName: "Desk", key: "name"}),
      signal: AbortSignal.timeout(15000),
    });
    result.created = await created.json();
  } catch (error) {
    result.error = error.name;
  }
  return result;
}
"""

# What a page can learn with the user's cookie but without credentials of its own.
COOKIE_ONLY = """
async ({api}) => {
  try {
    const me = await fetch(api + "/api/v2/me", {credentials: "include", signal: AbortSignal.timeout(15000)});
    return {status: me.status, token: me.headers.get("X-CSRF-TOKEN")};
  } catch (error) {
    return {error: error.name};
  }
}
"""


class _Page(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        body = b"<!doctype html><title>agent desktop</title>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def page_origins():
    """Three origins serving a blank desktop page: http://localhost:<free port>."""
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Page) for _ in range(3)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield [f"http://localhost:{server.server_address[1]}" for server in servers]
    for server in servers:
        server.shutdown()
        server.server_close()


@contextmanager
def _browser_session():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # One context: one cookie jar, as the tabs of one browser share.
            yield chromium.new_context()
        finally:
            chromium.close()


def _basic(user_name):
    return "Basic " + base64.b64encode(f"{user_name}:{PASSWORD}".encode()).decode()


def _run(context, origin, script, api, auth=None):
    page = context.new_page()
    page.goto(origin + "/desk")
    result = page.evaluate(script, {"api": api, "auth": auth})
    page.close()
    return result


def test_browser_desktop_on_an_allowed_origin_works_and_others_are_blocked(live_server, page_origins, transactional_db):
    allowed, refused, foreign = page_origins
    api = live_server.url
    _, admin = services.create_contact_center("Redwings", "mikeb@redwings.com", PASSWORD)
    _, foreign_admin = services.create_contact_center("Bluejays", "boss@bluejays.com", PASSWORD)
    settings_groups.create_setting(admin, "access-control", {"name": "allowedOrigins", "value": [allowed]})
    settings_groups.create_setting(foreign_admin, "access-control", {"name": "allowedOrigins", "value": [foreign]})

    # Playwright's sync API runs an event loop in this thread: no ORM calls until it is closed.
    with _browser_session() as browser:
        ours = _run(browser, allowed, DESKTOP, api, _basic(admin.user_name))
        # The same user's desktop loaded from an origin nobody lists: the preflight fails.
        unlisted = _run(browser, refused, DESKTOP, api, _basic(admin.user_name))
        # An origin another contact center lists: the preflight passes (it carries no
        # credentials), the credentialed answer for a Redwings user carries no CORS headers.
        theirs = _run(browser, foreign, DESKTOP, api, _basic(admin.user_name))
        # A page that relies on the cookie the allowed desktop left in the browser cannot read
        # the answer (so never learns the CSRF token)...
        snooping = _run(browser, refused, COOKIE_ONLY, api)
        # ...while the allowed origin can.
        own_cookie = _run(browser, allowed, COOKIE_ONLY, api)

    assert ours == {
        "me": "mikeb@redwings.com",
        "csrfHeader": "X-CSRF-TOKEN",
        "hasToken": True,
        "created": {"statusCode": 0},
    }
    assert unlisted == {"error": "TypeError"}
    assert theirs == {"error": "TypeError"}
    assert snooping == {"error": "TypeError"}
    assert own_cookie["status"] == 200 and own_cookie["token"]
    assert list(SettingsGroup.objects.values_list("name", "contact_center__name")) == [("desk-prefs", "Redwings")]
