"""Paging: page_incident writes an Events API v2 trigger to the outbox; the worker sends it to PagerDuty."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Delivery, DeliveryState, IncidentStatus, Role
from app.models.base import utcnow
from app.outbox.delivery import deliver_due
from app.services import incidents, pagerduty, pagerduty_settings
from app.services.core.errors import NotFound, ValidationError
from tests.pagerduty.conftest import PROVIDER_KEY, deliver_slack


def pd_deliveries(db):
    return db.session.scalars(select(Delivery).where(Delivery.channel == "pagerduty").order_by(Delivery.id)).all()


def test_page_incident_queues_a_trigger_and_the_worker_sends_it(db, factory, pd_api, world):
    incident = factory.incident(reporter=world["carl"], title="API returns 500", description="Since 09:00")
    assert pagerduty.page_incident(incident.id, world["bob"], "SLA breached", source="system") is True
    (delivery,) = pd_deliveries(db)
    assert PROVIDER_KEY not in str(delivery.payload)  # the key is read when sending, never stored in the outbox
    assert delivery.payload["body"]["dedup_key"] == incident.reference
    deliver_slack()
    (event,) = pd_api.accepted("trigger")
    assert event["routing_key"] == PROVIDER_KEY and event["dedup_key"] == incident.reference
    details = event["payload"]["custom_details"]
    assert details["organization"] == "Acme Corp" and details["reason"] == "SLA breached"
    assert details["relay_link"].endswith(f"/incidents/{incident.number}")
    assert event["payload"]["severity"] == "warning" and event["payload"]["summary"].startswith(incident.reference)
    assert pd_api.incident_for(incident.reference)["status"] == "triggered"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == incident.id)).all()
    assert "paged" in actions


def test_nothing_is_paged_without_settings_or_with_paging_off(db, factory, world):
    incident = factory.incident(reporter=world["carl"])
    pagerduty_settings.save_integration(world["admin"], world["acme"].id, paging_enabled=False)
    assert pagerduty.page_incident(incident.id, None, "escalated") is False
    pagerduty_settings.delete_integration(world["admin"], world["acme"].id)
    pagerduty_settings.delete_integration(world["admin"], world["provider"].id)
    assert pagerduty.page_incident(incident.id, None, "escalated") is False
    assert pd_deliveries(db) == []


def test_page_incident_checks_who_asks_and_what_they_give(factory, world):
    incident = factory.incident(reporter=world["carl"])
    with pytest.raises(NotFound):
        pagerduty.page_incident(incident.id, world["gina"], "not my org")
    with pytest.raises(NotFound):
        pagerduty.page_incident(999_999, None, "no such incident")
    for reason in ("", "x" * 501, "a\x00b", None):
        with pytest.raises(ValidationError):
            pagerduty.page_incident(incident.id, None, reason)


def test_relay_moves_follow_to_pagerduty_but_pagerduty_moves_are_not_echoed(db, factory, pd_api, world):
    bob = world["bob"]
    incident = factory.incident(reporter=world["carl"])
    pagerduty.page_incident(incident.id, bob, "escalated")
    incidents.transition_incident(bob, incident.number, "investigating")
    incidents.transition_incident(bob, incident.number, "mitigated")
    incidents.transition_incident(bob, incident.number, "resolved")
    deliver_slack()
    assert [e["event_action"] for e in pd_api.accepted()] == ["trigger", "acknowledge", "resolve"]
    assert pd_api.incident_for(incident.reference)["status"] == "resolved"
    # A change that came from PagerDuty is not sent back.
    other = factory.incident(reporter=world["carl"])
    pagerduty.page_incident(other.id, bob, "escalated")
    incidents.transition_incident(bob, other.number, "investigating", source="pagerduty")
    deliver_slack()
    assert [e["event_action"] for e in pd_api.accepted() if e["dedup_key"] == other.reference] == ["trigger"]


def test_an_incident_never_paged_sends_nothing_when_it_moves(db, factory, world):
    incident = factory.incident(reporter=world["carl"])
    incidents.transition_incident(world["bob"], incident.number, "investigating")
    assert pd_deliveries(db) == []


def test_rate_limits_are_retried_no_sooner_than_retry_after(db, factory, pd_api, world):
    incident = factory.incident(reporter=world["carl"])
    pd_api.fail("events", 429, retry_after=600)
    pagerduty.page_incident(incident.id, None, "escalated")
    start = utcnow()
    deliver_due(now=start)
    (delivery,) = pd_deliveries(db)
    assert delivery.state == DeliveryState.PENDING and "429" in delivery.last_error
    assert delivery.next_attempt_at >= start + timedelta(seconds=600)
    assert deliver_due(now=start + timedelta(seconds=300)) == 0  # not before Retry-After
    deliver_due(now=delivery.next_attempt_at + timedelta(seconds=1))
    db.session.expire_all()
    assert pd_deliveries(db)[0].state == DeliveryState.DELIVERED and len(pd_api.accepted("trigger")) == 1


def test_pagerduty_down_is_retried_with_backoff(db, factory, pd_api, world):
    incident = factory.incident(reporter=world["carl"])
    pd_api.fail("events", 500, times=2)
    pagerduty.page_incident(incident.id, None, "escalated")
    deliver_slack()
    (delivery,) = pd_deliveries(db)
    assert delivery.state == DeliveryState.DELIVERED and delivery.attempts == 3


def test_an_invalid_routing_key_fails_for_good_visibly(client, db, factory, login_as, pd_api, slack_api, world):
    pagerduty_settings.save_integration(world["admin"], world["provider"].id, routing_keys_text="Z" * 32,
                                        service_ids="PPROVID")
    incident = factory.incident(reporter=world["carl"])
    pagerduty.page_incident(incident.id, None, "escalated")
    deliver_slack()
    (delivery,) = pd_deliveries(db)
    assert delivery.state == DeliveryState.FAILED and delivery.attempts == 1
    assert "Invalid routing key" in delivery.last_error
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == incident.id)).all()
    assert "page_failed" in actions
    login_as(world["admin"])
    page = client.get("/admin/deliveries?state=failed&channel=pagerduty").get_data(as_text=True)
    assert "Invalid routing key" in page and "incident.trigger" in page
    assert incidents.get_incident(world["bob"], incident.number).status == IncidentStatus.DETECTED
