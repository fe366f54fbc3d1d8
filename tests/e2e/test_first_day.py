"""What a new user hit on the first day, checked in Chromium on a laptop (1366 px) and a phone (390 px)."""
import re

import pytest
from playwright.sync_api import expect

from app.models import Incident, Role, TicketStatus
from tests.factories import Factory

pytestmark = pytest.mark.e2e

WIDTHS = [1366, 390]
LONG_WORD = "A" * 200


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request, page):
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


@pytest.fixture
def people(factory):
    return {role: factory.user(role, name=f"{role.label} Person") for role in Role}


@pytest.fixture
def login(page):
    def login(user):
        page.goto("/auth/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(Factory.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_selector("[data-testid=whoami]", state="attached")  # in the collapsed menu on a phone

    return login


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_long_words_never_widen_a_page(page, width, factory, people, login):
    description = f"See https://example.com/{'x' * 150} and **{LONG_WORD}**\n\n```\n{LONG_WORD}\n```"
    incident = factory.incident(title=LONG_WORD, description=description)
    ticket = factory.ticket(title=LONG_WORD, details=description, external_url=f"https://example.com/{'y' * 300}")
    login(people[Role.MANAGER])
    for path in (f"/incidents/{incident.number}", f"/tickets/{ticket.number}"):
        page.goto(path)
        page.get_by_label("Add a comment").fill(LONG_WORD)
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.get_by_role("alert").first).to_contain_text("Comment added.")
        assert page_width(page) <= width, (path, page_width(page))
        page.goto(f"{path}/edit")
        assert page_width(page) <= width, (f"{path}/edit", page_width(page))


def test_descriptions_details_and_timeline_render_markdown(page, width, factory, people, login):
    incident = factory.incident(description="Payments fail with **502**.\n\n- since 10:02")
    ticket = factory.ticket(details="Export is *greyed out*.", status=TicketStatus.RESOLVED,
                            resolution_notes="Fixed in `4.2.2`")
    login(people[Role.MANAGER])
    page.goto(f"/incidents/{incident.number}")
    expect(page.get_by_test_id("description").locator("strong")).to_have_text("502")
    expect(page.get_by_test_id("description").locator("li")).to_have_text("since 10:02")
    page.get_by_label("Add a comment").fill("Rolled back **the gateway** <script>alert(1)</script>")
    page.get_by_role("button", name="Comment", exact=True).click()
    entry = page.get_by_test_id("timeline").locator(".timeline-item.commented")
    expect(entry.locator("strong")).to_have_text("the gateway")
    expect(entry).to_contain_text("<script>alert(1)</script>")
    page.goto(f"/tickets/{ticket.number}")
    expect(page.get_by_test_id("details").locator("em")).to_have_text("greyed out")
    expect(page.get_by_test_id("resolution").locator("code")).to_have_text("4.2.2")


def open_assign_form(page, width):
    if width < 992:
        page.get_by_label("Assignee", exact=True).scroll_into_view_if_needed()
    return page.get_by_label("Assignee", exact=True)


def test_a_responder_is_offered_only_what_the_service_allows(page, width, factory, people, login):
    responder = people[Role.RESPONDER]
    ticket = factory.ticket(assignee_id=people[Role.MANAGER].id)
    login(responder)
    page.goto(f"/tickets/{ticket.number}")
    options = open_assign_form(page, width).locator("option")
    expect(options).to_have_text(["Responder Person"])
    page.get_by_label("Comment (optional)").fill("I know this customer")
    page.get_by_role("button", name="Reassign").click()
    expect(page.get_by_test_id("assignee")).to_have_text("Responder Person")


def test_reassigning_to_the_same_person_says_so_and_keeps_the_comment(page, width, factory, people, login, db):
    manager, responder = people[Role.MANAGER], people[Role.RESPONDER]
    ticket = factory.ticket(assignee_id=responder.id)
    login(manager)
    page.goto(f"/tickets/{ticket.number}")
    assignee = open_assign_form(page, width)
    expect(assignee).to_have_value(str(responder.id))
    page.get_by_label("Comment (optional)").fill("Still yours, sorry")
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator(".invalid-feedback")).to_have_text(
        f"{ticket.reference} is already assigned to Responder Person; nothing was changed.")
    expect(page.get_by_label("Comment (optional)")).to_have_value("Still yours, sorry")
    expect(page.locator(".alert-success")).to_have_count(0)


def test_resolution_notes_are_asked_for_at_the_field(page, width, factory, people, login):
    ticket = factory.ticket(status=TicketStatus.IN_PROGRESS)
    login(people[Role.RESPONDER])
    page.goto(f"/tickets/{ticket.number}")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator(".invalid-feedback")).to_have_text("Resolution notes is required.")
    expect(page.get_by_label("Resolution notes")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_role("alert")).to_have_count(0)


def test_no_request_is_a_404_and_buttons_have_distinct_names(page, width, factory, people, login):
    missing = []
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    ticket = factory.ticket(status=TicketStatus.RESOLVED)
    login(people[Role.MANAGER])
    page.goto(f"/tickets/{ticket.number}")
    page.get_by_label("Add a comment").fill("Confirmed with the customer.")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.get_by_role("button", name="Dismiss message")).to_have_count(1)
    expect(page.get_by_role("button", name="Close", exact=True)).to_have_count(1)
    assert page.request.get("/favicon.ico").status == 200  # fetched, not opened: an image page styles itself inline
    assert missing == []


def test_declaring_needs_a_chosen_severity_and_starts_in_the_title(page, width, factory, people, login, db):
    login(people[Role.REPORTER])
    page.goto("/incidents/new")
    assert page.evaluate("document.activeElement.name") == "title"
    page.keyboard.type("Checkout returns 502")
    page.keyboard.press("Enter")
    expect(page.locator(".invalid-feedback")).to_have_text("Choose a severity.")
    assert db.session.query(Incident).count() == 0
    page.get_by_label("Severity").select_option("sev2")
    page.get_by_role("button", name="Declare incident").click()
    expect(page.get_by_role("alert")).to_contain_text("declared.")


def test_the_skip_link_is_the_first_stop_and_jumps_to_the_content(page, width, factory, people, login):
    login(people[Role.RESPONDER])
    page.goto("/incidents/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_chosen_screenshot_is_never_dropped_silently(page, width, factory, people, login):
    from tests.functional.test_attachments import PNG

    login(people[Role.REPORTER])
    page.goto("/tickets/new")
    page.get_by_label("Screenshot or log (optional)").set_input_files(
        {"name": "login-error.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_have_text("This field is required.")
    expect(page.locator(".invalid-feedback").last).to_have_text(
        "login-error.png was not attached: a browser cannot keep a chosen file when the form comes back, "
        "so choose it again.")
    page.get_by_label("Title").fill("Cannot log in")
    page.get_by_label("Screenshot or log (optional)").set_input_files(
        {"name": "login-error.png", "mimeType": "image/png", "buffer": PNG})
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("raised.")
    expect(page.get_by_role("link", name="login-error.png").first).to_be_visible()


def test_each_person_is_spoken_to_in_their_own_terms(page, width, factory, people, login, sign_out):
    login(people[Role.REPORTER])
    page.goto("/incidents/")
    expect(page.get_by_text("No incidents you declared")).to_be_visible()
    page.goto("/account/notifications")
    expect(page.get_by_text("Incident comments")).to_be_visible()
    expect(page.get_by_text("Tickets assigned to you")).to_have_count(0)
    page.context.clear_cookies()
    login(people[Role.RESPONDER])
    page.goto("/account/notifications")
    expect(page.get_by_text("Tickets assigned to you")).to_be_visible()
    for admin_only in ("Tickets created", "Stale ticket report", "Weekly summary"):
        expect(page.get_by_text(admin_only)).to_have_count(0)
