"""Every page a signed-in admin can open, on a phone (390 px): none is wider than the screen.

The pages are found from the app's own routes (every GET without arguments), so a page added later
is covered without touching this file; wide tables scroll inside their card instead.
"""
import pytest

from app.models import Role

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
SKIPPED = ("/api/", "/slack/", "/pagerduty/", "/static/", "/auth/logout", "/healthz")


def phone_pages(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(SKIPPED):
            yield rule.rule


@pytest.fixture
def filled(factory):
    """An admin, people with long names and addresses, and records in two organizations."""
    customer = factory.org("Initech Worldwide Holdings International")
    admin = factory.user(Role.ADMIN, email="boss@example.com", name="Maximiliana Bartholomew-Fitzgerald")
    for n in range(3):
        factory.user(Role.REPORTER, org=customer, name=f"Bartholomew Fitzgerald-Maximiliana {n}",
                     email=f"bartholomew.fitzgerald-maximiliana.{n}@initech-worldwide.example.com")
        factory.incident(org=customer, title=f"Checkout latency in the payment gateway, region {n}")
        factory.ticket(org=customer, title=f"Refund not showing on the customer invoice {n}")
    factory.product_area(name="Payments and invoicing platform")
    return admin


def test_no_page_is_wider_than_a_phone(app, filled, signed_in):
    page = signed_in(PHONE, "boss@example.com")
    wide, blocked = [], []
    for path in phone_pages(app):
        answer = page.request.get(path)
        if "text/html" not in answer.headers.get("content-type", "") or "<html" not in answer.text():
            continue  # a download, a live fragment, a redirect elsewhere
        page.blocked.clear()
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width} px")
        blocked += [f"{path}: {message}" for message in page.blocked]
        page.blocked.clear()
    assert not wide, wide
    assert not blocked, blocked
