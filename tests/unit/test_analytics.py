"""MTTA, MTTR and weekly volume, computed by the database on SQLite and PostgreSQL alike."""
from datetime import timedelta

import pytest

from app.models import IncidentStatus, Role, Severity
from app.models.base import utcnow
from app.services.analytics import incident_report
from app.services.core.errors import Forbidden


@pytest.fixture
def manager(factory):
    return factory.user(Role.MANAGER)


def declared(factory, org=None, days_ago=1, severity=Severity.SEV1, ack_minutes=None, resolve_minutes=None):
    start = (utcnow() - timedelta(days=days_ago)).replace(microsecond=0)
    return factory.incident(
        org=org, severity=severity, created_at=start,
        status=IncidentStatus.RESOLVED if resolve_minutes else IncidentStatus.DETECTED,
        acknowledged_at=start + timedelta(minutes=ack_minutes) if ack_minutes else None,
        resolved_at=start + timedelta(minutes=resolve_minutes) if resolve_minutes else None)


def test_mtta_and_mttr_per_severity(factory, manager):
    declared(factory, ack_minutes=4, resolve_minutes=60)
    declared(factory, ack_minutes=6, resolve_minutes=120)
    declared(factory, ack_minutes=10)                       # still open: counts for MTTA only
    declared(factory, severity=Severity.SEV3, days_ago=2)
    declared(factory, days_ago=200, ack_minutes=1, resolve_minutes=1)  # outside the period
    rows = {r.severity: r for r in incident_report(manager, 90).rows}
    sev1 = rows[Severity.SEV1]
    assert (sev1.declared, sev1.resolved) == (3, 2)
    assert sev1.mtta_seconds == pytest.approx(400, abs=1)    # (4 + 6 + 10) / 3 minutes
    assert sev1.mttr_seconds == pytest.approx(5400, abs=1)   # (60 + 120) / 2 minutes
    assert rows[Severity.SEV3].declared == 1 and rows[Severity.SEV3].mttr_seconds is None
    assert rows[Severity.SEV2].declared == 0
    assert incident_report(manager, 365).total == 5


def test_weekly_buckets_start_on_monday(factory, manager):
    for days_ago in (1, 2, 15):
        declared(factory, days_ago=days_ago)
    report = incident_report(manager, 30)
    assert all(monday.weekday() == 0 for monday, _ in report.weeks)
    assert sum(sum(c.values()) for _, c in report.weeks) == 3
    assert report.weeks == sorted(report.weeks)


def test_customer_managers_see_only_their_org(factory):
    globex = factory.org("Globex")
    declared(factory, org=globex)
    declared(factory)
    assert incident_report(factory.user(Role.MANAGER, org=globex), 90).total == 1


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER])
def test_analytics_need_a_manager(factory, role):
    with pytest.raises(Forbidden):
        incident_report(factory.user(role), 90)


def test_page_renders_chart_and_table(client, factory, login_as, manager):
    declared(factory, ack_minutes=3, resolve_minutes=90)
    login_as(manager)
    page = client.get("/analytics/?days=30").get_data(as_text=True)
    assert 'data-testid="weekly-chart"' in page and "1h 30m" in page and "3m" in page
    assert client.get("/analytics/?days=bogus").status_code == 200


def test_empty_period_shows_an_empty_state(client, login_as, manager):
    login_as(manager)
    assert "Nothing to measure yet" in client.get("/analytics/").get_data(as_text=True)
