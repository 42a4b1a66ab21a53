"""The live agent board in headless Chromium against daphne (HTTP, CometD and the embedded
switch in one server): agents change state and make calls through the API, and the supervisor's
board shows each change within a second, without reloading; supervisor monitoring from the board."""
import json
import re

import pytest
from playwright.sync_api import expect

from provisioning import services
from provisioning.models import ContactCenterFeature
from tests.conftest import PASSWORD, basic, make_user
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures

from .conftest import (
    LIVE, NARROW, TIMEOUT, WIDE, board_cell, browser_test, chromium, collect_static_if_changed, log_in, new_page, open_board,
    screenshot_path,
)

pytestmark = [browser_test, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=TIMEOUT)

PAGE_FILES = ("webui/board/board.js", "webui/board/board.css", "webui/live/cometd.js", "webui/api.js", "webui/ui.js")


@pytest.fixture(scope="module", autouse=True)
def collected_static():
    collect_static_if_changed(PAGE_FILES)


@pytest.fixture
def floor(admin, supervisor, live_cometd_url, settings):  # noqa: F811
    """Three agents with phones, a supervisor with one (5010), supervisor monitoring on; the server
    checks CSRF as in production."""
    settings.GWS_CSRF_ENABLED = True
    ContactCenterFeature.objects.create(contact_center=admin.contact_center, feature_id="api-supervisor-monitoring")
    services.create_device(admin, {"phoneNumber": "5010"}, user=supervisor)
    people = {"url": live_cometd_url, "supervisor": supervisor, "admin": admin}
    for name, first, last, number in (("ann", "Ann", "Archer", "5005"), ("bob", "Bob", "Baker", "5006"), ("cid", "Cid", "Cole", "5007")):
        user = make_user(admin, f"{name}@redwings.com", firstName=first, lastName=last)
        user.device_id = str(services.create_device(admin, {"phoneNumber": number}, user=user).pk)
        people[name] = user
    return people


class Desk:
    """An agent acting through the API (Playwright's request context: its own cookie jar)."""

    def __init__(self, browser, url, user):
        self.user = user
        self.context = browser.new_context(base_url=url)
        self.request = self.context.request
        me = self.request.get("/api/v2/me?subresources=devices", headers={"Authorization": basic(user.user_name, PASSWORD)})
        assert me.ok, me.text()
        self.device_id = me.json()["user"]["devices"][0]["id"]
        self.headers = {"X-CSRF-TOKEN": me.headers["x-csrf-token"], "Content-Type": "application/json"}

    def post(self, path, body):
        response = self.request.post(f"/api/v2{path}", data=body, headers=self.headers)
        assert response.ok and response.json()["statusCode"] == 0, response.text()
        return response.json()

    def voice(self, operation):
        return self.post("/me/channels/voice", {"operationName": operation})

    def device(self, operation, **params):
        return self.post(f"/me/devices/{self.device_id}", {"operationName": operation, **params})

    def dial(self, number):
        return self.post(f"/me/devices/{self.device_id}/calls", {"operationName": "Dial", "destination": {"phoneNumber": number}})

    def call_id(self):
        calls = self.request.get("/api/v2/me/calls?fields=*").json()["calls"]
        assert len(calls) == 1, calls
        return calls[0]["id"]

    def operate(self, call_id, operation, **params):
        return self.post(f"/me/calls/{call_id}", {"operationName": operation, **params})


def fits_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_board_shows_two_agents_states_dnd_forwarding_and_calls_within_a_second(floor, tmp_path):
    ann, bob, cid = floor["ann"], floor["bob"], floor["cid"]
    with chromium() as browser:
        board = open_board(browser, floor["url"], floor["supervisor"])
        # The initial load: every agent (not the supervisor, who is no agent), logged out, idle.
        expect(board.locator("#board-table tbody tr")).to_have_count(3)
        expect(board_cell(board, ann, "agent")).to_contain_text("Ann Archer")
        expect(board_cell(board, ann, "phone")).to_have_text("5005")
        expect(board_cell(board, ann, "state")).to_have_text("Offline")
        expect(board.locator("#board-summary")).to_have_text("3 agents: 0 ready, 0 on a call.")
        desks = {name: Desk(browser, floor["url"], floor[name]) for name in ("ann", "bob", "cid")}

        # Agent states.
        for name in ("ann", "bob", "cid"):
            desks[name].post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
        expect(board_cell(board, ann, "state")).to_have_text("Not Ready", timeout=LIVE)
        expect(board_cell(board, bob, "state")).to_have_text("Not Ready", timeout=LIVE)
        desks["ann"].voice("Ready")
        expect(board_cell(board, ann, "state")).to_have_text("Ready", timeout=LIVE)
        desks["bob"].voice("Ready")
        expect(board_cell(board, bob, "state")).to_have_text("Ready", timeout=LIVE)
        desks["bob"].voice("NotReady")
        expect(board_cell(board, bob, "state")).to_have_text("Not Ready", timeout=LIVE)
        desks["bob"].voice("Ready")
        expect(board_cell(board, bob, "state")).to_have_text("Ready", timeout=LIVE)

        # DND and forwarding.
        desks["cid"].device("DoNotDisturbOn")
        expect(board_cell(board, cid, "dnd")).to_have_text("On", timeout=LIVE)
        desks["cid"].device("ForwardCallsOn", destination="5009")
        expect(board_cell(board, cid, "forwarding")).to_have_text("To 5009", timeout=LIVE)
        desks["cid"].device("ForwardCallsOff")
        expect(board_cell(board, cid, "forwarding")).to_have_text("Off", timeout=LIVE)
        desks["cid"].device("DoNotDisturbOff")
        expect(board_cell(board, cid, "dnd")).to_have_text("Off", timeout=LIVE)

        # A call: dialing and ringing, established with a running duration, held, retrieved.
        desks["ann"].dial("5006")
        expect(board_cell(board, ann, "call")).to_have_text("Dialing 5006", timeout=LIVE)
        expect(board_cell(board, bob, "call")).to_have_text("Ringing 5005", timeout=LIVE)
        desks["bob"].operate(desks["bob"].call_id(), "Answer")
        expect(board_cell(board, ann, "call")).to_have_text("Established 5006", timeout=LIVE)
        expect(board_cell(board, bob, "call")).to_have_text("Established 5005", timeout=LIVE)
        expect(board.locator("#board-summary")).to_have_text("3 agents: 2 ready, 2 on a call.", timeout=LIVE)
        duration = board_cell(board, bob, "duration")
        expect(duration).to_have_text(re.compile(r"^0:0\d$"))
        first = duration.text_content()
        expect(duration).not_to_have_text(first, timeout=1500)  # it runs: a new second, no message
        assert re.fullmatch(r"0:0\d", duration.text_content())
        board.screenshot(path=screenshot_path(tmp_path, "board"))
        ann_call = desks["ann"].call_id()
        desks["ann"].operate(ann_call, "Hold")
        expect(board_cell(board, ann, "call")).to_have_text("Held 5006", timeout=LIVE)
        desks["ann"].operate(ann_call, "Retrieve")
        expect(board_cell(board, ann, "call")).to_have_text("Established 5006", timeout=LIVE)

        # Bob transfers the call to Cid: Bob's part ends, Cid's phone rings, Cid answers.
        desks["bob"].operate(desks["bob"].call_id(), "SingleStepTransfer", destination={"phoneNumber": "5007"})
        expect(board_cell(board, bob, "call")).to_have_text(re.compile(r"^Released"), timeout=LIVE)
        expect(board_cell(board, cid, "call")).to_have_text(re.compile(r"^Ringing"), timeout=LIVE)
        desks["cid"].operate(desks["cid"].call_id(), "Answer")
        expect(board_cell(board, cid, "call")).to_have_text(re.compile(r"^Established"), timeout=LIVE)
        ended = board_cell(board, bob, "duration").text_content()

        # Ann hangs up: the call is released for both; durations stop; Ann sets a disposition.
        desks["ann"].operate(ann_call, "Hangup")
        expect(board_cell(board, ann, "call")).to_have_text(re.compile(r"^Released"), timeout=LIVE)
        expect(board_cell(board, cid, "call")).to_have_text(re.compile(r"^Released"), timeout=LIVE)
        expect(board.locator("#board-summary")).to_have_text("3 agents: 2 ready, 0 on a call.", timeout=LIVE)
        desks["ann"].operate(ann_call, "SetCallDisposition", disposition="IssueResolved")
        board.wait_for_timeout(1100)
        assert board_cell(board, bob, "duration").text_content() == ended  # a released call's time is final
        expect(board_cell(board, ann, "call")).to_have_text(re.compile(r"^Released"))

        # Nothing of it needed a reload: the page is the same document it was at the start.
        assert board.evaluate("performance.getEntriesByType('navigation').length") == 1
        assert board.problems.errors == []


def test_supervisor_listens_in_from_the_board_and_refusals_show_in_words(floor, admin):
    ann, bob = floor["ann"], floor["bob"]
    # Another supervisor already monitors Bob's phone: monitoring Bob is refused.
    other = make_user(admin, "sue@redwings.com", roles=("ROLE_SUPERVISOR",))
    services.create_device(admin, {"phoneNumber": "5011"}, user=other)
    with chromium() as browser:
        board = open_board(browser, floor["url"], floor["supervisor"])
        user_reads = []  # the board reads a user it has not loaded (the supervisor: no agent) once
        board.on("request", lambda request: "/api/v2/users/" in request.url and user_reads.append(request.url))
        expect(board.locator("#monitor-state")).to_have_text("Not monitoring anyone. Your phone: 5010.")
        expect(board.locator("#cancel-monitoring")).to_be_disabled()
        sue = Desk(browser, floor["url"], other)
        sue.device("ListenIn", targetDeviceUri=f"{floor['url']}/api/v2/devices/{bob.device_id}")

        board.get_by_role("button", name="Listen in: Bob Baker").click()
        expect(board.locator("#monitor-error")).to_have_text("The target device is already monitored by another supervisor")
        expect(board.locator("#monitor-error")).to_be_focused()

        # ListenIn on Ann, on the next call only.
        board.get_by_label("Calls").select_option("NextCall")
        board.get_by_role("button", name="Listen in: Ann Archer").click()
        expect(board.locator("#monitor-state")).to_have_text(
            "Listening in on Ann Archer (5005): the next call, the whole call. Your phone: 5010.")
        expect(board.locator("#monitor-error")).to_be_hidden()
        expect(board_cell(board, ann, "monitor").locator(".badge")).to_have_text("Listen In")
        expect(board.locator("#cancel-monitoring")).to_be_enabled()

        # Ann's next call brings the supervisor in: switch to barge-in and back, mute the agent.
        ann_desk, bob_desk = Desk(browser, floor["url"], ann), Desk(browser, floor["url"], bob)
        ann_desk.dial("5006")
        bob_desk.operate(bob_desk.call_id(), "Answer")
        monitored = board.locator("#monitored-calls .monitored-call")
        expect(monitored).to_have_count(1)
        expect(monitored.get_by_role("button", name="Switch to barge-in")).to_be_enabled()
        expect(monitored.get_by_role("button", name="Switch to listen-in")).to_be_disabled()
        monitored.get_by_role("button", name="Switch to barge-in").click()
        expect(monitored.get_by_role("button", name="Switch to listen-in")).to_be_enabled()
        expect(monitored.get_by_role("button", name="Switch to barge-in")).to_be_disabled()
        expect(monitored.get_by_role("button", name="Unmute the agent")).to_be_disabled()
        monitored.get_by_role("button", name="Mute the agent", exact=True).click()
        expect(monitored.locator(".badge.off")).to_have_text("Agent muted")
        expect(monitored.get_by_role("button", name="Mute the agent", exact=True)).to_be_disabled()
        monitored.get_by_role("button", name="Unmute the agent").click()
        expect(monitored.locator(".badge.off")).to_have_count(0)
        monitored.get_by_role("button", name="Switch to listen-in").click()
        expect(monitored.get_by_role("button", name="Switch to barge-in")).to_be_enabled()

        # Stop monitoring.
        board.get_by_role("button", name="Stop monitoring").click()
        expect(board.locator("#monitor-state")).to_have_text("Not monitoring anyone. Your phone: 5010.")
        expect(board.locator("#cancel-monitoring")).to_be_disabled()
        assert len([url for url in user_reads if floor["supervisor"].pk in url]) == 1, user_reads
        assert board.locator(f'#board-table tr[data-user="{floor["supervisor"].pk}"]').count() == 0
        assert board.problems.errors == []


def tab_to_show(page):
    """Tab from a filter to the form's Show button."""
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Show":
            return
    raise AssertionError("Tab never reached Show")


def test_board_on_a_phone_by_keyboard_and_for_admins_not_agents(floor, tmp_path):
    ann = floor["ann"]
    with chromium() as browser:
        # An admin's board, on a phone-width window, by keyboard alone.
        board = open_board(browser, floor["url"], floor["admin"], viewport=NARROW)
        expect(board.locator("#board-table tbody tr")).to_have_count(3)
        assert fits_width(board)
        expect(board.locator("#monitor-state")).to_contain_text("You have no phone")
        expect(board.get_by_role("button", name="Listen in: Ann Archer")).to_be_disabled()

        # Filter by keyboard: logged-in agents only (none yet), then any state again.
        board.get_by_label("State").focus()
        board.keyboard.press("ArrowDown")  # Ready
        expect(board.get_by_label("State")).to_have_value("Ready")
        tab_to_show(board)
        board.keyboard.press("Enter")
        expect(board.locator("#board")).to_have_text("No agent matches.")
        assert "statistics.channels.voice.state=Ready" in board.url
        desk = Desk(browser, floor["url"], ann)
        desk.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
        desk.voice("Ready")
        # An agent who now matches appears, read from the API when its first message comes.
        expect(board_cell(board, ann, "state")).to_have_text("Ready", timeout=LIVE + 1000)
        board.get_by_label("State").focus()
        board.keyboard.press("Home")
        tab_to_show(board)
        board.keyboard.press("Enter")
        expect(board.locator("#board-table tbody tr")).to_have_count(3)

        desk.voice("NotReady")
        expect(board_cell(board, ann, "state")).to_have_text("Not Ready", timeout=LIVE)
        desk.dial("5006")
        expect(board_cell(board, ann, "call")).to_have_text("Dialing 5006", timeout=LIVE)
        assert fits_width(board)
        board.screenshot(path=screenshot_path(tmp_path, "board-narrow"), full_page=True)

        # Every control is reachable by Tab with a visible focus ring.
        board.locator("#main").focus()
        seen = set()
        for _ in range(40):
            board.keyboard.press("Tab")
            now = board.evaluate("""() => { const e = document.activeElement;
                return {tag: e.tagName, label: e.getAttribute('aria-label') || e.id || e.textContent.trim(),
                        outline: getComputedStyle(e).outlineStyle}; }""")
            if now["tag"] == "BODY":
                break  # past the last control
            seen.add(now["label"])
            assert now["outline"] != "none", now
        assert {"monitor-scope", "monitor-mode", "filter-state", "board-sort"} <= seen
        assert board.problems.errors == []

        # An agent is refused the board in words.
        agent_page = new_page(browser, floor["url"])
        log_in(agent_page, ann.user_name, PASSWORD)
        expect(agent_page).to_have_url(re.compile(r"/softphone$"))
        agent_page.goto("/board")
        expect(agent_page.get_by_role("alert")).to_contain_text("is for supervisors and contact center admins")


def test_a_message_that_comes_while_its_agent_is_read_is_not_lost(floor):
    """An agent the board has not loaded is read when its first message comes. A later message can
    come before that read's answer, which may have been read before the later change: the board
    applies it once the read is done (it used to drop it and show the older state for good)."""
    ann = floor["ann"]
    with chromium() as browser:
        board = new_page(browser, floor["url"], WIDE)
        frames = []  # the board's CometD messages, as they reach the browser
        board.on("websocket", lambda socket: socket.on("framereceived", lambda frame: frames.extend(json.loads(frame))))
        held = []  # the read of Ann, answered by the server at once but kept from the page

        def hold(route):
            held.append((route, route.fetch()))

        board.route(re.compile(rf"/api/v2/users/{ann.pk}\b"), hold)
        log_in(board, floor["admin"].user_name, PASSWORD)
        board.goto("/board?statistics.channels.voice.state=Ready")
        expect(board.locator("#board")).to_have_text("No agent matches.")

        desk = Desk(browser, floor["url"], ann)
        desk.post("/me", {"operationName": "StartContactCenterSession", "channels": ["voice"]})
        wait_until(board, lambda: held, "the board never read Ann")
        desk.voice("Ready")

        def ready_message_came():
            return any(
                message.get("data", {}).get("userId") == str(ann.pk)
                and any(device.get("userState", {}).get("state") == "Ready" for device in message["data"].get("devices", []))
                for message in frames
            )

        wait_until(board, ready_message_came, "Ann's Ready message never reached the board")
        route, answer = held[0]
        assert '"NotReady"' in answer.text()  # read before she went Ready
        route.fulfill(response=answer)
        expect(board_cell(board, ann, "state")).to_have_text("Ready", timeout=LIVE)
        assert board.problems.errors == []


def wait_until(page, condition, failure, seconds=5):
    for _ in range(seconds * 20):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(failure)
