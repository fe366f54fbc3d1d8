"""List pages in a real browser at a laptop's 1366 px and a phone's 390 px: nothing wider than the
screen, nothing cut or wrapped that should not be, a page past the end, and the jump-to-number box."""
import pytest
from playwright.sync_api import expect

from app.models import Priority, Role

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366px", "390px"])


@pytest.fixture
def records(app, factory):
    """A provider admin, a dozen incidents and tickets with long names, and another customer's records."""
    app.config["PER_PAGE"] = 5
    customer = factory.org("Initech Worldwide Holdings")
    admin = factory.user(Role.ADMIN, email="boss@example.com", name="Maximiliana Bartholomew-Fitzgerald")
    for n in range(12):
        factory.incident(org=customer, title=f"Checkout latency in the payment gateway, region {n}",
                         assignee_id=admin.id)
        factory.ticket(org=customer, title=f"Refund not showing on the customer invoice {n}",
                       priority=list(Priority)[n % 4], assignee_id=admin.id)
    return admin


@pytest.fixture
def view(signed_in):
    """Open a signed-in browser page at the given viewport."""
    return lambda viewport, email="boss@example.com": signed_in(viewport, email)


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@WIDTHS
def test_no_list_page_is_wider_than_the_screen(records, view, viewport):
    page = view(viewport)
    for path in ("/", "/incidents/", "/tickets/", "/tickets/mine", "/incidents/?page=99", "/incidents/?q=INC-3",
                 "/incidents/1", "/tickets/1"):
        page.goto(path)
        assert page_width(page) == viewport["width"], f"{path} is {page_width(page)} px wide"


FITS = """select => {
    const style = getComputedStyle(select);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return [widest, room];
}"""


@WIDTHS
def test_the_sort_select_shows_its_longest_option(records, view, viewport):
    page = view(viewport)
    for path in ("/incidents/", "/tickets/"):
        page.goto(path)
        widest, room = page.locator("select[name=sort]").evaluate(FITS)
        assert widest <= room, f"{path}: the Sort select is cut: {widest:.0f} px of text in {room:.0f} px"


LINES = """cell => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top));
    }
    return tops.size;
}"""


@WIDTHS
def test_ticket_numbers_and_times_stay_on_one_line(records, view, viewport):
    page = view(viewport)
    page.goto("/tickets/")
    rows = page.get_by_test_id("ticket-table").locator("tbody tr")
    expect(rows).to_have_count(5)
    for row in rows.all():
        for cell in (row.locator("td").first, row.locator("td").last):
            assert cell.evaluate(LINES) == 1, f"{cell.inner_text()!r} wraps"


def test_on_a_phone_rows_are_labelled_cards(records, view):
    page = view(PHONE)
    page.goto("/incidents/")
    row = page.get_by_test_id("incident-table").locator("tbody tr").first
    assert page.get_by_test_id("incident-table").locator("thead").is_hidden()
    assert row.locator("td[data-label=Assignee]").evaluate(
        "cell => getComputedStyle(cell, '::before').content") == '"Assignee"'


def test_on_a_phone_an_incidents_key_facts_come_first(records, view):
    page = view(PHONE)
    page.goto("/incidents/1")
    facts = page.get_by_test_id("key-facts").bounding_box()
    description = page.get_by_role("heading", name="Description").bounding_box()
    assert facts["y"] < description["y"]
    laptop = view(LAPTOP)
    laptop.goto("/incidents/1")
    assert laptop.get_by_test_id("key-facts").bounding_box()["x"] > \
        laptop.get_by_role("heading", name="Description").bounding_box()["x"]


@WIDTHS
def test_a_page_past_the_end_leads_to_the_last_page(records, view, viewport):
    page = view(viewport)
    for path, empty in (("/incidents/", "No incidents yet"), ("/tickets/", "No tickets yet")):
        page.goto(f"{path}?page=99")
        expect(page.get_by_text("No results on this page")).to_be_visible()
        expect(page.get_by_text(empty)).to_have_count(0)
        page.get_by_role("link", name="Go to the last page").click()
        expect(page.get_by_text("Page 3 of 3")).to_be_visible()


def jump(page, typed):
    page.wait_for_load_state()  # the toggler does nothing until Bootstrap's script has run
    box = page.get_by_role("searchbox", name="Open a record by number")
    if not box.is_visible():
        page.get_by_role("button", name="Toggle navigation").click()
        expect(box).to_be_visible()
    box.fill(typed)
    box.press("Enter")


@WIDTHS
def test_the_jump_box_opens_a_record_by_number(records, view, viewport):
    page = view(viewport)
    page.goto("/")
    jump(page, "INC-3")
    expect(page).to_have_url(f"{page.url.split('/', 3)[0]}//{page.url.split('/')[2]}/incidents/3")
    jump(page, "tck-2")
    expect(page.get_by_role("heading", name="Refund not showing on the customer invoice 1")).to_be_visible()


@WIDTHS
def test_search_finds_a_record_by_number(records, view, viewport):
    page = view(viewport)
    page.goto("/incidents/?q=INC-4")
    expect(page.get_by_test_id("incident-table").locator("tbody tr")).to_have_count(1)
    expect(page.get_by_test_id("incident-table")).to_contain_text("region 3")


def test_the_jump_box_does_not_open_another_customers_record(records, factory, view):
    other = factory.org("Umbrella")
    secret = factory.incident(org=other, title="Umbrella's secret outage")
    factory.user(Role.RESPONDER, org=factory.org("Initech Two"), email="them@example.com")
    page = view(LAPTOP, email="them@example.com")
    page.goto("/")
    jump(page, secret.reference)
    expect(page.get_by_text(f"{secret.reference} was not found.")).to_be_visible()
    expect(page.get_by_text("secret outage")).to_have_count(0)
