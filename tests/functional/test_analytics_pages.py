"""The analytics pages and their CSV exports: who sees what, and bad filters get a message, never a 500."""
import csv
import io
from datetime import timedelta

import pytest

from app.models import IncidentStatus, Role, Severity
from app.models.base import utcnow
from app.services.histograms import RELATIVE_ERROR
from tests.support import field_errors

TABLES = {"incidents": ["summary", "weekly", "by_severity", "by_organization", "by_product_area", "by_commander",
                        "longest", "sla"],
          "tickets": ["ticket_weekly", "backlog", "backlog_age", "resolution_by_priority", "resolution_by_campaign",
                      "resolution_by_issue_type", "first_response", "top_organizations", "sla"]}


def incident(factory, org=None, title=None, days_ago=2):
    start = utcnow() - timedelta(days=days_ago)
    return factory.incident(org=org, title=title, severity=Severity.SEV2, created_at=start,
                            acknowledged_at=start + timedelta(minutes=3), resolved_at=start + timedelta(hours=2),
                            status=IncidentStatus.RESOLVED)


def read_csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.mark.parametrize("role,status", [(Role.REPORTER, 403), (Role.RESPONDER, 403), (Role.MANAGER, 200),
                                         (Role.ADMIN, 200)])
def test_every_page_and_export_needs_a_manager(client, factory, login_as, role, status):
    login_as(factory.user(role))
    for kind, keys in TABLES.items():
        assert client.get(f"/analytics/{kind if kind == 'tickets' else ''}").status_code == status
        for key in keys:
            response = client.get(f"/analytics/{kind}/{key}.csv")
            assert response.status_code == status, (kind, key)
            if status == 200:
                assert response.mimetype == "text/csv" and read_csv(response)[0]


def test_signed_out_is_sent_to_sign_in(client):
    assert "/auth/login" in client.get("/analytics/incidents/summary.csv").headers["Location"]


def test_pages_show_charts_with_tables_and_hover_values(client, factory, login_as):
    incident(factory, title="Checkout down")
    login_as(factory.user(Role.MANAGER))
    page = client.get("/analytics/").get_data(as_text=True)
    assert '<svg class="chart"' in page and "<title>Week of " in page and "1 SEV2</title>" in page
    assert 'data-testid="incident-weekly-legend"' in page and 'data-testid="table-weekly"' in page
    assert "Checkout down" in page and "/incidents/" in page          # longest incidents link to them
    tickets = client.get("/analytics/tickets").get_data(as_text=True)
    assert 'data-testid="ticket-weekly-chart"' in tickets and 'data-testid="sla-compliance"' in tickets


def test_a_customer_manager_sees_their_organization_only(client, factory, login_as):
    acme, globex = factory.org("Acme"), factory.org("Globex")
    incident(factory, org=acme, title="Acme outage")
    incident(factory, org=globex, title="Globex outage")
    factory.ticket(org=globex, title="Globex question")
    login_as(factory.user(Role.MANAGER, org=acme))
    page = client.get("/analytics/").get_data(as_text=True)
    assert "Acme outage" in page and "Globex" not in page
    assert "Globex" not in client.get("/analytics/tickets").get_data(as_text=True)
    organizations = read_csv(client.get("/analytics/incidents/by_organization.csv"))
    assert [row[0] for row in organizations[1:]] == ["Acme"]
    assert "Globex" not in client.get("/analytics/tickets/top_organizations.csv").get_data(as_text=True)
    # Asking for another organization is a field error, not its numbers.
    response = client.get(f"/analytics/?org_id={globex.id}")
    assert "Choose an organization from the list." in field_errors(response)
    assert "Globex outage" not in response.get_data(as_text=True)
    assert client.get(f"/analytics/incidents/summary.csv?org_id={globex.id}").status_code == 400


def test_provider_staff_filter_by_organization_and_area(client, factory, login_as):
    acme = factory.org("Acme")
    area = factory.product_area("Payments")
    incident(factory, org=acme, title="Acme outage")
    login_as(factory.user(Role.ADMIN))
    rows = read_csv(client.get(f"/analytics/incidents/summary.csv?org_id={acme.id}"))
    assert rows[1][:2] == ["Declared", "1"]
    rows = read_csv(client.get(f"/analytics/incidents/summary.csv?product_area_id={area.id}"))
    assert rows[1][:2] == ["Declared", "0"]


@pytest.mark.parametrize("query,message", [
    ("period=no-such", "Not a valid choice."),
    ("period=custom", "Choose a date for a custom range."),
    ("period=custom&date_from=2026-05-02&date_to=2026-05-01", "The end of the range must be on or after its start."),
    ("period=custom&date_from=1900-01-01&date_to=2999-01-01", "Choose a range of five years or less."),
    ("period=custom&date_from=9999-12-31&date_to=9999-12-31", None),
    ("org_id=abc", "Choose a valid option."),
    ("org_id=99999999999999999999", "Choose a valid option."),
    ("product_area_id=-1", "Choose a valid option."),
    ("period=custom&date_from=a%00b&date_to=2026-01-01", None),
])
def test_bad_filters_get_a_message_at_the_field(client, factory, login_as, query, message):
    login_as(factory.user(Role.MANAGER))
    response = client.get(f"/analytics/?{query}")
    assert response.status_code == 200
    assert "Fix the highlighted filters" in response.get_data(as_text=True)
    if message:
        assert message in field_errors(response)
    assert client.get(f"/analytics/incidents/summary.csv?{query}").status_code == 400


def test_unknown_tables_are_404(client, factory, login_as):
    login_as(factory.user(Role.MANAGER))
    assert client.get("/analytics/incidents/no_such.csv").status_code == 404
    assert client.get("/analytics/tickets/summary.csv").status_code == 404
    assert client.get("/analytics/other/summary.csv").status_code == 404


def test_csv_cells_cannot_become_spreadsheet_formulas(client, factory, login_as):
    evil = factory.org("=HYPERLINK(\"http://evil\")")
    incident(factory, org=evil, title="+SUM(A1)")
    login_as(factory.user(Role.ADMIN))
    text = client.get("/analytics/incidents/by_organization.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text
    assert "'+SUM(A1)" in client.get("/analytics/incidents/longest.csv").get_data(as_text=True)


def test_durations_export_as_seconds(client, factory, login_as):
    incident(factory)
    login_as(factory.user(Role.MANAGER))
    rows = read_csv(client.get("/analytics/incidents/by_severity.csv"))
    assert rows[0][3] == "MTTA median (seconds)"
    sev2 = next(row for row in rows if row[0] == "SEV2")
    # Medians come from the rollup's histograms, within RELATIVE_ERROR of 180 s and 7,200 s.
    assert sev2[1:3] == ["1", "1"] and sev2[5] == "1"
    assert float(sev2[3]) == pytest.approx(180, rel=RELATIVE_ERROR) and sev2[3].isdigit()
    assert float(sev2[6]) == pytest.approx(7200, rel=RELATIVE_ERROR)
