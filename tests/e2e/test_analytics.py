"""In a real browser: analytics filters (a custom range and an organization), hover values and a CSV download."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.models import IncidentStatus, Role, Severity
from app.models.base import utcnow
from tests.factories import Factory

pytestmark = pytest.mark.e2e


def test_filters_and_csv(page, sign_in, factory):
    acme, globex = factory.org("Acme"), factory.org("Globex")
    start = (utcnow() - timedelta(days=3)).replace(microsecond=0)
    for org, title in ((acme, "Acme checkout down"), (globex, "Globex login broken")):
        factory.incident(org=org, title=title, severity=Severity.SEV1, created_at=start,
                         acknowledged_at=start + timedelta(minutes=4), resolved_at=start + timedelta(hours=1),
                         status=IncidentStatus.RESOLVED)
    factory.incident(org=acme, title="Ancient one", created_at=utcnow() - timedelta(days=400))
    manager = factory.user(Role.MANAGER)
    sign_in(manager.email, Factory.PASSWORD)
    page.goto("/analytics/")
    longest = page.get_by_test_id("table-longest")
    expect(longest).to_contain_text("Acme checkout down")
    expect(longest).to_contain_text("Globex login broken")
    expect(longest).not_to_contain_text("Ancient one")
    bar = page.get_by_test_id("incident-weekly-chart").locator("rect.series-sev1").last
    expect(bar.locator("title")).to_contain_text("2 SEV1")

    filters = page.get_by_test_id("analytics-filters")
    filters.get_by_label("Period").select_option("custom")
    filters.get_by_label("From").fill((utcnow() - timedelta(days=500)).strftime("%Y-%m-%d"))
    filters.get_by_label("To (included)").fill(utcnow().strftime("%Y-%m-%d"))
    filters.get_by_label("Organization").select_option(label="Acme")
    filters.get_by_role("button", name="Apply").click()
    expect(longest).to_contain_text("Ancient one")
    expect(longest).not_to_contain_text("Globex")
    expect(page.get_by_test_id("table-summary")).to_contain_text("Declared")

    with page.expect_download() as download:
        page.get_by_test_id("csv-by_organization").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert download.value.suggested_filename == "incidents-by_organization.csv"
    assert text.splitlines()[0].startswith("Organization,Declared")
    assert "Acme,2," in text and "Globex" not in text

    # The tab to the ticket numbers keeps the filters.
    page.get_by_role("link", name="Tickets", exact=True).click()
    expect(page.get_by_test_id("table-backlog")).to_be_visible()
    expect(filters.get_by_label("Organization")).to_have_value(str(acme.id))

    filters.get_by_label("Period").select_option("custom")
    filters.get_by_label("From").fill("2026-05-02")
    filters.get_by_label("To (included)").fill("2026-05-01")
    filters.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("The end of the range must be on or after its start.")).to_be_visible()
    expect(page.get_by_text("Fix the highlighted filters")).to_be_visible()


def test_analytics_at_phone_width(page, sign_in, factory):
    manager = factory.user(Role.MANAGER)
    sign_in(manager.email, Factory.PASSWORD)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/analytics/tickets")
    expect(page.get_by_test_id("table-backlog")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
