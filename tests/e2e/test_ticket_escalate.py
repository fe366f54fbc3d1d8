"""A manager escalates a ticket from its page in Chromium at a laptop's 1366 px and a phone's 390 px."""
import pytest
from playwright.sync_api import expect

from app.models import Priority, Role
from tests.factories import Factory

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
                         ids=["1366px", "390px"])
def test_the_escalate_form_shows_its_error_inline_and_raises_the_priority(browser, live_server, factory, viewport):
    factory.user(Role.MANAGER, email="mia@example.com", name="Mia Manager")
    ticket = factory.ticket(org=factory.org("Initech Worldwide Holdings"), priority=Priority.MEDIUM,
                            title="Refund not showing on the customer invoice for the spring campaign")
    context = browser.new_context(base_url=live_server, viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto("/auth/login")
        page.get_by_label("Email").fill("mia@example.com")
        page.get_by_label("Password", exact=True).fill(Factory.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("[data-testid=whoami]", state="attached")
        page.goto(f"/tickets/{ticket.number}")
        card = page.get_by_test_id("escalate")
        card.get_by_role("button", name="Escalate").click()
        card = page.get_by_test_id("escalate")
        expect(card.locator(".invalid-feedback")).to_contain_text("This field is required.")
        card.get_by_label("Why escalate?").fill("The customer's month-end close is blocked")
        card.get_by_label("What to do").select_option("raise")
        card.get_by_role("button", name="Escalate").click()
        expect(page.get_by_role("alert")).to_contain_text("Escalated")
        expect(page.get_by_test_id("ticket-badges")).to_contain_text("High")
        expect(page.locator("body")).to_contain_text("The customer's month-end close is blocked")  # the timeline
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    finally:
        context.close()
