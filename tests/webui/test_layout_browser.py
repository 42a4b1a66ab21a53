"""The console on a phone-width window and with the keyboard alone, and the README screenshots.

Screenshots go to a temporary directory; ``GWS_UPDATE_SCREENSHOTS=1`` writes them to
docs/screenshots/ instead (the pictures the README shows).
"""
import re

import pytest
from playwright.sync_api import expect
from django.core.management import call_command

from dispositions import services as dispositions
from provisioning.models import User, UserSkill

from .conftest import NARROW, TIMEOUT, WIDE, browser_test, chromium, log_in, new_page, screenshot_path

pytestmark = browser_test
expect.set_options(timeout=TIMEOUT)

DEMO_ADMIN, DEMO_PASSWORD = "mikeb@redwings.com", "password"


@pytest.fixture
def demo(transactional_db):
    """The demo contact center of `make run`, with a small disposition tree."""
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    admin = User.objects.get(user_name=DEMO_ADMIN)
    dispositions.import_tree(admin, admin.contact_center_id, {
        "name": "Dispositions",
        "dispositions": [{"name": "Resolved", "displayName": "Resolved"}, {"name": "CallBack", "displayName": "Call back later"}],
        "groups": [
            {"name": "Sales", "dispositions": [{"name": "Sold", "displayName": "Sale made"}, {"name": "NoSale", "displayName": "No sale"}]},
            {"name": "Support", "dispositions": [{"name": "Escalated", "displayName": "Escalated to tier 2"}]},
        ],
    })
    return admin


def fits_width(page):
    """Whether nothing sticks out sideways (no horizontal scrolling of the whole page)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def focused(page):
    return page.evaluate("""() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {tag: el.tagName, id: el.id, text: (el.textContent || '').trim(), label: el.getAttribute('aria-label'),
              outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
    }""")


def tab_to(page, matches, limit=60, key="Tab"):
    """Press Tab (or key) until the focused element matches; its description, or fail after limit presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if matches(now):
            return now
    raise AssertionError(f"Tab never reached the element; last focus: {now}")


def test_console_on_a_phone_width_window(live_server, demo, tmp_path):
    agent = User.objects.get(user_name="agent1@redwings.com")
    with chromium() as browser:
        page = new_page(browser, live_server.url, viewport=NARROW)
        log_in(page, DEMO_ADMIN, DEMO_PASSWORD)
        page.goto("/console/users")
        expect(page.locator("#users-table")).to_contain_text("agent1@redwings.com")
        assert fits_width(page)
        # The menu is on top, every page reachable; secondary columns are hidden.
        nav = page.get_by_role("navigation", name="Console")
        for label in ("Users", "Devices", "Skills", "Settings groups", "Dispositions"):
            expect(nav.get_by_role("link", name=label)).to_be_in_viewport()
        # The table is one card per user, each value labelled by its column.
        first = page.locator("#users-table tbody tr").first
        assert first.bounding_box()["width"] <= NARROW["width"]
        assert page.evaluate("getComputedStyle(document.querySelector('#users-table td'), '::before').content") == '"User name"'
        expect(first).to_contain_text("5001")
        new_user = page.get_by_role("button", name="New user")
        expect(new_user).to_be_in_viewport()
        page.screenshot(path=screenshot_path(tmp_path, "users-narrow"), full_page=True)
        new_user.click()
        dialog = page.get_by_role("dialog", name="New user")
        box = dialog.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
        dialog.get_by_role("button", name="Cancel").click()

        for path in (f"/console/users/{agent.pk}", "/console/settings?group=voice", "/console/devices", "/console/dispositions"):
            page.goto(path)
            page.wait_for_load_state("networkidle")
            assert fits_width(page), path
        page.goto(f"/console/users/{agent.pk}")
        expect(page.get_by_label("Level of Sales", exact=True)).to_have_value("3")
        page.screenshot(path=screenshot_path(tmp_path, "user-narrow"), full_page=True)
        assert page.problems.errors == []


def test_console_by_keyboard_alone(live_server, demo):
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        page.goto("/login")
        # The user name field has the focus; Tab to the password, Enter to log in.
        assert focused(page)["id"] == "id_username"
        page.keyboard.type(DEMO_ADMIN)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/board$"))  # an admin's start page: the agent board
        page.goto("/console/users")
        expect(page.locator("#users-table")).to_be_visible()

        # The first Tab shows the skip link; it moves the focus to the content.
        page.keyboard.press("Tab")
        skip = focused(page)
        assert skip["text"] == "Skip to content"
        expect(page.get_by_role("link", name="Skip to content")).to_be_in_viewport()
        page.keyboard.press("Enter")
        assert focused(page)["id"] == "main"

        # Every control on the way has a visible focus ring; none is a clickable div.
        button = tab_to(page, lambda now: now["text"] == "New user")
        assert button["tag"] == "BUTTON" and button["outline"] != "none" and button["outlineWidth"] >= 2
        assert page.evaluate("document.querySelectorAll('div[onclick], span[onclick], div[tabindex]:not([tabindex=\"-1\"])').length") == 0

        # The dialog takes the focus; Escape closes it, Enter on a field submits it.
        page.keyboard.press("Enter")
        assert focused(page)["id"] == "nu-userName"
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()
        page.keyboard.press("Enter")  # the focus went back to "New user"
        page.keyboard.type("keys@redwings.com")
        page.keyboard.press("Tab")
        page.keyboard.type("keys-pw")
        page.keyboard.press("Tab")
        page.keyboard.type("Kay")
        page.keyboard.press("Enter")
        expect(page.locator("#user-title")).to_have_text("keys@redwings.com")

        # Assign a skill: Tab to the select, arrows to choose, Tab to the level, Enter.
        tab_to(page, lambda now: now["id"] == "as-skill")
        page.keyboard.press("ArrowDown")
        expect(page.locator("#as-skill")).not_to_have_value("")
        page.keyboard.press("Tab")
        assert focused(page)["id"] == "as-level"
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type("9")
        page.keyboard.press("Enter")
        expect(page.locator("#skill-list table")).to_be_visible()
        level = tab_to(page, lambda now: (now["label"] or "").startswith("Level of"))
        assert level["tag"] == "INPUT"

        # And out: back with Shift+Tab to "Log out", Enter.
        out = tab_to(page, lambda now: now["text"] == "Log out", key="Shift+Tab")
        assert out["tag"] == "BUTTON"
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/login$"))
        assert page.problems.errors == []
    user = User.objects.get(user_name="keys@redwings.com")
    assert user.first_name == "Kay"
    assert [us.level for us in UserSkill.objects.filter(user=user)] == [9]


def test_screenshots_of_the_console_at_1280x800(live_server, demo, tmp_path):
    agent = User.objects.get(user_name="agent1@redwings.com")
    shots = [
        ("users", "/console/users", "#users-table"),
        ("user", f"/console/users/{agent.pk}", "#skill-list table"),
        ("settings", "/console/settings?group=voice", "#setting-toast-filter"),
        ("dispositions", "/console/dispositions", ".tree"),
        ("agent-states", "/console/agent-states", "#state-list table"),
        ("features", "/console/features", "#service-list table"),
    ]
    with chromium() as browser:
        page = new_page(browser, live_server.url, viewport=WIDE)
        log_in(page, DEMO_ADMIN, DEMO_PASSWORD)
        for name, path, ready in shots:
            page.goto(path)
            expect(page.locator(ready)).to_be_visible()
            assert fits_width(page), path
            target = screenshot_path(tmp_path, name)
            page.screenshot(path=target)
            assert target.stat().st_size > 10_000, name
        page.goto("/console/dispositions")
        expect(page.locator(".tree")).to_contain_text("Sale made")
        assert page.problems.errors == []
