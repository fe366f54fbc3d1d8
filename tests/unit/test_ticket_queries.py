"""Ticket lists, filters, the CSV export and the summary."""
from datetime import datetime, timedelta

import pytest

from app.models import Priority, Role, TicketStatus
from app.services.core.errors import Forbidden, ValidationError
from app.services.ticket_queries import TicketFilters, export_rows, list_tickets, ticket_summary


@pytest.fixture
def world(factory):
    org = factory.provider()
    staff = factory.user(Role.RESPONDER, org=org)
    reporter = factory.user(Role.REPORTER, org=org)
    campaign, kind = factory.campaign("Spring"), factory.issue_type("Login")
    now = datetime(2026, 5, 10, 12, 0)
    made = {
        "a": factory.ticket(reporter=reporter, title="Password reset mail missing", priority=Priority.HIGH,
                            campaign_id=campaign.id, created_at=now - timedelta(days=5)),
        "b": factory.ticket(reporter=reporter, title="Invoice wrong", priority=Priority.LOW,
                            status=TicketStatus.IN_PROGRESS, assignee_id=staff.id, issue_type_id=kind.id,
                            created_at=now - timedelta(days=2)),
        "c": factory.ticket(title="=HYPERLINK(\"http://evil\")", priority=Priority.CRITICAL,
                            status=TicketStatus.CLOSED, created_at=now),
        "d": factory.ticket(org=factory.org("Globex"), title="Globex cannot log in", priority=Priority.CRITICAL,
                            created_at=now - timedelta(days=9)),
    }
    return {"staff": staff, "reporter": reporter, "campaign": campaign, "kind": kind, **made}


def titles(actor, **filters):
    return {t.title for t in list_tickets(actor, TicketFilters(**filters)).items}


def refs(world, *keys):
    return {world[k].title for k in keys}


@pytest.mark.parametrize("filters,expected", [
    ({}, "abcd"),
    ({"status": "open"}, "abd"),
    ({"status": "closed"}, "c"),
    ({"priority": "critical"}, "cd"),
    ({"assignee_id": "{staff}"}, "b"),
    ({"campaign_id": "{campaign}"}, "a"),
    ({"issue_type_id": "{kind}"}, "b"),
    ({"q": "invoice"}, "b"),
    ({"q": "LOG IN"}, "d"),
    ({"created_from": "2026-05-08"}, "bc"),
    ({"created_to": "2026-05-05"}, "ad"),
    ({"created_from": "2026-05-05", "created_to": "2026-05-08"}, "ab"),
    ({"scope": "nonsense"}, "abcd"),
])
def test_filters(world, filters, expected):
    values = {"staff": world["staff"].id, "campaign": world["campaign"].id, "kind": world["kind"].id}
    filters = {k: v.format(**values) if isinstance(v, str) else v for k, v in filters.items()}
    provider_staff = world["staff"]
    assert titles(provider_staff, **filters) == refs(world, *expected)


def test_my_tickets(world, factory):
    assert titles(world["reporter"], scope="mine") == refs(world, "a", "b")
    assert titles(world["staff"], scope="mine") == refs(world, "b")
    assert titles(world["staff"], scope="assigned") == refs(world, "b")
    assert titles(world["reporter"], scope="raised", priority="low") == refs(world, "b")


def test_all_tickets_is_for_responders_and_up(world):
    with pytest.raises(Forbidden):
        list_tickets(world["reporter"], TicketFilters(scope="all"))


def test_customer_staff_see_their_org_only(world, factory):
    globex_staff = factory.user(Role.MANAGER, org=world["d"].org)
    assert titles(globex_staff) == refs(world, "d")


@pytest.mark.parametrize("filters,field", [
    ({"status": "exploded"}, "status"), ({"priority": "urgent"}, "priority"),
    ({"created_from": "yesterday"}, "created_from"), ({"created_to": "2026-13-01"}, "created_to"),
    ({"created_from": "2026-05-09", "created_to": "2026-05-01"}, "created_to"),
    ({"campaign_id": "abc"}, "campaign_id"),
])
def test_bad_filters_are_validation_errors(world, filters, field):
    with pytest.raises(ValidationError) as error:
        list_tickets(world["staff"], TicketFilters(**filters))
    assert field in error.value.errors


def test_sort_by_priority_puts_the_most_urgent_first(world):
    page = list_tickets(world["staff"], TicketFilters(sort="priority"))
    assert [t.priority for t in page.items] == [Priority.CRITICAL, Priority.CRITICAL, Priority.HIGH, Priority.LOW]


def test_pagination(world):
    page = list_tickets(world["staff"], TicketFilters(per_page=3, page=2))
    assert page.total == 4 and len(page.items) == 1


def test_export_follows_the_filter_and_defuses_formulas(world):
    rows = list(export_rows(world["staff"], TicketFilters(priority="critical", sort="oldest"), batch=1))
    assert rows[0][0] == "number" and len(rows) == 3
    assert [r[1] for r in rows[1:]] == ["Globex cannot log in", "'=HYPERLINK(\"http://evil\")"]
    assert rows[1][0] == world["d"].reference and rows[1][6] == "Globex"
    assert all(len(r) == len(rows[0]) for r in rows)


def test_summary(world, factory):
    summary = ticket_summary(world["staff"])
    assert summary.by_status == {TicketStatus.OPEN: 2, TicketStatus.IN_PROGRESS: 1, TicketStatus.WAITING: 0,
                                 TicketStatus.RESOLVED: 0,
                                 TicketStatus.CLOSED: 1}
    assert summary.by_priority == {Priority.LOW: 1, Priority.MEDIUM: 0, Priority.HIGH: 1, Priority.CRITICAL: 1}
    assert summary.urgent_unassigned == 2
    assert [t.title for t in summary.urgent_unassigned_tickets] == [world["d"].title, world["a"].title]
    assert [t.title for t in summary.oldest_open] == [world["d"].title, world["a"].title, world["b"].title]
    assert summary.total == 4
    with pytest.raises(Forbidden):
        ticket_summary(world["reporter"])
    globex = ticket_summary(factory.user(Role.RESPONDER, org=world["d"].org))
    assert globex.total == 1 and globex.urgent_unassigned == 1
