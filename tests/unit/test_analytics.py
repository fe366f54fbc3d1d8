"""Analytics numbers against hand-computed fixtures, on SQLite and PostgreSQL alike (reopen included)."""
from datetime import date, timedelta

import pytest

from app.models import Comment, IncidentStatus, Priority, Role, Severity, TicketStatus
from app.models.base import utcnow
from app.services import incidents
from app.services.analytics import incident_report
from app.services.analytics_filters import scope_for
from app.services.core.errors import Forbidden, ValidationError
from app.services.histograms import RELATIVE_ERROR
from app.services.report_stats import percentile
from app.services.ticket_analytics import ticket_report

MIN, HOUR, DAY = 60, 3600, 86400


def near(seconds):
    """Medians and p90 come from the rollup's histograms: within RELATIVE_ERROR of the exact value."""
    return pytest.approx(seconds, rel=RELATIVE_ERROR)


@pytest.fixture
def manager(factory):
    return factory.user(Role.MANAGER)


def declared(factory, days_ago=1, severity=Severity.SEV1, ack=None, resolved=None, **fields):
    """An incident declared *days_ago* days ago, acknowledged and resolved *ack* / *resolved* minutes later."""
    start = (utcnow() - timedelta(days=days_ago)).replace(microsecond=0)
    return factory.incident(
        severity=severity, created_at=start,
        status=IncidentStatus.RESOLVED if resolved else IncidentStatus.INVESTIGATING if ack else IncidentStatus.DETECTED,
        acknowledged_at=start + timedelta(minutes=ack) if ack else None,
        resolved_at=start + timedelta(minutes=resolved) if resolved else None, **fields)


def rows_of(table):
    return {row[0]: row for row in table.rows}


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([30, 60, 120, 180], 0.9) == pytest.approx(162)


def test_mtta_and_mttr_median_and_p90_with_a_reopened_incident(db, factory, manager):
    declared(factory, ack=2, resolved=60)
    declared(factory, ack=4, resolved=120)
    declared(factory, ack=10, resolved=30)
    declared(factory, ack=6)                                    # acknowledged, not resolved: MTTA only
    declared(factory, days_ago=200, ack=1, resolved=1)          # outside the period
    # Declared three hours ago, resolved, reopened, then resolved again: MTTR counts the last fix.
    responder = factory.user(Role.RESPONDER)
    reopened = declared(factory, days_ago=0)
    reopened.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    for target in ("investigating", "mitigated", "resolved", "investigating"):
        incidents.transition_incident(responder, reopened.number, target)
    scope = scope_for(manager, period="30")
    sev1 = rows_of(incident_report(manager, scope).tables["by_severity"])["SEV1"]
    # name, declared, acknowledged, MTTA median, MTTA p90, resolved, MTTR median, MTTR p90
    assert sev1[1:3] == (5, 5) and sev1[5] == 3                 # reopened and open: not resolved
    assert sev1[6] == near(60 * MIN)                            # 30, 60, 120 minutes
    assert sev1[7] == near((60 + 0.8 * 60) * MIN)               # p90 of 3: 60 + 0.8 * (120 - 60)
    for target in ("mitigated", "resolved"):
        incidents.transition_incident(responder, reopened.number, target)
    sev1 = rows_of(incident_report(manager, scope).tables["by_severity"])["SEV1"]
    assert sev1[5] == 4
    assert sev1[6] == near(90 * MIN)                            # 30, 60, 120, ~180: (60 + 120) / 2
    assert sev1[7] == near(162 * MIN)                           # 120 + 0.7 * (180 - 120)
    # MTTA: 2, 4, 6, 10 minutes and ~180 (acknowledged just now).
    assert sev1[3] == near(6 * MIN)
    assert sev1[4] == near(112 * MIN)                           # 10 + 0.6 * (180 - 10)
    assert rows_of(incident_report(manager, scope).tables["by_severity"])["SEV2"][1:] == (0, 0, None, None, 0, None, None)
    assert sev1[6] != sev1[7]


def test_groups_per_organization_product_area_and_commander(factory, manager):
    acme, globex = factory.org("Acme"), factory.org("Globex")
    area = factory.product_area("Payments")
    commander = factory.user(Role.RESPONDER, name="Cora Commander")
    declared(factory, org=acme, ack=10, resolved=100, product_area_id=area.id, commander_id=commander.id)
    declared(factory, org=acme, ack=20, resolved=300, product_area_id=area.id)
    declared(factory, org=globex, ack=5)
    tables = incident_report(manager, scope_for(manager, period="30")).tables
    acme_row = rows_of(tables["by_organization"])["Acme"]
    assert acme_row[1:3] == (2, 2) and acme_row[5] == 2
    assert [acme_row[i] for i in (3, 4, 6, 7)] == [near(15 * MIN), near(19 * MIN), near(200 * MIN), near(280 * MIN)]
    assert rows_of(tables["by_organization"])["Globex"][1:3] == (1, 1)
    assert [r[0] for r in tables["by_organization"].rows] == ["Acme", "Globex"]   # busiest first
    assert rows_of(tables["by_product_area"])["Payments"][1] == 2
    assert rows_of(tables["by_product_area"])["No product area"][1] == 1
    assert rows_of(tables["by_commander"])["Cora Commander"][6] == near(100 * MIN)
    only_acme = incident_report(manager, scope_for(manager, period="30", org_id=acme.id))
    assert only_acme.total == 2
    assert incident_report(manager, scope_for(manager, period="30", product_area_id=area.id)).total == 2


def test_trend_against_the_previous_period_weeks_and_longest(factory, manager):
    for _ in range(3):
        declared(factory, days_ago=2, ack=5)
    declared(factory, days_ago=40, ack=20, resolved=60)
    declared(factory, days_ago=45, severity=Severity.SEV2)
    still_open = declared(factory, days_ago=20, title="Slow disk")
    report = incident_report(manager, scope_for(manager, period="30"))
    summary = rows_of(report.tables["summary"])
    assert summary["Declared"][1:4] == (4, 2, 1.0)               # +100%
    this, previous, change = summary["MTTA median"][1:4]
    assert (this, previous) == (near(5 * MIN), near(20 * MIN)) and change == pytest.approx(this / previous - 1)
    assert summary["MTTR median"][1] is None and summary["MTTR median"][3] is None
    assert sum(r[-1] for r in report.tables["weekly"].rows) == 4
    assert all(r[0].weekday() == 0 for r in report.tables["weekly"].rows)
    longest = report.tables["longest"].rows
    assert longest[0][0] == still_open.number and longest[0][3].endswith("(still open)")
    assert longest[0][5] == pytest.approx(20 * DAY, abs=60)


def test_custom_ranges_and_bad_filters(factory, manager):
    declared(factory, days_ago=1)
    today = utcnow().date()
    scope = scope_for(manager, period="custom", date_from=today - timedelta(days=3), date_to=today)
    assert incident_report(manager, scope).total == 1
    empty = scope_for(manager, period="custom", date_from=date(2020, 1, 1), date_to=date(2020, 1, 31))
    assert incident_report(manager, empty).total == 0 and len(incident_report(manager, empty).weekly.weeks) == 5
    for kwargs, field in [({"period": "no-such"}, "period"), ({"period": "custom"}, "date_from"),
                          ({"period": "custom", "date_from": today, "date_to": today - timedelta(days=1)}, "date_to"),
                          ({"period": "custom", "date_from": date(1900, 1, 1), "date_to": date(2999, 1, 1)}, "date_to"),
                          ({"org_id": "abc"}, "org_id"), ({"org_id": "999999"}, "org_id"),
                          ({"product_area_id": "-3"}, "product_area_id")]:
        with pytest.raises(ValidationError) as error:
            scope_for(manager, **kwargs)
        assert field in error.value.errors


def test_customer_managers_see_only_their_organization(factory):
    globex = factory.org("Globex")
    declared(factory, org=globex)
    declared(factory)
    customer_manager = factory.user(Role.MANAGER, org=globex)
    report = incident_report(customer_manager, scope_for(customer_manager, period="30"))
    assert report.total == 1 and [r[0] for r in report.tables["by_organization"].rows] == ["Globex"]
    with pytest.raises(ValidationError):
        scope_for(customer_manager, org_id=factory.provider().id)


@pytest.mark.parametrize("role", [Role.REPORTER, Role.RESPONDER])
def test_analytics_need_a_manager(factory, role):
    with pytest.raises(Forbidden):
        scope_for(factory.user(role))


def ticket(factory, days_ago, priority=Priority.MEDIUM, resolved_hours=None, **fields):
    start = (utcnow() - timedelta(days=days_ago)).replace(microsecond=0)
    return factory.ticket(priority=priority, created_at=start,
                          status=TicketStatus.RESOLVED if resolved_hours else TicketStatus.OPEN,
                          resolved_at=start + timedelta(hours=resolved_hours) if resolved_hours else None, **fields)


def test_ticket_resolution_first_response_backlog_and_weeks(db, factory, manager):
    ticket(factory, 3, Priority.HIGH, resolved_hours=1)
    ticket(factory, 3, Priority.HIGH, resolved_hours=3)
    ticket(factory, 2)                     # open: 2 days old
    ticket(factory, 10, Priority.LOW)      # open: 10 days old
    staff = factory.user(Role.RESPONDER)
    answered = [ticket(factory, 1), ticket(factory, 1)]
    first, second = answered
    for t, author, minutes in ((first, first.reporter, 5), (first, staff, 30), (first, staff, 60), (second, staff, 10)):
        db.session.add(Comment(ticket_id=t.id, author_id=author.id, body="…",
                               created_at=t.created_at + timedelta(minutes=minutes)))
    db.session.commit()
    tables = ticket_report(manager, scope_for(manager, period="30")).tables
    high = rows_of(tables["resolution_by_priority"])["High"]
    assert high[1:] == (2, near(2 * HOUR), near(2.8 * HOUR))
    medium = rows_of(tables["first_response"])["Medium"]
    assert medium[1:] == (2, near(20 * MIN), near(28 * MIN))      # the reporter's own comment does not count
    backlog = rows_of(tables["backlog"])
    assert backlog["Medium"][1] == 3 and backlog["Low"][1] == 1
    assert backlog["Low"][4] == pytest.approx(10 * DAY, abs=60)
    assert rows_of(tables["backlog_age"]) == {"Under a day": ("Under a day", 0), "1 to 7 days": ("1 to 7 days", 3),
                                              "7 to 30 days": ("7 to 30 days", 1), "Over 30 days": ("Over 30 days", 0)}
    weekly = tables["ticket_weekly"].rows
    assert sum(r[1] for r in weekly) == 6 and sum(r[2] for r in weekly) == 2
    assert rows_of(tables["top_organizations"])[factory.provider().name][1:] == (6, 2)

