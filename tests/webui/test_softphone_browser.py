"""The agent softphone in headless Chromium against daphne (HTTP, the WebSocket CometD transport
and the embedded switch in one server): agents in their own browser contexts make, take, hold,
transfer and end a call through the page, which only uses /api/v2 and /api/v2/notifications."""
import asyncio
import json
import re

import pytest
from playwright.sync_api import expect

from dispositions import services as dispositions
from notifications import clients
from provisioning import services, settings_groups
from tests.conftest import PASSWORD, make_user
from tests.notifications.conftest import cometd_settings, live_cometd_url  # noqa: F401 - fixtures
from voice.agents.models import ContactCenterSession, DeviceAgentState
from voice.models import CallUserEvent, VoiceCall

from .conftest import LIVE, NARROW, TIMEOUT, board_cell, browser_test, chromium, collect_static_if_changed, log_in, new_page, open_board, screenshot_path

pytestmark = [browser_test, pytest.mark.django_db(transaction=True)]
expect.set_options(timeout=TIMEOUT)

PAGE_FILES = ("webui/softphone/softphone.js", "webui/softphone/softphone.css", "webui/live/cometd.js", "webui/api.js", "webui/ui.js")


@pytest.fixture(scope="module", autouse=True)
def collected_static():
    collect_static_if_changed(PAGE_FILES)


@pytest.fixture
def desk(admin, live_cometd_url, settings):  # noqa: F811
    """Three agents with phones, toast and case filters, Dial's default user data and a
    disposition tree; the server checks CSRF as in production."""
    settings.GWS_CSRF_ENABLED = True
    people = {}
    for name, first, number in (("ann@redwings.com", "Ann", "5005"), ("bob@redwings.com", "Bob", "5001"), ("cid@redwings.com", "Cid", "5000")):
        user = make_user(admin, name, firstName=first)
        services.create_device(admin, {"phoneNumber": number}, user=user)
        people[first.lower()] = user
    toast = [{"attachedDataKey": "CustomerName", "displayName": "Customer"}]
    settings_groups.create_setting(admin, "voice", {"name": "toast-filter", "value": toast})
    case = toast + [{"attachedDataKey": "POC", "displayName": "Purpose of Call"}]
    settings_groups.create_setting(admin, "voice", {"name": "case-filter", "value": case})
    settings_groups.create_setting(admin, "voice-operations", {"operationName": "Dial", "userData": {"CustomerName": "Chris", "POC": "New Service"}})
    root = dispositions.create_group(admin, {"name": "Dispositions", "defaultGroup": True})
    dispositions.create_disposition(admin, root, {"name": "IssueResolved", "displayName": "Issue resolved"})
    sales = dispositions.create_group(admin, {"name": "Sales"}, parent=root)
    dispositions.create_disposition(admin, sales, {"name": "Won", "displayName": "Sale won"})
    people["url"] = live_cometd_url
    return people


def open_softphone(browser, url, user, viewport=None):
    page = new_page(browser, url, viewport) if viewport else new_page(browser, url)
    page.handshakes = []  # the clientId of each successful handshake the page's CometD client made
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: page.handshakes.extend(
        reply["clientId"] for reply in json.loads(frame) if reply.get("channel") == "/meta/handshake" and reply.get("successful"))))
    log_in(page, user.user_name, PASSWORD)
    expect(page).to_have_url(re.compile(r"/softphone$"))
    expect(page.locator("#live-status")).to_have_text("Live")
    return page


def go_ready(page):
    page.get_by_role("button", name="Start session").click()
    expect(page.locator("#agent-state")).to_have_text("Not Ready")
    page.get_by_role("button", name="Ready", exact=True).click()
    expect(page.locator("#agent-state")).to_have_text("Ready")
    expect(page.get_by_role("button", name="Ready", exact=True)).to_have_attribute("aria-pressed", "true")


def card(page, number, where="#calls"):
    """The card of the call with `number` in the calls (or ended calls) list."""
    return page.locator(f"{where} article.call").filter(has=page.get_by_role("heading", name=re.compile(rf"(from|with) {number}$")))


def test_two_agents_call_hold_transfer_to_a_third_hang_up_and_dispose(desk, supervisor, tmp_path):
    """The agents' softphones, with a supervisor's board open beside them: every change an agent
    sees on its page is on the board within a second (LIVE)."""
    url = desk["url"]
    with chromium() as browser:
        board = open_board(browser, url, supervisor)

        def on_board(name, field, text):
            expect(board_cell(board, desk[name], field)).to_contain_text(text, timeout=LIVE)

        ann = open_softphone(browser, url, desk["ann"])
        bob = open_softphone(browser, url, desk["bob"])
        cid = open_softphone(browser, url, desk["cid"])
        for name, page in (("ann", ann), ("bob", bob), ("cid", cid)):
            go_ready(page)
            on_board(name, "state", "Ready")

        # Ann dials Bob on the keypad; Bob's toast shows the toast data, Ann's card the same.
        for key in "5001":
            ann.get_by_role("button", name=f"Key {key}").click()
        expect(ann.get_by_label("Number")).to_have_value("5001")
        ann.get_by_role("button", name="Call", exact=True).click()
        expect(card(ann, "5001").locator(".badge")).to_have_text("Dialing")
        on_board("ann", "call", "Dialing 5001")
        toast = bob.locator(".toast")
        expect(toast.get_by_role("heading")).to_have_text("Incoming call from 5005")
        on_board("bob", "call", "Ringing 5005")
        expect(toast.locator(".call-data")).to_contain_text("Customer")
        expect(toast.locator(".call-data")).to_contain_text("Chris")
        expect(toast.get_by_role("button", name="Reject")).to_be_disabled()  # not from a queue
        bob.screenshot(path=screenshot_path(tmp_path, "softphone-ringing"))

        # Bob answers from the toast: both see the call Established, Bob the case data.
        toast.get_by_role("button", name="Answer").click()
        expect(bob.locator(".toast")).to_have_count(0)
        bobs = card(bob, "5005")
        expect(bobs.locator(".badge")).to_have_text("Established")
        expect(bobs.get_by_label("Case data")).to_contain_text("Purpose of Call")
        expect(bobs.get_by_label("Case data")).to_contain_text("New Service")
        expect(card(ann, "5001").locator(".badge")).to_have_text("Established")
        on_board("bob", "call", "Established 5005")
        on_board("ann", "call", "Established 5001")
        expect(bobs.get_by_role("button", name="Answer")).to_be_disabled()
        expect(bobs.get_by_role("button", name="Retrieve")).to_be_disabled()

        # DTMF from the dial pad goes to the established call.
        bob.get_by_label("Number").fill("12#")
        bob.get_by_role("button", name="Send as DTMF").click()
        expect(bob.locator("#notice")).to_have_text("Sent 12#.")
        bob.screenshot(path=screenshot_path(tmp_path, "softphone-established"))

        # A reload in the middle of the call recovers it from the API.
        bob.reload()
        expect(bob.locator("#live-status")).to_have_text("Live")
        bobs = card(bob, "5005")
        expect(bobs.locator(".badge")).to_have_text("Established")
        expect(bobs.get_by_label("Case data")).to_contain_text("Chris")
        expect(bob.locator("#agent-state")).to_have_text("Ready")

        # Hold, then retrieve: the buttons follow the call's capabilities.
        bobs.get_by_role("button", name="Hold").click()
        expect(bobs.locator(".badge")).to_have_text("Held")
        on_board("bob", "call", "Held 5005")
        expect(bobs.get_by_role("button", name="Hold")).to_be_disabled()
        expect(card(ann, "5001").locator(".badge")).to_have_text("Established")
        bobs.get_by_role("button", name="Retrieve").click()
        expect(bobs.locator(".badge")).to_have_text("Established")
        on_board("bob", "call", "Established 5005")

        # Consult transfer to Cid: Ann's call waits on hold, Cid answers the consult call, Bob completes.
        bobs.get_by_label("Transfer or conference to").fill("5000")
        bobs.get_by_role("button", name="Consult transfer").click()
        expect(bobs.locator(".badge")).to_have_text("Held")
        consult = card(bob, "5000")
        expect(consult.locator(".badge")).to_have_text("Dialing")
        on_board("bob", "call", "Held 5005")
        on_board("bob", "call", "Dialing 5000")
        on_board("cid", "call", "Ringing 5001")
        cid.locator(".toast").get_by_role("button", name="Answer").click()
        expect(consult.locator(".badge")).to_have_text("Established")
        consult.get_by_role("button", name="Complete transfer").click()
        expect(bob.locator("#calls")).to_have_text("No call.")
        expect(bob.locator("#ended article.call")).to_have_count(2)
        cids = card(cid, "5005")
        expect(cids.locator(".badge")).to_have_text("Established")
        expect(card(ann, "5000").locator(".badge")).to_have_text("Established")
        on_board("cid", "call", "Established 5005")
        on_board("ann", "call", "Established 5000")
        expect(board_cell(board, desk["bob"], "call")).not_to_contain_text("Established", timeout=LIVE)

        # Bob dispositions the call he passed on, from the tree (a sub-group's disposition).
        ended = card(bob, "5005", "#ended")
        ended.get_by_label("Disposition").select_option(label="Sale won")
        ended.get_by_role("button", name="Set disposition").click()
        expect(ended).to_contain_text("Disposition set: Sale won.")

        # Ann hangs up: the call ends for Cid too; Ann sets a disposition from the picker.
        card(ann, "5000").get_by_role("button", name="Hang up").click()
        expect(ann.locator("#calls")).to_have_text("No call.")
        expect(cid.locator("#calls")).to_have_text("No call.")
        on_board("ann", "call", "Released")
        on_board("cid", "call", "Released")
        anns = card(ann, "5000", "#ended")
        expect(anns.locator(".badge")).to_have_text("Released")
        expect(anns.get_by_role("button", name="Hang up")).to_be_hidden()
        expect(anns.get_by_label("Transfer or conference to")).to_be_hidden()
        anns.get_by_label("Disposition").select_option("IssueResolved")
        anns.get_by_role("button", name="Set disposition").click()
        expect(anns).to_contain_text("Disposition set: Issue resolved.")
        anns.get_by_role("button", name="Dismiss").click()
        expect(ann.locator("#ended-section")).to_be_hidden()

        for page in (ann, bob, cid, board):
            assert page.problems.errors == []
        # The board followed it all live: the same document it was at the start.
        assert board.evaluate("performance.getEntriesByType('navigation').length") == 1

    # Both dispositions went to the original call (the consult call was another), after its end.
    assert VoiceCall.objects.count() == 2
    events = CallUserEvent.objects.select_related("device__user")
    assert {(event.device.user.user_name, event.data.get("DispositionCode")) for event in events} == {
        ("bob@redwings.com", "Won"), ("ann@redwings.com", "IssueResolved")}
    assert len({event.call_id for event in events}) == 1


def test_keyboard_only_agent_takes_a_call_and_the_page_fits_a_phone(desk):
    url = desk["url"]
    with chromium() as browser:
        ann = open_softphone(browser, url, desk["ann"])
        bob = open_softphone(browser, url, desk["bob"], viewport=NARROW)
        go_ready(ann)
        # Bob starts his session and goes Ready from the keyboard; the state button keeps the focus.
        bob.get_by_role("button", name="Start session").focus()
        bob.keyboard.press("Enter")
        expect(bob.locator("#agent-state")).to_have_text("Not Ready")
        ready = bob.get_by_role("button", name="Ready", exact=True)
        ready.focus()
        bob.keyboard.press("Enter")
        expect(ready).to_have_attribute("aria-pressed", "true")
        expect(ready).to_be_focused()
        # Ann: the number typed into the labelled field, the call placed with Enter.
        ann.get_by_label("Number").focus()
        ann.keyboard.type("5001")
        ann.keyboard.press("Enter")
        answer = bob.locator(".toast").get_by_role("button", name="Answer")
        expect(answer).to_be_visible()
        answer.focus()
        bob.keyboard.press("Enter")
        bobs = card(bob, "5005")
        expect(bobs.locator(".badge")).to_have_text("Established")
        # The answered toast is gone; the focus stays on the call's card, not lost on the page.
        expect(bobs.get_by_role("heading")).to_be_focused()
        bob.keyboard.press("Tab")
        expect(bobs.get_by_text("All attached data")).to_be_focused()
        bob.keyboard.press("Tab")
        expect(bobs.get_by_role("button", name="Hold")).to_be_focused()
        bob.keyboard.press("Enter")
        expect(bobs.locator(".badge")).to_have_text("Held")
        # Nothing wider than the phone's screen.
        assert bob.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        for page in (ann, bob):
            assert page.problems.errors == []


def test_a_page_the_server_forgot_handshakes_again_and_reads_its_state_afresh(desk):
    url = desk["url"]
    with chromium() as browser:
        ann = open_softphone(browser, url, desk["ann"])
        bob = open_softphone(browser, url, desk["bob"])
        go_ready(bob)
        ann.get_by_label("Number").fill("5001")
        ann.get_by_role("button", name="Call", exact=True).click()
        expect(bob.locator(".toast")).to_have_count(1)
        assert len(bob.handshakes) == 1

        # The server forgets Bob's client (as when it expires): the next connect is refused
        # (402), the client handshakes again, subscribes again and the page reloads its state.
        with bob.expect_request(lambda request: "/api/v2/me?subresources=" in request.url):
            forget = clients.remove(bob.handshakes[0], "expired")
            asyncio.run_coroutine_threadsafe(forget, clients.serving_loop()).result(10)
        expect(bob.locator("#live-status")).to_have_text("Live")
        assert len(bob.handshakes) == 2 and bob.handshakes[1] != bob.handshakes[0]
        expect(bob.locator(".toast")).to_have_count(1)

        # Notifications reach the new client: Ann gives up, Bob's toast goes.
        card(ann, "5001").get_by_role("button", name="Hang up").click()
        expect(bob.locator(".toast")).to_have_count(0)
        expect(bob.locator("#calls")).to_have_text("No call.")

        # Bob ends his session: logged out everywhere, and the HTTP session with it.
        bob.get_by_role("button", name="End session").click()
        expect(bob).to_have_url(re.compile(r"/login$"))
        for page in (ann, bob):
            assert page.problems.errors == []

    bob_user = desk["bob"]
    assert not ContactCenterSession.objects.filter(user=bob_user).exists()
    assert DeviceAgentState.objects.get(device__user=bob_user).state == "LoggedOut"


def test_without_websocket_the_page_falls_back_to_long_polling(desk):
    url = desk["url"]
    with chromium() as browser:
        ann = open_softphone(browser, url, desk["ann"])
        bob = new_page(browser, url)
        # Something between the browser and the server refuses WebSocket upgrades.
        bob.route_web_socket(re.compile(r".*/api/v2/notifications.*"), lambda socket: socket.close())
        polls = []
        bob.on("request", lambda request: "/api/v2/notifications/" in request.url and polls.append(request))
        log_in(bob, desk["bob"].user_name, PASSWORD)
        expect(bob.locator("#live-status")).to_have_text("Live")
        go_ready(bob)
        ann.get_by_label("Number").fill("5001")
        ann.get_by_role("button", name="Call", exact=True).click()
        toast = bob.locator(".toast")
        expect(toast.locator(".call-data")).to_contain_text("Chris")
        toast.get_by_role("button", name="Answer").click()
        expect(card(bob, "5005").locator(".badge")).to_have_text("Established")
        # The handshake (CSRF token in its header) and the connects went over HTTP.
        handshakes = [request for request in polls if request.url.endswith("/handshake")]
        assert handshakes and handshakes[-1].headers.get("x-csrf-token")
        assert any(request.url.endswith("/connect") for request in polls)
        for page in (ann, bob):
            assert page.problems.errors == []


def test_the_page_says_when_the_voice_service_goes_down_and_comes_back(desk, admin):
    url = desk["url"]
    with chromium() as browser:
        bob = open_softphone(browser, url, desk["bob"])
        console = new_page(browser, url)
        log_in(console, admin.user_name, PASSWORD)
        token = console.request.get("/api/v2/me?fields=id").headers["x-csrf-token"]

        def voice(state):
            response = console.request.put("/api/v2/voice-simulation/service", data={"state": state}, headers={"X-CSRF-TOKEN": token})
            assert response.json()["statusCode"] == 0

        voice("Inactive")
        expect(bob.locator("#page-error")).to_have_text("The Voice service is Inactive: calls and states cannot change now.")
        bob.get_by_role("button", name="Start session").click()
        expect(bob.locator("#page-error")).to_have_text("Voice service is not available at this time")
        voice("Active")
        expect(bob.locator("#page-error")).to_be_hidden()
        bob.get_by_role("button", name="Start session").click()
        expect(bob.locator("#agent-state")).to_have_text("Not Ready")
        # The one 5xx the page met is the refused Start session (503, statusCode 4).
        assert bob.problems.errors == [f"HTTP 503 {url}/api/v2/me"]


def test_a_conference_offers_mute_and_unmute(desk):
    url = desk["url"]
    with chromium() as browser:
        ann, bob, cid = (open_softphone(browser, url, desk[name]) for name in ("ann", "bob", "cid"))
        for page in (bob, cid):
            go_ready(page)
        ann.get_by_label("Number").fill("5001")
        ann.get_by_role("button", name="Call", exact=True).click()
        bob.locator(".toast").get_by_role("button", name="Answer").click()
        bobs = card(bob, "5005")
        expect(bobs.locator(".badge")).to_have_text("Established")
        expect(bobs.get_by_role("button", name="Mute", exact=True)).to_be_disabled()  # two parties: no mute

        # Bob brings Cid in: a single-step conference, three parties once Cid answers.
        bobs.get_by_label("Transfer or conference to").fill("5000")
        bobs.get_by_role("button", name="Conference", exact=True).click()
        cid.locator(".toast").get_by_role("button", name="Answer").click()
        expect(card(cid, "5005, 5001").locator(".badge")).to_have_text("Established")
        bobs = card(bob, "5005, 5000")
        expect(bobs.get_by_role("button", name="Mute", exact=True)).to_be_enabled()
        bobs.get_by_role("button", name="Mute", exact=True).click()
        expect(bobs.locator(".call-meta")).to_contain_text("muted")
        expect(bobs.get_by_role("button", name="Mute", exact=True)).to_be_disabled()
        bobs.get_by_role("button", name="Unmute").click()
        expect(bobs.locator(".call-meta")).not_to_contain_text("muted")

        # Bob leaves; Ann and Cid stay on the call.
        bobs.get_by_role("button", name="Hang up").click()
        expect(bob.locator("#calls")).to_have_text("No call.")
        expect(card(ann, "5000").locator(".badge")).to_have_text("Established")
        for page in (ann, bob, cid):
            assert page.problems.errors == []
