"""Receiving PagerDuty webhooks (v3): verify, parse, check age, drop repeats by X-Webhook-Id, queue for the worker.

The signature is checked before the body is parsed. Queuing is one outbox row (channel
"pagerduty_webhook") whose dedup key is the webhook id, so a webhook PagerDuty delivers
again, even at the same moment, is queued once; rows about one PagerDuty incident share
an ordering key and are applied one after another. The answer is kept to one durable
commit: the decrypted secrets are cached per process, and one autocommitted INSERT ...
SELECT, on a connection lent without the pool's ping (core/unpinged.py), checks that they
are still the stored ones while it queues the row; the workers are woken after it (a
NOTIFY that commits nothing, so it waits on no disk).
"""
from datetime import datetime, timedelta, timezone
from functools import cache
import json
import re
from typing import NamedTuple

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.extensions import db
from app.models import Delivery, DeliveryState, Organization, PagerDutyIntegration
from app.models.base import utcnow
from app.outbox.wake import wake_workers
from app.services.core.errors import ValidationError
from app.services.core.unpinged import run_repeatable
from app.services.pagerduty_settings import unseal_list
from app.services.pagerduty_signatures import signature_problem

CHANNEL = "pagerduty_webhook"
HANDLED = ("incident.triggered", "incident.acknowledged", "incident.unacknowledged", "incident.resolved",
           "incident.reopened", "incident.reassigned", "incident.escalated", "incident.priority_updated",
           "incident.annotated", "incident.delegated")
WEBHOOK_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}", re.ASCII)
PD_ID = re.compile(r"[A-Z0-9]{1,20}", re.ASCII)
FUTURE_SKEW = timedelta(minutes=5)
CACHE_MAX = 1000  # organizations whose decrypted secrets a process keeps
INSERT = {"postgresql": pg_insert, "sqlite": sqlite_insert}


class Receiver(NamedTuple):
    """What answering one organization's webhook URL needs: its id, its stored secrets token, and those secrets."""

    org_id: int
    token: str | None
    secrets: tuple[str, ...]


class Unverified(Exception):
    """The webhook's signature matches none of the organization's current secrets."""


def _receivers() -> dict:
    return current_app.extensions.setdefault("relay.pagerduty_receivers", {})


def receiver_at(slug, *, fresh=False) -> Receiver | None:
    """The organization whose webhook URL this is, with its signing secrets decrypted (cached per process).

    The cache is keyed by slug and checked against the stored token by the statement that
    queues the webhook, so a secret an admin adds or removes applies to the next webhook.
    """
    if not isinstance(slug, str) or len(slug) > 60:
        return None
    cached = None if fresh else _receivers().get(slug)
    if cached is not None:
        return cached
    row = db.session.execute(select(PagerDutyIntegration.org_id, PagerDutyIntegration.webhook_secrets)
                             .join(Organization, Organization.id == PagerDutyIntegration.org_id)
                             .where(Organization.slug == slug)).first()
    db.session.rollback()
    if row is None:
        _receivers().pop(slug, None)
        return None
    receiver = Receiver(row.org_id, row.webhook_secrets, tuple(unseal_list(row.webhook_secrets)))
    if len(_receivers()) > CACHE_MAX:
        _receivers().clear()
    _receivers()[slug] = receiver
    return receiver


def verified(slug, receiver: Receiver, body: bytes, header) -> Receiver:
    """*receiver*, or its fresh settings, once the signature matches one of the secrets; Unverified if none does."""
    problem = signature_problem(body, header, receiver.secrets)
    if problem and receiver is _receivers().get(slug):  # a secret added since it was cached?
        receiver = receiver_at(slug, fresh=True) or receiver
        problem = signature_problem(body, header, receiver.secrets)
    if problem:
        raise Unverified(problem)
    return receiver


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


def accept(slug, receiver: Receiver, body: bytes, header, webhook_id, *, max_age_hours: int) -> str:
    """Verify, parse and queue a webhook: "queued", "duplicate", "ignored" (an event Relay does not use) or "gone".

    Unverified when the signature matches no current secret, ValidationError for a bad
    event. Checking the signature comes first; the body is read only after it.
    """
    receiver = verified(slug, receiver, body, header)
    row = _row(receiver, body, webhook_id, max_age_hours)
    if row is None:  # nothing to queue: make sure the secret that verified it is still current
        receiver = verified(slug, receiver_at(slug, fresh=True) or Receiver(0, None, ()), body, header)
        return "ignored"
    outcome = _queue_once(slug, receiver, row)
    if outcome != "changed":
        return outcome
    receiver = receiver_at(slug, fresh=True)  # the settings changed since they were cached: again, with them
    if receiver is None:
        return "gone"
    return _queue_once(slug, verified(slug, receiver, body, header), row)


def _row(receiver: Receiver, body: bytes, webhook_id, max_age_hours) -> dict | None:
    """The outbox row for a verified webhook, or None for an event Relay does not use."""
    event = parse(body)
    if event["event_type"] not in HANDLED:
        return None  # pagey.ping, service.* and the rest
    moment = occurred_at(event["occurred_at"])
    now = utcnow()
    if moment < now - timedelta(hours=max_age_hours) or moment > now + FUTURE_SKEW:
        raise ValidationError("The event is stale (its occurred_at is too far from now).")
    webhook_id = webhook_id if isinstance(webhook_id, str) and WEBHOOK_ID.fullmatch(webhook_id) else None
    if webhook_id is None:
        raise ValidationError("The webhook has no usable X-Webhook-Id.")
    pd_incident = incident_id(event["data"])
    return dict(channel=CHANNEL, kind=event["event_type"], recipient=f"PagerDuty incident {pd_incident}",
                payload={"org_id": receiver.org_id, "webhook_id": webhook_id, "event": event},
                dedup_key=f"pagerduty:webhook:{webhook_id}",
                # A note waits for its incident by retrying, so it must not hold up the events behind it.
                ordering_key=None if event["data"].get("type") == "incident_note" else
                f"pagerduty:pd-incident:{pd_incident}")


QUEUED_FIELDS = ("channel", "kind", "recipient", "payload", "dedup_key", "ordering_key", "state", "attempts",
                 "next_attempt_at", "created_at")


@cache
def _queue_statement(dialect: str):
    """INSERT the row SELECTed from the settings as cached; the unique webhook id drops a repeat (built once)."""
    columns = Delivery.__table__.c
    source = (select(*(bindparam(name, type_=columns[name].type) for name in QUEUED_FIELDS))
              .select_from(PagerDutyIntegration).join(Organization, Organization.id == PagerDutyIntegration.org_id)
              .where(Organization.slug == bindparam("slug"), PagerDutyIntegration.org_id == bindparam("org_id"),
                     PagerDutyIntegration.webhook_secrets == bindparam("token")))
    return (INSERT[dialect](Delivery).from_select(list(QUEUED_FIELDS), source)
            .on_conflict_do_nothing(index_elements=["dedup_key"]).returning(Delivery.id))


def _queue_once(slug, receiver: Receiver, row) -> str:
    """Queue the outbox row in one autocommitted statement: "queued", "duplicate", or "changed" settings.

    The row is selected from the organization's settings as they were cached, so nothing is
    queued once they have changed; the webhook id's unique key drops a repeat, even one
    arriving at the same moment, which also makes the statement safe to run again.
    """
    now = utcnow()
    values = {**row, "state": DeliveryState.PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now,
              "slug": slug, "org_id": receiver.org_id, "token": receiver.token}

    def queue(connection):
        if connection.execute(_queue_statement(connection.dialect.name), values).first() is not None:
            wake_workers(connection)
            return "queued"
        current = connection.execute(select(PagerDutyIntegration.webhook_secrets).join(
            Organization, Organization.id == PagerDutyIntegration.org_id).where(
            Organization.slug == slug, PagerDutyIntegration.org_id == receiver.org_id)).first()
        return "duplicate" if current is not None and current.webhook_secrets == receiver.token else "changed"

    return run_repeatable(queue)
