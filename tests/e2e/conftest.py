"""The browser tests' Chromium: Debian's /usr/bin/chromium, headless, driven by Playwright for Python.

The `browser` fixture starts it for a test. A test whose own body must use Django's ORM first (Playwright's
sync API runs an event loop, inside which the ORM refuses to run) starts it later with `launch(playwright)`.
"""

import pytest

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
