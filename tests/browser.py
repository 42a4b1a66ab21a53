"""Debian's Chromium driven by Playwright, for every browser test of the suite.

Playwright never downloads a browser here: it drives /usr/bin/chromium, which `make test`
installs. Playwright's sync API runs an event loop in the test's thread, where Django refuses ORM
calls: tests prepare their data before opening the browser and check the database after closing it.
"""
from contextlib import contextmanager

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps calling home, which this closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Marks the tests that drive the browser (`pytest -m "not browser"` leaves them out). They never
# skip themselves: without Chromium (which `make test` installs) they fail.
browser_test = pytest.mark.browser


@contextmanager
def chromium():
    """A headless Chromium for the length of the block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
