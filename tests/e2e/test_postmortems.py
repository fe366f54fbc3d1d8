"""In a real browser at 1366 px and 390 px: start a postmortem, write it, add action items, publish it,
read it as the customer, and print it."""
import pytest
from playwright.sync_api import expect

from app.models import IncidentStatus, Role, Severity
from app.services import incidents

pytestmark = pytest.mark.e2e

WIDTHS = pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}],
                                 ids=["1366px", "390px"])


@pytest.fixture
def world(factory):
    acme = factory.org("Acme Corporation International")
    writer = factory.user(Role.MANAGER, email="writer@example.com", name="Wanda Writer")
    owner = factory.user(Role.RESPONDER, email="owner@example.com", name="Oscar Owner")
    customer = factory.user(Role.MANAGER, org=acme, email="cora@acme.example", name="Cora Customer")
    incident = factory.incident(org=acme, status=IncidentStatus.MITIGATED, severity=Severity.SEV1,
                                title="Checkout returns 502 for every customer in the EU region")
    incidents.comment_on_incident(writer, incident.number, "Rolled back release 2026.11.3; errors stopped")
    incidents.transition_incident(writer, incident.number, "resolved")
    return {"incident": incident, "writer": writer, "owner": owner, "customer": customer}


@pytest.fixture
def open_as(signed_in):
    return lambda email, viewport: signed_in(viewport, email)


def fits(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") == viewport["width"], page.url


@WIDTHS
def test_write_and_publish_a_postmortem_with_action_items(world, open_as, viewport):
    incident = world["incident"]
    page = open_as("writer@example.com", viewport)
    page.goto(f"/incidents/{incident.number}")
    page.get_by_role("button", name="Mark as key").click()
    expect(page.get_by_role("alert")).to_contain_text("Marked as key")
    page.get_by_role("button", name="Start postmortem").click()
    expect(page.get_by_test_id("postmortem-card")).to_contain_text("Draft")
    page.get_by_role("link", name="Open the postmortem").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Postmortem: Checkout returns 502")
    expect(page.get_by_test_id("section-summary")).to_contain_text("Acme Corporation International")
    expect(page.get_by_test_id("section-timeline")).to_contain_text("Rolled back release 2026.11.3")
    fits(page, viewport)

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Root cause").fill("A **config push** removed the EU upstream.\n\n- no canary\n- no alert")
    page.get_by_label("Lessons").fill("Canary every config push.")
    page.get_by_label("Internal notes").fill("Vendor escalation took 40 minutes.")
    fits(page, viewport)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Postmortem saved.")
    expect(page.get_by_test_id("section-root_cause").locator("strong")).to_have_text("config push")

    for title, owner, due, priority in (("Canary for config pushes", "Oscar Owner", "2026-12-15", "High"),
                                        ("Alert on EU 5xx rate", "Wanda Writer", "2026-12-20", "Critical")):
        page.get_by_label("Action item").fill(title)
        page.get_by_label("Owner").select_option(label=owner)
        page.get_by_label("Due date").fill(due)
        page.get_by_label("Priority").select_option(label=priority)
        page.get_by_role("button", name="Add action item").click()
        expect(page.get_by_role("alert")).to_contain_text("Action item TCK-")
    items = page.get_by_test_id("action-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("Oscar Owner")
    expect(items.first).to_contain_text("due 2026-12-15")
    expect(items.first).to_contain_text("Open")
    fits(page, viewport)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("alert")).to_contain_text("Postmortem published.")
    expect(page.get_by_test_id("postmortem-status")).to_have_text("Published")

    # The customer reads it, without the internal notes, and finds it in the list by searching.
    reader = open_as("cora@acme.example", viewport)
    reader.goto("/postmortems/?q=config")
    reader.get_by_role("link", name=incident.reference).click()
    expect(reader.get_by_test_id("section-root_cause")).to_contain_text("config push")
    expect(reader.get_by_test_id("postmortem")).not_to_contain_text("Vendor escalation")
    expect(reader.get_by_role("link", name="Edit", exact=True)).to_have_count(0)
    fits(reader, viewport)

    # Printing shows the document only.
    reader.emulate_media(media="print")
    expect(reader.locator("nav").first).to_be_hidden()
    expect(reader.get_by_test_id("postmortem-actions")).to_be_hidden()
    expect(reader.get_by_test_id("section-root_cause")).to_be_visible()


def test_a_conflict_keeps_the_second_editors_text(world, open_as, factory):
    incident = world["incident"]
    incidents.transition_incident(world["writer"], incident.number, "postmortem")
    laptop = {"width": 1366, "height": 900}
    first, second = open_as("writer@example.com", laptop), open_as("owner@example.com", laptop)
    for page in (first, second):
        page.goto(f"/postmortems/{incident.number}/edit")
    first.get_by_label("What went well").fill("Paging worked within a minute.")
    first.get_by_role("button", name="Save").click()
    expect(first.get_by_role("alert")).to_contain_text("Postmortem saved.")
    second.get_by_label("What went well").fill("The rollback was one click.")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text("Wanda Writer saved this postmortem while you were editing")
    expect(second.get_by_label("What went well")).to_have_value("The rollback was one click.")
    expect(second.get_by_test_id("conflict-went_well")).to_contain_text("Paging worked within a minute.")
    second.get_by_label("What went well").fill("Paging worked within a minute. The rollback was one click.")
    second.get_by_role("button", name="Save").click()
    expect(second.get_by_role("alert")).to_contain_text("Postmortem saved.")
    expect(second.get_by_test_id("section-went_well")).to_contain_text("The rollback was one click.")
