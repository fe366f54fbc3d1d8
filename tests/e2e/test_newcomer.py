"""A newcomer's path in a real browser: seed, sign in as each demo user, run an incident to closed."""
import re

import pytest
from playwright.sync_api import expect

from app.services.seed import DEMO_USERS, seed_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(app):
    seed_demo(log=lambda *_: None)


@pytest.mark.parametrize("email,password,name,role,org", DEMO_USERS, ids=[u[0] for u in DEMO_USERS])
def test_every_demo_user_can_sign_in(page, demo, sign_in, email, password, name, role, org):
    sign_in(email, password)
    expect(page.get_by_test_id("whoami")).to_contain_text(f"{name} · {role.label}")
    expect(page.get_by_text("Admin", exact=True)).to_have_count(1 if role.value == "admin" and org == "relay" else 0)


def test_wrong_password_shows_a_message(page, demo):
    page.goto("/auth/login")
    page.get_by_label("Email").fill("admin@example.com")
    page.get_by_label("Password", exact=True).fill("nope")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")


def press(page, label):
    page.get_by_test_id("incident-actions").get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("alert").first).to_be_visible()


def test_declare_and_walk_an_incident_to_closed(page, demo, sign_in, sign_out):
    sign_in("user@example.com", "user123")
    page.get_by_role("link", name="Declare incident").first.click()
    page.get_by_role("button", name="Declare incident").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("This field is required.")
    page.get_by_label("Title").fill("Checkout returns 502")
    page.get_by_label("Severity").select_option("sev1")
    page.get_by_label("Product area").select_option(label="Payments")
    page.get_by_label("Description").fill("Since 10:02, every payment fails.")
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("alert")).to_contain_text("INC-1 declared.")
    expect(page.get_by_test_id("incident-actions").get_by_role("button")).to_have_count(0)
    sign_out()

    sign_in("support@example.com", "support123")
    page.goto("/incidents/1")
    press(page, "Acknowledge")
    press(page, "Assign to me")
    expect(page.get_by_test_id("assignee")).to_have_text("Sam Support")
    page.get_by_label("Add a comment").fill("Rolled back the gateway deploy.")
    page.get_by_role("button", name="Comment").click()
    press(page, "Mark mitigated")
    press(page, "Resolve")
    press(page, "Start postmortem")
    actions = page.get_by_test_id("incident-actions")
    expect(actions.get_by_role("button", name="Close", exact=True)).to_have_count(0)
    sign_out()

    sign_in("manager@example.com", "manager123")
    page.goto("/incidents/1")
    press(page, "Close")
    expect(page.get_by_test_id("incident-badges")).to_contain_text("Closed")

    steps = page.get_by_test_id("timeline").locator(".timeline-item")
    expected = [
        ("Declared SEV1: Checkout returns 502", "Uma User"),
        ("Status detected → investigating", "Sam Support"),
        ("Assigned to Sam Support", "Sam Support"),
        ("Commented: Rolled back the gateway deploy.", "Sam Support"),
        ("Status investigating → mitigated", "Sam Support"),
        ("Status mitigated → resolved", "Sam Support"),
        ("Status resolved → postmortem", "Sam Support"),
        ("Postmortem drafted", "Sam Support"),
        ("Status postmortem → closed", "Max Manager"),
    ]
    expect(steps).to_have_count(len(expected))
    for index, (what, who) in enumerate(expected):
        step = steps.nth(index)
        expect(step).to_contain_text(what)
        expect(step).to_contain_text(re.compile(rf"{who} · via web · \d{{4}}-\d\d-\d\d \d\d:\d\d UTC"))

    page.goto("/incidents/?status=closed")
    expect(page.get_by_test_id("incident-table")).to_contain_text("Checkout returns 502")


def test_pages_load_bootstrap_from_our_own_host(page, demo, sign_in):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    sign_in("admin@example.com", "admin123")
    hosts = {re.match(r"https?://[^/]+", url).group(0) for url in requests if url.startswith("http")}
    assert hosts == {page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2]}
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
