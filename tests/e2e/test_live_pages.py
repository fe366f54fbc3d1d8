"""In a real browser, two people: one changes the record, the other's open page follows without a reload."""
import pytest
from playwright.sync_api import expect

from app.models import IncidentStatus, Role, Severity
from tests.factories import Factory

pytestmark = pytest.mark.e2e


@pytest.fixture
def config_overrides():
    return {"LIVE_POLL_SECONDS": 1}


@pytest.fixture
def other(browser, live_server):
    """A second person in their own browser context (own cookies), signed in on demand."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()

    def sign_in(user):
        page.goto("/auth/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(Factory.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("[data-testid=whoami]")
        return page

    yield sign_in
    context.close()


@pytest.fixture
def people(factory):
    return factory.user(Role.MANAGER, name="Mona Manager"), factory.user(Role.RESPONDER, name="Rex Responder")


def test_incident_page_follows_another_users_changes_and_keeps_typed_input(page, sign_in, other, factory, people):
    watcher, actor = people
    incident = factory.incident(title="Payments are down", severity=Severity.SEV1)
    sign_in(watcher.email, Factory.PASSWORD)
    page.goto(f"/incidents/{incident.number}")
    reloads = []
    page.on("framenavigated", lambda frame: reloads.append(frame.url) if frame == page.main_frame else None)
    running = page.get_by_test_id("running")
    expect(running).to_be_visible()
    first = running.inner_text()
    expect(running).not_to_have_text(first, timeout=3000)  # ticks every second
    page.get_by_label("Add a comment").fill("Half-written thought about the")

    second = other(actor)
    second.goto(f"/incidents/{incident.number}")
    second.get_by_role("button", name="Acknowledge").click()
    expect(second.get_by_role("alert")).to_contain_text("Status changed")
    second.get_by_role("button", name="Assign to me").click()
    second.get_by_label("Add a comment").fill("Rolled back **v2.3**")
    second.get_by_role("button", name="Comment", exact=True).click()
    expect(second.get_by_role("alert")).to_contain_text("Comment added.")

    expect(page.get_by_test_id("incident-badges")).to_contain_text("Investigating")
    expect(page.get_by_test_id("assignee")).to_have_text("Rex Responder")
    expect(page.get_by_test_id("timeline")).to_contain_text("Assigned to Rex Responder")
    expect(page.get_by_test_id("comment-body").last).to_contain_text("Rolled back v2.3")
    expect(page.get_by_test_id("incident-actions")).to_contain_text("Mark mitigated")
    # What the watcher was typing is still there, and the form says the record moved on.
    expect(page.get_by_label("Add a comment")).to_have_value("Half-written thought about the")
    expect(page.locator("[data-stale-notice]").first).to_be_visible()
    assert reloads == [], "the page reloaded"
    # The swapped-in buttons work.
    page.get_by_role("button", name="Mark mitigated").click()
    expect(page.get_by_role("alert")).to_contain_text("Status changed to mitigated")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("incident-badges")).to_contain_text("Resolved")
    expect(page.get_by_test_id("running")).to_have_count(0)  # mitigated is still open; resolved is not


def test_edit_form_says_the_incident_changed_before_it_is_saved(page, sign_in, other, factory, people):
    watcher, actor = people
    incident = factory.incident(title="Search is slow")
    sign_in(watcher.email, Factory.PASSWORD)
    page.goto(f"/incidents/{incident.number}/edit")
    page.get_by_label("Title").fill("Search is slow for EU customers")
    expect(page.get_by_test_id("stale-notice")).to_be_hidden()

    second = other(actor)
    second.goto(f"/incidents/{incident.number}")
    second.get_by_role("button", name="Acknowledge").click()
    expect(second.get_by_role("alert")).to_contain_text("Status changed")

    expect(page.get_by_test_id("stale-notice")).to_be_visible()
    expect(page.get_by_test_id("stale-notice")).to_contain_text("changed by someone else")
    expect(page.get_by_label("Title")).to_have_value("Search is slow for EU customers")


def test_ticket_page_lists_and_dashboard_update_themselves(page, sign_in, other, factory, people):
    watcher, actor = people
    ticket = factory.ticket(title="Invoice PDF is blank")
    sign_in(watcher.email, Factory.PASSWORD)
    page.goto(f"/tickets/{ticket.number}")
    second = other(actor)
    second.goto(f"/tickets/{ticket.number}")
    second.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_test_id("assignee")).to_have_text("Rex Responder")
    expect(page.get_by_test_id("timeline")).to_contain_text("Rex Responder")

    page.goto("/incidents/")
    expect(page.get_by_test_id("incident-table")).to_have_count(0)
    second.goto("/incidents/new")
    second.get_by_label("Title").fill("Login page 500s")
    second.get_by_label("Severity").select_option("sev2")
    second.get_by_role("button", name="Declare").click()
    expect(second.get_by_role("alert")).to_contain_text("declared")
    rows = page.get_by_test_id("incident-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Login page 500s")
    expect(rows.first.get_by_test_id("running")).to_be_visible()

    page.goto("/")
    expect(page.get_by_test_id("open-total")).to_have_text("1")
    second.get_by_role("button", name="Acknowledge").click()
    second.get_by_role("button", name="Mark mitigated").click()
    second.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("open-total")).to_have_text("0")
