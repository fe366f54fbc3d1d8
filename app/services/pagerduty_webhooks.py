"""Receiving PagerDuty webhooks (v3): parse, check age, drop repeats by X-Webhook-Id, queue for the worker.

The route has verified the signature before anything here reads the body. Queuing is
one outbox row (channel "pagerduty_webhook") whose dedup key is the webhook id, so a
webhook PagerDuty delivers again, even at the same moment, is queued once; rows about
one PagerDuty incident share an ordering key and are applied one after another.
"""
from datetime import datetime, timedelta, timezone
import json
import re

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Delivery, Organization, PagerDutyIntegration
from app.models.base import utcnow
from app.outbox import enqueue
from app.services.core.errors import ValidationError
from app.services.pagerduty_settings import webhook_secrets

CHANNEL = "pagerduty_webhook"
HANDLED = ("incident.triggered", "incident.acknowledged", "incident.unacknowledged", "incident.resolved",
           "incident.reopened", "incident.reassigned", "incident.escalated", "incident.priority_updated",
           "incident.annotated", "incident.delegated")
WEBHOOK_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}", re.ASCII)
PD_ID = re.compile(r"[A-Z0-9]{1,20}", re.ASCII)
FUTURE_SKEW = timedelta(minutes=5)


def integration_at(slug) -> PagerDutyIntegration | None:
    """The settings of the organization whose webhook URL this is."""
    if not isinstance(slug, str) or len(slug) > 60:
        return None
    return db.session.scalar(select(PagerDutyIntegration).join(Organization, Organization.id == PagerDutyIntegration.org_id)
                             .where(Organization.slug == slug))


def secrets_of(integration) -> list[str]:
    return webhook_secrets(integration)


def occurred_at(value) -> datetime:
    """PagerDuty's occurred_at (ISO 8601, e.g. 2021-04-26T17:36:27.458Z) as naive UTC."""
    if not isinstance(value, str) or len(value) > 40:
        raise ValidationError({"occurred_at": "The event has no occurred_at."})
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError({"occurred_at": "The event's occurred_at is not a time."})
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def parse(body: bytes) -> dict:
    """The event in a webhook body, checked for the shape Relay relies on."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The webhook body is not JSON.")
    event = document.get("event") if isinstance(document, dict) else None
    if not isinstance(event, dict) or not isinstance(event.get("event_type"), str):
        raise ValidationError("The webhook has no event.")
    if event["event_type"] not in HANDLED:
        return event
    if incident_id(event.get("data")) is None:
        raise ValidationError("The event names no PagerDuty incident.")
    occurred_at(event.get("occurred_at"))
    return event


def incident_id(data) -> str | None:
    """The PagerDuty incident an event is about: its data, or (a note) the incident the data refers to."""
    if isinstance(data, dict) and data.get("type") == "incident_note":
        data = data.get("incident")
    if not isinstance(data, dict) or data.get("type") not in (None, "incident", "incident_reference"):
        return None
    value = data.get("id")
    return value if isinstance(value, str) and PD_ID.fullmatch(value) else None


def receive(integration, body: bytes, webhook_id, *, max_age_hours: int) -> str:
    """Queue a verified webhook for the worker: "queued", "duplicate" or "ignored" (an event Relay does not use)."""
    event = parse(body)
    if event["event_type"] not in HANDLED:
        return "ignored"  # pagey.ping, service.* and the rest
    moment = occurred_at(event["occurred_at"])
    now = utcnow()
    if moment < now - timedelta(hours=max_age_hours) or moment > now + FUTURE_SKEW:
        raise ValidationError("The event is stale (its occurred_at is too far from now).")
    webhook_id = webhook_id if isinstance(webhook_id, str) and WEBHOOK_ID.fullmatch(webhook_id) else None
    if webhook_id is None:
        raise ValidationError("The webhook has no usable X-Webhook-Id.")
    pd_incident = incident_id(event["data"])
    row = dict(channel=CHANNEL, kind=event["event_type"], recipient=f"PagerDuty incident {pd_incident}",
               payload={"org_id": integration.org_id, "webhook_id": webhook_id, "event": event},
               dedup_key=f"pagerduty:webhook:{webhook_id}",
               # A note waits for its incident by retrying, so it must not hold up the events behind it.
               ordering_key=None if event["data"].get("type") == "incident_note" else
               f"pagerduty:pd-incident:{pd_incident}")
    return "queued" if _queue_once(row) else "duplicate"


def _queue_once(row) -> bool:
    """Insert the outbox row unless its dedup key is there already (one statement on PostgreSQL); commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        inserted = db.session.scalar(pg_insert(Delivery).values(**row, next_attempt_at=utcnow(), created_at=utcnow())
                                     .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Delivery.id))
        db.session.commit()
        return inserted is not None
    delivery = enqueue(**row)
    if delivery not in db.session.new:  # queued before, by an earlier delivery of the same webhook
        db.session.rollback()
        return False
    try:
        db.session.commit()
    except IntegrityError:  # the same webhook, arriving at the same moment, was queued by another request
        db.session.rollback()
        return False
    return True
