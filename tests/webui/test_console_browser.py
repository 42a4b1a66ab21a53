"""The admin console in headless Chromium against a live server: every action goes through the
public /api/v2 API from the page, so these are end-to-end tests of the API as well."""
import re

import pytest
from playwright.sync_api import expect

from provisioning import services, settings_groups
from provisioning.models import Setting, User, UserSkill
from tests.conftest import PASSWORD, make_user

from .conftest import TIMEOUT, browser_test, chromium, log_in, new_page

pytestmark = browser_test
expect.set_options(timeout=TIMEOUT)


@pytest.fixture
def sales(admin):
    return services.create_skill(admin, {"name": "Sales"})


@pytest.fixture
def crowd(admin, agent, sales):
    """Carole (the agent fixture) with Sales at level 3, and twelve more agents without skills."""
    services.assign_skill(admin, agent, sales, 3)
    services.create_skill(admin, {"name": "Support"})
    for number in range(12):
        make_user(admin, f"extra{number:02d}@redwings.com", lastName=f"Extra{number:02d}")


def test_admin_creates_an_agent_with_device_and_skill_then_finds_edits_and_disables_it(live_server, admin, crowd):
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        log_in(page, admin.user_name, PASSWORD)
        expect(page).to_have_url(re.compile(r"/board$"))  # an admin's start page: the agent board
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Users").click()
        expect(page.locator("#page-info")).to_have_text("1–14 of 14")

        # Create the agent in the dialog; the new user's page opens.
        page.get_by_role("button", name="New user").click()
        dialog = page.get_by_role("dialog", name="New user")
        dialog.get_by_label("User name", exact=True).fill("dana@redwings.com")
        dialog.get_by_label("Password", exact=True).fill("first-pw")
        dialog.get_by_label("First name").fill("Dana")
        dialog.get_by_label("Last name").fill("Scully")
        expect(dialog.get_by_label("Agent", exact=True)).to_be_checked()
        dialog.get_by_role("button", name="Create user").click()
        expect(page.locator("#user-title")).to_have_text("dana@redwings.com")
        expect(page.locator("#notice")).to_contain_text("User created")

        # A device, created and assigned in one request, and a skill with a level.
        page.get_by_label("Phone number").fill("5010")
        page.get_by_role("button", name="Create and assign").click()
        expect(page.locator("#device-list")).to_contain_text("5010")
        page.get_by_label("Skill", exact=True).select_option(label="Sales")
        page.get_by_label("Level (0–100)").fill("7")
        page.get_by_role("button", name="Assign skill").click()
        expect(page.get_by_label("Level of Sales", exact=True)).to_have_value("7")

        # The list filtered by role and skill, sorted by skill level, highest first.
        page.get_by_role("navigation", name="Console").get_by_role("link", name="Users").click()
        page.get_by_label("Role").select_option("ROLE_AGENT")
        page.get_by_label("Skill").select_option("Sales")
        page.get_by_label("Sort by").select_option(label="Skill level")
        page.get_by_label("Order").select_option("Descending")
        page.get_by_role("button", name="Find").click()
        expect(page.locator("#page-info")).to_have_text("1–2 of 2")
        rows = page.locator("#users-table tbody tr")
        expect(rows.nth(0)).to_contain_text("dana@redwings.com")
        expect(rows.nth(0)).to_contain_text("Sales (7)")
        expect(rows.nth(0)).to_contain_text("5010")
        expect(rows.nth(1)).to_contain_text("carole@redwings.com")
        assert "skills.name=Sales" in page.url and "order=Descending" in page.url
        # A reload keeps the filters (they live in the URL).
        page.reload()
        expect(page.get_by_label("Skill")).to_have_value("Sales")
        expect(page.locator("#page-info")).to_have_text("1–2 of 2")

        # Pagination: 14 agents, 10 a page.
        page.get_by_label("Skill").select_option("")
        page.get_by_label("Per page").select_option("10")
        page.get_by_label("Sort by").select_option(label="User name")
        page.get_by_label("Order").select_option("Ascending")
        page.get_by_role("button", name="Find").click()
        expect(page.locator("#page-info")).to_have_text("1–10 of 14")
        expect(page.get_by_role("button", name="Previous")).to_be_disabled()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("#page-info")).to_have_text("11–14 of 14")
        expect(page.get_by_role("button", name="Next")).to_be_disabled()

        # Search by an exact last name, then edit, disable, reset the password.
        page.get_by_label("Search in").select_option("lastName")
        page.get_by_label("Exact value").fill("Scully")
        page.get_by_role("button", name="Find").click()
        expect(page.locator("#page-info")).to_have_text("1–1 of 1")
        page.get_by_role("link", name="dana@redwings.com").click()
        expect(page.get_by_label("First name")).to_have_value("Dana")
        page.get_by_label("First name").fill("Dana K.")
        page.get_by_role("group", name="Roles").get_by_label("Supervisor").check()
        page.get_by_role("button", name="Save profile").click()
        expect(page.locator("#notice")).to_have_text("Profile saved.")
        page.get_by_role("button", name="Disable user").click()
        expect(page.locator("#user-status")).to_have_text("Disabled")
        expect(page.get_by_role("button", name="Enable user")).to_be_visible()
        page.get_by_label("New password", exact=True).fill("second-pw")
        page.get_by_role("button", name="Reset password").click()
        expect(page.locator("#notice")).to_have_text("Password reset.")

        # The disabled user is found by the status filter.
        page.goto("/console/users?enabled=false")
        expect(page.locator("#users-table tbody tr")).to_have_count(1)
        expect(page.locator("#users-table")).to_contain_text("dana@redwings.com")
        assert page.problems.errors == []

    dana = User.objects.get(user_name="dana@redwings.com")
    assert (dana.first_name, dana.last_name, dana.roles) == ("Dana K.", "Scully", ["ROLE_AGENT", "ROLE_SUPERVISOR"])
    assert dana.is_active is False
    assert dana.check_password("second-pw") and dana.change_password_on_first_login
    assert [device.phone_number for device in dana.devices.all()] == ["5010"]
    assert [(us.skill.name, us.level) for us in UserSkill.objects.filter(user=dana)] == [("Sales", 7)]


def test_devices_and_skills_pages_assign_unassign_and_show_levels(live_server, admin, crowd):
    spare = services.create_device(admin, {"phoneNumber": "5099"})
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        log_in(page, admin.user_name, PASSWORD)
        page.goto("/console/devices")
        expect(page.locator("#device-list")).to_contain_text("5099")
        page.get_by_label("Device", exact=True).select_option(label="5099")
        page.get_by_label("User name", exact=True).fill("extra03@redwings.com")
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.locator("#notice")).to_have_text("Device 5099 assigned to extra03@redwings.com.")
        row = page.locator("#device-list tr", has_text="5099")
        expect(row).to_contain_text("extra03@redwings.com")
        row.get_by_role("button", name="Unassign 5099").click()
        expect(row).not_to_contain_text("extra03")
        # An assignment to nobody: said in words, nothing sent.
        page.get_by_label("Device", exact=True).select_option(label="5099")
        page.get_by_label("User name", exact=True).fill("ghost@redwings.com")
        page.get_by_role("button", name="Assign", exact=True).click()
        expect(page.locator("#assign-form [role=alert]")).to_have_text("There is no user named ghost@redwings.com.")

        page.goto("/console/skills")
        page.get_by_role("button", name="Who has it").first.click()
        expect(page.locator("ul.holders")).to_contain_text("carole@redwings.com — level 3")
        page.get_by_label("Name", exact=True).fill("Billing")
        page.get_by_role("button", name="Create skill").click()
        expect(page.locator("#skill-list")).to_contain_text("Billing")
        assert page.problems.errors == []
    spare.refresh_from_db()
    assert spare.user_id is None


def test_api_errors_are_shown_in_words(live_server, admin, agent, sales):
    settings_groups.create_setting(admin, "voice", {"name": "defaultWrapupTime", "value": 10})
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        writes = []
        page.on("request", lambda request: request.method != "GET" and writes.append(request.url))
        log_in(page, admin.user_name, PASSWORD)
        page.goto("/console/users")

        page.get_by_role("button", name="New user").click()
        dialog = page.get_by_role("dialog", name="New user")
        dialog.get_by_label("User name", exact=True).fill(agent.user_name)
        dialog.get_by_label("Password", exact=True).fill("pw")
        dialog.get_by_role("button", name="Create user").click()
        expect(dialog.get_by_role("alert")).to_have_text(f"userName '{agent.user_name}' already exists")
        dialog.get_by_label("User name", exact=True).fill("nobody@redwings.com")
        dialog.get_by_label("Agent", exact=True).uncheck()
        dialog.get_by_role("button", name="Create user").click()
        expect(dialog.get_by_role("alert")).to_contain_text("roles")
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_be_hidden()

        # An admin may not disable itself: the API's words, on the admin's own page.
        page.goto(f"/console/users/{admin.pk}")
        page.get_by_role("button", name="Disable user").click()
        expect(page.locator("#status-area [role=alert]")).to_have_text("An admin may not disable itself or drop its own ROLE_ADMIN")
        # A skill level out of range.
        page.goto(f"/console/users/{agent.pk}")
        page.get_by_label("Skill", exact=True).select_option(label="Sales")
        page.get_by_label("Level (0–100)").fill("7")
        page.get_by_role("button", name="Assign skill").click()
        page.get_by_label("Level of Sales", exact=True).fill("150")
        page.get_by_role("button", name="Save level of Sales").click()
        expect(page.locator("#skill-area [role=alert]")).to_contain_text("level")
        expect(page.locator("#skill-area [role=alert]")).to_contain_text("100")

        # Settings: text that is not JSON never leaves the page; a bad value gets the API's words.
        page.goto("/console/settings?group=voice")
        wrapup = page.get_by_label("defaultWrapupTime", exact=True)
        expect(wrapup).to_have_value(re.compile(r'"value": 10'))
        writes.clear()
        page.get_by_label("New setting (JSON)").fill('{"name": "outboundCallerId", "value": ')
        page.get_by_role("button", name="Add setting").click()
        expect(page.locator("form.new-setting [role=alert]")).to_contain_text("The new setting is not valid JSON")
        assert writes == []
        wrapup.fill('{"name": "defaultWrapupTime", "value": 99999}')
        page.locator("form.setting", has=wrapup).get_by_role("button", name="Save").click()
        expect(page.locator("form.setting", has=wrapup).get_by_role("alert")).to_have_text(
            "defaultWrapupTime must be between 0 and 3600 seconds"
        )
        # A default setting cannot be deleted (the confirm() prompt is accepted).
        page.on("dialog", lambda prompt: prompt.accept())
        page.get_by_role("button", name="Delete defaultTelephonyNetworkType").click()
        expect(page.locator("form.setting", has=page.get_by_label("defaultTelephonyNetworkType", exact=True)).get_by_role("alert")).to_have_text(
            "'defaultTelephonyNetworkType' is a default setting: it can be updated, not deleted"
        )

        # CORS: '*' alone is refused in words, a real origin is kept.
        page.goto("/console/cors")
        page.get_by_label("Origin", exact=True).fill("*")
        page.get_by_role("button", name="Add origin").click()
        expect(page.locator("#origin-form [role=alert]")).to_contain_text("'*' alone is not an allowed origin")
        page.get_by_label("Origin", exact=True).fill("https://desk.example.com")
        page.get_by_role("button", name="Add origin").click()
        expect(page.locator("#origin-list")).to_contain_text("https://desk.example.com")

        # Agent states: a system operation cannot be created again.
        page.goto("/console/agent-states")
        page.get_by_label("Operation name", exact=True).fill("Ready")
        page.get_by_label("State", exact=True).select_option("Ready")
        page.get_by_role("button", name="Add state").click()
        expect(page.locator("#state-form [role=alert]")).to_have_text("Agent state operation 'Ready' already exists")
        page.get_by_label("Operation name", exact=True).fill("Lunch")
        page.get_by_label("Reason", exact=True).fill("Lunch")
        page.get_by_role("button", name="Add state").click()
        expect(page.locator("#state-list")).to_contain_text("Lunch")
        assert page.problems.errors == []

    assert Setting.objects.get(group="voice", key="defaultWrapupTime").data["value"] == 10
    assert Setting.objects.get(group="access-control", key="allowedOrigins").data["value"] == ["https://desk.example.com"]
    assert Setting.objects.filter(group="agent-states", key="Lunch").exists()
    assert User.objects.filter(user_name="nobody@redwings.com").exists() is False


def test_configuration_pages_change_settings_agent_states_and_the_disposition_tree(live_server, admin):
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        page.on("dialog", lambda prompt: prompt.accept())
        log_in(page, admin.user_name, PASSWORD)

        # A custom settings group, a setting in it, changed, then the group deleted.
        page.goto("/console/settings")
        page.get_by_label("Name", exact=True).fill("desk-prefs")
        page.get_by_label("Display name").fill("Desk preferences")
        page.get_by_role("button", name="Create group").click()
        expect(page.locator("#group-heading")).to_have_text("desk-prefs")
        page.get_by_label("New setting (JSON)").fill('{"name": "theme", "value": {"dark": true}}')
        page.get_by_role("button", name="Add setting").click()
        theme = page.get_by_label("theme", exact=True)
        expect(theme).to_have_value(re.compile(r'"dark": true'))
        theme.fill('{"name": "theme", "value": {"dark": false}}')
        page.locator("form.setting", has=theme).get_by_role("button", name="Save").click()
        expect(page.locator("#notice")).to_have_text("Setting theme saved.")
        page.reload()
        expect(page.get_by_label("theme", exact=True)).to_have_value(re.compile(r'"dark": false'))
        page.get_by_role("button", name="Delete this group").click()
        expect(page.locator("#group-list")).not_to_contain_text("desk-prefs")

        # A custom agent state, edited through the form, then deleted.
        page.goto("/console/agent-states")
        page.get_by_label("Operation name", exact=True).fill("Meeting")
        page.get_by_label("Work mode").select_option("AuxWork")
        page.get_by_label("Reason", exact=True).fill("Meeting")
        page.get_by_role("button", name="Add state").click()
        row = page.locator("#state-list tr", has_text="Meeting")
        expect(row).to_contain_text("AuxWork")
        row.get_by_role("button", name="Edit Meeting").click()
        expect(page.get_by_label("Operation name", exact=True)).to_be_focused()
        page.get_by_label("Display name").fill("In a meeting")
        page.get_by_role("button", name="Save changes").click()
        expect(row).to_contain_text("In a meeting")
        row.get_by_role("button", name="Delete Meeting").click()
        expect(page.locator("#state-list")).not_to_contain_text("Meeting")

        # The disposition tree: a group, a sub-group, dispositions, the default group, deletions.
        page.goto("/console/dispositions")
        expect(page.locator("#tree")).to_contain_text("No group yet")
        page.get_by_label("Name", exact=True).fill("Outcomes")
        page.get_by_role("button", name="Add group").click()
        expect(page.locator(".tree")).to_contain_text("Outcomes")
        page.get_by_label("Inside").select_option(label="Outcomes")
        page.get_by_label("Name", exact=True).fill("Sales")
        page.get_by_role("button", name="Add group").click()
        expect(page.locator(".tree .tree, .tree ul")).to_contain_text("Sales")
        page.get_by_label("Group", exact=True).select_option(label="\u2003Sales")
        page.get_by_label("Name (the value set on a call)").fill("Sold")
        page.get_by_label("Display name").fill("Sale made")
        page.get_by_role("button", name="Add disposition").click()
        expect(page.locator(".tree")).to_contain_text("Sale made")
        page.get_by_label("Name (the value set on a call)").fill("Sold")
        page.get_by_label("Display name").fill("Again")
        page.get_by_role("button", name="Add disposition").click()
        expect(page.locator("#disposition-form [role=alert]")).to_have_text("Disposition 'Sold' already exists in group 'Sales'")
        page.get_by_role("button", name="Make Outcomes the default group").click()
        expect(page.locator(".tree .badge.ok")).to_have_text("default")
        page.get_by_role("button", name="Delete disposition Sold").click()
        expect(page.locator(".tree")).not_to_contain_text("Sale made")
        assert page.problems.errors == []

    from dispositions.models import Disposition, Group

    assert list(Group.objects.order_by("name").values_list("name", "default_group")) == [("Outcomes", True), ("Sales", False)]
    assert Disposition.objects.count() == 0
    assert not Setting.objects.filter(group="desk-prefs").exists()
    assert not Setting.objects.filter(group="agent-states", key="Meeting").exists()


def test_a_page_whose_session_ended_goes_back_to_the_login_form(live_server, admin, agent):
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        log_in(page, admin.user_name, PASSWORD)
        page.goto("/console/users")
        expect(page.locator("#users-table")).to_contain_text(agent.user_name)
        page.context.clear_cookies()
        page.get_by_role("button", name="Find").click()
        page.wait_for_url(re.compile(r"/login\?next=%2Fconsole%2Fusers%3F"))
        log_in(page, admin.user_name, PASSWORD)  # (from /login: the start page, the agent board)
        page.goto("/console/users")
        expect(page.locator("#users-table")).to_contain_text(agent.user_name)


def test_the_user_page_actions_wait_for_the_user(live_server, admin, agent):
    """Disable and Delete act on the user the page reads: until it has come they are disabled (a
    click before it came failed in the page's script and did nothing, seen in CI)."""
    with chromium() as browser:
        page = new_page(browser, live_server.url)
        log_in(page, admin.user_name, PASSWORD)
        held = []  # the page's first read of the user, kept from it

        def hold_the_first(route):
            if held:
                route.continue_()
            else:
                held.append(route)

        page.route(re.compile(rf"/api/v2/users/{agent.pk}(\?|$)"), hold_the_first)
        page.goto(f"/console/users/{agent.pk}")
        for _ in range(100):
            if held:
                break
            page.wait_for_timeout(50)
        assert held, "the page never read the user"
        disable = page.get_by_role("button", name="Disable user")
        expect(disable).to_be_disabled()
        expect(page.get_by_role("button", name="Delete user")).to_be_disabled()

        held[0].continue_()
        expect(disable).to_be_enabled()
        expect(page.get_by_role("button", name="Delete user")).to_be_enabled()
        disable.click()
        expect(page.get_by_role("button", name="Enable user")).to_be_visible()
        assert page.problems.errors == []
    agent.refresh_from_db()
    assert agent.is_active is False
