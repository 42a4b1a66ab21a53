"""The admin's drag-and-drop tree in real headless Chromium, against a live server."""


from dispositions.models import Group
from tests.browser import browser_test, chromium
from tests.conftest import PASSWORD, GWSClient
from tests.dispositions.conftest import assert_trees_sound, group_url

pytestmark = browser_test


def test_dragging_a_group_onto_another_moves_it_and_the_api_shows_it(live_server, transactional_db, admin, tree):
    with chromium() as browser:
        answer = _drag(browser, live_server.url, admin.user_name, tree["upsell"].pk, tree["support"].pk)

    assert answer == "Upsell has been successfully moved."
    assert Group.objects.get(pk=tree["upsell"].pk).parent_id == tree["support"].pk
    support = GWSClient(admin.user_name).get(group_url(tree["support"], "?subresources=**")).json()["group"]
    assert [group["name"] for group in support["groups"]] == ["Upsell"]
    assert support["groups"][0]["dispositions"][0]["name"] == "Upgraded"
    assert_trees_sound()


def _drag(browser, server, user_name, dragged, onto):
    """Log into the admin, drag one group's handle onto the middle of another's row."""
    page = browser.new_page()
    page.goto(f"{server}/admin/login/?next=/admin/dispositions/group/")
    page.fill("input[name=username]", user_name)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list .drag-handle")

    def row(pk):
        return page.locator("#result_list tr", has=page.locator(f'.tree-node[data-pk="{pk}"]'))

    handle = row(dragged).locator(".drag-handle").bounding_box()
    target = row(onto).bounding_box()
    # Drop on the middle third of the Support row: "move node to child position".
    with page.expect_response(lambda response: response.request.method == "POST") as moved:
        page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        page.mouse.down()
        page.mouse.move(target["x"] + 200, target["y"] + target["height"] / 2, steps=12)
        page.mouse.up()
    assert moved.value.status == 200
    # The page reloads when the move is answered and shows the admin's message.
    answer = page.locator("ul.messagelist li").first.inner_text(timeout=10000)
    page.close()
    return answer
