"""An escalated ticket pages on-call through PagerDuty like an incident, and its page is resolved with it."""
from sqlalchemy import func, select

from app.models import AuditEvent, Delivery, DeliveryState, Incident, Role, TicketStatus
from app.services import pagerduty_settings, tickets
from app.services.sla_escalation import escalate_ticket
from tests.pagerduty.conftest import PROVIDER_KEY, deliver_slack
from tests.pagerduty.test_webhooks import Sender


def actions(db, ticket):
    return db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject_type == "ticket", AuditEvent.subject_id == ticket.id).order_by(AuditEvent.id)).all()


def test_an_escalated_ticket_is_paged_and_resolving_it_resolves_the_page(client, db, pd_api, factory, world):
    manager = factory.user(Role.MANAGER, org=world["provider"], email="mia@example.com", name="Mia")
    ticket = tickets.create_ticket(world["carl"], title="Invoices blank", priority="high")
    _, raised, paged = escalate_ticket(manager, ticket.number, "Acme's month-end run is blocked", "raise_and_page")
    assert raised and paged
    deliver_slack()
    (event,) = pd_api.accepted("trigger")
    assert event["routing_key"] == PROVIDER_KEY and event["dedup_key"] == ticket.reference
    assert event["payload"]["severity"] == "critical"  # now critical
    assert event["payload"]["custom_details"]["reason"] == "Escalated by Mia: Acme's month-end run is blocked"
    assert actions(db, ticket)[-3:] == ["edited", "paged", "escalated"]

    # PagerDuty's webhook about that page changes nothing in Relay and starts no incident.
    pd_incident = pd_api.incident_for(ticket.reference)
    response = Sender(client, world["provider"].slug).event("incident.triggered", pd_incident)
    assert response.status_code == 202
    deliver_slack()
    assert db.session.scalar(select(func.count()).select_from(Incident)) == 0
    assert db.session.scalar(select(Delivery.state).where(Delivery.channel == "pagerduty_webhook")) == \
        DeliveryState.DELIVERED

    tickets.transition_ticket(manager, ticket.number, TicketStatus.IN_PROGRESS)
    tickets.resolve_ticket(manager, ticket.number, "Re-ran the export")
    deliver_slack()
    assert [e["event_action"] for e in pd_api.accepted()] == ["trigger", "resolve"]
    assert pd_api.incident_for(ticket.reference)["status"] == "resolved"


def test_without_paging_nothing_is_paged_and_an_unpaged_ticket_sends_no_resolve(db, pd_api, factory, world):
    pagerduty_settings.save_integration(world["admin"], world["provider"].id, paging_enabled=False)
    manager = factory.user(Role.MANAGER, org=world["provider"])
    ticket = tickets.create_ticket(world["carl"], title="Invoices blank", priority="high")
    _, _, paged = escalate_ticket(manager, ticket.number, "Blocked", "page")
    assert not paged and "paged" not in actions(db, ticket)
    tickets.transition_ticket(manager, ticket.number, TicketStatus.IN_PROGRESS)
    tickets.resolve_ticket(manager, ticket.number, "Done")
    deliver_slack()
    assert pd_api.accepted() == []


def test_a_refused_ticket_page_goes_on_its_timeline(db, pd_api, factory, world):
    manager = factory.user(Role.MANAGER, org=world["provider"])
    ticket = tickets.create_ticket(world["carl"], title="Invoices blank", priority="low")
    pd_api.fail("events", 400, body={"status": "invalid event", "message": "Event object is invalid"})
    escalate_ticket(manager, ticket.number, "Blocked", "page")
    deliver_slack()
    assert actions(db, ticket)[-1] == "page_failed"
