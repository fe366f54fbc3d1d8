"""A ticket's path in a real browser: raise it, take it, resolve it, close it, promote another."""
import pytest
from playwright.sync_api import expect

from app.services.seed import seed_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(app):
    seed_demo(log=lambda *_: None)


def test_raise_work_and_close_a_ticket(page, demo, sign_in, sign_out):
    sign_in("customer@acme.example.com", "customer123")
    page.get_by_role("link", name="Raise ticket").click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("This field is required.")
    page.get_by_label("Title").fill("Export button does nothing")
    page.get_by_label("Priority").select_option("high")
    page.get_by_label("Campaign").select_option(label="Onboarding")
    page.get_by_label("Issue type").select_option(label="Bug")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("TCK-5 raised.")
    expect(page.get_by_test_id("ticket-badges")).to_contain_text("High")
    sign_out()

    sign_in("support@example.com", "support123")
    page.get_by_role("link", name="All tickets").click()
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Export button does nothing").click()
    page.get_by_test_id("ticket-actions").get_by_role("button", name="Assign to me").click()
    expect(page.get_by_test_id("assignee")).to_have_text("Sam Support")
    page.get_by_label("Resolution notes").fill("Fixed in 4.2.2")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("resolution")).to_have_text("Fixed in 4.2.2")
    expect(page.get_by_test_id("ticket-actions").get_by_role("button", name="Close")).to_have_count(0)
    sign_out()

    sign_in("manager@example.com", "manager123")
    page.goto("/tickets/5")
    page.get_by_test_id("ticket-actions").get_by_role("button", name="Close").click()
    expect(page.get_by_test_id("ticket-badges")).to_contain_text("Closed")
    page.goto("/tickets/3")
    page.get_by_role("button", name="Promote to incident").click()
    expect(page.get_by_test_id("source-ticket")).to_contain_text("TCK-3")
    page.get_by_test_id("source-ticket").get_by_role("link").click()
    expect(page.get_by_test_id("promoted")).to_contain_text("INC-1")
