"""A live server and a real headless Chromium (Debian's, driven by Playwright)."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from tests.factories import Factory

PASSWORD = Factory.PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("RELAY_REQUIRE_BROWSER"):
            pytest.fail(f"no Chromium at {CHROMIUM}; install it (apt-get install chromium) or set CHROMIUM_PATH")
        pytest.skip(f"no Chromium at {CHROMIUM}: browser tests skipped (set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    # Every browser test also checks that nothing on its pages was blocked by the CSP.
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


@pytest.fixture
def signed_in(browser, live_server):
    """open(viewport, email): a page of its own browser context, signed in as *email*, checked for CSP blocks."""
    contexts = []

    def open_page(viewport, email):
        context = browser.new_context(base_url=live_server, viewport=viewport)
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.blocked = []
        page.on("console", lambda m: page.blocked.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto("/auth/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("[data-testid=whoami]", state="attached")
        return page

    yield open_page
    for context in contexts:
        assert not context.pages or not context.pages[0].blocked, context.pages[0].blocked
        context.close()


@pytest.fixture
def sign_in(page):
    def sign_in(email, password):
        page.goto("/auth/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("[data-testid=whoami]")

    return sign_in


@pytest.fixture
def sign_out(page):
    def sign_out():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_selector("text=You have been signed out.")

    return sign_out
